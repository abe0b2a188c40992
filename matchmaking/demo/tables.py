"""The demo data files (``data/*.json``) read into Python values, once, at import.

No Django here: the tests check the content without a database. What each file holds is in
``data/README.md``; here the JSON lists become tuples where the generators need a tuple (a
hashable key, ``str.endswith``) or where the public names always were tuples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
# The category taxonomy the site seeds (matchmaking/listings/categories.py reads the same file).
CATEGORIES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "categories.json"


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _tuples(table: dict[str, list[Any]]) -> dict[str, tuple[Any, ...]]:
    return {key: tuple(values) for key, values in table.items()}


# ----------------------------------------------------------------------- categories, products
CATEGORY_TREE: dict[str, tuple[str, ...]] = {
    top["slug"]: tuple(child["slug"] for child in top["children"])
    for top in json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
}
TOP_OF = {child: top for top, children in CATEGORY_TREE.items() for child in children}

_products = _load("products.json")
# name -> (kind, colloquial aliases); the academic umbrella term of each kind ({G} in results).
PRODUCTS: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (p["kind"], tuple(p["aliases"])) for name, p in _products["products"].items()
}
KIND_GROUP: dict[str, str] = _products["kind_groups"]

# -------------------------------------------------------------------------------- organisations
_orgs = _load("organisations.json")
ENTERPRISES: list[dict[str, Any]] = _orgs["enterprises"]
STATIONS: list[dict[str, Any]] = _orgs["stations"]
# A team's fields (child categories) and product kinds are kept out of the public dicts, which
# have exactly the documented keys; teams without kinds are generalists.
_teams = [team for institution in _orgs["institutions"] for team in institution["teams"]]
TEAM_FIELDS: dict[str, tuple[str, ...]] = {t["team"]: tuple(t["fields"]) for t in _teams}
TEAM_KINDS = {t["team"]: tuple(t["kinds"]) for t in _teams if "kinds" in t}
INSTITUTIONS: list[dict[str, Any]] = [
    {**i, "teams": [{"team": t["team"], "lead": t["lead"]} for t in i["teams"]]}
    for i in _orgs["institutions"]
]

# ----------------------------------------------------------------------------------- topics
_topics = _load("topics.json")
PLACEHOLDERS: dict[str, Any] = _topics["placeholders"]
IP_PROFILES = _tuples(_topics["ip_profiles"])
# "ip" names a profile or lists IP types itself; either way it becomes a tuple here.
TOPICS: list[dict[str, Any]] = [
    {**t, "ip": IP_PROFILES[t["ip"]] if isinstance(t["ip"], str) else tuple(t["ip"])}
    for t in _topics["topics"]
]

_english = _load("english.json")
EN_NEEDS: list[dict[str, Any]] = _english["needs"]
EN_RESULTS: list[dict[str, Any]] = [
    {**r, "solves": tuple(r["solves"]) if r["solves"] else None} for r in _english["results"]
]

# ------------------------------------------------------------------------------------ needs
_needs = _load("needs.json")
N_NEEDS: int = _needs["count"]
NEED_STATUS_SHARES: dict[str, float] = _needs["status_shares"]
SHOWCASE: dict[str, str] = _needs["showcase"]
SUBJECTS = _tuples(_needs["subjects"])
ONLY_SLUGS = {key: frozenset(_needs["logistics_categories"]) for key in _needs["logistics_only"]}
NOT_TOPS = {key: frozenset(tops) for key, tops in _needs["not_in_tops"].items()}
# How long ago a need in each status was published (null: never; see _need_dates).
NEED_PUBLISHED: dict[str, dict[str, Any] | None] = _needs["published_days_ago"]
# The chance a need accepts each transfer mode, drawn in this order; the mode it takes if none.
NEED_MODE_CHANCES: dict[str, float] = _needs["transfer_mode_chances"]
NEED_MODE_OTHERWISE: str = _needs["transfer_mode_otherwise"]
NEED_MIN_TRLS: list[int] = _needs["min_trl_choices"]
NEED_OPENERS: list[str] = _needs["openers"]
NEED_TAILS: list[str] = _needs["tails"]
TYPOS: list[list[str]] = _needs["typos"]

# ---------------------------------------------------------------------------------- results
_results = _load("results.json")
N_RESULTS: int = _results["count"]
RESULT_STATUS_SHARES: dict[str, float] = _results["status_shares"]
TRANSFER_MODES: tuple[str, ...] = tuple(_results["transfer_modes"])
# How long ago a result in each status was listed: [from, to] days, or null (never).
RESULT_PUBLISHED: dict[str, list[int] | None] = _results["published_days_ago"]
TRL_BY_IP = _tuples(_results["trl_by_ip"])
MODES_BY_IP = _tuples(_results["modes_by_ip"])
IP_BY_TITLE_ENDING = tuple(
    (tuple(rule["endings"]), tuple(rule["ip_types"])) for rule in _results["ip_by_title_ending"]
)
IP_OTHERWISE = tuple(_results["ip_otherwise"])
TITLE_PREFIXES = tuple(_results["title_prefixes"])
CW_PROVINCES: list[str] = _results["central_western_provinces"]
EAST_PROVINCES: list[str] = _results["eastern_provinces"]
PLACES: list[str] = _results["places"]
SCENARIOS: dict[str, list[str]] = _results["scenarios"]
EXTRAS: dict[str, list[str]] = _results["extras"]

# Each status with a share has a publication rule, and the other way round.
assert set(NEED_PUBLISHED) == set(NEED_STATUS_SHARES), "needs.json: statuses out of step"
assert set(RESULT_PUBLISHED) == set(RESULT_STATUS_SHARES), "results.json: statuses out of step"
