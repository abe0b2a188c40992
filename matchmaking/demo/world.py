"""The demo world for `manage.py demo_data`: organisations, needs and results from
matchmaking.demo.content, written so that running it again changes nothing."""

from __future__ import annotations

import random
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import ensure_membership, ensure_organisation, ensure_user
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region, User
from accounts.validation import normalise_patent_number
from matchmaking.demo import content
from matchmaking.enums import IPType
from matchmaking.fairs import services as fair_services
from matchmaking.fairs.states import FairStatus, RequestStatus, ScheduleRunStatus
from matchmaking.listings.search import index_tokens
from matchmaking.listings.services import search_text_of
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches import services as match_services
from matchmaking.matches.states import MatchState
from matchmaking.models import (
    Category,
    Evaluation,
    Fair,
    Match,
    MeetingRequest,
    ResearchResult,
    TechnologyNeed,
)
from matchmaking.stations import services as station_services
from matchmaking.stations.selectors import coverage_q

# The demo accounts of the README own these organisations of the demo world.
ACCOUNT_OF = {"e01": "enterprise", "i01": "researcher", "s01": "station"}


def _organisations(admin: User) -> tuple[dict[str, Organisation], dict[str, User]]:
    organisations: dict[str, Organisation] = {}
    owners: dict[str, User] = {}
    groups = [
        (OrganisationKind.STATION, content.STATIONS),
        (OrganisationKind.ENTERPRISE, content.ENTERPRISES),
        (OrganisationKind.INSTITUTION, content.INSTITUTIONS),
    ]
    for kind, rows in groups:
        for row in rows:
            key = row["key"]
            organisation = ensure_organisation(
                kind=kind,
                name=row["name"],
                region_code=row["region_code"],
                contact_name=row["contact_name"],
                phone=row["phone"],
                verified_by=admin if row.get("verified", True) else None,
                covered=row.get("covered"),
                description=row.get("description", ""),
            )
            username = ACCOUNT_OF.get(key, f"demo-{key}")
            owner = ensure_user(
                username, full_name=row["contact_name"], email=f"{username}@nongqiao.local"
            )
            ensure_membership(owner, organisation)
            organisations[key] = organisation
            owners[key] = owner
    return organisations, owners


def _days_ago(days: int | None):
    return timezone.now() - timedelta(days=days) if days is not None else None


def _needs(organisations, owners, categories) -> int:
    existing = set(TechnologyNeed.objects.values_list("organisation_id", "title"))
    today = timezone.localdate()
    created = []
    for row in content.generate_needs():
        organisation = organisations[row["enterprise"]]
        if (organisation.pk, row["title"]) in existing:
            continue
        published = _days_ago(row["published_days_ago"])
        deadline = None
        if row["deadline_days"] is not None:
            start = published.date() if published else today
            deadline = start + timedelta(days=row["deadline_days"])
        need = TechnologyNeed(
            organisation=organisation,
            created_by=owners[row["enterprise"]],
            title=row["title"],
            description=row["description"],
            keywords=" ".join(row["keywords"]),
            category=categories[row["category"]],
            region=organisation.region,
            budget_min=_money(row["budget_min"]),
            budget_max=_money(row["budget_max"]),
            budget_negotiable=row["budget_negotiable"],
            budget_public=row["budget_public"],
            min_trl=row["min_trl"],
            transfer_modes=row["transfer_modes"],
            deadline=deadline,
            status=row["status"],
            published_at=published,
            closed_at=timezone.now()
            if row["status"] in (NeedStatus.CLOSED, NeedStatus.FULFILLED, NeedStatus.EXPIRED)
            else None,
        )
        need.search_text = search_text_of(need)
        need.search_tokens = index_tokens(need.search_text)
        created.append(need)
    TechnologyNeed.objects.bulk_create(created, batch_size=200)
    return len(created)


