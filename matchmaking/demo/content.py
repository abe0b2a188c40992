"""Deterministic demo content: organisations, technology needs (需求) and research results (成果).

Pure Python on purpose (no Django): the demo loader turns these dicts into model rows, and the
tests check the content itself without a database.

What is here
------------
* ``ENTERPRISES`` (40), ``INSTITUTIONS`` (25), ``STATIONS`` (4): fixed tables.
* ``generate_needs(seed)`` (200) and ``generate_results(seed)`` (400): built from topic
  templates x the enterprises' real local products, with ``random.Random(seed)`` only, so the
  same seed always gives the same content (dates are day offsets, never "now").
* ``intended_pairs(seed)``: the (need key, result key) pairs where a result was written to solve
  that need. Handy to eyeball the matcher on the demo; NOT an evaluation set.

How the texts are made
----------------------
Each topic (one or two per child category) carries two voices: the colloquial way a
co-operative manager describes a problem (local produce names such as 洋芋 for 马铃薯, numbers,
no jargon) and the academic/patent way a research team describes a solution. A need and a
result built from the same topic and product really answer each other while sharing few words,
which is exactly the gap the matcher has to bridge. Look-alike results (same product, other
problem; or same problem, other product, or not serving the need's province) are added on
purpose so that ranking has something to get wrong.
"""

from __future__ import annotations

import random
from typing import Any

from accounts.validation import patent_check_char

__all__ = [
    "CATEGORY_TREE",
    "ENTERPRISES",
    "INSTITUTIONS",
    "NEED_STATUS_SHARES",
    "PRODUCTS",
    "RESULT_STATUS_SHARES",
    "STATIONS",
    "TEAM_FIELDS",
    "TRANSFER_MODES",
    "generate_needs",
    "generate_results",
    "intended_pairs",
]

N_NEEDS = 200
N_RESULTS = 400

# Target shares; the generators hit them exactly (quotas, then shuffled), so any seed gives
# the same distribution and only which item gets which status changes.
NEED_STATUS_SHARES = {
    "draft": 0.10,
    "open": 0.60,
    "in_progress": 0.10,
    "fulfilled": 0.08,
    "closed": 0.08,
    "expired": 0.04,
}
RESULT_STATUS_SHARES = {"draft": 0.08, "listed": 0.75, "transferred": 0.10, "withdrawn": 0.07}

TRANSFER_MODES = ("license", "assignment", "joint_development", "technical_service", "equity")

# =============================================================================== products
# name -> (kind, colloquial aliases). The kind decides which topics make sense for a product
# (nobody pre-cools 黑茶); the aliases are what farmers write in needs, while results always
# use the standard name.
PRODUCTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "银球茶": ("tea", ("雷山茶",)),
    "天麻": ("herb", ()),
    "蓝莓": ("fruit", ("蓝莓果",)),
    "蓝莓果干": ("processed", ()),
    "锌硒米": ("grain", ("大米",)),
    "太子参": ("herb", ("孩儿参",)),
    "头花蓼": ("herb", ("石莽草",)),
    "苗家腊肉": ("meat", ("腊肉",)),
    "鱼酱": ("processed", ("苗家鱼酱",)),
    "红酸汤": ("processed", ("酸汤",)),
    "红心猕猴桃": ("fruit", ("猕猴桃", "红心果")),
    "金艳猕猴桃": ("fruit", ("猕猴桃", "黄心猕猴桃")),
    "蒲江雀舌": ("tea", ("雀舌", "春茶")),
    "丑柑": ("fruit", ("丑橘",)),
    "东坡泡菜": ("processed", ("泡菜",)),
    "萝卜干": ("processed", ()),
    "泡青菜": ("processed", ("酸菜",)),
    "爱媛果冻橙": ("fruit", ("果冻橙",)),
    "不知火": ("fruit", ("丑柑",)),
    "马铃薯": ("veg", ("洋芋", "土豆")),
    "脱毒种薯": ("veg", ("种洋芋", "种薯")),
    "洋芋粉条": ("processed", ("粉条",)),
    "黄芪": ("herb", ()),
    "党参": ("herb", ()),
    "当归": ("herb", ("鲜归",)),
    "当归片": ("processed", ()),
    "赣南脐橙": ("fruit", ("脐橙", "橙子")),
    "百香果": ("fruit", ()),
    "红薯干": ("processed", ("地瓜干",)),
    "信丰红瓜子": ("grain", ("红瓜子",)),
    "黑米": ("grain", ()),
    "有机大米": ("grain", ("大米",)),
    "洛川苹果": ("fruit", ("苹果",)),
    "苹果脆片": ("processed", ()),
    "柿饼": ("processed", ("柿子饼",)),
    "富平尖柿": ("fruit", ("柿子",)),
    "三七": ("herb", ("田七",)),
    "三七花": ("herb", ()),
    "三七粉": ("processed", ()),
    "小粒咖啡": ("tea", ("咖啡豆", "咖啡")),
    "普洱茶": ("tea", ("普洱",)),
    "鲜切玫瑰": ("flower", ("玫瑰", "鲜花")),
    "康乃馨": ("flower", ("鲜花",)),
    "干花": ("processed", ()),
    "枸杞": ("herb", ("红枸杞",)),
    "枸杞原浆": ("processed", ()),
    "滩羊肉": ("meat", ("羊肉",)),
    "羊排": ("meat", ()),
    "库尔勒香梨": ("fruit", ("香梨",)),
    "冰糖心苹果": ("fruit", ("苹果",)),
    "核桃": ("grain", ()),
    "茉莉花茶": ("processed", ("花茶",)),
    "茉莉花": ("flower", ("茉莉",)),
    "芒果": ("fruit", ()),
    "台农芒": ("fruit", ("芒果",)),
    "安化黑茶": ("tea", ("黑茶",)),
    "千两茶": ("tea", ()),
    "茯砖茶": ("tea", ("茯茶",)),
    "炎陵黄桃": ("fruit", ("黄桃",)),
    "恩施玉露": ("tea", ("玉露茶",)),
    "富硒茶": ("tea", ("硒茶",)),
    "小龙虾": ("aquatic", ("龙虾", "虾子")),
    "冻虾仁": ("aquatic", ("虾仁",)),
    "香菇": ("mushroom", ("菇子",)),
    "花菇": ("mushroom", ("香菇",)),
    "铁棍山药": ("veg", ("山药",)),
    "山药粉": ("processed", ()),
    "榨菜": ("processed", ()),
    "青菜头": ("veg", ("榨菜头",)),
    "石柱辣椒": ("veg", ("辣椒", "海椒")),
    "干辣椒": ("processed", ("干海椒",)),
    "辣椒酱": ("processed", ()),
    "软籽石榴": ("fruit", ("石榴",)),
    "青稞": ("grain", ()),
    "青稞麦片": ("processed", ()),
    "敖汉小米": ("grain", ("小米",)),
    "荞麦": ("grain", ()),
    "玉露香梨": ("fruit", ("香梨", "梨")),
    "砀山酥梨": ("fruit", ("酥梨", "梨子")),
    "梨膏": ("processed", ("梨膏糖",)),
}

# The academic umbrella term for each kind ({G} in result templates).
KIND_GROUP = {
    "fruit": "鲜食水果",
    "veg": "蔬菜",
    "tea": "茶叶",
    "grain": "杂粮",
    "meat": "畜产品",
    "aquatic": "水产品",
    "herb": "中药材",
    "mushroom": "食用菌",
    "flower": "鲜切花",
    "processed": "特色农产品",
}

# ============================================================================ organisations
# fmt: off
ENTERPRISES: list[dict[str, Any]] = [
    # --- 黔东南 (station s01: 雷山 522634, 麻江 522635, 施秉 522623)
    {"key": "e01", "name": "雷山县银球茶电商专业合作社", "region_code": "522634",
     "contact_name": "杨秀英", "phone": "13885512345",
     "description": "雷山银球茶的种植、加工与网上销售，社员 86 户，茶园 1200 亩，"
                    "主要在淘宝和抖音小店卖茶。",
     "products": ["银球茶", "天麻"], "verified": True},
    {"key": "e02", "name": "麻江县蓝梦蓝莓种植专业合作社", "region_code": "522635",
     "contact_name": "龙光明", "phone": "13908557321",
     "description": "麻江蓝莓基地 800 亩，鲜果 6–8 月上市，通过拼多多和微信社群卖鲜果和蓝莓果干。",
     "products": ["蓝莓", "蓝莓果干"], "verified": True},
    {"key": "e03", "name": "施秉县太子参电子商务有限公司", "region_code": "522623",
     "contact_name": "潘志华", "phone": "0855-4221368",
     "description": "收购加工施秉太子参和头花蓼，年网销额约 600 万元，京东和天猫都有店。",
     "products": ["太子参", "头花蓼"], "verified": True},
    {"key": "e04", "name": "雷山县西江苗寨土特产网店", "region_code": "522634",
     "contact_name": "侯玉梅", "phone": "15185561234",
     "description": "西江千户苗寨的家庭网店，卖苗家腊肉、鱼酱和红酸汤，"
                    "旺季一天发两三百单，全靠快手直播。",
     "products": ["苗家腊肉", "鱼酱", "红酸汤"], "verified": False},
    {"key": "e05", "name": "麻江县乡村快递共配物流有限公司", "region_code": "522635",
     "contact_name": "吴德明", "phone": "0855-2623579",
     "description": "麻江县快递共同配送企业，整合 5 家快递品牌，每天进出件约 8000 件，"
                    "覆盖 68 个行政村，也给蓝莓基地做冷链运输。",
     "products": ["快递进村共同配送", "农产品冷链运输"], "verified": True},
    # --- 成都蒲江 / 眉山 (station s02)
    {"key": "e06", "name": "蒲江县鹤山猕猴桃专业合作社", "region_code": "510131",
     "contact_name": "王德林", "phone": "13881912345",
     "description": "红心猕猴桃和金艳猕猴桃 2300 亩，九月开始采摘，电商发货占六成，"
                    "卖到广州、上海的最多。",
     "products": ["红心猕猴桃", "金艳猕猴桃"], "verified": True},
    {"key": "e07", "name": "蒲江县雀舌茶叶网络销售有限公司", "region_code": "510131",
     "contact_name": "张琳", "phone": "028-88551234",
     "description": "蒲江雀舌春茶和丑柑的网上销售，天猫店加抖音直播，年销售额约 1500 万元。",
     "products": ["蒲江雀舌", "丑柑"], "verified": True},
    {"key": "e08", "name": "眉山市东坡区泡菜食品加工厂", "region_code": "511402",
     "contact_name": "刘建军", "phone": "028-38112345",
     "description": "东坡泡菜和萝卜干的加工厂，年加工蔬菜 1.2 万吨，"
                    "给电商客户和社区团购代工小包装。",
     "products": ["东坡泡菜", "萝卜干", "泡青菜"], "verified": True},
    {"key": "e09", "name": "丹棱县周家果冻橙家庭农场", "region_code": "511424",
     "contact_name": "周小平", "phone": "13990312345",
     "description": "种了 180 亩爱媛果冻橙和不知火，自己在抖音拍视频卖，冬季集中出货。",
     "products": ["爱媛果冻橙", "不知火"], "verified": True},
    # --- 定西 (station s03: 安定区, 陇西, 岷县)
    {"key": "e10", "name": "定西市安定区洋芋种薯专业合作社", "region_code": "621102",
     "contact_name": "马国栋", "phone": "0932-8212345",
     "description": "种植马铃薯（洋芋）5000 亩，也做脱毒种薯和粉条，冬天靠窖藏错峰卖。",
     "products": ["马铃薯", "脱毒种薯", "洋芋粉条"], "verified": True},
    {"key": "e11", "name": "陇西县首阳中药材电子商务有限公司", "region_code": "621122",
     "contact_name": "李文斌", "phone": "13919312345",
     "description": "在首阳中药材市场收购黄芪、党参，切片包装后在天猫和 1688 上卖，"
                    "年销售约 2000 万元。",
     "products": ["黄芪", "党参"], "verified": True},
    {"key": "e12", "name": "岷县梅川当归种植专业合作社", "region_code": "621126",
     "contact_name": "赵永红", "phone": "15009321234",
     "description": "岷县当归 1500 亩，社员 210 户，鲜归和当归片主要卖给药企，网店刚开。",
     "products": ["当归", "当归片"], "verified": False},
    # --- 赣南 (station s04: 寻乌, 安远, 信丰)
    {"key": "e13", "name": "寻乌县澄江镇橙乡网店", "region_code": "360734",
     "contact_name": "钟伟", "phone": "13879712345",
     "description": "澄江镇淘宝村的网店，卖寻乌脐橙和百香果，双十一前后一天要发 3000 单。",
     "products": ["赣南脐橙", "百香果"], "verified": True},
    {"key": "e14", "name": "安远县三百山农产品电商有限公司", "region_code": "360726",
     "contact_name": "欧阳明", "phone": "0797-3721234",
     "description": "做赣南脐橙和红薯干的网店，自有分拣车间，年发货 60 万件。",
     "products": ["赣南脐橙", "红薯干"], "verified": True},
    {"key": "e15", "name": "信丰县脐橙分选包装厂", "region_code": "360722",
     "contact_name": "谢国华", "phone": "0797-3351234",
     "description": "为周边果农和电商代分选、打蜡、包装脐橙，有一条光电分选线，"
                    "旺季日处理 200 吨，也收购加工红瓜子。",
     "products": ["赣南脐橙", "信丰红瓜子"], "verified": True},
    # --- 陕西
    {"key": "e16", "name": "洋县朱鹮有机米专业合作社", "region_code": "610723",
     "contact_name": "王建平", "phone": "0916-8212345",
     "description": "朱鹮栖息地的有机水稻和黑米 3000 亩，有有机认证，靠网店和企业团购卖。",
     "products": ["黑米", "有机大米"], "verified": True},
    {"key": "e17", "name": "洛川县果乡苹果专业合作社", "region_code": "610629",
     "contact_name": "屈红军", "phone": "13709112345",
     "description": "洛川苹果 4000 亩，冷库能放 3000 吨，主要走京东、拼多多和社区团购，"
                    "也做苹果脆片。",
     "products": ["洛川苹果", "苹果脆片"], "verified": True},
    {"key": "e18", "name": "富平县庄里柿饼网络科技有限公司", "region_code": "610528",
     "contact_name": "孙丽娟", "phone": "13891312345",
     "description": "用富平尖柿做柿饼，晾晒加工后网店销售，冬季三个月集中出货约 40 万斤。",
     "products": ["柿饼", "富平尖柿"], "verified": True},
    # --- 云南
    {"key": "e19", "name": "文山市七花三七网络销售有限公司", "region_code": "532601",
     "contact_name": "陆建华", "phone": "0876-2112345",
     "description": "三七粉、三七花和三七切片的线上销售，和 GAP 种植基地合作，"
                    "主要平台是天猫和抖音。",
     "products": ["三七", "三七花", "三七粉"], "verified": True},
    {"key": "e20", "name": "普洱云岭咖啡贸易有限公司", "region_code": "530802",
     "contact_name": "李思远", "phone": "0879-2212345",
     "description": "普洱小粒咖啡生豆和烘焙豆，出口韩国和欧洲，也在跨境平台零售，年出口约 300 吨。",
     "products": ["小粒咖啡", "普洱茶"], "verified": True},
    {"key": "e21", "name": "昆明斗南鲜切花电商有限公司", "region_code": "530114",
     "contact_name": "张晓雯", "phone": "13888112345",
     "description": "在斗南花市拿货，玫瑰、康乃馨鲜切花和干花网上零售，日发 5000 件，"
                    "最怕路上失水。",
     "products": ["鲜切玫瑰", "康乃馨", "干花"], "verified": True},
    # --- 宁夏 / 新疆
    {"key": "e22", "name": "中宁县杞乡枸杞专业合作社", "region_code": "640521",
     "contact_name": "马玉梅", "phone": "13995512345",
     "description": "中宁枸杞 2600 亩，制干后卖干果，也做枸杞原浆，网店和批发各占一半。",
     "products": ["枸杞", "枸杞原浆"], "verified": True},
    {"key": "e23", "name": "盐池县滩羊肉电商有限公司", "region_code": "640323",
     "contact_name": "冯志刚", "phone": "0953-6012345",
     "description": "盐池滩羊肉分割冷冻后网上卖，合作养殖户 150 户，春节前是旺季。",
     "products": ["滩羊肉", "羊排"], "verified": True},
    {"key": "e24", "name": "库尔勒丝路香梨进出口有限公司", "region_code": "652801",
     "contact_name": "艾力·买买提", "phone": "0996-2012345",
     "description": "库尔勒香梨收购、冷藏与出口，出口东南亚和中东，国内也走电商平台。",
     "products": ["库尔勒香梨"], "verified": True},
    {"key": "e25", "name": "阿克苏市冰糖心苹果家庭农场", "region_code": "652901",
     "contact_name": "古丽米拉·吐尔逊", "phone": "13899712345",
     "description": "种 120 亩冰糖心苹果和 60 亩核桃，自己开网店，每年 11 月发货最集中。",
     "products": ["冰糖心苹果", "核桃"], "verified": False},
    # --- 广西
    {"key": "e26", "name": "横州市茉莉花茶电商有限公司", "region_code": "450181",
     "contact_name": "黄丽萍", "phone": "0771-7212345",
     "description": "收购横州茉莉鲜花窨制花茶，也卖茉莉干花，天猫店和出口各占一块。",
     "products": ["茉莉花茶", "茉莉花"], "verified": True},
    {"key": "e27", "name": "百色市田阳区芒果专业合作社", "region_code": "451003",
     "contact_name": "农建新", "phone": "13977612345",
     "description": "田阳芒果 1800 亩，台农和贵妃芒，七八月集中上市，运输中软烂是老问题。",
     "products": ["芒果", "台农芒"], "verified": True},
    # --- 湖南 / 湖北
    {"key": "e28", "name": "安化县梅山黑茶网络销售有限公司", "region_code": "430923",
     "contact_name": "谌国强", "phone": "0737-7212345",
     "description": "千两茶和茯砖茶的生产和网上销售，有 2 条压制生产线，抖音直播卖茶。",
     "products": ["安化黑茶", "千两茶", "茯砖茶"], "verified": True},
    {"key": "e29", "name": "炎陵县黄桃种植专业合作社", "region_code": "430225",
     "contact_name": "刘春华", "phone": "13974112345",
     "description": "炎陵黄桃 1500 亩，七月底到八月中上市，快递发货坏果率一度到 15%。",
     "products": ["炎陵黄桃"], "verified": True},
    {"key": "e30", "name": "恩施市硒茶电商专业合作社", "region_code": "422801",
     "contact_name": "向红梅", "phone": "0718-8212345",
     "description": "恩施玉露和富硒绿茶，茶园 900 亩，线上靠直播和企业微信老客户复购。",
     "products": ["恩施玉露", "富硒茶"], "verified": True},
    {"key": "e31", "name": "潜江市虾乡冷链物流有限公司", "region_code": "429005",
     "contact_name": "周建军", "phone": "0728-6212345",
     "description": "小龙虾和虾仁的冷链配送，12 辆冷藏车，给电商和餐饮发活虾与冻品。",
     "products": ["小龙虾", "冻虾仁"], "verified": True},
    # --- 河南
    {"key": "e32", "name": "西峡县香菇网络科技有限公司", "region_code": "411323",
     "contact_name": "王海涛", "phone": "0377-6961234",
     "description": "西峡花菇和干香菇的烘干、分级和网上销售，合作菇农 400 户，出口和电商都做。",
     "products": ["香菇", "花菇"], "verified": True},
    {"key": "e33", "name": "温县铁棍山药家庭农场", "region_code": "410825",
     "contact_name": "李红军", "phone": "15939112345",
     "description": "种 150 亩铁棍山药，挖出来直接网上卖鲜山药和山药粉，冬天是旺季。",
     "products": ["铁棍山药", "山药粉"], "verified": False},
    # --- 重庆
    {"key": "e34", "name": "重庆市涪陵区青菜头榨菜加工厂", "region_code": "500102",
     "contact_name": "陈志勇", "phone": "023-72212345",
     "description": "收购青菜头加工榨菜，年加工 8000 吨，给电商客户做小袋装和定制包装。",
     "products": ["榨菜", "青菜头"], "verified": True},
    {"key": "e35", "name": "石柱县红辣椒种植专业合作社", "region_code": "500240",
     "contact_name": "谭小兵", "phone": "13896712345",
     "description": "石柱红辣椒 2000 亩，鲜椒、干辣椒和辣椒酱都卖，拼多多店去年卖了 300 万元。",
     "products": ["石柱辣椒", "干辣椒", "辣椒酱"], "verified": True},
    # --- 四川凉山 / 青海 / 内蒙古 / 山西 / 安徽
    {"key": "e36", "name": "会理市软籽石榴电商专业合作社", "region_code": "513402",
     "contact_name": "杨成斌", "phone": "0834-5612345",
     "description": "会理软籽石榴 2200 亩，九月上市，电商发货最怕压伤裂果。",
     "products": ["软籽石榴"], "verified": True},
    {"key": "e37", "name": "互助县高原青稞家庭农场", "region_code": "630223",
     "contact_name": "祁永福", "phone": "13897212345",
     "description": "种 300 亩青稞，自己磨青稞面、做青稞麦片，在微信群和小程序卖。",
     "products": ["青稞", "青稞麦片"], "verified": False},
    {"key": "e38", "name": "敖汉旗小米电子商务有限公司", "region_code": "150430",
     "contact_name": "白云峰", "phone": "0476-4312345",
     "description": "敖汉旱作小米收购加工和网上销售，有真空小包装线，年销 1500 吨。",
     "products": ["敖汉小米", "荞麦"], "verified": True},
    {"key": "e39", "name": "隰县玉露香梨专业合作社", "region_code": "141031",
     "contact_name": "贺晓东", "phone": "13835712345",
     "description": "隰县玉露香梨 1600 亩，有 2 座气调库，网上和社区团购卖，最头疼的是分级。",
     "products": ["玉露香梨"], "verified": True},
    {"key": "e40", "name": "砀山县良梨镇梨膏网店", "region_code": "341321",
     "contact_name": "张梅", "phone": "15955712345",
     "description": "良梨镇淘宝村的夫妻网店，卖砀山酥梨和自家熬的梨膏，冬天梨膏一天上千单。",
     "products": ["砀山酥梨", "梨膏"], "verified": False},
]

