"""The demo content: counts, determinism, and that every value would pass the app's own checks.

Plain pytest, no database and no Django: the module under test is pure Python, and the
fixtures are read straight from the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from accounts.validation import patent_check_char, patent_number_error, phone_error
from matchmaking.demo import content as dc

ROOT = Path(__file__).resolve().parents[2]
REGIONS = {r["code"]: r for r in json.loads((ROOT / "fixtures/regions.json").read_text("utf-8"))}
CATEGORIES = json.loads((ROOT / "fixtures/categories.json").read_text("utf-8"))
CHILD_SLUGS = {c["slug"] for top in CATEGORIES for c in top["children"]}
CENTRAL_WESTERN = {"central", "western"}

NEEDS = dc.generate_needs()
RESULTS = dc.generate_results()
PAIRS = dc.intended_pairs()
ENTERPRISES = {e["key"]: e for e in dc.ENTERPRISES}
INSTITUTIONS = {i["key"]: i for i in dc.INSTITUTIONS}


def _province_of(code: str) -> str:
    return code[:2] + "0000"


def _shares(items: list[dict], field: str) -> dict[str, float]:
    counts = Counter(item[field] for item in items)
    return {k: v / len(items) for k, v in counts.items()}


# ------------------------------------------------------------------ counts and determinism
def test_counts_are_exact() -> None:
    assert len(dc.ENTERPRISES) == 40
    assert len(dc.INSTITUTIONS) == 25
    assert len(dc.STATIONS) == 4
    assert len(NEEDS) == 200
    assert len(RESULTS) == 400


def test_same_seed_same_content_other_seed_other_content() -> None:
    assert dc.generate_needs() == NEEDS
    assert dc.generate_needs(2026) == NEEDS
    assert dc.generate_results(2026) == RESULTS
    assert dc.intended_pairs(2026) == PAIRS
    other_needs, other_results = dc.generate_needs(7), dc.generate_results(7)
    assert other_needs != NEEDS
    assert other_results != RESULTS
    # Invariants hold for any seed, not just the default.
    assert len(other_needs) == 200 and len(other_results) == 400
    assert len({n["title"] for n in other_needs}) == 200
    assert len({r["title"] for r in other_results}) == 400


def test_generators_return_fresh_lists() -> None:
    """A caller mutating what it got must not change the next call."""
    needs = dc.generate_needs()
    needs[0]["title"] = "changed"
    assert dc.generate_needs()[0]["title"] == NEEDS[0]["title"] != "changed"


def test_module_does_not_import_django() -> None:
    code = "import sys, matchmaking.demo.content; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------- organisations
def test_organisation_keys_and_fields() -> None:
    org_fields = {"key", "name", "region_code", "contact_name", "phone", "description"}
    assert [e["key"] for e in dc.ENTERPRISES] == [f"e{i:02d}" for i in range(1, 41)]
    assert [i["key"] for i in dc.INSTITUTIONS] == [f"i{i:02d}" for i in range(1, 26)]
    assert [s["key"] for s in dc.STATIONS] == [f"s{i:02d}" for i in range(1, 5)]
    for e in dc.ENTERPRISES:
        assert set(e) == org_fields | {"products", "verified"}
        assert e["products"] and isinstance(e["verified"], bool)
    for i in dc.INSTITUTIONS:
        assert set(i) == org_fields | {"teams"}
        assert 2 <= len(i["teams"]) <= 4
        assert all(set(t) == {"team", "lead"} for t in i["teams"])
    for s in dc.STATIONS:
        assert set(s) == org_fields | {"covered"}
    names = [o["name"] for o in dc.ENTERPRISES + dc.INSTITUTIONS + dc.STATIONS]
    assert len(set(names)) == len(names)


def test_objects_the_lead_already_created_are_unchanged() -> None:
    assert dc.ENTERPRISES[0]["name"] == "雷山县银球茶电商专业合作社"
    assert dc.ENTERPRISES[0]["region_code"] == "522634"
    assert dc.INSTITUTIONS[0]["name"] == "华东农业科技大学食品工程学院"
    assert dc.INSTITUTIONS[0]["region_code"] == "330106"
    s01 = dc.STATIONS[0]
    assert s01["name"] == "黔东南州雷山县技术转化服务站"
    assert (s01["region_code"], s01["covered"]) == ("522634", ["522634", "522635", "522623"])
    assert (s01["contact_name"], s01["phone"]) == ("吴志强", "0855-3335210")


def test_regions_exist_at_county_level() -> None:
    for org in dc.ENTERPRISES + dc.INSTITUTIONS + dc.STATIONS:
        region = REGIONS.get(org["region_code"])
        assert region is not None, org["key"]
        assert region["level"] == 3, org["key"]
    for station in dc.STATIONS:
        assert 2 <= len(station["covered"]) <= 4
        assert station["region_code"] in station["covered"]
        assert all(REGIONS[c]["level"] == 3 for c in station["covered"])


def test_enterprises_are_central_or_western_and_spread() -> None:
    for e in dc.ENTERPRISES:
        assert REGIONS[e["region_code"]]["group"] in CENTRAL_WESTERN, e["key"]
    provinces = {_province_of(e["region_code"]) for e in dc.ENTERPRISES}
    assert len(provinces) >= 15
    verified = sum(e["verified"] for e in dc.ENTERPRISES) / len(dc.ENTERPRISES)
    assert 0.80 <= verified <= 0.90


def test_every_station_covers_at_least_three_enterprises() -> None:
    for station in dc.STATIONS:
        inside = [e for e in dc.ENTERPRISES if e["region_code"] in station["covered"]]
        assert len(inside) >= 3, station["key"]


def test_institutions_mostly_east_some_centre_and_west() -> None:
    groups = Counter(REGIONS[i["region_code"]]["group"] for i in dc.INSTITUTIONS)
    assert 15 <= groups["eastern"] <= 19
    assert 6 <= groups["central"] + groups["western"] <= 10


def test_phones_are_valid() -> None:
    for org in dc.ENTERPRISES + dc.INSTITUTIONS + dc.STATIONS:
        assert phone_error(org["phone"]) is None, (org["key"], org["phone"])


def test_every_team_has_a_field_and_every_category_a_team() -> None:
    teams = [t["team"] for i in dc.INSTITUTIONS for t in i["teams"]]
    assert len(set(teams)) == len(teams)
    assert set(dc.TEAM_FIELDS) == set(teams)
    covered = {slug for slugs in dc.TEAM_FIELDS.values() for slug in slugs}
    assert covered == CHILD_SLUGS


# ------------------------------------------------------------------------------ categories
def test_category_tree_matches_fixture() -> None:
    fixture = {top["slug"]: tuple(c["slug"] for c in top["children"]) for top in CATEGORIES}
    assert fixture == dc.CATEGORY_TREE
    assert len(fixture) == 12 and len(CHILD_SLUGS) == 54


def test_needs_cover_every_top_level_category() -> None:
    assert all(n["category"] in CHILD_SLUGS for n in NEEDS)
    tops = {
        top
        for top, children in dc.CATEGORY_TREE.items()
        for n in NEEDS
        if n["category"] in children
    }
    assert tops == set(dc.CATEGORY_TREE)


def test_results_cover_every_child_category_four_times() -> None:
    counts = Counter(r["category"] for r in RESULTS)
    assert set(counts) == CHILD_SLUGS
    assert min(counts.values()) >= 4


# ----------------------------------------------------------------------------------- needs
NEED_FIELDS = {
    "key", "enterprise", "title", "description", "keywords", "category", "budget_min",
    "budget_max", "budget_negotiable", "budget_public", "min_trl", "transfer_modes",
    "deadline_days", "status", "published_days_ago",
}  # fmt: skip


def test_need_fields_and_keys() -> None:
    assert [n["key"] for n in NEEDS] == [f"n{i:03d}" for i in range(1, 201)]
    for n in NEEDS:
        assert set(n) == NEED_FIELDS, n["key"]
        assert n["enterprise"] in ENTERPRISES
        assert 40 <= len(n["description"]) <= 200, (n["key"], len(n["description"]))
        assert 1 <= len(n["keywords"]) <= 6 and all(n["keywords"])


def test_need_titles_are_distinct() -> None:
    assert len({n["title"] for n in NEEDS}) == 200


def test_every_enterprise_posts_at_least_two_needs() -> None:
    counts = Counter(n["enterprise"] for n in NEEDS)
    assert set(counts) == set(ENTERPRISES)
    assert min(counts.values()) >= 2


def test_need_budgets_are_ordered_and_realistic() -> None:
    for n in NEEDS:
        low, high = n["budget_min"], n["budget_max"]
        for value in (low, high):
            assert value is None or (isinstance(value, int) and 20_000 <= value <= 2_000_000)
        if low is not None and high is not None:
            assert low <= high, n["key"]
        if low is None and high is None:
            assert n["budget_negotiable"], n["key"]
        assert isinstance(n["budget_public"], bool)


def test_need_structured_fields() -> None:
    for n in NEEDS:
        assert n["min_trl"] is None or 1 <= n["min_trl"] <= 9
        modes = n["transfer_modes"]
        assert modes and set(modes) <= set(dc.TRANSFER_MODES) and len(set(modes)) == len(modes)
        assert n["deadline_days"] is None or 30 <= n["deadline_days"] <= 365


def test_need_dates_agree_with_status() -> None:
    for n in NEEDS:
        published, deadline = n["published_days_ago"], n["deadline_days"]
        if n["status"] == "draft":
            assert published is None
            continue
        assert 0 <= published <= 700
        if n["status"] == "open" and deadline is not None:
            assert published < deadline, n["key"]
        if n["status"] == "expired":
            assert deadline is not None and published > deadline, n["key"]


def test_need_status_distribution() -> None:
    shares = _shares(NEEDS, "status")
    assert set(shares) == set(dc.NEED_STATUS_SHARES)
    for status, target in dc.NEED_STATUS_SHARES.items():
        assert abs(shares[status] - target) <= 0.05, status


def test_some_needs_are_english_or_mixed() -> None:
    latin = [n for n in NEEDS if len(re.findall(r"[A-Za-z]", n["title"])) >= 10]
    assert 4 <= len(latin) <= 8


def test_needs_use_the_enterprises_own_produce() -> None:
    """Most needs name a product (or its local name) of the posting enterprise.

    Not all: the English ones and the logistics firm's (its "products" are services).
    """
    hits = 0
    for n in NEEDS:
        words = set()
        for product in ENTERPRISES[n["enterprise"]]["products"]:
            words.add(product)
            words.update(dc.PRODUCTS.get(product, ("", ()))[1])  # local names, e.g. 洋芋
        hits += any(w and w in n["title"] + n["description"] for w in words)
    assert hits >= 180


# --------------------------------------------------------------------------------- results
RESULT_FIELDS = {
    "key", "institution", "team", "lead", "title", "abstract", "keywords", "category",
    "ip_type", "ip_number", "trl", "transfer_modes", "asking_price", "price_negotiable",
    "serves", "application_scenarios", "status", "published_days_ago",
}  # fmt: skip
IP_TYPES = {"invention_patent", "utility_model", "software_copyright", "know_how", "none"}


def test_result_fields_and_keys() -> None:
    assert [r["key"] for r in RESULTS] == [f"r{i:03d}" for i in range(1, 401)]
    for r in RESULTS:
        assert set(r) == RESULT_FIELDS, r["key"]
        assert 120 <= len(r["abstract"]) <= 400, (r["key"], len(r["abstract"]))
        assert 3 <= len(r["keywords"]) <= 6 and all(r["keywords"])
        assert len(set(r["keywords"])) == len(r["keywords"])
        assert r["application_scenarios"]


def test_result_team_belongs_to_its_institution() -> None:
    for r in RESULTS:
        teams = {t["team"]: t["lead"] for t in INSTITUTIONS[r["institution"]]["teams"]}
        assert teams.get(r["team"]) == r["lead"], r["key"]


def test_result_titles_are_distinct() -> None:
    assert len({r["title"] for r in RESULTS}) == 400


def test_patent_numbers_are_valid_and_unique() -> None:
    numbers = []
    for r in RESULTS:
        number = r["ip_number"]
        assert r["ip_type"] in IP_TYPES
        if r["ip_type"] in ("invention_patent", "utility_model"):
            assert re.fullmatch(r"ZL\d{12}\.[\dX]", number), number
            assert patent_number_error(number) is None, number
            assert 2008 <= int(number[2:6]) <= 2025
            assert number[6] == ("1" if r["ip_type"] == "invention_patent" else "2")
            assert number[-1] == patent_check_char(number[2:14])
        elif r["ip_type"] == "software_copyright":
            assert re.fullmatch(r"20[12]\dSR\d{7}", number), number
        else:
            assert number == ""
        if number:
            numbers.append(number)
    assert len(numbers) == len(set(numbers))
    assert len(numbers) >= 150


def test_result_structured_fields() -> None:
    for r in RESULTS:
        assert 1 <= r["trl"] <= 9
        modes = r["transfer_modes"]
        assert modes and set(modes) <= set(dc.TRANSFER_MODES) and len(set(modes)) == len(modes)
        price = r["asking_price"]
        assert price is None or (isinstance(price, int) and price > 0)
        if price is None:
            assert r["price_negotiable"] is True
        if r["status"] == "draft":
            assert r["published_days_ago"] is None
        else:
            assert 0 <= r["published_days_ago"] <= 900


def test_result_trl_is_realistic_for_the_ip_type() -> None:
    def mean(ip_type: str) -> float:
        values = [r["trl"] for r in RESULTS if r["ip_type"] == ip_type]
        return sum(values) / len(values)

    assert mean("know_how") > mean("invention_patent")
    assert mean("software_copyright") > mean("invention_patent")


def test_results_serve_provinces_mostly_central_and_western() -> None:
    listed = []
    for r in RESULTS:
        serves = r["serves"]
        if serves == "all":
            continue
        assert isinstance(serves, list) and 1 <= len(serves) <= 6, r["key"]
        assert len(set(serves)) == len(serves)
        for code in serves:
            assert REGIONS[code]["level"] == 1, code
        listed += serves
    share_all = sum(r["serves"] == "all" for r in RESULTS) / len(RESULTS)
    assert 0.30 <= share_all <= 0.50
    cw = sum(REGIONS[c]["group"] in CENTRAL_WESTERN for c in listed) / len(listed)
    assert cw >= 0.8


def test_result_status_distribution() -> None:
    shares = _shares(RESULTS, "status")
    assert set(shares) == set(dc.RESULT_STATUS_SHARES)
    for status, target in dc.RESULT_STATUS_SHARES.items():
        assert abs(shares[status] - target) <= 0.05, status


def test_some_results_are_english() -> None:
    english = [r for r in RESULTS if re.fullmatch(r"[\x00-\x7f°]+", r["title"])]
    assert 8 <= len(english) <= 12


# ---------------------------------------------------------------------- needs <-> results
def test_intended_pairs_really_fit() -> None:
    """Each planted solution is in the need's category and passes the structured filters."""
    needs = {n["key"]: n for n in NEEDS}
    results = {r["key"]: r for r in RESULTS}
    assert len(PAIRS) >= 100
    assert len({need for need, _ in PAIRS}) == len(PAIRS)  # one planted answer per need
    for need_key, result_key in PAIRS:
        need, result = needs[need_key], results[result_key]
        assert need["category"] == result["category"]
        province = _province_of(ENTERPRISES[need["enterprise"]]["region_code"])
        assert result["serves"] == "all" or province in result["serves"]
        if need["min_trl"] and not re.search(r"[A-Za-z]{4}", result["title"]):
            assert result["trl"] >= need["min_trl"]
            assert set(need["transfer_modes"]) & set(result["transfer_modes"])


