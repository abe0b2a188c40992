"""The demo needs and results, generated from the tables in ``data/`` with one seeded RNG.

``random.Random(seed)`` is the only source of chance and dates are day offsets, never "now", so
the same seed always gives the same content. The public entry points are re-exported by
``matchmaking.demo.content``.
"""

from __future__ import annotations

import random
from typing import Any

from accounts.validation import patent_check_char
from matchmaking.demo.tables import (
    CATEGORY_TREE,
    CW_PROVINCES,
    EAST_PROVINCES,
    EN_NEEDS,
    EN_RESULTS,
    ENTERPRISES,
    EXTRAS,
    INSTITUTIONS,
    IP_BY_TITLE_ENDING,
    IP_OTHERWISE,
    IP_PROFILES,
    KIND_GROUP,
    MODES_BY_IP,
    N_NEEDS,
    N_RESULTS,
    NEED_MIN_TRLS,
    NEED_MODE_CHANCES,
    NEED_MODE_OTHERWISE,
    NEED_OPENERS,
    NEED_PUBLISHED,
    NEED_STATUS_SHARES,
    NEED_TAILS,
    NOT_TOPS,
    ONLY_SLUGS,
    PLACEHOLDERS,
    PLACES,
    PRODUCTS,
    RESULT_PUBLISHED,
    RESULT_STATUS_SHARES,
    SCENARIOS,
    SHOWCASE,
    SUBJECTS,
    TEAM_FIELDS,
    TEAM_KINDS,
    TITLE_PREFIXES,
    TOP_OF,
    TOPICS,
    TRANSFER_MODES,
    TRL_BY_IP,
    TYPOS,
)

_ENTERPRISE_BY_KEY = {e["key"]: e for e in ENTERPRISES}
_TEAMS_BY_SLUG: dict[str, list[tuple[str, str, str]]] = {}
for _inst in INSTITUTIONS:
    for _team in _inst["teams"]:
        for _slug in TEAM_FIELDS[_team["team"]]:
            _TEAMS_BY_SLUG.setdefault(_slug, []).append(
                (_inst["key"], _team["team"], _team["lead"])
            )
_TEAM_LEAD = {t["team"]: t["lead"] for i in INSTITUTIONS for t in i["teams"]}
# The showcase every seed contains: the kiwifruit co-operative's "猕猴桃运到广州就软了烂了" and,
# among the results, the 1-MCP cold-chain technique written to answer it.
_SHOWCASE_ENTERPRISE = SHOWCASE["enterprise"]
_SHOWCASE_TOPIC = next(
    i for i, t in enumerate(TOPICS) if SHOWCASE["result_title_has"] in t["rt"][0]
)


def _numbers(rng: random.Random) -> dict[str, Any]:
    """Fresh figures for one text: a list is a choice, {"from", "to"} an integer in that range."""
    return {
        name: rng.choice(spec) if isinstance(spec, list) else rng.randint(spec["from"], spec["to"])
        for name, spec in PLACEHOLDERS.items()
    }


def _subjects(enterprise_key: str) -> tuple[str, ...]:
    return SUBJECTS.get(enterprise_key) or tuple(_ENTERPRISE_BY_KEY[enterprise_key]["products"])


def _fits(topic: dict[str, Any], product: str) -> bool:
    return topic["kinds"] is None or PRODUCTS[product][0] in topic["kinds"]