INSTITUTIONS: list[dict[str, Any]] = [
    # --- eastern cities (i01-i17)
    {"key": "i01", "name": "华东农业科技大学食品工程学院", "region_code": "330106",
     "contact_name": "陈建国", "phone": "0571-88206123",
     "description": "农产品产地加工、冷链保鲜与质量追溯方向的研究团队。",
     "teams": [{"team": "农产品冷链物流课题组", "lead": "陈建国"},
               {"team": "果蔬采后保鲜课题组", "lead": "林晓燕"},
               {"team": "农产品质量安全追溯课题组", "lead": "徐明"}]},
    {"key": "i02", "name": "北方农业信息科学研究院农业物联网研究中心", "region_code": "110108",
     "contact_name": "赵立新", "phone": "010-62731234",
     "description": "农业传感器、设施农业智能控制与低空遥感的研发与示范。",
     "teams": [{"team": "农业传感器课题组", "lead": "赵立新"},
               {"team": "设施农业智能控制课题组", "lead": "孙浩"},
               {"team": "遥感与植保无人机课题组", "lead": "郭晨"}]},
    {"key": "i03", "name": "京华理工大学计算机学院", "region_code": "110105",
     "contact_name": "王磊", "phone": "010-65781234",
     "description": "推荐系统、自然语言处理与可信计算，近年面向农村电商开展应用研究。",
     "teams": [{"team": "推荐系统与数据挖掘实验室", "lead": "王磊"},
               {"team": "自然语言处理课题组", "lead": "刘洋"},
               {"team": "区块链与可信计算课题组", "lead": "张伟"}]},
    {"key": "i04", "name": "首都冷链物流技术研究院", "region_code": "110106",
     "contact_name": "高志远", "phone": "010-63821234",
     "description": "冷库节能、冷链运输监控与冷链标准研究，承担多项冷链物流示范项目。",
     "teams": [{"team": "冷库节能技术课题组", "lead": "高志远"},
               {"team": "冷链运输监控课题组", "lead": "马丽"}]},
    {"key": "i05", "name": "之江数字经济学院电子商务研究所", "region_code": "330108",
     "contact_name": "沈佳", "phone": "0571-86871234",
     "description": "直播电商、私域运营与电商数据分析，与多家平台共建实验室。",
     "teams": [{"team": "直播电商研究中心", "lead": "沈佳"},
               {"team": "私域运营与用户增长课题组", "lead": "钱伟"},
               {"team": "电商数据分析课题组", "lead": "何小川"}]},
    {"key": "i06", "name": "金陵农业工程大学工学院", "region_code": "320102",
     "contact_name": "吴俊", "phone": "025-84391234",
     "description": "农产品产后分级、干燥装备与农业机器人研发。",
     "teams": [{"team": "农产品分级装备课题组", "lead": "吴俊"},
               {"team": "干燥工程课题组", "lead": "周文"},
               {"team": "农业机器人课题组", "lead": "蒋涛"}]},
    {"key": "i07", "name": "江南食品科学研究院", "region_code": "320211",
     "contact_name": "钱红", "phone": "0510-85911234",
     "description": "果蔬加工、发酵食品与食品包装技术的研发和中试。",
     "teams": [{"team": "果蔬加工课题组", "lead": "钱红"},
               {"team": "发酵食品课题组", "lead": "唐敏"},
               {"team": "食品包装课题组", "lead": "许强"}]},
    {"key": "i08", "name": "沪东海事物流大学供应链研究院", "region_code": "310115",
     "contact_name": "黄海峰", "phone": "021-38281234",
     "description": "智能仓储、物流网络优化与快递末端配送研究。",
     "teams": [{"team": "智能仓储课题组", "lead": "黄海峰"},
               {"team": "物流网络优化课题组", "lead": "朱琳"},
               {"team": "快递末端配送课题组", "lead": "冯强"}]},
    {"key": "i09", "name": "申江信息技术大学人工智能学院", "region_code": "310112",
     "contact_name": "杨帆", "phone": "021-54741234",
     "description": "对话系统、语音技术与计算机视觉，服务电商客服与农产品质检场景。",
     "teams": [{"team": "智能客服与对话系统实验室", "lead": "杨帆"},
               {"team": "语音技术课题组", "lead": "邱峰"},
               {"team": "计算机视觉课题组", "lead": "韩雪"}]},
    {"key": "i10", "name": "岭南农业科技大学园艺学院", "region_code": "440106",
     "contact_name": "梁志强", "phone": "020-85281234",
     "description": "热带亚热带果树栽培、病虫害防控与采后生物学。",
     "teams": [{"team": "热带果树栽培课题组", "lead": "梁志强"},
               {"team": "果树病虫害防控课题组", "lead": "陈慧"},
               {"team": "采后生物学课题组", "lead": "罗明"}]},
    {"key": "i11", "name": "南粤电子商务职业技术学院直播电商产业学院", "region_code": "440111",
     "contact_name": "李婷", "phone": "020-86171234",
     "description": "主播培训、短视频创作与网店运营实训，常年为中西部县域送教上门。",
     "teams": [{"team": "主播培训中心", "lead": "李婷"},
               {"team": "短视频创作工作室", "lead": "郑浩"},
               {"team": "网店运营实训中心", "lead": "黄丽"}]},
    {"key": "i12", "name": "齐鲁农业工程大学农业装备研究所", "region_code": "370112",
     "contact_name": "孔德明", "phone": "0531-88361234",
     "description": "水肥一体化、智能温室与畜牧养殖装备的研发和推广。",
     "teams": [{"team": "水肥一体化装备课题组", "lead": "孔德明"},
               {"team": "智能温室装备课题组", "lead": "刘涛"},
               {"team": "畜牧装备课题组", "lead": "王刚"}]},
    {"key": "i13", "name": "黄海食品与包装研究院", "region_code": "370212",
     "contact_name": "于海洋", "phone": "0532-88961234",
     "description": "生鲜包装材料与水产品加工保鲜技术。",
     "teams": [{"team": "生鲜包装材料课题组", "lead": "于海洋"},
               {"team": "水产品加工课题组", "lead": "曲波"}]},
    {"key": "i14", "name": "闽江茶业科学研究所", "region_code": "350104",
     "contact_name": "林国华", "phone": "0591-83761234",
     "description": "茶叶加工工艺、品质检测与茶叶品牌研究。",
     "teams": [{"team": "茶叶加工工艺课题组", "lead": "林国华"},
               {"team": "茶叶品质检测课题组", "lead": "黄燕"}]},
    {"key": "i15", "name": "津沽区块链与数字信任研究院", "region_code": "120116",
     "contact_name": "郑凯", "phone": "022-65281234",
     "description": "农产品溯源与联盟链平台，为地理标志产品提供可信数据服务。",
     "teams": [{"team": "农产品溯源课题组", "lead": "郑凯"},
               {"team": "联盟链平台课题组", "lead": "田雨"}]},
    {"key": "i16", "name": "鹏城智能计算研究院语音与语言实验室", "region_code": "440305",
     "contact_name": "钟华", "phone": "0755-26711234",
     "description": "方言语音识别与大模型应用，面向县域电商提供客服与内容生成技术。",
     "teams": [{"team": "方言语音识别课题组", "lead": "钟华"},
               {"team": "大模型应用课题组", "lead": "邓超"}]},
    {"key": "i17", "name": "东吴大数据营销研究中心", "region_code": "320508",
     "contact_name": "顾晓峰", "phone": "0512-65121234",
     "description": "消费者画像、精准广告与需求预测，服务农产品品牌营销。",
     "teams": [{"team": "消费者画像课题组", "lead": "顾晓峰"},
               {"team": "精准广告课题组", "lead": "陆婷"},
               {"team": "需求预测课题组", "lead": "沈磊"}]},
    # --- central and western cities (i18-i25)
    {"key": "i18", "name": "天府农业科技大学农产品加工研究所", "region_code": "510115",
     "contact_name": "杨勇", "phone": "028-86291234",
     "description": "泡菜发酵、柑橘采后处理与农产品品牌研究，扎根川西平原产区。",
     "teams": [{"team": "泡菜发酵课题组", "lead": "杨勇"},
               {"team": "柑橘采后课题组", "lead": "邓丽"},
               {"team": "农产品品牌研究中心", "lead": "蒲晓东"}]},
    {"key": "i19", "name": "西部农林科技研究院智慧农业研究所", "region_code": "610403",
     "contact_name": "张宏伟", "phone": "029-87081234",
     "description": "苹果、猕猴桃产业技术与旱区节水灌溉，在陕甘宁建有多个试验站。",
     "teams": [{"team": "苹果栽培与病害课题组", "lead": "张宏伟"},
               {"team": "猕猴桃产业技术课题组", "lead": "雷鸣"},
               {"team": "节水灌溉课题组", "lead": "王建军"}]},
    {"key": "i20", "name": "长安信息工程大学电子商务系", "region_code": "610113",
     "contact_name": "赵军", "phone": "029-88301234",
     "description": "农村电商物流、电商信息系统与农村网络通信研究。",
     "teams": [{"team": "农村电商物流课题组", "lead": "赵军"},
               {"team": "电商ERP与信息系统课题组", "lead": "刘敏"},
               {"team": "农村网络与通信课题组", "lead": "李东"}]},
    {"key": "i21", "name": "滇池植物资源研究院", "region_code": "530102",
     "contact_name": "段云", "phone": "0871-65161234",
     "description": "中药材加工、咖啡与热带作物、花卉保鲜技术研究。",
     "teams": [{"team": "中药材加工课题组", "lead": "段云"},
               {"team": "咖啡与热带作物课题组", "lead": "杨华"},
               {"team": "花卉保鲜课题组", "lead": "普丽"}]},
    {"key": "i22", "name": "陇原干旱农业研究院", "region_code": "620102",
     "contact_name": "王永", "phone": "0931-8461234",
     "description": "马铃薯贮藏加工、中药材规范化种植与旱作农业技术。",
     "teams": [{"team": "马铃薯贮藏加工课题组", "lead": "王永"},
               {"team": "中药材规范化种植课题组", "lead": "李红"},
               {"team": "旱作农业课题组", "lead": "张鹏"}]},
    {"key": "i23", "name": "江汉农业大学水产与冷链学院", "region_code": "420111",
     "contact_name": "胡斌", "phone": "027-87281234",
     "description": "小龙虾养殖、水产品冷链与富硒农产品研究。",
     "teams": [{"team": "小龙虾养殖课题组", "lead": "胡斌"},
               {"team": "水产品冷链课题组", "lead": "周敏"},
               {"team": "富硒农产品课题组", "lead": "方强"}]},
    {"key": "i24", "name": "湘楚职业技术学院乡村振兴学院", "region_code": "430104",
     "contact_name": "彭丽", "phone": "0731-88831234",
     "description": "农民数字技能培训、返乡创业孵化与社区团购研究。",
     "teams": [{"team": "农民数字技能培训中心", "lead": "彭丽"},
               {"team": "返乡创业孵化中心", "lead": "曾志"},
               {"team": "社区团购研究课题组", "lead": "谭军"}]},
    {"key": "i25", "name": "黔中山地农业研究院", "region_code": "520111",
     "contact_name": "罗刚", "phone": "0851-83861234",
     "description": "山地茶叶、山地特色水果与农村电商服务体系研究。",
     "teams": [{"team": "山地茶叶课题组", "lead": "罗刚"},
               {"team": "山地特色水果课题组", "lead": "吴艳"},
               {"team": "农村电商服务体系课题组", "lead": "杨波"}]},
]

STATIONS: list[dict[str, Any]] = [
    {"key": "s01", "name": "黔东南州雷山县技术转化服务站", "region_code": "522634",
     "covered": ["522634", "522635", "522623"], "contact_name": "吴志强",
     "phone": "0855-3335210",
     "description": "为雷山、麻江、施秉三县的农村电商企业提供免费技术评估、方案定制与培训，"
                    "重点服务茶叶、蓝莓和中药材产业。"},
    {"key": "s02", "name": "成都市蒲江县技术转化服务站", "region_code": "510131",
     "covered": ["510131", "511402", "511424"], "contact_name": "何静",
     "phone": "028-88531234",
     "description": "服务蒲江、眉山东坡区和丹棱县，重点是猕猴桃、柑橘的采后保鲜和泡菜加工。"},
    {"key": "s03", "name": "定西市安定区技术转化服务站", "region_code": "621102",
     "covered": ["621102", "621122", "621126"], "contact_name": "牛建军",
     "phone": "0932-8231234",
     "description": "服务安定区、陇西县和岷县，围绕马铃薯贮藏加工和中药材烘干、溯源开展技术服务。"},
    {"key": "s04", "name": "赣州市寻乌县技术转化服务站", "region_code": "360734",
     "covered": ["360734", "360726", "360722"], "contact_name": "赖春生",
     "phone": "0797-2831234",
     "description": "服务寻乌、安远、信丰三县的脐橙电商，提供分选、冷链和直播技能的评估与培训。"},
]
# fmt: on

# Which child categories each team works in (kept apart from INSTITUTIONS so that the public
# dicts have exactly the documented keys). Every child category has at least one team.
TEAM_FIELDS: dict[str, tuple[str, ...]] = {
    "农产品冷链物流课题组": ("origin-precooling", "cold-storage", "cold-chain-monitoring"),
    "果蔬采后保鲜课题组": ("origin-precooling", "cold-chain-monitoring", "fresh-packaging"),
    "农产品质量安全追溯课题组": ("per-item-codes", "production-records", "quality-certification"),
    "农业传感器课题组": ("environment-monitoring", "smart-livestock-aquaculture", "mobile-5g"),
    "设施农业智能控制课题组": ("smart-greenhouse", "precision-irrigation"),
    "遥感与植保无人机课题组": ("drones-remote-sensing", "pest-disease-detection"),
    "推荐系统与数据挖掘实验室": ("recommendation-systems", "user-profiling", "market-analytics"),
    "自然语言处理课题组": ("chatbots", "review-analysis"),
    "区块链与可信计算课题组": ("blockchain-records", "per-item-codes", "cloud-data-platforms"),
    "冷库节能技术课题组": ("cold-storage", "origin-precooling"),
    "冷链运输监控课题组": ("cold-chain-monitoring", "carrier-api-tracking"),
    "直播电商研究中心": ("live-operations", "studio-setup", "short-video-content"),
    "私域运营与用户增长课题组": ("private-domain-crm", "group-leaders", "user-profiling"),
    "电商数据分析课题组": ("market-analytics", "targeted-advertising", "inventory-forecasting"),
    "农产品分级装备课题组": ("grading-sorting", "automated-sorting"),
    "干燥工程课题组": ("drying",),
    "农业机器人课题组": ("automated-sorting", "drones-remote-sensing"),
    "果蔬加工课题组": ("further-processing", "drying"),
    "发酵食品课题组": ("further-processing", "vacuum-retail-packing"),
    "食品包装课题组": ("vacuum-retail-packing", "fresh-packaging", "branding-design"),
    "智能仓储课题组": (
        "warehouse-management",
        "barcode-rfid",
        "automated-sorting",
        "inventory-forecasting",
    ),
    "物流网络优化课题组": ("county-warehouse-hubs", "rural-last-mile", "pickup-distribution"),
    "快递末端配送课题组": ("rural-last-mile", "e-waybills", "carrier-api-tracking"),
    "智能客服与对话系统实验室": ("chatbots", "after-sales-automation"),
    "语音技术课题组": ("voice-service",),
    "计算机视觉课题组": ("pest-disease-detection", "after-sales-automation", "grading-sorting"),
    "热带果树栽培课题组": ("precision-irrigation", "environment-monitoring"),
    "果树病虫害防控课题组": ("pest-disease-detection", "drones-remote-sensing"),
    "采后生物学课题组": ("cold-chain-monitoring", "origin-precooling", "fresh-packaging"),
    "主播培训中心": ("host-training", "livestream-video-training"),
    "短视频创作工作室": ("short-video-content", "livestream-video-training", "studio-setup"),
    "网店运营实训中心": ("online-shop-training", "platform-onboarding"),
    "水肥一体化装备课题组": ("precision-irrigation",),
    "智能温室装备课题组": ("smart-greenhouse", "environment-monitoring"),
    "畜牧装备课题组": ("smart-livestock-aquaculture",),
    "生鲜包装材料课题组": ("fresh-packaging", "vacuum-retail-packing"),
    "水产品加工课题组": ("further-processing", "smart-livestock-aquaculture", "cold-storage"),
    "茶叶加工工艺课题组": ("drying", "further-processing", "branding-design"),
    "茶叶品质检测课题组": ("quality-certification", "grading-sorting"),
    "农产品溯源课题组": ("per-item-codes", "production-records"),
    "联盟链平台课题组": ("blockchain-records", "cloud-data-platforms"),
    "方言语音识别课题组": ("voice-service", "chatbots"),
    "大模型应用课题组": ("chatbots", "review-analysis", "short-video-content"),
    "消费者画像课题组": ("user-profiling", "private-domain-crm"),
    "精准广告课题组": ("targeted-advertising", "recommendation-systems"),
    "需求预测课题组": ("market-analytics", "inventory-forecasting"),
    "泡菜发酵课题组": ("further-processing", "vacuum-retail-packing"),
    "柑橘采后课题组": ("cold-chain-monitoring", "grading-sorting", "origin-precooling"),
    "农产品品牌研究中心": ("branding-design", "presale-direct-sourcing"),
    "苹果栽培与病害课题组": ("pest-disease-detection", "precision-irrigation"),
    "猕猴桃产业技术课题组": ("cold-chain-monitoring", "cold-storage", "pest-disease-detection"),
    "节水灌溉课题组": ("precision-irrigation", "environment-monitoring"),
    "农村电商物流课题组": ("rural-last-mile", "county-warehouse-hubs", "pickup-distribution"),
    "电商ERP与信息系统课题组": (
        "ecommerce-erp",
        "order-management",
        "e-waybills",
        "warehouse-management",
    ),
    "农村网络与通信课题组": ("rural-broadband", "mobile-5g", "cloud-data-platforms"),
    "中药材加工课题组": ("drying", "further-processing", "quality-certification"),
    "咖啡与热带作物课题组": ("drying", "grading-sorting", "production-records"),
    "花卉保鲜课题组": ("cold-chain-monitoring", "origin-precooling", "fresh-packaging"),
    "马铃薯贮藏加工课题组": ("cold-storage", "further-processing", "grading-sorting"),
    "中药材规范化种植课题组": (
        "production-records",
        "quality-certification",
        "drones-remote-sensing",
    ),
    "旱作农业课题组": ("precision-irrigation", "environment-monitoring"),
    "小龙虾养殖课题组": ("smart-livestock-aquaculture",),
    "水产品冷链课题组": ("cold-chain-monitoring", "cold-storage", "fresh-packaging"),
    "富硒农产品课题组": ("quality-certification", "branding-design"),
    "农民数字技能培训中心": (
        "online-shop-training",
        "livestream-video-training",
        "digital-farming-tools-training",
    ),
    "返乡创业孵化中心": ("entrepreneur-incubation", "ecommerce-service-stations"),
    "社区团购研究课题组": (
        "group-leaders",
        "presale-direct-sourcing",
        "pickup-distribution",
        "platform-onboarding",
    ),
    "山地茶叶课题组": ("drying", "pest-disease-detection", "branding-design"),
    "山地特色水果课题组": ("precision-irrigation", "grading-sorting", "presale-direct-sourcing"),
    "农村电商服务体系课题组": (
        "ecommerce-service-stations",
        "rural-broadband",
        "entrepreneur-incubation",
        "digital-farming-tools-training",
    ),
}

# A logistics firm posts logistics needs about the produce it carries, not about its "products"
# (which are services); a processing plant does not fly drones over fields.
_SUBJECTS: dict[str, tuple[str, ...]] = {"e05": ("蓝莓", "锌硒米")}
_LOGISTICS_SLUGS = frozenset({
    "warehouse-management", "automated-sorting", "barcode-rfid", "inventory-forecasting",
    "county-warehouse-hubs", "cold-storage", "cold-chain-monitoring", "fresh-packaging",
    "rural-last-mile", "order-management", "e-waybills", "carrier-api-tracking",
    "ecommerce-erp", "pickup-distribution", "mobile-5g", "cloud-data-platforms",
})  # fmt: skip
_ONLY_SLUGS: dict[str, frozenset[str]] = {"e05": _LOGISTICS_SLUGS, "e31": _LOGISTICS_SLUGS}
_NOT_TOPS: dict[str, frozenset[str]] = {
    "e08": frozenset({"iot-production"}),
    "e15": frozenset({"iot-production"}),
    "e34": frozenset({"iot-production"}),
}

# Province codes a result may serve: mostly central/western, a few eastern.
_CW_PROVINCES = (
    "140000", "340000", "360000", "410000", "420000", "430000", "150000", "450000", "500000",
    "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000", "650000",
)  # fmt: skip
_EAST_PROVINCES = ("330000", "320000", "440000", "370000", "350000")
_CITIES = ("广州", "上海", "北京", "深圳", "杭州", "南京", "武汉", "成都")
_PLACES = (
    "四川、贵州", "陕西、甘肃", "云南、广西", "湖南、湖北", "江西、河南", "宁夏、青海",
    "重庆、四川", "贵州、云南", "新疆", "内蒙古、山西", "安徽、河南", "甘肃、宁夏",
)  # fmt: skip

# =============================================================================== topics
# One topic = one problem, in two voices. Keys:
#   slug   child category;          kinds  product kinds it applies to (None = any)
#   budget typical budget in 万元 (low, high);  ip  IP types a result on it tends to have
#   nt/np/na/nk  need titles, pains, asks, keywords (colloquial; {p} = the farmer's word)
#   rt/rp/rm/re/rk  result titles, problem, methods, effects, keywords (academic; {P} = the
#                   standard product name, {G} = its group such as 鲜食水果). Title i is
#                   described by method i (method 0 when there are fewer methods);
#   alt    True when the methods are alternatives that one abstract must not combine
# Numbers ({x} {y} {z} ...) are drawn per item in _numbers().
PLANT = ("fruit", "veg", "tea", "grain", "herb", "mushroom", "flower")
PRODUCE = ("fruit", "veg", "mushroom", "flower")
FRESH = ("fruit", "veg", "mushroom", "flower", "meat", "aquatic")
SOFT = ("software_copyright", "software_copyright", "invention_patent", "none")
HARD = ("utility_model", "utility_model", "invention_patent", "know_how")
PROCESS = ("invention_patent", "invention_patent", "know_how", "utility_model")
SERVICE = ("know_how", "know_how", "none", "software_copyright")

