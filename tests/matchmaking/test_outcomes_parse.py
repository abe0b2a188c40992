"""Reading a baseline figure out of a need's words: a table of how people write it."""

from decimal import Decimal

import pytest

from matchmaking.impact.parse import find_baselines, relative_change, suggest_baseline

# text → (value, unit, label), or None where the text holds no figure to suggest.
TABLE = {
    "损耗约20%": ("20", "percent", "损耗"),
    "猕猴桃运输损耗大概在20%左右": ("20", "percent", "猕猴桃运输损耗"),
    "坏果率１５．５％": ("15.5", "percent", "坏果率"),
    "路上损耗两成": ("20", "percent", "路上损耗"),
    "退货率高达8个点": ("8", "percent", "退货率"),
    "保鲜3天": ("3", "days", "保鲜"),
    "摘下来只能放5天左右": ("5", "days", "摘下来只能放"),
    "保质期一周": ("7", "days", "保质期"),
    "放不了几天": None,
    "第2天就开始烂": None,
    "客单价一直80元": ("80", "yuan", "客单价"),
    "每单物流成本8元": ("8", "yuan_per_unit", "每单物流成本"),
    "快递费8块钱一单，太贵": ("8", "yuan_per_unit", "快递费"),
    "每箱包装费2.5元": ("2.5", "yuan_per_unit", "每箱包装费"),
    "每天200单左右": ("200", "orders_per_day", ""),
    "旺季日均发350单": ("350", "orders_per_day", "旺季"),
    "一年电费2万元": ("20000", "yuan", "一年电费"),
    "冷库电费每月3000元": ("3000", "yuan", "冷库电费每月"),
    "每年烂掉500公斤": ("500", "kg", "每年烂掉"),
    "每天要扔掉200斤": ("100", "kg", "每天要扔掉"),
    "产量3吨": ("3000", "kg", "产量"),
    "我们合作社每年卖两万多斤，退了差不多一成": ("10000", "kg", "我们合作社每年卖"),
    "一年发1.5万公斤": ("15000", "kg", "一年发"),
    "一年卖2万箱，退货率一成": ("10", "percent", "退货率"),
    "想找一种保鲜的办法": None,
    "": None,
}


@pytest.mark.parametrize(("text", "expected"), TABLE.items(), ids=list(TABLE))
def test_the_first_figure_of_the_text_is_suggested(text, expected):
    found = suggest_baseline(text)
    if expected is None:
        assert found is None
        return
    value, unit, label = expected
    assert (found.value, found.unit, found.label) == (Decimal(value), unit, label)


def test_every_figure_is_found_in_the_order_written():
    text = "猕猴桃保鲜3天，损耗约20%，每单物流成本8元。"
    assert [(s.value, s.unit, s.text) for s in find_baselines(text)] == [
        (Decimal(3), "days", "3天"),
        (Decimal(20), "percent", "20%"),
        (Decimal(8), "yuan_per_unit", "每单物流成本8元"),
    ]


def test_the_relative_change_is_signed_and_none_from_zero():
    assert relative_change(Decimal(20), Decimal(11)) == Decimal("-0.4500")
    assert relative_change(Decimal(3), Decimal(12)) == Decimal("3.0000")
    assert relative_change(Decimal(0), Decimal(5)) is None
