"""Stop words for the analyzer.

Chinese has two kinds: single characters that are almost always grammatical particles (dropped
as unigram features, and bigrams made of two of them are dropped too), and multi-character
function words (dropped as whole bigram features). Both lists are deliberately short: IDF already
down-weights frequent content-free terms, and an over-long list would remove real words (e.g. 在线
or 对象 contain 在 / 对, so those characters are *not* bigram breakers).
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Single characters that carry no topic on their own. They are still allowed inside a bigram
# (目的, 了解, 其他 ...), except when both characters of the bigram are in this set.
CHINESE_STOP_CHARS: frozenset[str] = frozenset(
    "的了着过吗呢吧啊呀嘛哦么之乎者也而且并及与和或又在是对于为以由从向把被给让将则就都还也即"
    "其此该这那些个各每某本我你他她它们咱您所得很更最太再已曾仍才只不没无非未可能会要"
    "想请让使用有一二三四五六七八九十几多少等如若因此但却虽然而"
)

# Multi-character function words and boilerplate of abstracts and of colloquial requests.
# Only two-character entries matter for the bigram features; longer entries are kept for the
# (future) query-side filler removal and for the explanation filter.
_STOP_WORD_LINES = (
    "我们 你们 他们 她们 它们 咱们 自己 这个 那个 这些 那些 这种 那种 这样 那样 这里 那里 哪里",
    "什么 怎么 怎样 如何 为何 为什么 多少 有没 没有 有些 一些 一个 一种 一下 一直 一般 一定",
    "可以 可能 能够 应该 需要 希望 想要 是否 还是 或者 以及 并且 而且 但是 但 然而 因为 所以",
    "因此 于是 如果 虽然 即使 只要 只有 除了 通过 进行 对于 关于 根据 按照 基于 由于 为了",
    "其中 之间 之后 之前 以上 以下 以后 以前 同时 然后 最后 首先 其次 另外 此外 并 已经 正在",
    "本文 本研究 文中 文章 论文 笔者 作者 结果 表明 结果表明 研究表明 提出 采用 利用 使用 具有",
    "主要 不同 相关 相应 一定 有效 有关 各种 各个 所有 及其 等等 方面 问题 情况 目前 当前",
    "啥 咋 咋个 咋办 办法 有没有 能不能 可不可以 请问 谢谢 麻烦 帮忙 一下子 就是 还有 比较",
    "非常 特别 很多 不少 许多 大量 多种 几个 东西 事情",
)
CHINESE_STOP_WORDS: frozenset[str] = frozenset(w for line in _STOP_WORD_LINES for w in line.split())

# Filler of colloquial requests, removed whole from need text (colloquial.py) so that neither
# the phrase nor its characters count: 办法 would otherwise match 方法 through 法, 啥 and 咋 are
# not stop characters. Only for needs and free-text queries, never for results. Words that
# carry a topic are deliberately absent (便宜, 好不好 in 长得好不好, 撒 in 撒药).
_COLLOQUIAL_LINES = (
    "请问 请教 问一下 问下 想问 想请教 谢谢 谢谢了 多谢 感谢 麻烦 麻烦了 麻烦问下",
    "帮忙 帮帮忙 帮个忙 有没有 有莫有 有没得 有木有 能不能 可不可以 行不行 可以不",
    "能否 是否 咋个 咋整 咋办 咋弄 咋样 咋搞 咋个弄 咋个搞 咋个整 咋个办 怎么弄",
    "怎么搞 怎么整 弄一下 搞一下 咋 啥子 啥 什么 怎么 怎么办 怎么样 怎样 如何",
    "为啥 办法 法子 方法 好办法 好的办法 啥办法 解决办法 解决方案 想 想要 想找",
    "想问 想搞 想弄 想做 想请 希望 求 求助 求推荐 推荐一下 推荐下 有啥 有什么",
    "晓得 不晓得 知道 不知道 俺 俺们 我们 我家 俺家 咱 咱们 大家 各位 老师 师傅",
    "老板们 莫得 没得 一下 一哈 一下子 哈 嘛 呗 啦 哦 呀 吧 呢 吗 啊 嘞 咯",
    "噻 哟 呐 现在 目前 一直 总是 老是 就是 还是 但是 而且 然后 所以 因为 不过",
    "其实 反正 比较 特别 非常 好多 好几 有点 有些 一点 一些",
)
COLLOQUIAL_STOP_PHRASES: frozenset[str] = frozenset(
    w for line in _COLLOQUIAL_LINES for w in line.split()
)

# Words that contain a stop phrase but are content: kept when removing stop phrases.
_PROTECTED_LINES = (
    "思想 理想 设想 构想 联想 幻想 猜想 梦想 想象 想法 哈密 哈密瓜 啦啦 吧台",
    "酒吧 网吧 呢子 求购 需求 要求 诉求 追求 供求 请求 什么值得买",
)
PROTECTED_WORDS: frozenset[str] = frozenset(w for line in _PROTECTED_LINES for w in line.split())

# scikit-learn's list is the usual English one (318 words), minus the content words it is known
# to contain (system, fire, interest ...), which matter in technology descriptions.
_NOT_STOP = frozenset(
    {
        "amount",
        "back",
        "bill",
        "bottom",
        "call",
        "con",
        "describe",
        "detail",
        "empty",
        "fill",
        "find",
        "fire",
        "found",
        "front",
        "full",
        "give",
        "interest",
        "mill",
        "move",
        "name",
        "part",
        "put",
        "serious",
        "show",
        "side",
        "system",
        "thick",
        "thin",
        "top",
    }
)
ENGLISH_STOPS: frozenset[str] = (frozenset(ENGLISH_STOP_WORDS) - _NOT_STOP) | frozenset(
    {"et", "al", "ie", "eg", "vs", "via", "based", "using", "used", "use", "study", "paper"}
)


# -- explanation stop terms (issue 17) ---------------------------------------------------------
# Words a need shares with a result without meaning anything about the technology: who writes
# (我们, 合作社, 村里), time and quantity words (天, 到, 不到), generic business words (成本,
# 便宜 standing alone). They still count in the text score (IDF already weighs them little);
# they are never shown as a shared keyword or highlighted. Curated here; the learnt part is
# data/need_stop_terms.tsv (learn_need_stop_terms, written by bench/learn_stop_terms.py).
_EXPLANATION_STOP_LINES = (
    "合作社 专业合作社 村里 村头 村上 村子 我们 我们村 我们家 俺们 咱们 我家 俺家 自家 家里",
    "到 不到 得到 天 每天 一天 两天 几天 天天 今年 每年 一年 去年 现在 以前 时候",
    "成本 便宜 价格 太贵 贵 钱 花钱 费用 多少钱 预算 万元 块钱",
    "老百姓 农户 社员 乡亲 大家 老板 客户 好多 很多 不少 多少 一些 一点 有点",
    "问题 情况 东西 事情 办法 方法 效果 能够 可以 需要 希望 想要 解决 提高 发现 知道",
    "做 搞 弄 用 卖 买 发 拉 放 要 能 会 好 大 小 多 少 高 低 快 慢",
)
CURATED_EXPLANATION_STOPS: frozenset[str] = frozenset(
    w for line in _EXPLANATION_STOP_LINES for w in line.split()
)


def learn_need_stop_terms(
    need_texts: list[str],
    result_texts: list[str] | None = None,
    *,
    min_df: float = 0.05,
    min_ratio: float = 4.0,
    max_terms: int = 200,
) -> list[tuple[str, float]]:
    """Terms (CJK bigrams and Latin words) that many needs contain (document frequency >=
    ``min_df``) and that are at least ``min_ratio`` times rarer among results (when given):
    the words of how people write a need, not of what they need. Returns (term, need DF)
    pairs, most frequent first. Deterministic."""
    from .colloquial import clean_need_text
    from .text import normalize

    def terms(text: str) -> set[str]:
        out: set[str] = set()
        norm = normalize(text)
        run = []
        for ch in norm + " ":
            if "\u4e00" <= ch <= "\u9fff":
                run.append(ch)
                continue
            out.update(a + b for a, b in zip(run, run[1:], strict=False))
            run = []
        return out

    def df(texts: list[str]) -> dict[str, float]:
        counts: dict[str, int] = {}
        for t in texts:
            for term in terms(t):
                counts[term] = counts.get(term, 0) + 1
        n = max(1, len(texts))
        return {t: c / n for t, c in counts.items()}

    needs = df([clean_need_text(t) for t in need_texts])
    results = df(result_texts) if result_texts else {}
    floor = 1.0 / max(1, len(result_texts or []))
    picked = [
        (t, d)
        for t, d in needs.items()
        if d >= min_df and (not result_texts or d >= min_ratio * max(results.get(t, 0.0), floor))
    ]
    picked.sort(key=lambda x: (-x[1], x[0]))
    return [(t, round(d, 4)) for t, d in picked[:max_terms]]