TOPICS: list[dict[str, Any]] = [
    # -------------------- 大数据精准营销与推荐 (precision-marketing)
    {
        "slug": "user-profiling",
        "kinds": None,
        "budget": (3, 20),
        "ip": SOFT,
        "nt": [
            "买{p}的都是些什么人？想摸清老客户",
            "网店{p}回头客少，想搞清楚谁在买",
            "{p}的客户数据一大堆看不懂，想做个客户分析",
        ],
        "np": [
            "店里卖{p}三年了，后台几万条订单，也不知道老客户主要在哪些城市、多大年纪、多久买一次。",
            "去年{p}卖了{m}单，可回头客不到两成，不晓得是价格问题还是客户找错了。",
        ],
        "na": [
            "想请懂数据的老师帮忙做个简单的客户分类，告诉我们该重点维护哪些人。",
            "最好能出个看得懂的报表，每月自动更新。",
        ],
        "nk": ["老客户", "客户分析", "回头客", "订单数据"],
        "rt": [
            "面向{P}电商的消费者画像与客群细分方法",
            "基于改进RFM模型的{G}网店客户价值分析系统",
            "融合多源行为数据的{P}买家标签体系构建技术",
        ],
        "rp": ["{G}网店订单、浏览与评价数据分散，客户特征不清、营销针对性差"],
        "rm": [
            "融合订单、浏览与评价数据构建包含地域、购买周期、"
            "价格敏感度等{k}类标签的画像体系，采用改进RFM模型与K-means聚类进行客群细分",
            "基于购买偏好与会员数据建立农产品买家标签体系，并给出各客群的维护策略",
        ],
        "re": [
            "高价值客群识别准确率达到{x}%，定向营销后复购率提高{y}%",
            "营销短信打开率提高{y}%，客户流失预警准确率达{x}%",
        ],
        "rk": ["用户画像", "客群细分", "RFM模型", "标签体系", "消费者洞察", "会员数据"],
    },
    {
        "slug": "recommendation-systems",
        "kinds": None,
        "budget": (3, 25),
        "ip": SOFT,
        "nt": [
            "小程序里想加个“猜你喜欢”，把{p}和别的货搭着卖",
            "{p}礼盒怎么搭配卖得多？想要个推荐功能",
            "店里{p}单品多，客户挑花眼，想自动推荐",
        ],
        "np": [
            "我们店除了{p}还有十几样土特产，客户买了一样很少顺手买别的，客单价一直在{k}0元上下。",
            "节日礼盒都是凭感觉配的，有的{p}组合根本卖不动。",
        ],
        "na": [
            "想找个能接到小程序或网店后台的推荐功能，不要太贵。",
            "希望能根据客户买过的东西自动推荐搭配。",
        ],
        "nk": ["推荐", "搭配销售", "猜你喜欢", "客单价"],
        "rt": [
            "基于协同过滤的农产品组合套餐推荐算法",
            "融合时令特征的{G}个性化推荐方法",
            "面向{P}网店的关联推荐与千人千面展示系统",
        ],
        "rp": ["农产品季节性强、商品更替快，传统推荐算法冷启动问题突出"],
        "rm": [
            "引入时令特征与商品知识图谱改进协同过滤，对新上市商品采用基于内容的冷启动策略",
            "挖掘订单中的关联购买规则生成个性化组合套餐，并进行点击率预估排序",
        ],
        "re": ["点击率提高{y}%，客单价提高{y2}%", "推荐商品转化率提高{y}%，关联购买率提高{y2}%"],
        "rk": ["推荐算法", "协同过滤", "个性化推荐", "关联推荐", "点击率预估", "千人千面"],
    },
    {
        "slug": "targeted-advertising",
        "kinds": None,
        "budget": (2, 20),
        "ip": ("software_copyright", "know_how", "none", "invention_patent"),
        "nt": [
            "投了几千块推广{p}，钱花了没见几个单",
            "想把{p}的广告投给真正会买的人",
            "{p}的抖音信息流广告怎么投才不亏",
        ],
        "np": [
            "上个月给{p}开了付费推广，花了{m}元，算下来每单广告费比利润还高。",
            "我们自己不会设置人群，{p}的广告素材也是随手拍的，点的人多下单的少。",
        ],
        "na": [
            "想找人帮我们定个投放方案，算清楚投放回报。",
            "希望能教我们怎么选人群包、怎么看转化数据。",
        ],
        "nk": ["推广", "广告", "投流", "投放"],
        "rt": [
            "农产品信息流广告人群定向与投放ROI优化方法",
            "面向县域{G}电商的低预算竞价推广策略模型",
            "{P}电商广告素材智能生成与转化追踪系统",
        ],
        "rp": ["县域农产品电商广告预算少、人群定向粗放、投放回报低"],
        "rm": [
            "基于历史转化数据构建人群包筛选与出价模型，按地域、时段和人群动态分配预算",
            "建立广告素材特征与点击转化的关联模型，自动生成并筛选信息流广告素材",
        ],
        "re": ["投放ROI提高{y}%，单笔订单获客成本下降{z}%", "广告转化率提高{y}%，无效点击减少{z}%"],
        "rk": ["精准投放", "信息流广告", "人群包", "投放ROI", "转化追踪", "竞价推广"],
    },
    {
        "slug": "market-analytics",
        "kinds": None,
        "budget": (3, 30),
        "ip": SOFT,
        "nt": [
            "{p}什么时候上市卖价最好？每年都是拍脑袋定价",
            "想提前知道今年{p}的行情，别再被压价",
            "{p}价格一天一个样，想要个行情看板",
        ],
        "np": [
            "去年{p}刚上市时收购价还行，我们等了半个月，结果价格掉了三成。",
            "批发市场、拼多多、抖音上的{p}价格都不一样，我们也不知道该按哪个定价。",
        ],
        "na": [
            "想要个能每天看价格走势、提前预测的工具。",
            "希望有专家帮我们分析一下上市时机和定价。",
        ],
        "nk": ["行情", "价格", "定价", "上市时间"],
        "rt": [
            "{P}批发与电商价格监测及销量预测模型",
            "基于多源数据的{G}价格指数与上市时机决策系统",
            "{P}产销行情分析数据看板",
        ],
        "rp": ["{G}价格波动大、产销信息不对称，生产主体难以把握上市时机"],
        "rm": [
            "采集批发市场、电商平台与产地收购价格数据，"
            "构建融合季节因子与天气特征的价格与销量预测模型",
            "编制区域农产品价格指数，建立数据看板并给出分周上市时机建议",
        ],
        "re": [
            "周度价格预测平均误差低于{e}%，示范主体销售均价提高{y}%",
            "销量预测准确率达到{x}%，滞销损失减少{z}%",
        ],
        "rk": ["价格监测", "行情分析", "销量预测", "农产品价格指数", "上市时机", "数据看板"],
    },
    {
        "slug": "private-domain-crm",
        "kinds": None,
        "budget": (2, 15),
        "ip": ("software_copyright", "software_copyright", "know_how", "none"),
        "nt": [
            "老客户都在微信里，想把{p}的复购做起来",
            "想做个小程序卖{p}，把平台客户拉到自己群里",
            "{p}客户加了几十个微信群，管不过来",
        ],
        "np": [
            "我们加了{m}多个买{p}的客户微信，平时就发发朋友圈，也没人专门管。",
            "平台扣点越来越高，想把买{p}的老客户转到自己的小程序和社群里。",
        ],
        "na": [
            "想学一套私域运营的办法，最好配个简单的会员管理工具。",
            "想要个能自动提醒客户复购的系统。",
        ],
        "nk": ["微信", "复购", "小程序", "会员", "社群"],
        "rt": [
            "农产品私域流量运营与会员复购提升方法",
            "基于企业微信的{G}客户关系管理系统",
            "面向{P}的小程序商城与会员营销平台",
        ],
        "rp": ["农产品电商平台获客成本上升、老客户复购率低"],
        "rm": [
            "构建“平台引流—企业微信沉淀—社群分层运营—小程序复购”的私域运营流程，"
            "并开发会员积分与复购提醒模块",
            "基于客户购买周期自动生成复购提醒与个性化优惠，支持社群分组管理",
        ],
        "re": [
            "示范企业复购率提高{y}%，获客成本下降{z}%",
            "会员年复购次数提高{y}%，客单价提高{y2}%",
        ],
        "rk": [
            "私域流量",
            "社群运营",
            "企业微信",
            "客户关系管理",
            "复购率",
            "会员营销",
            "小程序商城",
        ],
    },
    # -------------------- 人工智能客服 (ai-customer-service)
    {
        "slug": "chatbots",
        "kinds": None,
        "budget": (2, 20),
        "ip": SOFT,
        "nt": [
            "旺季问{p}的人太多，客服回不过来",
            "晚上没人回消息，问{p}的客户都跑了",
            "想上个智能客服，自动回答{p}怎么保存、几天到",
        ],
        "np": [
            "{p}上市那一个月，每天几百条咨询，问的都差不多：甜不甜、几天到、坏了怎么赔。",
            "我们就两个客服，晚上十点以后没人，第二天一看好多问{p}的客户已经去别家买了。",
        ],
        "na": [
            "想要个能自动回复常见问题的机器人，能接淘宝和抖店。",
            "希望机器人能看懂方言和错别字，答不了的再转人工。",
        ],
        "nk": ["客服", "自动回复", "咨询", "机器人"],
        "rt": [
            "基于大模型的农产品电商智能客服系统",
            "面向{G}网店的知识库问答机器人",
            "{P}电商售前咨询意图识别与多轮对话方法",
        ],
        "rp": ["农产品网店咨询高峰集中、客服人力不足、夜间响应慢"],
        "rm": [
            "构建涵盖产品规格、储存方法、物流时效与售后政策的领域知识库，"
            "结合意图识别与多轮对话管理实现自动应答",
            "采用检索增强的大模型生成答案，对方言口语和错别字进行纠错归一化，置信度低时转人工",
        ],
        "re": [
            "常见问题自动解答率达到{x}%，客服人力成本下降{z}%",
            "首次响应时间缩短至{s}秒以内，询单转化率提高{y}%",
        ],
        "rk": ["智能客服", "知识库", "意图识别", "多轮对话", "大模型客服", "自动回复"],
    },
    {
        "slug": "voice-service",
        "kinds": None,
        "budget": (3, 25),
        "ip": SOFT,
        "nt": [
            "买{p}的老顾客喜欢打电话，接不过来",
            "想用机器打电话回访买{p}的客户，可我们口音重",
            "{p}订单电话确认太费人，想要智能外呼",
        ],
        "np": [
            "很多买{p}的是中老年客户，习惯打电话下单问事，一到旺季电话就占线。",
            "我们说话带口音，普通的语音机器人听不懂客户，也说不清楚{p}的情况。",
        ],
        "na": [
            "想找能听懂方言的语音客服，能自动接电话、做回访。",
            "希望外呼机器人能确认地址、提醒收货。",
        ],
        "nk": ["电话", "语音", "外呼", "回访", "方言"],
        "rt": [
            "支持西南官话的方言语音识别与智能外呼系统",
            "农产品电商售后语音回访机器人",
            "面向{P}订单确认的语音导航与语音合成方法",
        ],
        "rp": ["农村电商客户以电话沟通为主、方言口音重，通用语音识别准确率低"],
        "rm": [
            "采集西南、西北官话及农产品领域语料对语音识别模型进行自适应训练，"
            "结合语音合成实现订单确认与售后回访外呼",
            "构建方言识别与意图理解一体化模型，支持电话客服自动接听、语音导航与回访",
        ],
        "re": [
            "方言语音识别字准确率达到{x}%，外呼回访完成率提高{y}%",
            "电话接通处理能力提高{y}%，人工坐席减少{z}%",
        ],
        "rk": ["语音识别", "方言识别", "智能外呼", "语音合成", "电话客服", "回访"],
    },
    {
        "slug": "after-sales-automation",
        "kinds": None,
        "budget": (2, 15),
        "ip": SOFT,
        "nt": [
            "{p}坏果赔付天天扯皮，售后一个人忙不过来",
            "每天几十单{p}要补发退款，想自动处理",
            "客户发张照片就说{p}坏了，赔不赔全凭感觉",
        ],
        "np": [
            "{p}发快递总有磕碰坏的，客户拍照找售后，一天要处理{k}单左右，核实、退款、"
            "补发全是手工。",
            "有的客户一个坏果要全额退款，有的反复申请，我们分不清真假，{p}的利润都赔进去了。",
        ],
        "na": [
            "想要个售后工单系统，能按规则自动赔付、自动补发。",
            "希望能用照片自动判断坏了多少，按比例赔。",
        ],
        "nk": ["售后", "坏果", "赔付", "退款", "补发"],
        "rt": [
            "生鲜电商坏果包赔自动理赔与售后工单系统",
            "基于图像识别的{P}破损售后自动审核方法",
            "{G}电商客诉处理与补发流程自动化平台",
        ],
        "rp": ["生鲜农产品电商售后纠纷多、人工审核效率低、恶意索赔难以识别"],
        "rm": [
            "根据订单、物流轨迹与买家历史行为建立售后风险评分，"
            "结合坏果照片图像识别自动计算赔付比例并生成补发工单",
            "建立标准化售后工单流转规则，对接快递理赔接口，实现物流查询、退换货与补发的自动处理",
        ],
        "re": [
            "售后平均处理时长缩短{z}%，异常索赔识别准确率达{x}%",
            "售后人力减少{z}%，客诉满意度提高{y}%",
        ],
        "rk": ["售后工单", "坏果包赔", "自动理赔", "退换货", "客诉处理", "补发"],
    },
    {
        "slug": "review-analysis",
        "kinds": None,
        "budget": (2, 12),
        "ip": SOFT,
        "nt": [
            "差评说{p}不甜、有坏的，想知道问题出在哪",
            "几千条{p}评价没人看，想自动找出差评原因",
            "{p}差评一多店铺就降权，想提前预警",
        ],
        "np": [
            "店里{p}的评价有{m}多条，好评差评混在一起，我们只会挑着回几条。",
            "有差评说{p}个头小、不新鲜，也有说快递慢的，不知道哪个问题最严重。",
        ],
        "na": [
            "想要个工具把评价自动分类，告诉我们主要毛病在哪。",
            "最好差评一出来就提醒，能及时处理。",
        ],
        "nk": ["差评", "评价", "口碑"],
        "rt": [
            "农产品电商评价情感分析与差评预警方法",
            "基于关键词提取的{P}商品评价挖掘与改进系统",
            "{G}网店舆情监测与商品改进决策支持技术",
        ],
        "rp": ["农产品网店评价数量大、口语化严重，人工难以及时发现质量与物流问题"],
        "rm": [
            "构建农产品评价领域情感词典，采用深度学习情感分析模型对评价按口感、新鲜度、包装、"
            "物流进行多维分类并提取问题关键词",
            "实时监测店铺评价与社交平台舆情，识别差评趋势并推送预警与改进建议",
        ],
        "re": [
            "情感分类准确率达到{x}%，差评率下降{z}%",
            "差评平均响应时间缩短{z}%，商品改进后好评率提高{y}%",
        ],
        "rk": ["评价分析", "情感分析", "差评预警", "舆情监测", "关键词提取", "商品改进"],
    },
    # -------------------- 智能仓储 (smart-warehousing)
    {
        "slug": "warehouse-management",
        "kinds": None,
        "budget": (3, 30),
        "ip": SOFT,
        "nt": [
            "仓库里{p}经常找不到、发错货，想上个仓库管理软件",
            "{p}进出库全靠手写本子，想改成电脑管",
            "{p}放久了才发现过期，想做到先进先出",
        ],
        "np": [
            "旺季仓库里堆了几百吨{p}，哪批是哪天进的全靠记性，发错货、漏发货每周都有。",
            "我们仓库就三个人，{p}进出库、盘点全是手写账，月底对不上数。",
        ],
        "na": [
            "想要个简单好用的仓库管理系统，手机上就能操作。",
            "希望能按批次管，先进先出，盘点方便。",
        ],
        "nk": ["仓库", "库存", "出入库", "盘点"],
        "rt": [
            "适用于县域农产品电商的轻量级仓储管理系统",
            "{P}批次管理与先进先出库位优化方法",
            "{G}仓库库位管理与智能盘点系统",
        ],
        "rp": ["县域农产品仓库管理粗放，批次不清、库位混乱、盘点误差大"],
        "rm": [
            "采用批次管理与动态库位分配策略，实现{G}出入库、先进先出和移动端库存盘点",
            "基于轻量化WMS架构，支持扫码收货、库位推荐、批次追踪与库存预警",
        ],
        "re": ["发货差错率下降{z}%，盘点效率提高{y}%", "库位利用率提高{y}%，临期损耗减少{z}%"],
        "rk": ["仓储管理系统", "WMS", "库位管理", "先进先出", "批次管理", "库存盘点"],
    },
    {
        "slug": "automated-sorting",
        "kinds": None,
        "budget": (10, 120),
        "ip": HARD,
        "nt": [
            "旺季一天几千单{p}，打包分拣全靠人工",
            "想上条小型分拣线，{p}称重打包太慢",
            "{p}包裹称重老出错，多发少发都亏",
        ],
        "np": [
            "{p}上市那一个月每天要发{m}单，临时请了{k}个人打包分拣，还是天天加班到半夜。",
            "人工称重误差大，客户收到的{p}分量不足就给差评，多装了又亏本。",
        ],
        "na": ["想要一套投资不太大的自动称重、分拣设备。", "希望能和快递面单打印连在一起。"],
        "nk": ["分拣", "打包", "称重", "发货"],
        "rt": [
            "农产品电商包裹自动称重复核与分拣输送装置",
            "低成本交叉带分拣机在县域{G}仓的应用技术",
            "{P}电商打包分拣一体化生产线",
        ],
        "rp": ["县域农产品电商旺季发货量大、人工分拣效率低、称重误差导致纠纷"],
        "rm": [
            "设计模块化输送带与动态称重复核单元，超差包裹自动剔除，并按快递公司自动分拣",
            "采用小型交叉带分拣机与面单自动识别，实现包裹称重、贴单、分拣一体化作业",
        ],
        "re": ["分拣效率提高{y}%，称重误差控制在±{g}克以内", "单仓人工减少{z}%，错分率低于{e}‰"],
        "rk": ["自动分拣", "分拣线", "输送带", "称重复核", "电商打包", "交叉带分拣机"],
    },
    {
        "slug": "barcode-rfid",
        "kinds": None,
        "budget": (3, 30),
        "ip": HARD,
        "nt": [
            "{p}库存老对不上，想扫码出入库",
            "想给每箱{p}贴码，出库扫一下就行",
            "仓库想上RFID，{p}一进一出自动记账",
        ],
        "np": [
            "{p}按箱进出，人工点数常常点错，月底盘点要停工两天。",
            "客户要求每箱{p}能查到批次，现在根本做不到。",
        ],
        "na": [
            "想要一套条码或电子标签方案，配手持扫码枪就能用。",
            "希望成本别太高，一个标签几毛钱以内。",
        ],
        "nk": ["扫码", "条码", "贴标", "出入库"],
        "rt": [
            "基于RFID电子标签的{G}仓储出入库识别系统",
            "农产品周转箱二维码与手持PDA扫码出库方法",
            "{P}包装箱条码自动赋码与扫码出库装置",
        ],
        "rp": ["农产品出入库依赖人工点数，账实不符、批次难以追溯"],
        "rm": [
            "采用抗潮湿RFID电子标签与通道式读写器，实现{G}周转箱批量识别与自动出入库记账",
            "建立箱码—批次—订单关联的条码体系，配合手持终端PDA完成扫码收货、拣货与出库复核",
            "在包装线上集成自动喷码与贴标单元，每箱赋予唯一箱码并与批次、订单关联，出库扫码复核",
        ],
        "re": [
            "出入库识别准确率达到{x}%，盘点时间缩短{z}%",
            "单箱标签成本低于{cost}元，出库效率提高{y}%",
        ],
        "rk": ["条码", "二维码", "RFID", "电子标签", "手持终端", "PDA", "扫码出库"],
    },
    {
        "slug": "inventory-forecasting",
        "kinds": None,
        "budget": (3, 25),
        "ip": SOFT,
        "nt": [
            "{p}备货总是不准，不是断货就是压库",
            "去年{p}压了几十吨卖不掉，想提前算好备多少",
            "大促前{p}该备多少货？想要个预测",
        ],
        "np": [
            "去年双十一{p}备少了，断货三天，今年春节又备多了，压了{k}吨。",
            "{p}放不了太久，备多了就坏，备少了又断货，全凭老板拍板。",
        ],
        "na": ["想要个能按销量自动算补货量的工具。", "希望能提前提醒哪些货快卖不动了。"],
        "nk": ["备货", "库存", "断货", "压货"],
        "rt": [
            "{G}电商库存预测与智能补货模型",
            "基于销量预测的{P}安全库存与滞销预警方法",
            "易腐农产品多仓库存协同与损耗控制技术",
        ],
        "rp": ["易腐农产品需求波动大、保质期短，备货不准导致断货与损耗并存"],
        "rm": [
            "融合历史销量、促销日历与天气因素构建需求预测模型，"
            "按保质期约束动态计算安全库存与补货点",
            "建立滞销预警指标与库存周转率监控，自动生成补货与清仓建议",
        ],
        "re": ["断货率下降{z}%，库存周转率提高{y}%", "损耗率降低{z}%，补货计划准确率达{x}%"],
        "rk": ["库存预测", "安全库存", "智能补货", "滞销预警", "损耗控制", "库存周转率"],
    },
    {
        "slug": "county-warehouse-hubs",
        "kinds": None,
        "budget": (20, 200),
        "ip": SERVICE,
        "nt": [
            "想在县里搞个产地仓，{p}统一发货能省运费吗",
            "几家合作社想合伙建共配仓发{p}，不知道怎么规划",
            "{p}想做一件代发，有没有现成的云仓",
        ],
        "np": [
            "我们县卖{p}的网店有几十家，各自找快递，单票运费比隔壁县贵好几毛。",
            "{p}分散在各个村，收上来再发货要倒好几手，时间长、损耗大。",
        ],
        "na": [
            "想请专家帮我们算算产地仓建多大、放哪里合适。",
            "希望有成熟的仓配一体模式可以照搬。",
        ],
        "nk": ["产地仓", "共配", "运费", "一件代发"],
        "rt": [
            "县域农产品共配中心选址与仓配一体化规划方法",
            "{P}产地仓与云仓一件代发运营模式",
            "山区县域{G}前置仓网络布局优化技术",
        ],
        "rp": ["县域农产品电商物流分散、单票成本高、产地集货效率低"],
        "rm": [
            "基于订单热力与道路网络建立共配中心选址模型，设计集货—分拣—仓配一体化作业流程",
            "构建产地仓加云仓的一件代发模式，统一质检、包装和快递议价",
        ],
        "re": [
            "示范县单票快递成本下降{z}%，发货时效提高{y}%",
            "产地集货损耗降低{z}%，入驻企业平均发货成本下降{z2}%",
        ],
        "rk": ["县域仓", "共配中心", "产地仓", "前置仓", "云仓", "一件代发", "仓配一体"],
    },
    # -------------------- 物联网生产应用 (iot-production)
    {
        "slug": "environment-monitoring",
        "kinds": PLANT,
        "budget": (3, 40),
        "ip": HARD,
        "nt": [
            "{p}地里温度湿度全凭感觉，想装几个传感器手机上看",
            "山上{p}基地离家远，想远程看看土干不干",
            "{p}基地想装个小气象站，霜冻能提前知道",
        ],
        "np": [
            "{p}基地在山上，开车要一个多小时，去年一场霜冻没提前知道，减产了{pct}%。",
            "种{p}的{a}亩地分在三个坡上，哪里缺水、哪里太湿全靠人跑去看。",
        ],
        "na": [
            "想要一套便宜点的传感器，数据能在手机上看，异常能报警。",
            "最好能用太阳能供电，山上没电。",
        ],
        "nk": ["传感器", "温湿度", "远程监测", "土壤"],
        "rt": [
            "低功耗{G}基地环境监测物联网终端",
            "基于LoRa的山地{P}园区温湿度与土壤墒情监测系统",
            "太阳能供电小型农田气象站及{P}霜冻预警方法",
        ],
        "rp": ["山地{G}基地分散、供电与通信条件差，环境信息难以实时获取"],
        "rm": [
            "采用太阳能供电的低功耗传感节点，集成温湿度、光照、土壤墒情与二氧化碳浓度监测，"
            "经LoRa组网回传",
            "构建边缘网关与手机端平台，实现环境数据采集、阈值报警与霜冻预警",
        ],
        "re": [
            "节点续航超过{mo}个月，数据回传成功率达{x}%",
            "霜冻等灾害预警提前{h}小时，示范基地减损{z}%",
        ],
        "rk": ["温湿度传感器", "土壤墒情", "小型气象站", "光照监测", "环境监测", "数据采集"],
    },
    {
        "slug": "smart-greenhouse",
        "kinds": ("fruit", "veg", "flower", "mushroom"),
        "budget": (10, 150),
        "ip": HARD,
        "nt": [
            "{p}大棚卷帘、通风都靠人工，想弄成自动的",
            "冬天大棚里{p}冻坏过，想装个自动控温",
            "{p}大棚夏天太热，想要自动通风遮阳",
        ],
        "np": [
            "我们有{k}个{p}大棚，早上卷帘、中午放风全靠人守着，一忙忘了就闷坏苗。",
            "去年冬天一夜降温，大棚里的{p}冻伤了一片，损失好几万。",
        ],
        "na": [
            "想把卷帘、通风、补光改成手机控制或者自动控制。",
            "预算有限，最好在原有大棚上改造。",
        ],
        "nk": ["大棚", "温室", "自动控制", "卷帘", "通风"],
        "rt": [
            "日光温室{G}环境智能调控系统",
            "基于作物模型的{P}设施栽培环境调控方法",
            "既有{P}大棚卷帘通风自动化改造装置",
        ],
        "rp": ["设施{G}生产环境调控依赖人工经验，温湿度波动大、劳动强度高"],
        "rm": [
            "根据{P}不同生育期的温光需求建立调控模型，联动卷帘、通风、补光与加温设备实现自动控制",
            "在不改变棚体结构的前提下加装卷帘电机、通风控制器和环境传感器，支持手机远程控制",
        ],
        "re": [
            "棚内温度波动幅度降低{z}%，产量提高{y}%",
            "人工管理用工减少{z}%，冻害发生率降低{z2}%",
        ],
        "rk": ["智能温室", "大棚自动化", "卷帘控制", "补光", "通风控制", "环境调控", "设施农业"],
    },
    {
        "slug": "precision-irrigation",
        "kinds": ("fruit", "veg", "tea", "herb", "flower", "grain"),
        "budget": (5, 80),
        "ip": HARD,
        "nt": [
            "{p}地里浇水施肥太费人工，想搞滴灌水肥一体化",
            "天一旱{p}就缺水，想要省水的灌溉办法",
            "{p}施肥全凭经验，想按需精准施肥",
        ],
        "np": [
            "{p}种在坡地上，拉水管浇一遍要{k}个人干两天，肥也撒不匀。",
            "今年春天旱了两个月，{p}减产一大半，打井抽水电费又高。",
        ],
        "na": ["想装一套水肥一体化设备，能定时定量。", "希望能根据土壤干湿自动浇水。"],
        "nk": ["滴灌", "浇水", "施肥", "干旱"],
        "rt": [
            "山地{G}水肥一体化智能灌溉系统",
            "基于土壤墒情反馈的{P}精准灌溉与施肥方法",
            "坡地{P}重力滴灌与施肥机组合装置",
        ],
        "rp": ["丘陵山地{G}灌溉设施薄弱、水肥利用率低、人工成本高"],
        "rm": [
            "利用地形高差构建重力滴灌管网，配合比例施肥机与土壤墒情传感器实现按需灌溉施肥",
            "建立{P}需水需肥规律模型，按墒情与生育期自动制定灌溉施肥方案",
        ],
        "re": ["节水{z}%、节肥{z2}%，产量提高{y}%", "水肥利用率提高{y}%，每亩节省人工{k}个"],
        "rk": ["水肥一体化", "滴灌", "智能灌溉", "施肥机", "节水灌溉", "墒情"],
    },
    {
        "slug": "smart-livestock-aquaculture",
        "kinds": ("meat",),
        "budget": (5, 80),
        "ip": HARD,
        "nt": [
            "{p}养殖户多，想统一管起来，记录喂料和防疫",
            "想给牲口戴电子耳标，{p}卖的时候说得清来历",
            "圈里牲口生病发现得晚，{p}货源老不稳",
        ],
        "np": [
            "合作养殖户有{k}0多家，喂什么、打没打疫苗都记在各家本子上，{p}出了问题查不清。",
            "去年冬天圈里一下病倒十几只，发现的时候已经晚了，{p}的货都断了。",
        ],
        "na": [
            "想要电子耳标加手机记录的办法，养殖户好上手。",
            "希望能监测圈舍温度和牲畜活动，异常就提醒。",
        ],
        "nk": ["养殖", "耳标", "防疫", "圈舍"],
        "rt": [
            "基于电子耳标的肉羊精准饲喂与防疫管理系统",
            "面向{P}品质提升的智慧养殖管理技术",
            "规模化圈舍养殖环境监测与调控装置",
        ],
        "rp": ["分散养殖户饲喂、防疫记录缺失，疫病发现滞后，{P}品质难以保证"],
        "rm": [
            "为每头牲畜佩戴电子耳标，结合精准饲喂记录、防疫档案与圈舍温湿度监测构建养殖管理平台",
            "通过体温与活动量监测建立疫病早期预警模型，异常个体自动提醒",
        ],
        "re": ["疫病发现时间提前{h}小时，死亡率降低{z}%", "饲料转化率提高{y}%，出栏均重提高{y2}%"],
        "rk": ["智慧养殖", "电子耳标", "精准饲喂", "疫病预警", "养殖环境"],
    },
    {
        "slug": "smart-livestock-aquaculture",
        "kinds": ("aquatic",),
        "budget": (5, 60),
        "ip": HARD,
        "nt": [
            "养{p}的塘夏天常缺氧，死了不少，想装水质监测",
            "{p}养殖想搞智能增氧，人晚上守不住",
            "稻田养{p}，水质不好控制",
        ],
        "np": [
            "我们合作的{p}养殖户有{a}亩水面，闷热天半夜缺氧，一晚上能死掉几百斤。",
            "水质全凭看颜色，溶解氧、氨氮多少根本不知道，{p}长不大。",
        ],
        "na": ["想要能自动测溶解氧、自动开增氧机的设备。", "希望手机上能看水质，超标就报警。"],
        "nk": ["缺氧", "水质", "增氧", "养殖"],
        "rt": [
            "{P}养殖水质在线监测与智能增氧系统",
            "稻虾共作溶解氧预测与增氧机联动控制方法",
            "池塘养殖水质多参数监测浮标",
        ],
        "rp": ["{G}池塘养殖水质监测手段落后，夜间缺氧造成大量死亡"],
        "rm": [
            "集成溶解氧、水温、pH与氨氮传感器构建水质在线监测浮标，"
            "基于溶解氧预测模型联动增氧机自动控制",
            "建立稻虾共作水体溶解氧变化模型，提前预测缺氧风险并分级报警",
        ],
        "re": ["缺氧死亡损失减少{z}%，增氧电耗降低{z2}%", "溶解氧预测误差小于{e}%，亩产提高{y}%"],
        "rk": ["水质监测", "溶解氧", "智慧养殖", "智能增氧", "养殖环境"],
    },
    {
        "slug": "drones-remote-sensing",
        "kinds": ("fruit", "veg", "tea", "grain", "herb"),
        "budget": (5, 60),
        "ip": HARD,
        "nt": [
            "{p}打药请人太贵，想用无人机飞防",
            "想知道今年{p}能收多少，有没有办法估产",
            "{p}种在山坡上打药难，无人机能飞吗",
        ],
        "np": [
            "{p}种在山坡上，背着喷雾器打一遍药要十几天，现在请人一天要{k}0元还请不到。",
            "每年收购商来问能出多少{p}，我们只能估个大概，签订单心里没底。",
        ],
        "na": [
            "想请人来试飞，看看山地能不能用植保无人机。",
            "希望有遥感估产服务，提前一个月知道产量。",
        ],
        "nk": ["无人机", "打药", "飞防", "估产"],
        "rt": [
            "山地{G}植保无人机精准施药技术",
            "基于多光谱遥感的{P}长势监测与测产估产方法",
            "丘陵{P}园区无人机航测与变量施药方案",
        ],
        "rp": ["丘陵山地{G}人工施药效率低、农药浪费大，产量难以提前预估"],
        "rm": [
            "基于仿地飞行与变量喷施技术优化植保无人机作业参数，适配坡度{k}°以内的山地园区",
            "利用无人机多光谱影像提取植被指数，构建{P}长势监测与产量估测模型",
        ],
        "re": [
            "作业效率为人工的{k}倍，农药用量减少{z}%",
            "估产精度达到{x}%，可提前{d}天给出产量预测",
        ],
        "rk": ["植保无人机", "飞防", "遥感监测", "多光谱", "长势监测", "测产估产"],
    },
    {
        "slug": "pest-disease-detection",
        "kinds": PLANT,
        "budget": (3, 40),
        "ip": ("invention_patent", "software_copyright", "utility_model", "know_how"),
        "nt": [
            "{p}叶子上长斑，不知道什么病，想拍照就能认",
            "每年{p}病虫害损失不少，想提前预警",
            "{p}打了药也不管用，想搞清楚是什么虫",
        ],
        "np": [
            "今年{p}地里出现一种黄斑，农技员来看了也说不准，等送样结果出来已经传开了。",
            "{p}每年因为病虫害要损失{pct}%左右，药没少打，效果不好。",
        ],
        "na": ["想要个手机拍照就能识别病虫害的工具。", "希望能装虫情测报灯之类的设备，提前预警。"],
        "nk": ["病虫害", "打药", "识别", "虫子"],
        "rt": [
            "基于深度学习的{P}病虫害图像识别方法",
            "{G}病虫害智能测报与绿色防控预警系统",
            "{P}主要病害孢子捕捉与早期预警技术",
        ],
        "rp": ["{G}病虫害种类多、识别依赖专家经验，防治不及时导致损失"],
        "rm": [
            "构建包含{m}张标注图像的{P}病虫害数据集，采用轻量化卷积神经网络实现手机端识别",
            "集成智能虫情测报灯、孢子捕捉仪与气象数据建立病虫害发生预测模型，指导绿色防控",
            "利用孢子捕捉仪定时采集田间病原孢子，结合温湿度数据建立{P}主要病害发生风险模型",
        ],
        "re": ["识别准确率达到{x}%，用药量减少{z}%", "预警提前{d}天，病虫害损失降低{z}%"],
        "rk": ["病虫害识别", "图像识别", "虫情测报灯", "孢子捕捉仪", "病虫害预警", "绿色防控"],
    },
    # -------------------- 区块链溯源 (blockchain-traceability)
    {
        "slug": "per-item-codes",
        "kinds": None,
        "budget": (2, 20),
        "ip": SOFT,
        "nt": [
            "外地有人冒充我们的{p}，想搞一物一码防伪",
            "想让买{p}的客户扫码就能看到产地",
            "{p}被窜货乱价，想每盒都有码能查",
        ],
        "np": [
            "网上好多店打着我们的名号卖{p}，价格比我们低一半，客户买到假货还来骂我们。",
            "经销商把{p}跨区低价卖，一直查不到是哪一批货流出去的。",
        ],
        "na": [
            "想给每盒{p}贴个溯源码，扫一下能看到基地、批次和检测报告。",
            "希望码不能复制，能防伪也能防窜货。",
        ],
        "nk": ["防伪", "溯源码", "扫码", "假货"],
        "rt": [
            "农产品一物一码防伪溯源标签及生成方法",
            "面向地理标志{G}的扫码溯源与防窜货系统",
            "{P}包装防伪二维码与消费者扫码验证平台",
        ],
        "rp": ["地理标志农产品假冒严重、流向不清，消费者难以辨别真伪"],
        "rm": [
            "采用加密随机码与防复制图案相结合的一物一码标签，扫码时校验首次查询时间与地点",
            "建立“码—批次—经销商”绑定关系，扫码数据实时回传以识别窜货",
        ],
        "re": [
            "假冒投诉下降{z}%，扫码查询率提高{y}%",
            "窜货行为识别准确率达{x}%，产品溢价提高{y}%",
        ],
        "rk": ["一物一码", "溯源码", "扫码查询", "防伪", "二维码标签", "追溯系统", "防窜货"],
    },
    {
        "slug": "blockchain-records",
        "kinds": None,
        "budget": (5, 40),
        "ip": SOFT,
        "nt": [
            "客户不信我们的{p}是有机的，想上区块链证明",
            "大客户要求{p}数据上链，不懂怎么弄",
            "{p}的检测报告被人改过，想防篡改",
        ],
        "np": [
            "我们的{p}有认证，可顾客说数据都是自己写的，不可信。",
            "合作的超市要求{p}的生产、检测数据都上链存证，明年不上就停止合作。",
        ],
        "na": [
            "想找个成本低的区块链存证服务，能接我们现有的溯源系统。",
            "希望有人手把手帮我们把数据上链。",
        ],
        "nk": ["区块链", "上链", "存证", "可信"],
        "rt": [
            "基于联盟链的农产品质量数据存证平台",
            "{G}生产数据防篡改上链方法",
            "面向中小{P}经营主体的轻量级区块链溯源服务",
        ],
        "rp": ["农产品溯源数据由企业自行录入，存在篡改风险，公信力不足"],
        "rm": [
            "构建由生产主体、检测机构和监管部门共同参与的联盟链，对农事记录、"
            "检测报告与物流数据进行哈希上链与数字签名",
            "设计低成本轻节点接入方式，中小主体可通过手机端完成数据上链",
        ],
        "re": [
            "单条数据上链成本低于{cost}元，查询响应时间小于{s}秒",
            "示范产品溢价{y}%，消费者信任度评分提高{y2}%",
        ],
        "rk": ["区块链", "存证", "联盟链", "防篡改", "数字签名", "上链", "可信数据"],
    },
    {
        "slug": "production-records",
        "kinds": PLANT + ("meat",),
        "budget": (2, 15),
        "ip": SOFT,
        "nt": [
            "{p}打药施肥记录全靠本子，想用手机记",
            "出口要农事记录，{p}的生产档案不全",
            "社员种{p}用了什么药，合作社管不住",
        ],
        "np": [
            "合作社{k}0多户社员种{p}，打药、施肥、采收时间都记在各家本子上，检查时凑不齐。",
            "有一批{p}被查出农残超标，查来查去也不知道是哪户用错了药。",
        ],
        "na": [
            "想要个社员也会用的手机记录工具，拍照就能记。",
            "希望能管住投入品，谁领了什么药一查就知道。",
        ],
        "nk": ["农事记录", "打药记录", "生产档案"],
        "rt": [
            "面向合作社的{P}农事记录与投入品管理APP",
            "{G}标准化生产档案数字化管理系统",
            "基于语音与拍照录入的{P}田间日志记录方法",
        ],
        "rp": ["合作社社员文化程度不一，农事与投入品记录缺失，质量追溯困难"],
        "rm": [
            "开发支持语音、拍照录入的田间日志APP，与投入品出入库管理关联，自动生成生产档案",
            "建立{G}标准化生产档案模板，实现用药记录、采收记录与检测结果的关联追溯",
        ],
        "re": [
            "生产记录完整率由不足{lo}%提高到{x}%",
            "投入品违规使用事件减少{z}%，档案整理时间缩短{z2}%",
        ],
        "rk": ["农事记录", "投入品管理", "用药记录", "生产档案", "田间日志", "采收记录"],
    },
    {
        "slug": "quality-certification",
        "alt": True,
        "kinds": None,
        "budget": (3, 40),
        "ip": ("invention_patent", "know_how", "know_how", "none"),
        "nt": [
            "想给{p}办绿色食品认证，检测怎么做",
            "{p}农残检测送样太慢，想要快速检测",
            "{p}想申请地理标志，不知道从哪下手",
        ],
        "np": [
            "大超市和团购平台要{p}的检测报告，每次送到省城检测要等{d}天，货都放坏了。",
            "我们的{p}品质很好，可没有任何认证，卖不上价。",
        ],
        "na": ["想要能在合作社自己做的快速检测办法。", "希望有专家指导认证材料和检测流程。"],
        "nk": ["检测", "认证", "农残", "检测报告"],
        "rt": [
            "{G}农药残留快速检测试剂盒及检测方法",
            "{P}地理标志产品品质评价与认证技术规程",
            "基于近红外光谱的{P}品质无损快速检测技术",
        ],
        "rp": ["{G}质量检测周期长、成本高，中小主体难以取得认证"],
        "rm": [
            "采用酶抑制与胶体金免疫层析相结合的方法，{k}分钟内完成常见农药残留的现场筛查",
            "建立{P}特征品质指标体系与检测方法，为绿色食品、有机认证和地理标志申报提供技术支撑",
            "采用近红外光谱结合化学计量学，建立{P}糖度、水分与主要有效成分的无损快速检测模型",
        ],
        "re": [
            "检测时间缩短至{k}分钟，与实验室方法符合率达{x}%",
            "示范主体认证通过率提高{y}%，产品溢价{y2}%",
        ],
        "rk": [
            "农残检测",
            "质量检测",
            "绿色食品认证",
            "有机认证",
            "地理标志",
            "承诺达标合格证",
            "检测报告",
        ],
    },
    # -------------------- 冷链与物流 (cold-chain-logistics)
    {
        "slug": "origin-precooling",
        "alt": True,
        "kinds": PRODUCE,
        "budget": (5, 60),
        "ip": HARD,
        "nt": [
            "{p}摘下来一热就蔫了，想找个便宜的保鲜办法",
            "田头没冷库，{p}采完放半天就不行了",
            "{p}采摘正赶上高温，想在地头先降降温",
        ],
        "np": [
            "{p}采摘正是最热的时候，从地里到收购点放半天就软了，损耗差不多{pct}%。",
            "地里摘下的{p}堆在棚子下面等车，一热就出水、发蔫，第二天卖相就差了。",
        ],
        "na": [
            "想找个投入不大的预冷办法，最好能在村里就地建。",
            "听说有移动冷库、预冷设备，想了解要多少钱。",
        ],
        "nk": ["保鲜", "降温", "预冷", "损耗"],
        "rt": [
            "{P}产地差压预冷与田头冷库集成技术",
            "移动式真空预冷装置及其在{P}采后处理中的应用",
            "{P}采后冰水预冷与快速降温工艺",
        ],
        "rp": ["{P}采收期气温高、田间热积累严重，采后呼吸作用旺盛导致品质快速劣变"],
        "rm": [
            "采用差压预冷风道与移动式田头冷库相结合的方式，"
            "在采后{h1}小时内将{P}中心温度降至适宜贮运温度",
            "设计可车载转运的真空预冷装置，实现{G}产地就近快速预冷",
            "采用循环冰水喷淋与浸渍相结合的预冷方式，在{h1}小时内将{P}中心温度降至适宜贮运温度",
        ],
        "re": ["贮运损耗率降低{z}%，货架期延长{d}天", "预冷时间缩短{z}%，单位能耗降低{z2}%"],
        "rk": ["产地预冷", "差压预冷", "真空预冷", "冰水预冷", "采后处理", "田头冷库"],
    },
    {
        "slug": "cold-storage",
        "kinds": FRESH,
        "budget": (10, 200),
        "ip": HARD,
        "nt": [
            "想建个小冷库放{p}，不知道该建多大、电费多少",
            "冷库里的{p}放一个月就变味，温度控不好",
            "{p}想放到春节再卖，普通冷库放不住",
        ],
        "np": [
            "现在{p}都是收完就卖，赶上价格最低的时候，想建个冷库错峰卖。",
            "我们的冷库是几年前建的，温度忽高忽低，{p}放久了失水、变味。",
        ],
        "na": ["想请专家帮着算算冷库规模、选制冷机组。", "希望能装个远程温控，手机上能看库温。"],
        "nk": ["冷库", "保鲜", "贮藏", "温控"],
        "rt": [
            "节能型组装式{G}保鲜冷库及温控系统",
            "{P}气调贮藏工艺与冷库智能监控方法",
            "{P}长期贮藏保鲜技术",
        ],
        "rp": ["{G}产地贮藏设施不足、冷库温控精度低，长期贮藏品质下降明显"],
        "rm": [
            "采用装配式库体与变频制冷机组，结合多点温湿度监测实现±{t}℃精准温控",
            "根据{P}呼吸特性确定气调贮藏的氧气与二氧化碳浓度参数，配合冷库监控平台远程管理",
        ],
        "re": ["贮藏期延长{d}天，好果率保持在{x}%以上", "单位库容能耗降低{z}%，贮藏损耗降低{z2}%"],
        "rk": ["冷库", "气调库", "温控", "制冷机组", "保鲜库", "冷库监控"],
    },
    {
        "slug": "cold-chain-monitoring",
        "kinds": FRESH,
        "budget": (3, 40),
        "ip": SOFT,
        "nt": [
            "冷藏车运{p}，想看全程温度",
            "{p}在路上断了冷链，到货一半不能要",
            "发{p}的冷藏车温度没人盯，想装监控",
        ],
        "np": [
            "我们用冷藏车往{c}发{p}，司机为了省油路上关冷机，到了坏了不少也说不清责任。",
            "{p}运一趟要{d2}个小时，中途温度多少完全不知道。",
        ],
        "na": [
            "想要个便宜的温度记录仪，手机能实时看、超温能报警。",
            "希望能看到车辆位置和车厢温度。",
        ],
        "nk": ["冷链", "冷藏车", "温度", "运输"],
        "rt": [
            "农产品冷链运输全程温度监控与断链预警系统",
            "基于北斗/GPS定位的{G}冷藏车车载监控终端",
            "{P}冷链运输温湿度记录与品质预测方法",
        ],
        "rp": ["农产品冷链运输“断链”现象普遍，温度数据不透明、责任难以界定"],
        "rm": [
            "开发集成温湿度传感、GPS定位与4G回传的车载监控终端，"
            "实时上传车厢温度并在超温时推送断链预警",
            "基于运输温度历程建立{P}品质衰减模型，预测到货货架期",
        ],
        "re": [
            "断链事件发现时间缩短至{k}分钟以内，运输损耗降低{z}%",
            "到货品质预测准确率达{x}%，理赔纠纷减少{z}%",
        ],
        "rk": ["冷藏车", "温度记录仪", "全程温控", "车载监控", "GPS定位", "断链预警"],
    },
    # The canonical demo pair: "猕猴桃运到广州就软了烂了" <-> "猕猴桃采后1-MCP处理…".
    {
        "slug": "cold-chain-monitoring",
        "kinds": ("fruit",),
        "budget": (5, 50),
        "ip": PROCESS,
        "nt": [
            "{p}运到{c}就软了烂了",
            "{p}发远了就熟过头，客户收到全是软的",
            "想把{p}卖到{c}，路上放不住怎么办",
        ],
        "np": [
            "{p}从我们这发到{c}要{d2}个小时，路上一捂就软了，去年坏果赔了{m}多单。",
            "{p}采下来三五天就软，发远一点的客户收到就烂了，只敢发周边几个省。",
        ],
        "na": ["想找个保鲜的办法，让{p}多放几天。", "听说有保鲜剂和冷链的技术，想了解成本。"],
        "nk": ["保鲜", "烂果", "软了", "运输"],
        "rt": [
            "{P}采后1-MCP处理与低温物流保鲜技术",
            "{P}后熟调控与长距离电商物流保鲜方法",
            "延缓{P}软化的采后处理及冷链配送技术",
        ],
        "rp": ["{P}采后后熟快，长距离运输中快速软化腐烂"],
        "rm": [
            "采用1-甲基环丙烯（1-MCP）采后处理抑制乙烯作用，结合{t2}℃低温物流与适度气调包装",
            "建立{P}采收成熟度与后熟速度的关系，配合预冷和冷链配送控制到货硬度",
        ],
        "re": [
            "常温货架期延长{d}天，长距离运输烂果率降低{z}%",
            "到货硬度合格率达到{x}%，坏果赔付减少{z}%",
        ],
        "rk": ["1-MCP", "采后处理", "后熟调控", "低温物流", "保鲜", "冷链配送"],
    },
    {
        "slug": "fresh-packaging",
        "alt": True,
        "kinds": FRESH,
        "budget": (2, 30),
        "ip": HARD,
        "nt": [
            "{p}快递路上压坏太多，想换个包装",
            "夏天发{p}冰袋化了，想要便宜点的保温包装",
            "{p}包装成本太高，想要既便宜又不坏的箱子",
        ],
        "np": [
            "{p}用普通纸箱发快递，到客户手里十箱有一两箱压坏，赔得心疼。",
            "夏天发{p}用泡沫箱加冰袋，一天就化完了，远一点的省份根本不敢发。",
        ],
        "na": [
            "想找能防压、保温的包装方案，单个成本别超过{c2}块钱。",
            "希望能推荐一下保鲜剂或者气调包装。",
        ],
        "nk": ["包装", "压坏", "冰袋", "泡沫箱", "保温"],
        "rt": [
            "{P}电商物流防压缓冲包装结构",
            "生鲜电商相变蓄冷保温箱及其制备方法",
            "{P}气调保鲜包装与保鲜剂复合技术",
        ],
        "rp": ["生鲜{G}电商快递环节挤压、温度波动导致破损率高"],
        "rm": [
            "设计蜂窝纸板与独立格挡相结合的缓冲包装结构，经跌落与堆码试验优化",
            "采用相变蓄冷材料替代普通冰袋，配合可回收保温箱维持箱内温度",
            "采用微孔气调包装袋与缓释型保鲜剂复合，调节袋内气体成分并抑制霉菌生长",
        ],
        "re": [
            "破损率由{hi}%降至{lo2}%，单件包装成本下降{z}%",
            "箱内温度保持在10℃以下的时间延长至{h}小时",
        ],
        "rk": ["保鲜包装", "冰袋", "泡沫箱", "保温箱", "气调包装", "防压包装", "保鲜剂"],
    },
    {
        "slug": "rural-last-mile",
        "kinds": None,
        "budget": (3, 50),
        "ip": SERVICE,
        "nt": [
            "村里收{p}的快递点太远，想搞村级收发点",
            "山里快递进不来，{p}要拉到镇上才能发",
            "几家快递各跑各的，{p}发货成本太高",
        ],
        "np": [
            "我们村到镇上快递点要走{k}公里山路，{p}都是自己开三轮拉下去。",
            "五家快递在县里各跑各的线，村里一天一趟都保证不了，{p}发出去慢。",
        ],
        "na": ["想了解快递进村共同配送怎么搞。", "希望能优化配送路线，把运费降下来。"],
        "nk": ["快递", "进村", "物流", "运费"],
        "rt": [
            "山区农村快递共同配送路线优化方法",
            "县乡村三级物流共配体系与村级服务站运营模式",
            "{P}上行物流农村末端集货与配送技术",
        ],
        "rp": ["山区农村物流网点分散、快递进村成本高，农产品上行“最初一公里”不畅"],
        "rm": [
            "整合多家快递与邮政资源建立县级共配中心，采用带时间窗的车辆路径优化模型规划进村线路",
            "设计村级服务站代收代发与{G}集货一体化运营流程",
        ],
        "re": [
            "单件配送成本下降{z}%，村级快递通达率提高到{x}%",
            "农产品上行时效缩短{z}%，配送车辆减少{z2}%",
        ],
        "rk": ["农村物流", "快递进村", "村级服务站", "最后一公里", "共同配送", "配送路线优化"],
    },
    # -------------------- 订单与物流对接 (order-logistics-integration)
    {
        "slug": "order-management",
        "kinds": None,
        "budget": (2, 20),
        "ip": SOFT,
        "nt": [
            "{p}在淘宝、拼多多、抖音都有店，订单要挨个后台导",
            "想把几个平台的{p}订单汇到一起处理",
            "{p}订单拆单合单老出错",
        ],
        "np": [
            "我们在三四个平台开了店卖{p}，每天要登录好几个后台导订单，经常漏单。",
            "同一个客户下了几单{p}，我们分开发了几个快递，运费白花。",
        ],
        "na": ["想要个能自动同步多平台订单的系统。", "希望能自动审单、合单，出错能提醒。"],
        "nk": ["订单", "多平台", "漏单", "合单"],
        "rt": [
            "农产品电商多平台订单同步与自动审单系统",
            "面向{G}网店的订单管理系统（OMS）",
            "{P}多平台订单智能拆单合单方法",
        ],
        "rp": ["中小农产品电商多平台经营，订单分散处理，漏单错单频发"],
        "rm": [
            "通过平台开放接口实时同步多平台订单，按规则自动审单、拆单合单并推送至仓库",
            "建立订单异常识别规则库，对地址异常、重复下单进行自动拦截",
        ],
        "re": [
            "订单处理效率提高{y}%，漏发错发率下降{z}%",
            "合单后快递费用节省{z}%，审单人力减少{z2}%",
        ],
        "rk": ["订单管理系统", "OMS", "多平台订单", "订单同步", "拆单合单", "自动审单"],
    },
    {
        "slug": "e-waybills",
        "kinds": None,
        "budget": (2, 10),
        "ip": SOFT,
        "nt": [
            "每天打{p}快递单要打到半夜",
            "想批量打印电子面单，{p}发货快一点",
            "{p}发货单号要一个个复制回平台，太累",
        ],
        "np": [
            "旺季一天{m}单{p}，一张张复制地址打快递单，打错一个字就送不到。",
            "我们用的打单软件只能对一家快递，{p}换快递就得换软件。",
        ],
        "na": ["想要个能批量打单、自动回传单号的软件。", "最好支持多家快递的电子面单。"],
        "nk": ["打单", "面单", "快递单", "发货"],
        "rt": [
            "农产品电商电子面单批量打印与发货管理软件",
            "多快递电子面单模板自适应打印方法",
            "{P}网店发货管理与运单号自动回传系统",
        ],
        "rp": ["小微农产品电商手工打单效率低、差错多"],
        "rm": [
            "对接主流快递电子面单接口，支持多模板自适应批量打单与运单号自动回传平台",
            "结合订单管理实现按批次打单、发货与异常提醒",
        ],
        "re": [
            "打单效率提高{y}%，地址差错率下降{z}%",
            "日均处理能力达到{m}单以上，打单人工减少{z}%",
        ],
        "rk": ["电子面单", "批量打单", "快递单打印", "面单模板", "发货管理", "运单号回传"],
    },
    {
        "slug": "carrier-api-tracking",
        "kinds": None,
        "budget": (2, 15),
        "ip": SOFT,
        "nt": [
            "客户老问{p}到哪了，想自动推送物流信息",
            "{p}快递异常件没人管，想要物流跟踪提醒",
            "想用接口把快递和我们卖{p}的小程序连起来",
        ],
        "np": [
            "每天一半的客服消息都是问{p}到哪了，我们还得一个个去查快递。",
            "有的{p}包裹卡在中转站好几天，等客户投诉我们才知道。",
        ],
        "na": ["想接快递接口，物流有变化就自动通知客户。", "希望异常件能自动提醒我们处理。"],
        "nk": ["快递", "物流跟踪", "异常件", "查件"],
        "rt": [
            "多快递公司物流轨迹聚合接口与异常件预警系统",
            "生鲜{G}包裹物流跟踪与签收回传方法",
            "基于API对接的{P}电商发货提醒服务",
        ],
        "rp": ["农产品电商物流信息分散在多家快递，异常件发现滞后"],
        "rm": [
            "聚合多家快递API构建统一物流轨迹服务，基于时效模型识别滞留与异常件并自动推送提醒",
            "在签收后自动回传签收信息并触发售后回访",
        ],
        "re": [
            "物流咨询量下降{z}%，异常件平均处理时间缩短{z2}%",
            "异常件识别准确率达{x}%，客户满意度提高{y}%",
        ],
        "rk": ["快递接口", "API对接", "物流跟踪", "物流轨迹", "签收回传", "异常件", "发货提醒"],
    },
    {
        "slug": "ecommerce-erp",
        "kinds": None,
        "budget": (3, 30),
        "ip": SOFT,
        "nt": [
            "{p}进货、库存、账目一团乱，想上个ERP",
            "几个平台的{p}货款对不上账",
            "会计月底对账要一个礼拜，{p}到底赚没赚钱不知道",
        ],
        "np": [
            "我们收{p}、加工、网上卖，账都记在Excel里，库存和平台数据总是对不上。",
            "平台结算周期各不一样，{p}的货款到没到、扣了多少服务费，会计算不清。",
        ],
        "na": [
            "想要个适合小企业的电商ERP，进销存和对账都能管。",
            "希望能和我们的网店后台直接打通。",
        ],
        "nk": ["ERP", "对账", "进销存", "账目"],
        "rt": [
            "面向中小农产品电商的轻量化ERP与财务自动对账系统",
            "{G}电商进销存与平台结算一体化管理方法",
            "{P}供应链协同与库存同步平台",
        ],
        "rp": ["中小农产品电商进销存与财务数据割裂，平台结算对账困难"],
        "rm": [
            "整合采购、加工、库存、订单与平台结算数据，实现进销存一体化与多平台货款自动对账",
            "建立按批次核算的成本模型，自动生成商品毛利报表",
        ],
        "re": [
            "对账时间缩短{z}%，库存数据准确率达{x}%",
            "财务差错减少{z}%，经营报表生成效率提高{y}%",
        ],
        "rk": ["电商ERP", "进销存", "财务对账", "库存同步", "平台结算", "供应链协同"],
    },
    # -------------------- 直播带货 (live-streaming)
    {
        "slug": "studio-setup",
        "kinds": None,
        "budget": (2, 15),
        "ip": HARD,
        "nt": [
            "想在{p}地头直播，信号差、画面暗",
            "搭个直播间卖{p}，设备买哪些够用",
            "直播卖{p}声音老是杂音大",
        ],
        "np": [
            "在{p}基地直播，手机一拉远就看不清，风一吹全是杂音。",
            "我们想搞个小直播间卖{p}，网上设备从几百到几万都有，不知道怎么选。",
        ],
        "na": [
            "想请人来帮我们配一套够用又不贵的设备。",
            "希望有户外直播的方案，补光、收音、推流都解决。",
        ],
        "nk": ["直播间", "设备", "补光", "直播"],
        "rt": [
            "田间户外直播便携式补光与网络推流装置",
            "低成本农产品直播间搭建方案与设备配置规范",
            "{P}田间直播多机位拍摄与降噪收音系统",
        ],
        "rp": ["农产品田间直播光线、收音与网络条件差，画面质量影响转化"],
        "rm": [
            "设计集成可调补光灯、降噪麦克风、手机云台与多卡聚合推流的便携式直播套件",
            "制定不同预算档位的直播间搭建与设备配置规范",
        ],
        "re": [
            "户外直播画面清晰度评分提高{y}%，卡顿率降低{z}%",
            "直播间搭建成本降低{z}%，场均观看时长提高{y}%",
        ],
        "rk": ["直播间搭建", "补光灯", "声卡", "手机云台", "田间直播", "网络推流", "直播设备"],
    },
    {
        "slug": "host-training",
        "kinds": None,
        "budget": (2, 15),
        "ip": SERVICE,
        "nt": [
            "找不到会说话的主播，想培养自家人卖{p}",
            "直播卖{p}没人看、不会讲，想学话术",
            "{p}直播老冷场，主播不会互动",
        ],
        "np": [
            "请网红主播卖{p}，坑位费加提成一场要{m}元，卖完了也没留下客户。",
            "我们自己人上镜就紧张，介绍{p}翻来覆去就那几句。",
        ],
        "na": ["想请老师来培养两三个自己的主播。", "希望能有一套{p}的带货话术可以参考。"],
        "nk": ["主播", "话术", "直播", "带货"],
        "rt": [
            "新农人主播培育体系与农产品带货话术库",
            "{P}直播带货话术设计与控场训练方法",
            "面向{G}直播的主播镜头表现与粉丝互动能力培训课程",
        ],
        "rp": ["农村电商缺少本土主播，外请主播成本高、带货不可持续"],
        "rm": [
            "构建“选苗—训练—实战—复盘”的新农人主播培育体系，按品类编写带货话术库",
            "通过情景模拟训练主播镜头表现、控场与粉丝互动能力",
        ],
        "re": ["学员开播率达{x}%，场均成交额提高{y}%", "培养本土主播{k}名，直播转化率提高{y}%"],
        "rk": ["主播培训", "带货话术", "新农人主播", "镜头表现", "控场", "粉丝互动"],
    },
    {
        "slug": "short-video-content",
        "kinds": None,
        "budget": (2, 10),
        "ip": SERVICE,
        "nt": [
            "想拍{p}短视频，拍出来没人看",
            "不会写脚本，{p}的短视频怎么拍",
            "抖音上别人拍{p}火了，我们拍的才几十播放",
        ],
        "np": [
            "拍了几十条{p}的视频，播放量都是几百，也不知道问题在哪。",
            "社员会用手机拍{p}，但不知道拍什么、怎么剪。",
        ],
        "na": ["想请人帮我们策划选题、写脚本。", "希望能学会剪辑和上热门的方法。"],
        "nk": ["短视频", "抖音", "拍视频", "剪辑"],
        "rt": [
            "农产品短视频内容策划与脚本生成方法",
            "{P}产地短视频拍摄剪辑标准化流程",
            "基于热点分析的{G}短视频选题推荐技术",
        ],
        "rp": ["农产品短视频同质化严重、内容策划能力弱，流量转化低"],
        "rm": [
            "分析平台热门农产品视频的选题、节奏与画面特征，建立产地故事、种植过程、"
            "吃法教程等脚本模板",
            "结合大模型自动生成分镜脚本，并提供手机拍摄剪辑规范",
        ],
        "re": [
            "示范账号平均播放量提高{y}%，短视频引流成交增长{y2}%",
            "内容生产时间缩短{z}%，完播率提高{y}%",
        ],
        "rk": ["短视频", "内容策划", "脚本", "拍摄剪辑", "抖音", "快手", "视频号"],
    },
    {
        "slug": "live-operations",
        "kinds": None,
        "budget": (2, 20),
        "ip": SOFT,
        "nt": [
            "直播卖{p}一场几百人看，就是不下单",
            "想知道{p}直播该怎么选品排期、复盘",
            "{p}直播投了流量也不涨粉",
        ],
        "np": [
            "每周播三场{p}，场观几百，成交就十几单，投的流量钱都打水漂了。",
            "直播完不知道看哪些数据，下一场卖{p}还是老样子。",
        ],
        "na": ["想请有经验的运营帮我们复盘，定个直播排期。", "希望有个看得懂的直播数据分析工具。"],
        "nk": ["直播", "转化", "复盘", "流量"],
        "rt": [
            "农产品直播运营数据复盘与选品决策模型",
            "{G}直播间转化率提升与流量投放策略",
            "{P}直播排期优化与场观预测方法",
        ],
        "rp": ["农产品直播间场观低、转化差，运营缺乏数据支撑"],
        "rm": [
            "采集直播场观、停留时长、互动和成交数据构建复盘指标体系，"
            "基于品类特征给出选品与排期建议",
            "建立流量投放与直播转化的关联模型，优化投放时点与预算",
        ],
        "re": ["直播转化率提高{y}%，投放ROI提高{y2}%", "场均观看人数提高{y}%，退货率下降{z}%"],
        "rk": ["直播运营", "选品", "流量投放", "直播复盘", "转化率", "场观", "直播排期"],
    },
    # -------------------- 社区团购 (community-group-buying)
    {
        "slug": "group-leaders",
        "kinds": None,
        "budget": (2, 10),
        "ip": SERVICE,
        "nt": [
            "想在城里找团长卖{p}，不知道怎么招",
            "{p}团购群越来越冷，团长不积极",
            "给团长多少佣金卖{p}才合适",
        ],
        "np": [
            "我们在{c}有些老客户，想找小区团长帮忙卖{p}，但不知道上哪找、怎么谈。",
            "建了几十个{p}团购群，现在发消息没人回，团长也不怎么推了。",
        ],
        "na": ["想学一套团长招募和激励的办法。", "希望能帮我们设计佣金和社群活动。"],
        "nk": ["团长", "团购", "社群", "佣金"],
        "rt": [
            "社区团购团长招募激励机制与社群运营方法",
            "{G}社区团购团长佣金与分级管理模型",
            "基于社群活跃度的团购群运营与{P}复购提升技术",
        ],
        "rp": ["农产品社区团购团长流失率高、社群活跃度下降"],
        "rm": [
            "建立团长画像与分级体系，设计阶梯佣金和社群活动激励机制",
            "基于微信群接龙与复购数据评估社群活跃度，自动生成运营建议",
        ],
        "re": ["团长留存率提高{y}%，团均销售额增长{y2}%", "社群活跃度提高{y}%，复购率提高{y2}%"],
        "rk": ["团长", "社区团购", "社群运营", "微信群", "接龙", "团长佣金"],
    },
    {
        "slug": "presale-direct-sourcing",
        "kinds": None,
        "budget": (2, 20),
        "ip": SOFT,
        "nt": [
            "想先预售再采摘{p}，以销定产",
            "{p}想做产地直采拼团，怎么集单",
            "{p}还没熟就想先把订单定下来",
        ],
        "np": [
            "每年{p}熟了才找销路，卖不掉的只能低价处理。",
            "城里有单位想直接从我们这订{p}，可订单零零散散，凑不成整车。",
        ],
        "na": [
            "想要个预售集单的小程序，客户先下单我们再采。",
            "希望能学会订单农业怎么签、怎么定价。",
        ],
        "nk": ["预售", "集单", "拼团", "订单"],
        "rt": [
            "{G}产地直采预售集单系统",
            "订单农业以销定产模式与预售定价方法",
            "{P}拼团预售与产地直发协同平台",
        ],
        "rp": ["农产品产销信息不对称，“先种后找市场”导致滞销与价格波动"],
        "rm": [
            "开发支持预售、拼团与集单的小程序，按订单量倒推采摘与包装计划",
            "构建考虑成熟期与物流成本的预售定价模型",
        ],
        "re": ["滞销率下降{z}%，产地直采溢价{y}%", "预售订单占比提高到{y}%，库存损耗降低{z}%"],
        "rk": ["预售", "集单", "以销定产", "产地直采", "订单农业", "拼团"],
    },
    {
        "slug": "pickup-distribution",
        "kinds": None,
        "budget": (3, 40),
        "ip": SOFT,
        "nt": [
            "{p}社区团购配送到自提点老出错",
            "想做次日达，{p}怎么分拣到点",
            "{p}送到网格仓再分到自提点，损耗太大",
        ],
        "np": [
            "我们给{c}的{k}0多个自提点送{p}，分拣全靠人对单子，经常错送漏送。",
            "{p}在网格仓要倒两次车，到自提点已经压坏不少。",
        ],
        "na": ["想要个分拣到点的系统，按线路出单。", "希望能优化配送线路，按时送到。"],
        "nk": ["自提点", "配送", "分拣", "次日达"],
        "rt": [
            "社区团购网格仓分拣到点与配送线路优化方法",
            "{G}中心仓—网格仓—自提点三级配送调度系统",
            "{P}团购订单按线路分拣与交接管理技术",
        ],
        "rp": ["社区团购配送环节多、分拣差错率高、生鲜损耗大"],
        "rm": [
            "基于订单和自提点位置进行线路聚类，生成按线路、按点位的分拣清单与配送路径",
            "建立中心仓、网格仓与自提点交接扫码流程，减少倒运次数",
        ],
        "re": ["分拣差错率降低{z}%，配送里程缩短{z2}%", "次日达准时率达{x}%，生鲜损耗降低{z}%"],
        "rk": ["自提点", "次日达", "中心仓", "网格仓", "配送线路", "分拣到点"],
    },
    {
        "slug": "platform-onboarding",
        "kinds": None,
        "budget": (2, 10),
        "ip": SERVICE,
        "nt": [
            "想把{p}上美团优选、多多买菜，不知道要什么条件",
            "{p}入驻团购平台老被品控卡",
            "团购平台要{p}规格统一，我们做不到",
        ],
        "np": [
            "我们的{p}想上团购平台，可人家要检测报告、要规格统一、要账期，我们搞不懂。",
            "上次给团购平台供{p}，因为大小不一被扣了货款。",
        ],
        "na": ["想请人指导入驻流程和品控标准。", "希望能帮我们把{p}做成平台要的标准品。"],
        "nk": ["团购平台", "入驻", "品控", "供货"],
        "rt": [
            "{G}团购平台供货品控标准与入驻对接服务",
            "{P}标准化商品规格与平台供应商准入技术",
            "农产品团购小程序商品上架与平台对接工具",
        ],
        "rp": ["农产品生产主体缺乏标准化能力，难以满足社区团购平台准入与品控要求"],
        "rm": [
            "制定{P}分级规格、包装与检测的品控标准，建立平台入驻所需资料清单与对接流程",
            "开发商品信息标准化上架工具，一次录入同步至多个团购平台",
        ],
        "re": [
            "示范企业入驻通过率提高{y}%，品控扣款减少{z}%",
            "商品上架时间缩短{z}%，供货退货率下降{z2}%",
        ],
        "rk": [
            "团购小程序",
            "供应商入驻",
            "平台对接",
            "商品上架",
            "品控标准",
            "美团优选",
            "多多买菜",
        ],
    },
    # -------------------- 加工与包装 (processing-packaging)
    {
        "slug": "grading-sorting",
        "alt": True,
        "kinds": ("fruit", "veg", "mushroom"),
        "budget": (5, 150),
        "ip": HARD,
        "nt": [
            "{p}大小不一，卖不上价，想按个头分级",
            "{p}人工挑拣分级太慢还不准",
            "想给{p}测糖度分级，甜的卖贵点",
        ],
        "np": [
            "{p}收上来大大小小混在一起，客户收到说跟图片不一样，给差评。",
            "分拣靠十几个大姐用眼看，一天挑不了几吨{p}，标准还不统一。",
        ],
        "na": ["想上一台分级机，按大小和外观自动分。", "听说有能测糖度的分选线，想了解价格。"],
        "nk": ["分级", "挑选", "个头", "糖度"],
        "rt": [
            "{P}糖度与外观无损检测光电分选装备",
            "基于机器视觉的{P}按个头分级方法",
            "小型化{G}分级分选一体机",
        ],
        "rp": ["{P}产后分级依赖人工，标准不一、效率低，优质不能优价"],
        "rm": [
            "采用近红外光谱与机器视觉融合检测{P}糖度、大小和表面缺陷，实现多通道自动分选",
            "设计适合合作社使用的小型辊筒式分级机构，按果径和重量分级",
        ],
        "re": ["分级准确率达到{x}%，处理能力{q}吨/小时", "分选效率为人工的{k}倍，优质果溢价{y}%"],
        "rk": ["分级", "分选", "光电分选", "糖度检测", "按个头分级", "外观分选", "标准化"],
    },
    {
        "slug": "drying",
        "alt": True,
        "kinds": ("herb", "mushroom", "fruit", "veg", "flower", "tea"),
        "budget": (5, 100),
        "ip": PROCESS,
        "nt": [
            "{p}晒干全靠天，下雨就发霉",
            "想建个烘干房烘{p}，烧煤的不让用了",
            "{p}烘出来颜色发黑，卖不上价",
        ],
        "np": [
            "每年{p}收获时赶上连阴雨，晒不干就发霉，一季要损失{pct}%。",
            "原来用的燃煤烘干炉被禁了，换电烘干又怕电费太高，{p}品质也不稳定。",
        ],
        "na": ["想找个省电又好用的烘干设备。", "希望有人告诉我们{p}烘干的温度和时间怎么控制。"],
        "nk": ["烘干", "晒干", "发霉", "烘干房"],
        "rt": ["{P}热泵烘干工艺及智能烘干房", "{P}真空冷冻干燥技术", "{P}分段变温干燥方法"],
        "rp": ["{P}传统晾晒受天气影响大、燃煤烘干污染重，干制品色泽与有效成分损失严重"],
        "rm": [
            "采用空气源热泵烘干房，按{P}含水率变化实施分段变温变湿干燥",
            "通过优化预冻、升华与解析干燥参数，保持{G}色泽与风味",
        ],
        "re": [
            "干燥能耗较燃煤降低{z}%，有效成分保留率达{x}%",
            "干制品一级品率提高{y}%，干燥周期缩短{z}%",
        ],
        "rk": ["烘干", "热泵烘干", "冻干", "干制品", "烘干房", "晾晒"],
    },
    {
        "slug": "vacuum-retail-packing",
        "kinds": None,
        "budget": (2, 30),
        "ip": PROCESS,
        "nt": [
            "{p}想做小包装，真空封口机不会选",
            "散装{p}卖不上价，想做成小袋装",
            "{p}小包装放久了胀袋，想知道怎么解决",
        ],
        "np": [
            "{p}现在都是按斤散卖，网上同样的东西做成小包装能卖贵一倍。",
            "我们自己用封口机包的{p}，放两个月就胀袋漏气，客户退货。",
        ],
        "na": ["想上一条小型真空或充氮包装线。", "希望有人指导包装材料和工艺。"],
        "nk": ["小包装", "真空包装", "封口", "胀袋"],
        "rt": ["{P}充氮保鲜小包装工艺", "{P}真空包装与定量包装生产线", "{P}小包装防胀袋保质技术"],
        "rp": ["{G}散装销售附加值低，小包装保质期短、胀袋漏气问题突出"],
        "rm": [
            "选用高阻隔复合膜，结合真空或充氮包装与定量灌装，优化封口温度与时间",
            "对{P}进行杀菌与水分活度控制后小包装，延长保质期",
        ],
        "re": ["保质期延长至{mo}个月，胀袋率低于{e}‰", "包装效率提高{y}%，产品溢价{y2}%"],
        "rk": ["真空包装", "小包装", "封口机", "充氮包装", "定量包装", "礼盒包装"],
    },
    {
        "slug": "further-processing",
        "kinds": None,
        "budget": (10, 200),
        "ip": PROCESS,
        "nt": [
            "{p}卖不完就烂，想做深加工",
            "想把次品{p}加工成别的产品",
            "{p}加工想办食品生产许可，车间怎么建",
        ],
        "np": [
            "每年有{pct}%左右的{p}卖相不好，只能低价处理给收购商。",
            "想把{p}做成即食产品卖，可不懂工艺，也不知道要办哪些证。",
        ],
        "na": ["想找能转让加工工艺、帮忙设计车间的团队。", "希望有适合小厂的成熟配方。"],
        "nk": ["深加工", "加工", "次品", "生产许可"],
        "rt": [
            "{P}精深加工关键技术及产品开发",
            "{P}初加工与即食产品加工工艺",
            "以{P}次级品为原料的高值化加工方法",
        ],
        "rp": ["{P}商品化率低，次级品利用率不足，产业链短、附加值低"],
        "rm": [
            "以{P}次级品为原料，开发即食、饮品、粉剂等产品，并优化杀菌与灭酶工艺",
            "制定符合食品生产许可要求的小型加工车间设计与工艺规程",
        ],
        "re": [
            "原料利用率提高{y}%，产品附加值提高{y2}%",
            "次级品综合利用率达{x}%，每吨原料增收{k}00元",
        ],
        "rk": ["初加工", "精深加工", "鲜切", "速冻", "果蔬汁", "杀菌", "食品生产许可"],
    },
    {
        "slug": "branding-design",
        "kinds": None,
        "budget": (2, 30),
        "ip": SERVICE,
        "nt": [
            "{p}没名气，想做个品牌和包装",
            "{p}礼盒太土，想请人重新设计",
            "我们的{p}想注册商标，讲好品牌故事",
        ],
        "np": [
            "我们的{p}品质不比大牌差，可没品牌，只能卖统货价。",
            "现在用的{p}礼盒是印刷厂随便套的模板，送人都拿不出手。",
        ],
        "na": ["想找设计团队做品牌和包装，整体预算不多。", "希望能结合地方特色讲品牌故事。"],
        "nk": ["品牌", "包装设计", "礼盒", "商标"],
        "rt": [
            "区域公用品牌与{P}包装视觉设计方案",
            "{P}品牌故事挖掘与视觉识别系统设计",
            "地理标志{P}品牌打造方法",
        ],
        "rp": ["{G}有品质无品牌，包装同质化，溢价能力弱"],
        "rm": [
            "挖掘产地自然与人文资源，构建{P}品牌定位、品牌故事与视觉识别系统",
            "设计兼顾电商运输与礼赠场景的系列包装，并协助商标注册",
        ],
        "re": ["示范品牌产品溢价{y}%，礼盒销量增长{y2}%", "品牌认知度提升{y}%，复购率提高{y2}%"],
        "rk": [
            "品牌设计",
            "包装设计",
            "区域公用品牌",
            "地理标志",
            "商标注册",
            "品牌故事",
            "视觉识别",
        ],
    },
    # -------------------- 网络基础设施 (network-infrastructure)
    {
        "slug": "rural-broadband",
        "kinds": None,
        "budget": (3, 60),
        "ip": SERVICE,
        "nt": [
            "村里网速慢，直播卖{p}老卡",
            "仓库宽带上行不够，{p}直播推流卡顿",
            "想给{p}基地拉光纤，运营商说太远",
        ],
        "np": [
            "我们在村里直播卖{p}，网一卡观众就走了，一场掉一半人。",
            "{p}基地离最近的光交箱好几公里，运营商报价太高。",
        ],
        "na": ["想了解低成本的宽带提速方案。", "希望能帮我们跟运营商对接千兆光网。"],
        "nk": ["网速", "宽带", "光纤", "卡顿"],
        "rt": [
            "山区农村千兆光网低成本覆盖方案",
            "面向直播电商的农村宽带上行带宽保障技术",
            "{P}产区光纤入户与网络覆盖规划方法",
        ],
        "rp": ["山区农村宽带覆盖不足、上行带宽低，难以支撑直播电商"],
        "rm": [
            "采用PON架构与分光比优化降低光纤入户成本，结合山区地形进行网络覆盖规划",
            "通过上行带宽保障策略与多链路聚合支撑直播推流",
        ],
        "re": [
            "单户接入成本降低{z}%，上行带宽提升至{k}0Mbps以上",
            "直播卡顿率下降{z}%，网络可用率达{x}%",
        ],
        "rk": ["宽带", "光纤入户", "千兆光网", "网络覆盖", "宽带提速", "上行带宽"],
    },
    {
        "slug": "mobile-5g",
        "kinds": None,
        "budget": (3, 60),
        "ip": HARD,
        "nt": [
            "{p}基地在山里没信号，传感器数据传不出来",
            "山区信号差，{p}采收季扫码打单都卡",
            "想在{p}基地用5G直播，有没有办法",
        ],
        "np": [
            "{p}基地在山沟里，手机只有一格信号，装的设备数据经常传不上去。",
            "采收季工人在地头扫码记{p}重量，信号一断就要重新录。",
        ],
        "na": ["想了解信号增强或者物联网卡的方案。", "希望有适合山区的组网办法。"],
        "nk": ["信号", "5G", "山区", "物联网卡"],
        "rt": [
            "山区物联网卡与移动信号增强覆盖技术",
            "面向{G}基地的5G/4G融合组网方法",
            "山区{P}基地低成本信号中继装置",
        ],
        "rp": ["山区农业基地移动信号弱、盲区多，物联网设备与直播难以稳定联网"],
        "rm": [
            "采用太阳能供电信号中继与定向天线增强山区覆盖，物联网设备使用多运营商物联网卡自动切换",
            "结合5G基站与4G补盲建设规划基地网络",
        ],
        "re": [
            "基地信号覆盖率提高到{x}%，设备掉线率下降{z}%",
            "数据回传成功率达{x}%，直播卡顿率下降{z}%",
        ],
        "rk": ["5G", "4G", "基站", "信号覆盖", "移动网络", "物联网卡", "山区信号"],
    },
    {
        "slug": "ecommerce-service-stations",
        "kinds": None,
        "budget": (2, 30),
        "ip": SERVICE,
        "nt": [
            "想在村里开电商服务站，代收代发{p}",
            "村级服务点怎么运营才能帮我们卖{p}",
            "县里电商服务中心能帮我们卖{p}吗",
        ],
        "np": [
            "我们村有{k}0多户种{p}，年纪大的不会网上卖，想在村里设个服务点代卖代发。",
            "村里的电商服务站挂了牌子就没人管，{p}还是靠收购商上门。",
        ],
        "na": ["想学学别的地方服务站是怎么运营、怎么赚钱的。", "希望有人来帮我们规划服务站。"],
        "nk": ["服务站", "代卖", "代收", "村级"],
        "rt": [
            "县级电商公共服务中心与村级服务点运营模式",
            "村级电商服务站代购代销可持续运营方法",
            "{P}产区电子商务进农村服务体系建设方案",
        ],
        "rp": ["村级电商服务站“建而不用”，缺乏可持续运营机制"],
        "rm": [
            "设计集代购代销、快递代收、便民服务与培训于一体的服务站运营模式，"
            "建立县级公共服务中心对站点的考核与扶持机制",
            "按村庄产业与人口特征分类规划站点功能",
        ],
        "re": ["站点活跃率提高到{x}%，站均代销农产品增长{y}%", "示范县农产品网络零售额增长{y}%"],
        "rk": [
            "电商服务站",
            "县级电商公共服务中心",
            "村级服务点",
            "电子商务进农村",
            "代购代销",
            "快递代收",
        ],
    },
    {
        "slug": "cloud-data-platforms",
        "kinds": None,
        "budget": (5, 80),
        "ip": SOFT,
        "nt": [
            "{p}的订单、生产数据散在几个地方，想放云上",
            "想有个数字乡村平台展示{p}基地",
            "{p}的数据存在电脑里怕丢，想上云",
        ],
        "np": [
            "我们{p}的生产记录在本子上、订单在网店后台、财务在Excel，老板想看个总数都要凑半天。",
            "去年电脑坏了，{p}的客户和订单数据全没了。",
        ],
        "na": ["想要个云上的数据平台，安全可靠、费用不高。", "希望能做个大屏展示基地情况。"],
        "nk": ["云", "数据", "平台", "上云"],
        "rt": [
            "县域数字乡村农业数据平台",
            "面向{G}经营主体的低成本云服务与数据安全方案",
            "{P}产业数据中台与可视化大屏",
        ],
        "rp": ["农业经营主体数据分散、存储不安全，难以支撑数字化管理"],
        "rm": [
            "基于云计算构建涵盖生产、销售、物流数据的县域数字乡村平台，提供数据备份与权限管理",
            "采用多租户架构降低中小主体上云成本",
        ],
        "re": [
            "数据汇聚效率提高{y}%，单主体年使用成本低于{k}00元",
            "决策报表生成时间缩短{z}%，数据可用率达{x}%",
        ],
        "rk": ["云服务", "云计算", "数据平台", "数字乡村", "数据中心", "数据安全"],
    },
    # -------------------- 数字技能培训 (digital-skills-training)
    {
        "slug": "online-shop-training",
        "kinds": None,
        "budget": (2, 8),
        "ip": SERVICE,
        "nt": [
            "社员想学开网店卖{p}，有没有人来培训",
            "{p}上拼多多不会上架、不会装修店铺",
            "开了网店卖{p}，平台规则看不懂老被罚",
        ],
        "np": [
            "合作社有{k}个年轻社员想自己开网店卖{p}，可没人教。",
            "我们的{p}店铺开了半年，上架、做主图、报活动都不会，基本没单。",
        ],
        "na": ["想请老师来村里办几期培训，最好手把手教。", "希望培训完有人跟踪指导。"],
        "nk": ["培训", "开网店", "上架", "店铺"],
        "rt": [
            "农村电商网店运营实训课程体系",
            "{P}网店开设与平台规则培训教材",
            "面向合作社的{G}网店运营“训—练—带”培训方法",
        ],
        "rp": ["农村电商从业者网店运营技能薄弱、培训与实操脱节"],
        "rm": [
            "构建“理论培训—实操练习—带店孵化”的网店运营实训课程，涵盖开店、商品上架、"
            "店铺装修与平台规则",
            "按淘宝、拼多多等平台编写图文教材与实操案例",
        ],
        "re": [
            "学员开店率达{x}%，培训后{mo}个月内店铺出单率提高{y}%",
            "累计培训{m}人次，学员满意度{x}%",
        ],
        "rk": ["网店运营", "开店培训", "商品上架", "店铺装修", "平台规则", "淘宝", "拼多多"],
    },
    {
        "slug": "livestream-video-training",
        "kinds": None,
        "budget": (2, 8),
        "ip": SERVICE,
        "nt": [
            "想请老师来教社员用手机拍{p}视频",
            "{p}直播带货想办个培训班",
            "社员想学拍剪{p}短视频，哪里有课",
        ],
        "np": [
            "合作社有不少社员想学直播卖{p}，自己摸索了半年没起色。",
            "县里办过一次培训，讲的都是大道理，回来还是不会拍{p}。",
        ],
        "na": ["想请会实操的老师来，教手机拍摄、剪辑和直播。", "希望课程能针对{p}这类产品。"],
        "nk": ["直播培训", "短视频", "手机拍摄", "剪辑"],
        "rt": [
            "农民直播与短视频技能培训课程包",
            "{P}手机拍摄剪辑与带货技巧实训方法",
            "{G}新媒体营销技能培训体系",
        ],
        "rp": ["农民直播与短视频技能不足，现有培训偏理论、实操性差"],
        "rm": [
            "开发以手机为工具的拍摄、剪辑与直播实训课程，配套{P}等特色产品案例",
            "采用“小班实训+线上陪跑”方式，学员边学边播",
        ],
        "re": [
            "学员结业开播率达{x}%，短视频平均播放量提高{y}%",
            "累计培训{m}人次，学员带货收入增长{y}%",
        ],
        "rk": ["直播培训", "短视频培训", "手机拍摄", "剪辑培训", "新媒体", "带货技巧"],
    },
    {
        "slug": "digital-farming-tools-training",
        "kinds": PLANT + ("meat", "aquatic"),
        "budget": (2, 10),
        "ip": SERVICE,
        "nt": [
            "买了智能设备没人会用，想请人教{p}基地的工人",
            "想培训社员用无人机和农业APP管{p}",
            "{p}基地的传感器装上了，数据看不懂",
        ],
        "np": [
            "去年项目给{p}基地装了一套物联网设备，懂的人走了，现在没人会看。",
            "社员大多五六十岁，手机APP用不来，{p}的农事记录还是写本子。",
        ],
        "na": ["想请人来现场教，最好能编个图文手册。", "希望培训完能考个证，比如无人机操作证。"],
        "nk": ["培训", "设备操作", "APP", "无人机"],
        "rt": [
            "数字农业工具使用培训方法与图解教材",
            "面向中老年农民的农业APP与智能设备操作培训体系",
            "植保无人机操作培训与{P}基地实训",
        ],
        "rp": ["数字农业设备重建设轻使用，基层使用者操作能力不足"],
        "rm": [
            "编写图解式智能设备操作手册和短视频教程，采用田间现场实训与考核相结合的方式",
            "针对中老年学员设计简化操作流程与语音指导",
        ],
        "re": [
            "学员独立操作合格率达到{x}%，设备使用率提高{y}%",
            "无人机操作培训取证率{x}%，设备闲置率下降{z}%",
        ],
        "rk": ["农业APP", "智能设备操作", "物联网应用", "无人机操作培训", "数据记录", "手机应用"],
    },
    {
        "slug": "entrepreneur-incubation",
        "kinds": None,
        "budget": (2, 20),
        "ip": SERVICE,
        "nt": [
            "村里年轻人回来想做{p}电商，想有人带一带",
            "想办个{p}电商创业孵化点",
            "合作社想培养几个做{p}电商的带头人",
        ],
        "np": [
            "今年有{k}个大学生回村，想在网上卖{p}，可缺资金、缺经验。",
            "合作社理事长年纪大了，{p}网上销售需要年轻带头人接手。",
        ],
        "na": ["想找有经验的孵化机构来指导，提供场地和导师。", "希望能对接创业贷款和培训资源。"],
        "nk": ["返乡创业", "带头人", "孵化", "年轻人"],
        "rt": [
            "返乡创业电商带头人培养与孵化模式",
            "县域{G}电商创业孵化基地运营方法",
            "{P}产业新型经营主体电商带头人能力提升方案",
        ],
        "rp": ["返乡创业人员缺乏电商经验与资源，创业成功率低"],
        "rm": [
            "建立“导师结对—项目孵化—资源对接”的创业孵化模式，提供场地、供应链与金融支持",
            "按{P}等特色产业设计带头人培训课程与考核",
        ],
        "re": ["孵化项目存活率达到{x}%，带动农户增收{y}%", "培养电商带头人{k}名，带动农户增收{y}%"],
        "rk": ["返乡创业", "创业孵化", "电商带头人", "高素质农民", "合作社", "新型经营主体"],
    },
]