def _results(organisations, owners, categories, provinces) -> int:
    existing = set(ResearchResult.objects.values_list("organisation_id", "title"))
    created, served = [], []
    for row in content.generate_results():
        organisation = organisations[row["institution"]]
        if (organisation.pk, row["title"]) in existing:
            continue
        patent = row["ip_type"] in (IPType.INVENTION_PATENT, IPType.UTILITY_MODEL)
        result = ResearchResult(
            organisation=organisation,
            created_by=owners[row["institution"]],
            team=row["team"],
            lead_researcher=row["lead"],
            title=row["title"],
            abstract=row["abstract"],
            keywords=" ".join(row["keywords"]),
            category=categories[row["category"]],
            region=organisation.region,
            ip_type=row["ip_type"],
            ip_number=normalise_patent_number(row["ip_number"]) if patent else row["ip_number"],
            trl=row["trl"],
            transfer_modes=row["transfer_modes"],
            asking_price=_money(row["asking_price"]),
            price_negotiable=row["price_negotiable"],
            serves_all_regions=row["serves"] == "all",
            application_scenarios=row["application_scenarios"],
            status=row["status"],
            published_at=_days_ago(row["published_days_ago"]),
            closed_at=timezone.now()
            if row["status"] in (ResultStatus.TRANSFERRED, ResultStatus.WITHDRAWN)
            else None,
        )
        result.search_text = search_text_of(result)
        result.search_tokens = index_tokens(result.search_text)
        created.append(result)
        served.append([] if row["serves"] == "all" else row["serves"])
    ResearchResult.objects.bulk_create(created, batch_size=200)
    through = ResearchResult.regions_served.through
    through.objects.bulk_create(
        [
            through(researchresult_id=result.pk, region_id=provinces[code].pk)
            for result, codes in zip(created, served, strict=True)
            for code in codes
        ],
        batch_size=500,
    )
    return len(created)