@pytest.mark.parametrize("seed", [2026, 1, 42])
def test_showcase_kiwifruit_pair_in_every_seed(seed: int) -> None:
    """The demo's showcase: a colloquial "软了烂了" need met by an academic 1-MCP result."""
    needs = {n["key"]: n for n in dc.generate_needs(seed)}
    results = {r["key"]: r for r in dc.generate_results(seed)}
    showcase = [
        (needs[n], results[r])
        for n, r in dc.intended_pairs(seed)
        if needs[n]["title"] == "猕猴桃运到广州就软了烂了"
    ]
    assert len(showcase) == 1
    need, result = showcase[0]
    assert need["enterprise"] == "e06" and need["status"] == "open"
    assert result["title"] == "红心猕猴桃采后1-MCP处理与低温物流保鲜技术"
    assert result["status"] == "listed"


@pytest.mark.parametrize("seed", [0, 1, 99, 123456])
def test_invariants_hold_for_other_seeds(seed: int) -> None:
    needs, results = dc.generate_needs(seed), dc.generate_results(seed)
    assert len({n["title"] for n in needs}) == 200
    assert len({r["title"] for r in results}) == 400
    assert all(
        n["budget_min"] is None or n["budget_max"] is None or n["budget_min"] <= n["budget_max"]
        for n in needs
    )
    assert all(40 <= len(n["description"]) <= 200 for n in needs)
    assert all(120 <= len(r["abstract"]) <= 400 for r in results)
    assert min(Counter(r["category"] for r in results).values()) >= 4
    patents = [r["ip_number"] for r in results if r["ip_type"].endswith(("patent", "model"))]
    assert all(patent_number_error(p) is None for p in patents)
    assert len(set(patents)) == len(patents)