# The category tree as in fixtures/categories.json (a test keeps the two in step). Kept here
# so that this module needs no file access at import time.
CATEGORY_TREE: dict[str, tuple[str, ...]] = {
    "precision-marketing": (
        "user-profiling", "recommendation-systems", "targeted-advertising", "market-analytics",
        "private-domain-crm",
    ),
    "ai-customer-service": (
        "chatbots", "voice-service", "after-sales-automation", "review-analysis",
    ),
    "smart-warehousing": (
        "warehouse-management", "automated-sorting", "barcode-rfid", "inventory-forecasting",
        "county-warehouse-hubs",
    ),
    "iot-production": (
        "environment-monitoring", "smart-greenhouse", "precision-irrigation",
        "smart-livestock-aquaculture", "drones-remote-sensing", "pest-disease-detection",
    ),
    "blockchain-traceability": (
        "per-item-codes", "blockchain-records", "production-records", "quality-certification",
    ),
    "cold-chain-logistics": (
        "origin-precooling", "cold-storage", "cold-chain-monitoring", "fresh-packaging",
        "rural-last-mile",
    ),
    "order-logistics-integration": (
        "order-management", "e-waybills", "carrier-api-tracking", "ecommerce-erp",
    ),
    "live-streaming": (
        "studio-setup", "host-training", "short-video-content", "live-operations",
    ),
    "community-group-buying": (
        "group-leaders", "presale-direct-sourcing", "pickup-distribution", "platform-onboarding",
    ),
    "processing-packaging": (
        "grading-sorting", "drying", "vacuum-retail-packing", "further-processing",
        "branding-design",
    ),
    "network-infrastructure": (
        "rural-broadband", "mobile-5g", "ecommerce-service-stations", "cloud-data-platforms",
    ),
    "digital-skills-training": (
        "online-shop-training", "livestream-video-training", "digital-farming-tools-training",
        "entrepreneur-incubation",
    ),
}  # fmt: skip
_TOP_OF = {child: top for top, children in CATEGORY_TREE.items() for child in children}