def _money(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


def create_world(admin: User) -> dict[str, int]:
    organisations, owners = _organisations(admin)
    with_regions = Organisation.objects.select_related("region").in_bulk(
        [o.pk for o in organisations.values()]
    )
    organisations = {key: with_regions[o.pk] for key, o in organisations.items()}
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    provinces = {r.code: r for r in Region.objects.filter(level=1)}
    return {
        "organisations": len(organisations),
        "needs": _needs(organisations, owners, categories),
        "results": _results(organisations, owners, categories, provinces),
    }


def create_station_activity(seed: int = 7) -> dict[str, int]:
    """Evaluations, plans, trainings, contacts and adoption costs on a share of the stations'
    matches, so that boards and statistics have something to show. Runs once."""

    if Evaluation.objects.exists():
        return {}
    rng = random.Random(seed)
    counts = {"evaluations": 0, "plans": 0, "adopted": 0, "declined": 0, "trainings": 0}
    for station in Organisation.objects.filter(kind=OrganisationKind.STATION).order_by("pk"):
        staff = station.memberships.select_related("user").first().user
        candidates = list(
            Match.objects.filter(
                coverage_q(station), state=MatchState.SUGGESTED, rank_for_need__lte=2
            )
            .select_related("need__organisation", "result__organisation")
            .order_by("need_id", "rank_for_need")
        )
        for match in candidates[:12]:
            roll = rng.random()
            enterprise_user = match.need.created_by
            if roll < 0.15:
                match_services.match_transition(
                    match=match,
                    to=MatchState.DECLINED,
                    by=enterprise_user,
                    reason=rng.choice(["too_early", "too_expensive", "not_relevant"]),
                )
                counts["declined"] += 1
                continue
            if roll < 0.35:
                match_services.match_transition(
                    match=match, to=MatchState.SHORTLISTED, by=enterprise_user
                )
                continue
            station_services.evaluation_create(
                match=match,
                by=staff,
                data={
                    "technical_feasibility": rng.randint(3, 5),
                    "economic_feasibility": rng.randint(2, 5),
                    "capability_fit": rng.randint(2, 5),
                    "risks": "设备电费与维护人员是主要风险。",
                    "recommendation": rng.choice(["recommend", "with_conditions"]),
                    "report": (
                        f"服务站对“{match.result.title}”在{match.need.organisation.name}"
                        "的适用性进行了现场评估。"
                    ),
                    "staff_hours": Decimal(rng.choice(["4", "6.5", "8", "12"])),
                },
            )
            counts["evaluations"] += 1
            if roll < 0.6:
                continue
            quoted = Decimal(rng.randrange(20_000, 300_000, 1000))
            station_services.plan_create(
                match=match,
                by=staff,
                data={
                    "summary": "分两期实施：先试点一个村，再推广到全社。",
                    "steps": [
                        {
                            "title": "现场勘查与方案确认",
                            "owner": staff.full_name,
                            "due": "2027-01-15",
                            "milestone": False,
                        },
                        {
                            "title": "设备安装与调试",
                            "owner": "成果方团队",
                            "due": "2027-03-01",
                            "milestone": True,
                        },
                        {
                            "title": "操作培训",
                            "owner": staff.full_name,
                            "due": "2027-03-15",
                            "milestone": False,
                        },
                    ],
                    "cost_lines": [{"item": "设备与安装", "amount": str(quoted)}],
                    "staff_hours": Decimal("5"),
                },
            )
            counts["plans"] += 1
            if roll < 0.8:
                continue
            equipment = quoted
            station_services.adoption_cost_record(
                match=match,
                by=staff,
                data={
                    "licence_fee": Decimal(rng.randrange(0, 50_000, 1000)),
                    "equipment": equipment,
                    "integration": Decimal(5000),
                    "training": Decimal(2000),
                    "maintenance": Decimal(3000),
                    "reference_cost": (equipment * Decimal("1.6")).quantize(Decimal(1)),
                    "reference_source": "两家市场供应商报价（2026年）",
                    "special_fund": (equipment * Decimal("0.1")).quantize(Decimal(1)),
                    "loan_principal": Decimal(100000),
                    "loan_rate": Decimal("3.65"),
                    "loan_months": 12,
                },
            )
            counts["adopted"] += 1
        enterprises = list(
            Organisation.objects.filter(
                coverage_q(station, "region__code"), kind=OrganisationKind.ENTERPRISE
            )[:4]
        )
        for n in range(3 if enterprises else 0):
            station_services.training_create(
                station=station,
                by=staff,
                data={
                    "date": timezone.localdate() - timedelta(days=30 * n + 7),
                    "place": f"{station.region.name}电商服务中心",
                    "topic": ["冷库使用与维护", "直播带货入门", "农产品溯源码操作"][n],
                    "trainer": staff.full_name,
                    "staff_hours": Decimal("6"),
                },
                attendances=[
                    (e, rng.randint(3, 20)) for e in enterprises[: rng.randint(1, len(enterprises))]
                ],
            )
            counts["trainings"] += 1
    return counts


def create_demo_journeys(admin: User) -> dict[str, int]:
    """What the four demo accounts find when they log in: an accepted contact on each side, the
    enterprise's own evaluation, plan and adoption cost, a contact request waiting for the
    researcher. Runs once (while there is no fair; create_demo_fair makes the fair)."""

    if Fair.objects.exists():
        return {}
    enterprise = User.objects.get(username="enterprise")
    researcher = User.objects.get(username="researcher")
    station = User.objects.get(username="station")
    ours = enterprise.memberships.get().organisation
    lab = researcher.memberships.get().organisation

    def owner_of(organisation: Organisation) -> User:
        return organisation.memberships.select_related("user").first().user

    open_matches = Match.objects.filter(state=MatchState.SUGGESTED).select_related(
        "need__organisation", "result__organisation"
    )
    # The enterprise's best match: contact accepted, then the station's whole follow-up.
    first = open_matches.filter(need__organisation=ours).order_by("rank_for_need", "-score")[0]
    match_services.match_request_contact(
        match=first, by=enterprise, message="想了解设备价格和安装周期，电话联系最方便。"
    )
    match_services.match_answer_contact(
        match=first, by=owner_of(first.result.organisation), accept=True
    )
    station_services.evaluation_create(
        match=first,
        by=station,
        data={
            "technical_feasibility": 4,
            "economic_feasibility": 4,
            "capability_fit": 3,
            "risks": "需要稳定的三相电；合作社需安排一名专人维护。",
            "recommendation": "recommend",
            "report": f"服务站到{ours.name}现场查看了仓储条件，认为“{first.result.title}”适用。",
            "staff_hours": Decimal("6"),
        },
    )
    station_services.plan_create(
        match=first,
        by=station,
        data={
            "summary": "先在合作社冷库试用一季，再决定是否购买。",
            "steps": [
                {"title": "现场勘查", "owner": station.full_name, "due": "2027-01-10"},
                {
                    "title": "设备试用",
                    "owner": "成果方团队",
                    "due": "2027-03-01",
                    "milestone": True,
                },
            ],
            "cost_lines": [{"item": "设备租用与安装", "amount": "48000"}],
            "staff_hours": Decimal("4"),
        },
    )
    station_services.adoption_cost_record(
        match=first,
        by=station,
        data={
            "licence_fee": Decimal(10000),
            "equipment": Decimal(48000),
            "integration": Decimal(3000),
            "training": Decimal(1500),
            "maintenance": Decimal(2000),
            "reference_cost": Decimal(90000),
            "reference_source": "两家市场供应商报价（2026年）",
            "special_fund": Decimal(5000),
            "loan_principal": Decimal(50000),
            "loan_rate": Decimal("3.65"),
            "loan_months": 12,
        },
    )
    # The researcher's side: one contact accepted, one waiting for an answer.
    theirs = list(
        open_matches.filter(result__organisation=lab)
        .exclude(need__organisation=ours)
        .order_by("rank_for_need", "-score")[:2]
    )
    for n, match in enumerate(theirs):
        match_services.match_request_contact(
            match=match,
            by=owner_of(match.need.organisation),
            message="我们合作社想试用这项技术，请联系。",
        )
        if n == 0:
            match_services.match_answer_contact(match=match, by=researcher, accept=True)

    # The fair comes from create_demo_fair, which demo_data runs next (so that this runs once:
    # while there is no fair yet).
    return {"contacts": 1 + len(theirs)}


DEMO_FAIR_NAME = "2027 黔东南农村电商技术对接会"


def create_demo_fair(admin: User) -> dict[str, int]:
    """An upcoming fair with registrations, answered requests and a published agenda, so that a
    newcomer sees the whole feature. Runs once (a fair of that name is left as it is)."""

    if Fair.objects.filter(name=DEMO_FAIR_NAME).exists():
        return {}
    today = timezone.localdate()
    fair = Fair.objects.create(
        name=DEMO_FAIR_NAME,
        year=(today + timedelta(days=30)).year,
        city="凯里",
        venue="黔东南州会展中心 B 馆",
        first_day=today + timedelta(days=30),
        days=1,
        registration_opens=today - timedelta(days=14),
        registration_closes=today + timedelta(days=20),
        day_start=time(9, 0),
        day_end=time(17, 0),
        slot_minutes=30,
        breaks=[["12:00", "13:30"]],
        tables=6,
        max_meetings=6,
        status=FairStatus.REGISTRATION_OPEN,
    )
    station = Organisation.objects.filter(
        kind=OrganisationKind.STATION, name=content.STATIONS[0]["name"]
    ).first()
    if station is not None:
        fair.organisers.add(station)
    # The best matches between enterprises and institutions of the demo world, the demo
    # accounts' own first: each side registers, the enterprise asks, most institutions accept.
    related = ("need__organisation", "result__organisation")
    own = list(
        Match.objects.filter(need__organisation__memberships__user__username="enterprise")
        .select_related(*related)
        .order_by("-score")[:3]
    ) + list(
        Match.objects.filter(result__organisation__memberships__user__username="researcher")
        .select_related(*related)
        .order_by("-score")[:3]
    )
    matches = own + list(
        Match.objects.filter(rank_for_need__lte=2).select_related(*related).order_by("-score")[:200]
    )
    registrations, counts = {}, {"registrations": 0, "requests": 0, "meetings": 0}

    def registration_of(organisation):
        if organisation.pk not in registrations:
            member = organisation.memberships.select_related("user").first()
            registrations[organisation.pk] = fair_services.registration_save(
                fair=fair,
                organisation=organisation,
                by=member.user if member else admin,
                attendees=f"{organisation.contact_name} {organisation.phone}",
                available_slots=[],
            )
            counts["registrations"] += 1
        return registrations[organisation.pk]

    pairs = set()
    for number, match in enumerate(matches):
        if counts["requests"] >= 40:
            break
        need_side, result_side = match.need.organisation, match.result.organisation
        if (need_side.pk, result_side.pk) in pairs:
            continue
        pairs.add((need_side.pk, result_side.pk))
        requester, recipient = registration_of(need_side), registration_of(result_side)
        MeetingRequest.objects.create(
            fair=fair,
            requester=requester,
            recipient=recipient,
            match=match,
            message="想在对接会上当面了解成果的落地条件。",
            status=RequestStatus.PENDING if number % 8 == 7 else RequestStatus.ACCEPTED,
            requested_by=requester.registered_by,
            answered_by=None if number % 8 == 7 else recipient.registered_by,
            answered_at=None if number % 8 == 7 else timezone.now(),
        )
        counts["requests"] += 1
    run = fair_services.ScheduleRun.objects.create(fair=fair, created_by=admin)
    run = fair_services.schedule_compute(run)
    if run.status == ScheduleRunStatus.PREVIEW:
        fair_services.schedule_publish(run=run, by=admin)
        counts["meetings"] = run.meetings
    return counts