def _allowed_topics(enterprise_key: str) -> list[int]:
    """Indexes of the topics an enterprise could plausibly post a need about."""
    only = ONLY_SLUGS.get(enterprise_key)
    not_tops = NOT_TOPS.get(enterprise_key, frozenset())
    products = _subjects(enterprise_key)
    return [
        i
        for i, topic in enumerate(TOPICS)
        if (only is None or topic["slug"] in only)
        and TOP_OF[topic["slug"]] not in not_tops
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
            if TOP_OF[TOPICS[i]["slug"]] == top
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
    opener = rng.choice(NEED_OPENERS).format(**values)
    pain = rng.choice(topic["np"]).format(**values)
    ask = rng.choice(topic["na"]).format(**values)
    tail = rng.choice(NEED_TAILS).format(**values)
    if opener and pain.startswith(word):
        opener = ""  # "{p}是我们的主打产品。{p}采摘…" reads clumsy
    description = _fit_length([opener, pain, ask, tail], list(NEED_TAILS[1:3]), 40, 200)
    if rng.random() < 0.05:
        for right, wrong in TYPOS:
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
    modes = {mode for mode, chance in NEED_MODE_CHANCES.items() if rng.random() < chance}
    return _ordered_modes(modes or {NEED_MODE_OTHERWISE})


def _need_dates(status: str, rng: random.Random) -> tuple[int | None, int | None]:
    """(deadline_days, published_days_ago) consistent with the status (see needs.json)."""
    deadline = None if rng.random() < 0.25 else rng.randint(30, 365)
    rule = NEED_PUBLISHED[status]
    if rule is None:  # never published
        return deadline, None
    if rule.get("after_deadline"):  # published, and its deadline has passed since
        deadline = deadline or rng.randint(30, 240)
        return deadline, rng.randint(deadline + 1, min(rule["to"], deadline + 400))
    high = rule["to"]
    if deadline and rule.get("before_deadline"):  # still running: published before its deadline
        high = min(deadline - 1, high)
    return deadline, rng.randint(rule["from"], high)


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
    open_at = statuses.index(SHOWCASE["need_status"])
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
                product, word = SHOWCASE["product"], SHOWCASE["word"]
            others = [p for p in products if p != product]
            titles, description = _need_text(enterprise, topic, word, others, rng)
            if showcase:
                titles.insert(0, topic["nt"][0].format(p=word, c=SHOWCASE["city"]))
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
            "min_trl": None if rng.random() < 0.25 else rng.choice(NEED_MIN_TRLS),
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
    pool = MODES_BY_IP[ip_type]
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
    pool = [p for p in CW_PROVINCES if p not in (include, exclude)]
    chosen = set(rng.sample(pool, rng.randint(1, 5)))
    if rng.random() < 0.1:
        chosen.add(rng.choice(EAST_PROVINCES))
    if include is not None:
        chosen.add(include)
    return sorted(chosen)[:6] if include is None else sorted(chosen - {include})[:5] + [include]


def _ip_for_title(title: str, preferred: tuple[str, ...], rng: random.Random) -> str:
    """An IP type that fits the title, weighted by what the topic usually has."""
    allowed = next((ips for ends, ips in IP_BY_TITLE_ENDING if title.endswith(ends)), IP_OTHERWISE)
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
    }.get(ip_type, "service" if topic["ip"] == IP_PROFILES["service"] else "process")
    extras = [e.format(**values) for e in rng.sample(EXTRAS[family], 3)]
    place = rng.choice(PLACES)
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
    title = _unique(candidates, taken, TITLE_PREFIXES)
    index = next((i for i, c in zip(order, candidates, strict=True) if title.endswith(c)), order[0])
    return title, index


def _pick_team(slug: str, product: str, rng: random.Random) -> tuple[str, str]:
    """A team working on the category, preferring specialists in the product's kind."""
    kind = PRODUCTS[product][0]
    teams = _TEAMS_BY_SLUG[slug]
    specialists = [t for t in teams if kind in TEAM_KINDS.get(t[1], ())]
    generalists = [t for t in teams if t[1] not in TEAM_KINDS]
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
            scenario = rng.choice(SCENARIOS[TOP_OF[category]]).format(**values)
        taken_titles.add(title)

        trl = rng.choice(TRL_BY_IP[ip_type])
        if answers and need["min_trl"]:
            trl = max(trl, need["min_trl"])
        price: int | None = None
        if rng.random() >= 0.25:
            low, high = budget_range[0] * 10_000, budget_range[1] * 10_000
            if answers and need["budget_max"] and rng.random() < 0.75:
                high = max(low, need["budget_max"])
            price = _round_money(rng.uniform(low, high))
        if spec.get("showcase"):
            statuses.remove(SHOWCASE["result_status"])
            status = SHOWCASE["result_status"]
        else:
            status = statuses.pop()
        # Every span is drawn whatever the status, so that the seeded stream stays the same.
        spans = RESULT_PUBLISHED.items()
        published = {state: span and rng.randint(*span) for state, span in spans}[status]
        if answers:
            serves = _serves(rng, include=need_province, exclude=None)
        elif spec["kind"] == "elsewhere":
            serves = _serves(rng, include=None, exclude=need_province)
            if serves == "all":
                serves = sorted(rng.sample([p for p in CW_PROVINCES if p != need_province], 2))
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