# The showcase every seed contains: the kiwifruit co-operative's "猕猴桃运到广州就软了烂了"
# and, among the results, "红心猕猴桃采后1-MCP处理与低温物流保鲜技术" written to answer it.
_SHOWCASE_ENTERPRISE = "e06"
_SHOWCASE_PRODUCT = "红心猕猴桃"
_SHOWCASE_TOPIC = next(i for i, t in enumerate(TOPICS) if "1-MCP" in t["rt"][0])

# One sentence of application scenario per top-level category ({P} product, {G} its group).
_SCENARIOS: dict[str, tuple[str, ...]] = {
    "precision-marketing": (
        "适用于{G}网店、合作社自营店铺和县域电商公共服务中心的营销数据分析。",
        "可用于{P}等特色农产品的线上营销与老客户运营。",
    ),
    "ai-customer-service": (
        "适用于旺季咨询量大的{G}网店和直播电商企业。",
        "可部署于淘宝、抖店、拼多多等平台店铺及企业微信客服，服务{P}等农产品销售。",
    ),
    "smart-warehousing": (
        "适用于县域产地仓、合作社分拣中心和中小农产品电商仓库。",
        "可用于{P}等农产品的仓储与发货环节。",
    ),
    "iot-production": (
        "适用于丘陵山地{G}生产基地、家庭农场和合作社。",
        "可用于{P}基地的生产管理与防灾减损。",
    ),
    "blockchain-traceability": (
        "适用于地理标志、绿色和有机{G}的质量追溯与品牌保护。",
        "可用于{P}的生产记录、检测认证与防伪溯源。",
    ),
    "cold-chain-logistics": (
        "适用于{G}产地合作社、冷链物流企业和生鲜电商。",
        "可用于{P}从采收到消费者手中的保鲜与物流环节。",
    ),
    "order-logistics-integration": (
        "适用于多平台经营的中小农产品电商企业。",
        "可用于{P}等农产品网店的订单、发货与对账管理。",
    ),
    "live-streaming": (
        "适用于合作社、家庭农场和县域直播基地的农产品直播带货。",
        "可用于{P}等特色农产品的田间直播与短视频营销。",
    ),
    "community-group-buying": (
        "适用于对接社区团购平台的合作社、产地供应商和城市团长。",
        "可用于{P}等农产品的预售集单与社区配送。",
    ),
    "processing-packaging": (
        "适用于农产品加工厂、合作社加工车间和产地仓。",
        "可用于{P}的产后商品化处理与增值加工。",
    ),
    "network-infrastructure": (
        "适用于山区县乡村网络建设和电商服务体系建设。",
        "可服务{P}产区的电商直播、物联网设备联网与数据管理。",
    ),
    "digital-skills-training": (
        "适用于县域电商培训、合作社社员和返乡创业人员。",
        "可结合{P}等地方特色产业开展培训。",
    ),
}

# Sentences that pad an abstract to a realistic length.
# Sentences that pad an abstract to a realistic length, by the kind of result.
_EXTRAS: dict[str, tuple[str, ...]] = {
    "hardware": (
        "关键参数经两个生产季的田间与中试验证。",
        "该装置投资低、维护简便，适合合作社和县域企业使用。",
        "成果已在{k}家企业和合作社示范应用。",
        "可配套提供安装调试、人员培训和一年期技术服务。",
    ),
    "process": (
        "关键参数经两个生产季的田间与中试验证。",
        "该技术投入低、操作简便，适合合作社和中小电商企业推广。",
        "成果已在{k}家企业和合作社示范应用。",
        "成果已形成企业标准和操作规程，便于复制推广。",
    ),
    "software": (
        "系统支持手机端操作，适合基层人员使用。",
        "支持与主流电商平台和快递公司接口对接。",
        "已在{k}家企业和合作社上线运行。",
        "可提供私有化部署和SaaS两种交付方式。",
    ),
    "service": (
        "已在{k}个县开展应用，累计服务合作社和企业{m}余家次。",
        "配套提供课程资料、案例库和跟踪指导。",
        "成果已形成标准化实施手册，便于复制推广。",
        "可根据当地特色产业定制实施内容。",
    ),
}
_NEED_OPENERS = ("", "", "", "我们是{name}。", "我们主要做{p}。", "{p}是我们的主打产品。")
_NEED_TAILS = (
    "",
    "预算不多，希望方案实在一点。",
    "最好能派人来现场看看。",
    "有成熟的设备或软件最好，能直接用。",
    "比较急，{month}月份就要上市了。",
    "可以先小范围试一试，效果好再推广。",
    "县里服务站说可以帮忙对接，麻烦专家联系我们。",
)
# Pinyin-input slips a hurried manager really makes; applied to a few needs.
_TYPOS = (("保鲜", "保先"), ("物流", "物留"), ("快递", "快第"), ("冷库", "冷酷"))

# ---------------------------------------------------------------------- English / mixed
# Export-minded firms write in English; some bosses mix in English words. Six of these eight
# are picked per seed.
EN_NEEDS: tuple[dict[str, Any], ...] = (
    {
        "enterprise": "e20",
        "category": "quality-certification",
        "title": "EU organic certification and residue testing for Pu'er green coffee",
        "description": "We export about 300 t of Yunnan Arabica green coffee a year. EU buyers "
        "now want organic certification and residue reports per lot. Need a lab partner.",
        "keywords": ["organic certification", "residue testing", "green coffee", "export"],
    },
    {
        "enterprise": "e20",
        "category": "drying",
        "title": "Faster drying for washed coffee beans in the rainy season",
        "description": "Our washed Arabica is sun-dried on patios. In wet years it takes three "
        "weeks and some lots go mouldy. Looking for a low-energy or solar-assisted dryer.",
        "keywords": ["coffee drying", "mould", "solar dryer"],
    },
    {
        "enterprise": "e24",
        "category": "cold-storage",
        "title": "Controlled-atmosphere storage to keep Korla pears fresh until May",
        "description": "We store about 2,000 t of Korla pears after harvest. Fruit kept past "
        "March shows core browning. Want CA storage know-how with remote monitoring.",
        "keywords": ["CA storage", "Korla pear", "core browning", "cold storage"],
    },
    {
        "enterprise": "e24",
        "category": "fresh-packaging",
        "title": "Export cartons for Korla pears shipped by sea to Southeast Asia",
        "description": "Sea freight to Singapore takes 12-18 days. Pears arrive bruised and "
        "humid cartons collapse. Need a carton and liner design for reefer containers.",
        "keywords": ["export packaging", "reefer container", "bruising", "pear"],
    },
    {
        "enterprise": "e26",
        "category": "targeted-advertising",
        "title": "Jasmine tea ads on Amazon and TikTok Shop for overseas buyers",
        "description": "Our ads for Hengzhou jasmine tea get clicks but few orders. Looking for "
        "help with audience targeting, English ad creatives and ROI tracking.",
        "keywords": ["overseas ads", "jasmine tea", "ROI", "audience targeting"],
    },
    {
        "enterprise": "e32",
        "category": "grading-sorting",
        "title": "Automatic grading of dried flower shiitake for Japanese importers",
        "description": "Japanese buyers grade 花菇 by cap size and crack pattern. We grade by "
        "hand with 30 workers and disputes are common. Need a vision-based grader.",
        "keywords": ["grading", "shiitake", "machine vision", "export"],
    },
    {
        "enterprise": "e37",
        "category": "private-domain-crm",
        "title": "想做个小程序 mini program 卖青稞麦片，老客户都在微信群",
        "description": "我们的青稞面、青稞麦片主要靠几个微信群接龙卖，统计太乱。想做个 mini "
        "program，会员能积分、能提醒复购，预算不多。",
        "keywords": ["小程序", "mini program", "微信群", "复购"],
    },
    {
        "enterprise": "e21",
        "category": "carrier-api-tracking",
        "title": "鲜花订单想用 API 对接快递，自动回传 tracking number",
        "description": "每天发五千多单鲜切花，客户老问到哪了。想接快递 API，自动回传 tracking "
        "number，异常件自动提醒，最好国内店铺和 Shopify 海外站都能用。",
        "keywords": ["API", "tracking number", "快递接口", "鲜花"],
    },
)

# Ten of these twelve are picked per seed. "solves" names the English need it answers, if any.
EN_RESULTS: tuple[dict[str, Any], ...] = (
    {
        "institution": "i19",
        "team": "猕猴桃产业技术课题组",
        "category": "cold-chain-monitoring",
        "ip_type": "invention_patent",
        "solves": None,
        "title": "1-MCP postharvest treatment and low-temperature logistics for kiwifruit",
        "abstract": "Kiwifruit sold online softens quickly during long-distance parcel delivery. "
        "Fruit treated with 1-methylcyclopropene (1-MCP) within 24 h of harvest and shipped "
        "at 0-2 °C in modified-atmosphere liners arrived 38% firmer than untreated fruit, and "
        "decay after seven days at room temperature fell by 54%.",
        "keywords": ["1-MCP", "kiwifruit", "cold chain", "postharvest", "softening"],
    },
    {
        "institution": "i01",
        "team": "果蔬采后保鲜课题组",
        "category": "cold-storage",
        "ip_type": "know_how",
        "solves": ("e24", "cold-storage"),
        "title": "Controlled-atmosphere storage protocol preventing core browning in Korla pear",
        "abstract": "We determined O2/CO2 set-points (2-3% O2, below 0.8% CO2) and a staged "
        "cooling schedule that prevent core browning of Korla fragrant pear in eight-month "
        "storage. In commercial CA rooms browning fell from 21% to 3% and aroma was retained. "
        "A remote module logs gas and temperature data.",
        "keywords": ["controlled atmosphere", "Korla pear", "core browning", "CA storage"],
    },
    {
        "institution": "i21",
        "team": "咖啡与热带作物课题组",
        "category": "drying",
        "ip_type": "utility_model",
        "solves": ("e20", "drying"),
        "title": "Solar-assisted hybrid dryer for washed Arabica coffee in Yunnan",
        "abstract": "A greenhouse-type solar dryer with a heat-pump backup dries washed Arabica "
        "parchment to 11% moisture in 6-8 days regardless of rain. Mould incidence fell from "
        "9% to under 1% and cupping scores rose by 1.5 points. Energy use is 40% of an "
        "electric dryer.",
        "keywords": ["coffee drying", "solar dryer", "heat pump", "Arabica"],
    },
    {
        "institution": "i16",
        "team": "大模型应用课题组",
        "category": "chatbots",
        "ip_type": "software_copyright",
        "solves": None,
        "title": "Multilingual LLM customer-service assistant for cross-border agri-food stores",
        "abstract": "A retrieval-augmented assistant answers buyer questions in Chinese, English, "
        "Korean and Japanese from a product and shipping knowledge base, and hands over to a "
        "human when unsure. In three cross-border tea and coffee stores it resolved 81% of "
        "questions automatically.",
        "keywords": ["LLM", "customer service", "cross-border", "multilingual"],
    },
    {
        "institution": "i15",
        "team": "联盟链平台课题组",
        "category": "blockchain-records",
        "ip_type": "software_copyright",
        "solves": None,
        "title": "Lightweight consortium-blockchain notarisation of export lot records",
        "abstract": "Farm records, lab reports and shipping documents of each export lot are "
        "hashed and signed on a consortium chain run by producers, labs and inspectors. A "
        "phone light client lets small exporters notarise a lot for under 0.1 CNY per record.",
        "keywords": ["blockchain", "notarisation", "export", "traceability"],
    },
    {
        "institution": "i14",
        "team": "茶叶品质检测课题组",
        "category": "quality-certification",
        "ip_type": "invention_patent",
        "solves": ("e20", "quality-certification"),
        "title": "Rapid multi-residue pesticide screening for tea and coffee exports",
        "abstract": "A QuEChERS clean-up combined with a portable mass spectrometer screens 86 "
        "pesticides in tea and green coffee within 30 minutes. Agreement with accredited "
        "laboratory results was 96%, supporting EU organic and MRL compliance checks.",
        "keywords": ["pesticide residue", "rapid screening", "tea", "coffee", "MRL"],
    },
    {
        "institution": "i10",
        "team": "采后生物学课题组",
        "category": "fresh-packaging",
        "ip_type": "invention_patent",
        "solves": None,
        "title": "Edible chitosan coating extending shelf life of mango in parcel delivery",
        "abstract": "A chitosan and plant-wax coating applied after hot-water treatment slows "
        "ripening and anthracnose of mango during e-commerce delivery. Shelf life at 25 °C "
        "rose from 5 to 11 days and decay claims fell by 47% in trials with two shippers.",
        "keywords": ["edible coating", "mango", "shelf life", "anthracnose"],
    },
    {
        "institution": "i17",
        "team": "需求预测课题组",
        "category": "market-analytics",
        "ip_type": "none",
        "solves": None,
        "title": "Gradient-boosting demand forecasting for seasonal fruit sold online",
        "abstract": "Daily orders of seasonal fruit were forecast with gradient-boosted trees "
        "using price, promotion calendar, weather and search-trend features. Weekly error "
        "was 8.7%, half that of moving averages, and stock-outs in pilot stores fell by 31%.",
        "keywords": ["demand forecasting", "gradient boosting", "seasonal fruit", "e-commerce"],
    },
    {
        "institution": "i08",
        "team": "物流网络优化课题组",
        "category": "rural-last-mile",
        "ip_type": "none",
        "solves": None,
        "title": "Vehicle routing for consolidated parcel pickup in mountainous villages",
        "abstract": "A time-window vehicle-routing model consolidates the pickups of five "
        "couriers in mountainous counties. In a pilot county daily vehicle-kilometres fell by "
        "36% and farm parcels reached the county hub four hours earlier.",
        "keywords": ["vehicle routing", "rural logistics", "consolidation", "last mile"],
    },
    {
        "institution": "i05",
        "team": "电商数据分析课题组",
        "category": "targeted-advertising",
        "ip_type": "know_how",
        "solves": ("e26", "targeted-advertising"),
        "title": "Audience targeting and creative testing for Chinese tea on overseas marketplaces",
        "abstract": "A playbook and scripts for Amazon and TikTok Shop: seed audiences from tea "
        "forum lookalikes, A/B test English creatives, and attribute orders to ads. Four "
        "tea sellers raised return on ad spend from 1.3 to 2.9 within eight weeks.",
        "keywords": ["overseas ads", "audience targeting", "ROAS", "tea"],
    },
    {
        "institution": "i06",
        "team": "农产品分级装备课题组",
        "category": "grading-sorting",
        "ip_type": "utility_model",
        "solves": ("e32", "grading-sorting"),
        "title": "Machine-vision grader for dried flower shiitake by cap cracking pattern",
        "abstract": "A conveyor grader photographs both sides of each dried shiitake cap and "
        "classifies size, thickness and the white cracking pattern used in Japanese grades. "
        "It handles 400 kg/h with 94% agreement with expert graders.",
        "keywords": ["machine vision", "shiitake", "grading", "export"],
    },
    {
        "institution": "i13",
        "team": "生鲜包装材料课题组",
        "category": "fresh-packaging",
        "ip_type": "utility_model",
        "solves": ("e24", "fresh-packaging"),
        "title": "Humidity-resistant corrugated cartons for reefer sea freight of pears",
        "abstract": "A wax-free moisture-resistant corrugated carton with a perforated PE liner "
        "and pulp trays keeps its stacking strength at 95% RH. In reefer shipments of pears to "
        "Singapore, bruising fell from 12% to 3% and no carton collapsed.",
        "keywords": ["export packaging", "reefer", "corrugated carton", "pear"],
    },
)

# ============================================================================ generators
_ENTERPRISE_BY_KEY = {e["key"]: e for e in ENTERPRISES}
_TEAMS_BY_SLUG: dict[str, list[tuple[str, str, str]]] = {}
for _inst in INSTITUTIONS:
    for _team in _inst["teams"]:
        for _slug in TEAM_FIELDS[_team["team"]]:
            _TEAMS_BY_SLUG.setdefault(_slug, []).append(
                (_inst["key"], _team["team"], _team["lead"])
            )
_TEAM_LEAD = {t["team"]: t["lead"] for i in INSTITUTIONS for t in i["teams"]}


def _numbers(rng: random.Random) -> dict[str, Any]:
    """Fresh figures for one text; every template placeholder has a key here."""
    return {
        "a": rng.choice((80, 120, 150, 200, 300, 500, 800, 1200)),
        "m": rng.choice((200, 300, 500, 800, 1000, 2000, 3000, 5000)),
        "k": rng.randint(5, 30),
        "x": rng.randint(82, 97),
        "y": rng.randint(12, 48),
        "pct": rng.randint(8, 30),
        "y2": rng.randint(8, 35),
        "z": rng.randint(15, 60),
        "z2": rng.randint(10, 40),
        "e": rng.randint(2, 9),
        "d": rng.randint(3, 25),
        "d2": rng.randint(20, 60),
        "h": rng.randint(12, 48),
        "h1": rng.randint(1, 4),
        "s": rng.randint(2, 10),
        "g": rng.randint(5, 30),
        "q": rng.randint(1, 8),
        "hi": rng.randint(8, 20),
        "lo": rng.randint(30, 55),
        "lo2": rng.randint(1, 3),
        "mo": rng.randint(6, 18),
        "cost": rng.choice(("0.2", "0.3", "0.5", "0.6")),
        "c": rng.choice(_CITIES),
        "c2": rng.choice((3, 5, 8, 10)),
        "t": rng.choice(("0.3", "0.5", "1")),
        "t2": rng.choice(("0～2", "1～3", "3～5")),
        "month": rng.randint(1, 12),
    }


def _subjects(enterprise_key: str) -> tuple[str, ...]:
    return _SUBJECTS.get(enterprise_key) or tuple(_ENTERPRISE_BY_KEY[enterprise_key]["products"])


def _fits(topic: dict[str, Any], product: str) -> bool:
    return topic["kinds"] is None or PRODUCTS[product][0] in topic["kinds"]


def _allowed_topics(enterprise_key: str) -> list[int]:
    """Indexes of the topics an enterprise could plausibly post a need about."""
    only = _ONLY_SLUGS.get(enterprise_key)
    not_tops = _NOT_TOPS.get(enterprise_key, frozenset())
    products = _subjects(enterprise_key)
    return [
        i
        for i, topic in enumerate(TOPICS)
        if (only is None or topic["slug"] in only)
        and _TOP_OF[topic["slug"]] not in not_tops
        and any(_fits(topic, p) for p in products)
    ]


def _round_money(value: float) -> int:
    step = 1000 if value < 50_000 else 5000
    return int(max(20_000, min(2_000_000, round(value / step) * step)))


def _ordered_modes(modes: set[str] | list[str]) -> list[str]:
    return [m for m in TRANSFER_MODES if m in modes]


def _quota(shares: dict[str, float], total: int, rng: random.Random) -> list[str]:
    """Exactly round(share * total) of each status, shuffled."""
    statuses = [s for s, share in shares.items() for _ in range(round(share * total))]
    assert len(statuses) == total, (shares, total)
    rng.shuffle(statuses)
    return statuses


def _unique(candidates: list[str], taken: set[str], fallbacks: tuple[str, ...]) -> str:
    """First candidate not yet used; then the candidates with a prefix; then numbered."""
    for title in candidates:
        if title not in taken:
            return title
    for prefix in fallbacks:
        for title in candidates:
            if prefix + title not in taken:
                return prefix + title
    n = 2
    while f"{candidates[0]}（{n}）" in taken:
        n += 1
    return f"{candidates[0]}（{n}）"


def _fit_length(parts: list[str], optional: list[str], low: int, high: int) -> str:
    """Join parts, adding optional sentences while too short and dropping them if too long."""
    text = "".join(parts)
    for extra in optional:
        if len(text) >= low:
            break
        if len(text + extra) <= high:
            text += extra
    while len(text) > high and len(parts) > 1:
        parts = parts[:-1]
        text = "".join(parts)
    return text[:high]


# ---------------------------------------------------------------------------------- needs
def _word_for(product: str, rng: random.Random) -> str:
    """What the farmer calls it: often the local or short name rather than the standard one."""
    aliases = PRODUCTS[product][1]
    if aliases and rng.random() < (0.8 if product == "马铃薯" else 0.5):
        return rng.choice(aliases)
    return product


def _need_slots(rng: random.Random) -> list[tuple[str, int | None, dict[str, Any] | None]]:
    """(enterprise key, topic index or None, English item or None) for all 200 needs."""
    slots: list[tuple[str, int | None, dict[str, Any] | None]] = []
    allowed = {e["key"]: _allowed_topics(e["key"]) for e in ENTERPRISES}
    used: dict[str, set[int]] = {e["key"]: set() for e in ENTERPRISES}

    def add(enterprise_key: str, topic_index: int) -> None:
        used[enterprise_key].add(topic_index)
        slots.append((enterprise_key, topic_index, None))

    def fresh_topic(enterprise_key: str) -> int:
        options = [i for i in allowed[enterprise_key] if i not in used[enterprise_key]]
        return rng.choice(options or allowed[enterprise_key])

    for item in rng.sample(EN_NEEDS, 6):
        slots.append((item["enterprise"], None, item))
    add(_SHOWCASE_ENTERPRISE, _SHOWCASE_TOPIC)
    # Every top-level category gets at least one need.
    for top in CATEGORY_TREE:
        pairs = [
            (e["key"], i)
            for e in ENTERPRISES
            for i in allowed[e["key"]]
            if _TOP_OF[TOPICS[i]["slug"]] == top
        ]
        add(*rng.choice(pairs))
    # Every enterprise posts at least two.
    for e in ENTERPRISES:
        while sum(1 for s in slots if s[0] == e["key"]) < 2:
            add(e["key"], fresh_topic(e["key"]))
    # The rest: some enterprises are simply more active than others.
    keys = [e["key"] for e in ENTERPRISES]
    weights = [rng.choice((1, 1, 2, 2, 3, 4)) for _ in keys]
    while len(slots) < N_NEEDS:
        key = rng.choices(keys, weights)[0]
        add(key, fresh_topic(key))
    rng.shuffle(slots)
    return slots


def _need_text(
    enterprise: dict[str, Any],
    topic: dict[str, Any],
    word: str,
    other_words: list[str],
    rng: random.Random,
) -> tuple[list[str], str]:
    """Candidate titles (best first) and a description of 40-200 characters.

    Titles about the enterprise's other products come last: they give fresh titles before
    _unique falls back to prefixes.
    """
    nums = _numbers(rng)
    values = {**nums, "p": word, "name": enterprise["name"]}
    order = rng.sample(topic["nt"], len(topic["nt"]))
    titles = [t.format(**values) for t in order]
    titles += [t.format(**{**values, "p": w}) for w in other_words for t in order]
    opener = rng.choice(_NEED_OPENERS).format(**values)
    pain = rng.choice(topic["np"]).format(**values)
    ask = rng.choice(topic["na"]).format(**values)
    tail = rng.choice(_NEED_TAILS).format(**values)
    if opener and pain.startswith(word):
        opener = ""  # "{p}是我们的主打产品。{p}采摘…" reads clumsy
    description = _fit_length([opener, pain, ask, tail], list(_NEED_TAILS[1:3]), 40, 200)
    if rng.random() < 0.05:
        for right, wrong in _TYPOS:
            if right in description:
                description = description.replace(right, wrong, 1)
                break
    return titles, description


def _budget(topic_budget: tuple[int, int], rng: random.Random) -> dict[str, Any]:
    low, high = (v * 10_000 for v in topic_budget)
    roll = rng.random()
    budget_min: int | None = None
    budget_max: int | None = None
    negotiable = False
    if roll < 0.60:
        budget_min = _round_money(rng.uniform(low, (low + high) / 2))
        budget_max = max(budget_min, _round_money(rng.uniform(budget_min, high)))
        negotiable = rng.random() < 0.15
    elif roll < 0.72:
        budget_max = _round_money(rng.uniform(low, high))
    elif roll < 0.92:
        negotiable = True
    else:
        budget_min = _round_money(low)
        budget_max = _round_money(rng.uniform(low, high))
        budget_max = max(budget_min, budget_max)
        negotiable = True
    return {
        "budget_min": budget_min,
        "budget_max": budget_max,
        "budget_negotiable": negotiable,
        "budget_public": rng.random() < 0.8,
    }


def _need_modes(rng: random.Random) -> list[str]:
    modes = set()
    for mode, p in (
        ("technical_service", 0.75),
        ("license", 0.45),
        ("joint_development", 0.35),
        ("assignment", 0.15),
        ("equity", 0.05),
    ):
        if rng.random() < p:
            modes.add(mode)
    return _ordered_modes(modes or {"technical_service"})


def _need_dates(status: str, rng: random.Random) -> tuple[int | None, int | None]:
    """(deadline_days, published_days_ago) consistent with the status."""
    deadline = None if rng.random() < 0.25 else rng.randint(30, 365)
    if status == "draft":
        return deadline, None
    if status == "open":
        limit = min(deadline - 1, 300) if deadline else 300
        return deadline, rng.randint(0, limit)
    if status == "expired":
        deadline = deadline or rng.randint(30, 240)
        return deadline, rng.randint(deadline + 1, min(700, deadline + 400))
    low = {"in_progress": 20, "fulfilled": 90, "closed": 60}[status]
    return deadline, rng.randint(low, 700 if status != "in_progress" else 450)


def _build_needs(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The needs, plus per need the topic index and product it was built from."""
    rng = random.Random(seed)
    statuses = _quota(NEED_STATUS_SHARES, N_NEEDS, rng)
    needs: list[dict[str, Any]] = []
    meta: list[dict[str, Any]] = []
    taken: set[str] = set()
    slots = _need_slots(rng)
    # The showcase is the first slot on its topic from its enterprise, and it is kept open so
    # that the demo always shows it.
    showcase_at = slots.index((_SHOWCASE_ENTERPRISE, _SHOWCASE_TOPIC, None))
    open_at = statuses.index("open")
    statuses[showcase_at], statuses[open_at] = statuses[open_at], statuses[showcase_at]
    for n, (enterprise_key, topic_index, english) in enumerate(slots):
        enterprise = _ENTERPRISE_BY_KEY[enterprise_key]
        showcase = n == showcase_at
        if english is not None:
            category = english["category"]
            budget_range = next(t["budget"] for t in TOPICS if t["slug"] == category)
            title, description = english["title"], english["description"]
            keywords = list(english["keywords"])
            product = None
        else:
            topic = TOPICS[topic_index]
            category = topic["slug"]
            budget_range = topic["budget"]
            products = [p for p in _subjects(enterprise_key) if _fits(topic, p)]
            product = rng.choice(products)
            word = _word_for(product, rng)
            if showcase:
                product, word = _SHOWCASE_PRODUCT, "猕猴桃"
            others = [p for p in products if p != product]
            titles, description = _need_text(enterprise, topic, word, others, rng)
            if showcase:
                titles.insert(0, topic["nt"][0].format(p=word, c="广州"))
            title = _unique(titles, taken, ("求助：", "请教：", "【求技术】"))
            keywords = rng.sample(topic["nk"], rng.randint(2, 3))
            keywords = [word, *[k for k in keywords if k != word]]
        taken.add(title)
        deadline, published = _need_dates(statuses[n], rng)
        need = {
            "key": f"n{n + 1:03d}",
            "enterprise": enterprise_key,
            "title": title,
            "description": description,
            "keywords": keywords,
            "category": category,
            **_budget(budget_range, rng),
            "min_trl": None if rng.random() < 0.25 else rng.choice((4, 5, 6, 6, 7, 7, 7, 8, 8, 9)),
            "transfer_modes": _need_modes(rng),
            "deadline_days": deadline,
            "status": statuses[n],
            "published_days_ago": published,
        }
        needs.append(need)
        meta.append(
            {"topic": topic_index, "product": product, "english": english, "showcase": showcase}
        )
    return needs, meta


def generate_needs(seed: int = 2026) -> list[dict[str, Any]]:
    """200 technology needs from the 40 demo enterprises; the same seed gives the same list."""
    return _build_needs(seed)[0]


# -------------------------------------------------------------------------------- results
_TRL_BY_IP = {
    "invention_patent": (3, 4, 4, 5, 5, 6, 6, 7),
    "utility_model": (4, 5, 6, 6, 7, 7, 8),
    "software_copyright": (5, 6, 7, 7, 8, 8, 9),
    "know_how": (6, 7, 8, 8, 9, 9),
    "none": (4, 5, 6, 7, 8),
}
_MODES_BY_IP = {
    "invention_patent": ("license", "assignment", "joint_development", "equity"),
    "utility_model": ("license", "assignment", "technical_service", "joint_development"),
    "software_copyright": ("license", "technical_service", "joint_development"),
    "know_how": ("technical_service", "joint_development", "license"),
    "none": ("technical_service", "joint_development"),
}
# Teams that only make sense for some product kinds (the rest are generalists).
_TEAM_KINDS: dict[str, tuple[str, ...]] = {
    "果蔬采后保鲜课题组": ("fruit", "veg", "mushroom", "flower"),
    "热带果树栽培课题组": ("fruit",),
    "果树病虫害防控课题组": ("fruit",),
    "采后生物学课题组": ("fruit", "veg", "flower"),
    "果蔬加工课题组": ("fruit", "veg", "processed"),
    "发酵食品课题组": ("veg", "processed", "tea"),
    "畜牧装备课题组": ("meat",),
    "水产品加工课题组": ("aquatic",),
    "茶叶加工工艺课题组": ("tea",),
    "茶叶品质检测课题组": ("tea",),
    "泡菜发酵课题组": ("veg", "processed"),
    "柑橘采后课题组": ("fruit",),
    "苹果栽培与病害课题组": ("fruit",),
    "猕猴桃产业技术课题组": ("fruit",),
    "中药材加工课题组": ("herb", "mushroom"),
    "咖啡与热带作物课题组": ("tea", "fruit"),
    "花卉保鲜课题组": ("flower",),
    "马铃薯贮藏加工课题组": ("veg", "grain"),
    "中药材规范化种植课题组": ("herb",),
    "旱作农业课题组": ("grain", "veg", "herb"),
    "小龙虾养殖课题组": ("aquatic",),
    "水产品冷链课题组": ("aquatic", "meat"),
    "富硒农产品课题组": ("tea", "grain", "veg"),
    "山地茶叶课题组": ("tea",),
    "山地特色水果课题组": ("fruit",),
}
_TITLE_PREFIXES = ("低成本", "轻简化", "适用于西部山区的", "面向县域的", "改进型")

# What a title's last words say about the IP that can protect it: nobody patents a training
# course, and a utility model protects a device, not a method.
_IP_BY_SUFFIX: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("装置", "装备", "终端", "浮标", "一体机", "生产线", "结构", "烘干房", "应用"),
        ("utility_model", "utility_model", "invention_patent"),
    ),
    (("方法", "工艺", "技术", "算法", "试剂盒"), ("invention_patent", "know_how", "none")),
    (
        ("系统", "平台", "软件", "APP", "机器人", "大屏", "工具", "看板", "（OMS）", "接口"),
        ("software_copyright",),
    ),
    (("模型",), ("software_copyright", "know_how", "none")),
)
_IP_OTHERWISE = ("know_how", "know_how", "none")  # 模式 方案 体系 课程 规程 服务 …


def _province(region_code: str) -> str:
    return region_code[:2] + "0000"


def _ip_number(ip_type: str, rng: random.Random, taken: set[str]) -> str:
    """A valid, unique CN patent number (ZL + 12 digits + check char) or 软著 number."""
    while True:
        if ip_type in ("invention_patent", "utility_model"):
            kind = "1" if ip_type == "invention_patent" else "2"
            year = rng.randint(2008, 2023) if kind == "1" else rng.randint(2010, 2025)
            digits = f"{year}{kind}{rng.randint(100_000, 1_999_999):07d}"
            number = f"ZL{digits}.{patent_check_char(digits)}"
        elif ip_type == "software_copyright":
            number = f"{rng.randint(2012, 2025)}SR{rng.randint(10_000, 1_999_999):07d}"
        else:
            return ""
        if number not in taken:
            taken.add(number)
            return number


def _result_modes(ip_type: str, rng: random.Random, must_share: list[str] | None) -> list[str]:
    pool = _MODES_BY_IP[ip_type]
    modes = set(rng.sample(pool, rng.randint(1, min(3, len(pool)))))
    if must_share and not modes & set(must_share):
        modes.add(rng.choice(must_share))  # a solution the enterprise can actually take up
    return _ordered_modes(modes)


def _serves(rng: random.Random, include: str | None, exclude: str | None) -> str | list[str]:
    """ "all" (about 40%) or 1-6 province codes, mostly central/western."""
    if include is None and exclude is None and rng.random() < 0.4:
        return "all"
    if include is not None and rng.random() < 0.45:
        return "all"
    pool = [p for p in _CW_PROVINCES if p not in (include, exclude)]
    chosen = set(rng.sample(pool, rng.randint(1, 5)))
    if rng.random() < 0.1:
        chosen.add(rng.choice(_EAST_PROVINCES))
    if include is not None:
        chosen.add(include)
    return sorted(chosen)[:6] if include is None else sorted(chosen - {include})[:5] + [include]


def _ip_for_title(title: str, preferred: tuple[str, ...], rng: random.Random) -> str:
    """An IP type that fits the title, weighted by what the topic usually has."""
    allowed = next((ips for ends, ips in _IP_BY_SUFFIX if title.endswith(ends)), _IP_OTHERWISE)
    fitting = [ip for ip in preferred if ip in allowed]
    return rng.choice(fitting or allowed)


def _abstract(
    topic: dict[str, Any],
    title_index: int,
    ip_type: str,
    values: dict[str, Any],
    rng: random.Random,
) -> str:
    """120-400 characters in the register of a patent or a paper."""
    methods = [m.format(**values) for m in topic["rm"]]
    main = methods[title_index] if title_index < len(methods) else methods[0]
    others = [] if topic.get("alt") else [m for m in methods if m != main]
    effect = rng.choice(topic["re"]).format(**values)
    problem = rng.choice(topic["rp"]).format(**values)
    core = values["title"]
    # Name the product in the abstract when the title does: real abstracts do, and it is what
    # the matcher can latch on to.
    product = values["P"] if values["P"] in core else ""
    family = {
        "utility_model": "hardware",
        "invention_patent": "process",
        "software_copyright": "software",
    }.get(ip_type, "service" if topic["ip"] == SERVICE else "process")
    extras = [e.format(**values) for e in rng.sample(_EXTRAS[family], 3)]
    place = rng.choice(_PLACES)
    if ip_type == "invention_patent":
        parts = [f"本发明公开了一种{core}，{main}。", f"实验表明，{effect}。"]
    elif ip_type == "utility_model":
        parts = [f"本实用新型公开了一种{core}，{main}。", f"该装置结构简单、成本低，{effect}。"]
    elif ip_type == "software_copyright":
        audience = f"{product}等{values['G']}" if product else values["G"]
        parts = [
            f"本软件面向{audience}生产经营主体和农村电商企业，{main}。",
            f"在{place}等地试点应用，{effect}。",
        ]
    else:
        opener = rng.choice(("本研究", "本成果"))
        if product and product not in problem:
            opener += f"以{product}为对象，"
        parts = [
            f"{opener}针对{problem}的问题，{main}。",
            f"在{place}等地的示范应用表明，{effect}。",
        ]
    optional = [f"{m}。" for m in rng.sample(others, min(1, len(others)))] + extras
    # Padding goes between the method and the effect, where a real abstract has it.
    text = parts[0]
    for sentence in optional:
        if len(text) + len(parts[1]) >= 160:
            break
        text += sentence
    text += parts[1]
    for sentence in extras:
        if len(text) >= 120:
            break
        if sentence not in text:
            text += sentence
    return text[:400]


def _result_title(
    topic: dict[str, Any],
    values: dict[str, Any],
    taken: set[str],
    rng: random.Random,
    prefer_product: bool,
) -> tuple[str, int]:
    """A title not used yet, and the index of the template it came from."""
    order = rng.sample(range(len(topic["rt"])), len(topic["rt"]))
    if prefer_product:
        order.sort(key=lambda i: "{P}" not in topic["rt"][i])  # stable: keeps random order
    candidates = [topic["rt"][i].format(**values) for i in order]
    title = _unique(candidates, taken, _TITLE_PREFIXES)
    index = next((i for i, c in zip(order, candidates, strict=True) if title.endswith(c)), order[0])
    return title, index


def _pick_team(slug: str, product: str, rng: random.Random) -> tuple[str, str]:
    """A team working on the category, preferring specialists in the product's kind."""
    kind = PRODUCTS[product][0]
    teams = _TEAMS_BY_SLUG[slug]
    specialists = [t for t in teams if kind in _TEAM_KINDS.get(t[1], ())]
    generalists = [t for t in teams if t[1] not in _TEAM_KINDS]
    options = specialists * 3 + generalists or teams
    institution, team, _ = rng.choice(options)
    return institution, team


def _topic_for_slug(slug: str, product: str | None, rng: random.Random) -> int:
    options = [
        i
        for i, t in enumerate(TOPICS)
        if t["slug"] == slug and (product is None or _fits(t, product))
    ]
    return rng.choice(options)


def _product_for(topic: dict[str, Any], rng: random.Random) -> str:
    return rng.choice([p for p in PRODUCTS if _fits(topic, p)])


def _build(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]]]:
    """Needs, results and the intended (need key, result key) pairs, all from one seed."""
    needs, meta = _build_needs(seed)
    rng = random.Random(seed * 1_000_003 + 7)  # independent of the needs' stream

    # 1. Plan: what each result is about. A spec is (kind, topic index, product, need index).
    specs: list[dict[str, Any]] = []
    english_needs = {
        (m["english"]["enterprise"], m["english"]["category"]): i
        for i, m in enumerate(meta)
        if m["english"] is not None
    }
    for item in rng.sample(EN_RESULTS, 10):
        spec = {"kind": "english", "item": item, "slug": item["category"]}
        if item["solves"] in english_needs:
            spec["need"] = english_needs[item["solves"]]
        specs.append(spec)
    chinese_needs = [i for i, m in enumerate(meta) if m["english"] is None]
    showcase = next(i for i, m in enumerate(meta) if m["showcase"])
    others = [i for i in chinese_needs if i != showcase]
    for i in [showcase, *rng.sample(others, 139)]:
        topic_index, product = meta[i]["topic"], meta[i]["product"]
        specs.append(
            {"kind": "solution", "topic": topic_index, "product": product, "need": i,
             "slug": TOPICS[topic_index]["slug"], "showcase": i == showcase}
        )  # fmt: skip
    counts: dict[str, int] = {}
    for spec in specs:
        counts[spec["slug"]] = counts.get(spec["slug"], 0) + 1
    for children in CATEGORY_TREE.values():
        for slug in children:
            for _ in range(4 - counts.get(slug, 0)):
                topic_index = _topic_for_slug(slug, None, rng)
                product = _product_for(TOPICS[topic_index], rng)
                specs.append({"kind": "filler", "topic": topic_index, "product": product,
                              "slug": slug})  # fmt: skip
    n_lookalikes = min(60, N_RESULTS - len(specs))
    for i in rng.choices(chinese_needs, k=n_lookalikes):
        topic_index, product = meta[i]["topic"], meta[i]["product"]
        roll = rng.random()
        if roll < 0.55:
            # Same product, a different problem: shares the product words only.
            slug = TOPICS[topic_index]["slug"]
            options = [j for j, t in enumerate(TOPICS) if t["slug"] != slug and _fits(t, product)]
            spec = {"kind": "lookalike", "topic": rng.choice(options), "product": product}
        elif roll < 0.85:
            # Same problem, another product: shares the problem words only.
            others = [p for p in PRODUCTS if p != product and _fits(TOPICS[topic_index], p)]
            spec = {"kind": "lookalike", "topic": topic_index, "product": rng.choice(others)}
        else:
            # Would solve it, but does not serve the need's province.
            spec = {"kind": "elsewhere", "topic": topic_index, "product": product, "need": i}
        spec["slug"] = TOPICS[spec["topic"]]["slug"]
        specs.append(spec)
    while len(specs) < N_RESULTS:
        topic_index = rng.randrange(len(TOPICS))
        product = _product_for(TOPICS[topic_index], rng)
        specs.append({"kind": "filler", "topic": topic_index, "product": product,
                      "slug": TOPICS[topic_index]["slug"]})  # fmt: skip
    rng.shuffle(specs)

    # 2. Write them.
    statuses = _quota(RESULT_STATUS_SHARES, N_RESULTS, rng)
    taken_titles: set[str] = set()
    taken_numbers: set[str] = set()
    results: list[dict[str, Any]] = []
    pairs: list[tuple[str, int]] = []  # (need key, index into results)
    # The showcase first, so that no look-alike takes its title.
    specs.sort(key=lambda spec: not spec.get("showcase", False))
    for spec in specs:
        need = needs[spec["need"]] if "need" in spec else None
        need_province = None
        if need is not None:
            need_province = _province(_ENTERPRISE_BY_KEY[need["enterprise"]]["region_code"])
        answers = need is not None and spec["kind"] != "elsewhere"
        if spec["kind"] == "english":
            item = spec["item"]
            institution, team = item["institution"], item["team"]
            ip_type = item["ip_type"]
            title, abstract = item["title"], item["abstract"]
            keywords = list(item["keywords"])
            category = item["category"]
            scenario = "Export-oriented producers and cross-border e-commerce sellers."
            budget_range = next(t["budget"] for t in TOPICS if t["slug"] == category)
        else:
            topic = TOPICS[spec["topic"]]
            category = topic["slug"]
            budget_range = topic["budget"]
            product = spec["product"]
            values = {**_numbers(rng), "P": product, "G": KIND_GROUP[PRODUCTS[product][0]]}
            institution, team = _pick_team(category, product, rng)
            title, title_index = _result_title(
                topic, values, taken_titles, rng, prefer_product=spec["kind"] != "filler"
            )
            if spec.get("showcase"):
                title, title_index = topic["rt"][0].format(**values), 0
            ip_type = _ip_for_title(title, topic["ip"], rng)
            values["title"] = title
            abstract = _abstract(topic, title_index, ip_type, values, rng)
            keywords = rng.sample(topic["rk"], rng.randint(3, 5))
            if product in title:
                keywords.append(product)
            scenario = rng.choice(_SCENARIOS[_TOP_OF[category]]).format(**values)
        taken_titles.add(title)

        trl = rng.choice(_TRL_BY_IP[ip_type])
        if answers and need["min_trl"]:
            trl = max(trl, need["min_trl"])
        price: int | None = None
        if rng.random() >= 0.25:
            low, high = budget_range[0] * 10_000, budget_range[1] * 10_000
            if answers and need["budget_max"] and rng.random() < 0.75:
                high = max(low, need["budget_max"])
            price = _round_money(rng.uniform(low, high))
        if spec.get("showcase"):
            statuses.remove("listed")
            status = "listed"
        else:
            status = statuses.pop()
        published = {
            "draft": None,
            "listed": rng.randint(0, 900),
            "transferred": rng.randint(120, 900),
            "withdrawn": rng.randint(30, 900),
        }[status]
        if answers:
            serves = _serves(rng, include=need_province, exclude=None)
        elif spec["kind"] == "elsewhere":
            serves = _serves(rng, include=None, exclude=need_province)
            if serves == "all":
                serves = sorted(rng.sample([p for p in _CW_PROVINCES if p != need_province], 2))
        else:
            serves = _serves(rng, include=None, exclude=None)
        results.append(
            {
                "key": "",  # numbered after the final shuffle
                "institution": institution,
                "team": team,
                "lead": _TEAM_LEAD[team],
                "title": title,
                "abstract": abstract,
                "keywords": keywords,
                "category": category,
                "ip_type": ip_type,
                "ip_number": _ip_number(ip_type, rng, taken_numbers),
                "trl": trl,
                "transfer_modes": _result_modes(
                    ip_type, rng, need["transfer_modes"] if answers else None
                ),
                "asking_price": price,
                "price_negotiable": price is None or rng.random() < 0.5,
                "serves": serves,
                "application_scenarios": scenario,
                "status": status,
                "published_days_ago": published,
            }
        )
        if answers:
            pairs.append((need["key"], len(results) - 1))
    # Keys follow a shuffled order, so that the showcase (written first) is not always r001.
    order = list(range(len(results)))
    rng.shuffle(order)
    for n, index in enumerate(order):
        results[index]["key"] = f"r{n + 1:03d}"
    pair_keys = sorted((need_key, results[index]["key"]) for need_key, index in pairs)
    results.sort(key=lambda r: r["key"])
    return needs, results, pair_keys


def generate_results(seed: int = 2026) -> list[dict[str, Any]]:
    """400 research results from the 25 demo institutions; the same seed gives the same list.

    Built together with ``generate_needs(seed)``: about 140 results are written to solve one
    of those needs (see ``intended_pairs``), about 60 are look-alikes of a need.
    """
    return _build(seed)[1]


def intended_pairs(seed: int = 2026) -> list[tuple[str, str]]:
    """(need key, result key) pairs where the result was written to solve the need."""
    return _build(seed)[2]
