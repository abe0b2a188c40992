"""The audit trail (config/audit.py): who changed a verification, a listing, a station's record,
and when; seen by administrators only; trimmed after HISTORY_RETENTION_DAYS."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import MembershipStatus, OrganisationKind
from accounts.models import Membership, Organisation
from matchmaking.models import Evaluation, Match, TechnologyNeed, ThesaurusEntry
from matchmaking.stations import services as stations
from matchmaking.tasks import trim_history
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    category,
    member_of,
)

pytestmark = pytest.mark.django_db


def admin_user(**fields):
    return UserFactory(is_staff=True, is_superuser=True, full_name="管理员老周", **fields)


def newest(instance):
    return instance.history.order_by("-history_id").first()


def changed_fields(row) -> dict:
    previous = row.prev_record
    return {c.field: (c.old, c.new) for c in row.diff_against(previous).changes}


def test_an_admin_verifying_an_organisation_is_recorded_with_their_name(client):
    organisation = OrganisationFactory(is_verified=False, name="丹寨县硒锌茶合作社")
    admin = admin_user()
    client.force_login(admin)

    client.post(reverse("organisation-verify", args=[organisation.pk]))

    row = newest(organisation)
    assert (row.history_type, row.history_user) == ("~", admin)
    changes = changed_fields(row)
    assert changes["is_verified"] == (False, True)
    assert changes["verified_by"] == (None, admin.pk)
    # Verifying again changes nothing, and records nothing.
    client.post(reverse("organisation-verify", args=[organisation.pk]))
    assert organisation.history.count() == 2


def test_a_membership_decision_names_the_owner_who_decided(client):
    from accounts.enums import MembershipRole
    from accounts.services import membership_decide, membership_request

    organisation = OrganisationFactory()
    owner = member_of(organisation, MembershipRole.OWNER)
    request = membership_request(user=UserFactory(), organisation=organisation)

    membership_decide(membership=request, approve=False, by=owner)

    # The service has no request to read the user from; it passes who decided.
    row = newest(Membership.objects.get(pk=request.pk))
    assert row.status == MembershipStatus.REJECTED
    assert row.decided_by_id == owner.pk


def test_a_budget_edit_through_the_site_form_names_the_editor_and_the_old_budget(client):
    enterprise = OrganisationFactory()
    editor = member_of(enterprise, full_name="王会计")
    need = NeedFactory(organisation=enterprise, created_by=editor, title="茶叶溯源")
    client.force_login(editor)

    response = client.post(
        reverse("need-edit", args=[need.pk]),
        {
            "organisation": enterprise.pk,
            "title": "茶叶溯源",
            "description": "想让买家扫码看到茶叶从哪来",
            "category": category().pk,
            "budget_min": "5万",
            "budget_max": "30万",
            "transfer_modes": ["technical_service"],
            "visibility": "public",
            "budget_public": "on",
        },
    )

    assert response.status_code == 302
    row = newest(need)
    assert (row.history_type, row.history_user) == ("~", editor)
    changes = changed_fields(row)
    assert changes["budget_max"] == (Decimal("200000.00"), Decimal("300000.00"))
    assert changes["description"][1] == "想让买家扫码看到茶叶从哪来"
    # What the site computes (search columns, vectors, the matching flag) is not in the trail.
    assert not {"search_text", "matching_pending", "embedding"} & set(changes)


def test_a_status_change_is_recorded_and_the_matchers_bookkeeping_is_not(client):
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    need = NeedFactory(organisation=enterprise)
    before = need.history.count()
    client.force_login(owner)

    client.post(reverse("need-transition", args=[need.pk]), {"to": "closed"})
    need.refresh_from_db()
    assert need.status == "closed"
    assert (newest(need).status, newest(need).history_user) == ("closed", owner)
    # The matcher and the view counter save flags of their own: not edits, no rows.
    need.matching_pending = False
    need.save(update_fields=["matching_pending", "updated_at"])
    assert need.history.count() == before + 1


@pytest.fixture
def station_world():
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
    )
    return {"match": match, "staff": member_of(station, full_name="站员小吴")}


EVALUATION = {
    "technical_feasibility": "4",
    "economic_feasibility": "3",
    "capability_fit": "4",
    "risks": "冷库电费偏高",
    "recommendation": "with_conditions",
    "report": "建议先试用一季。",
    "staff_hours": "6.5",
}


def test_a_station_evaluation_filed_on_the_site_and_corrected_in_the_admin_names_both(
    client, station_world
):
    client.force_login(station_world["staff"])
    client.post(reverse("evaluation-create", args=[station_world["match"].pk]), EVALUATION)
    evaluation = Evaluation.objects.get()
    assert (newest(evaluation).history_type, newest(evaluation).history_user) == (
        "+",
        station_world["staff"],
    )

    admin = admin_user()
    client.force_login(admin)
    form = client.get(reverse("admin:matchmaking_evaluation_change", args=[evaluation.pk]))
    assert form.status_code == 200
    response = client.post(
        reverse("admin:matchmaking_evaluation_change", args=[evaluation.pk]),
        {
            **EVALUATION,
            "match": evaluation.match_id,
            "station": evaluation.station_id,
            "author": evaluation.author_id,
            "recommendation": "do_not_recommend",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    row = newest(evaluation)
    assert (row.history_type, row.history_user) == ("~", admin)
    assert changed_fields(row) == {"recommendation": ("with_conditions", "do_not_recommend")}


def test_an_adoption_cost_corrected_on_the_site_keeps_the_first_figures(station_world):
    from tests.matchmaking.test_stations import COST
    from tests.matchmaking.test_stations import EVALUATION as SERVICE_EVALUATION

    staff, match = station_world["staff"], station_world["match"]
    stations.evaluation_create(match=match, by=staff, data=dict(SERVICE_EVALUATION))
    first = stations.adoption_cost_record(match=match, by=staff, data=dict(COST))
    stations.adoption_cost_record(match=match, by=staff, data={**COST, "equipment": Decimal(95000)})

    rows = list(first.history.order_by("history_id").values_list("history_type", "equipment"))
    assert rows == [("+", Decimal("90000.00")), ("~", Decimal("95000.00"))]


def test_a_thesaurus_entry_edited_in_the_admin_is_recorded(client):
    admin = admin_user()
    client.force_login(admin)
    client.post(
        reverse("admin:matchmaking_thesaurusentry_add"),
        {"term": "洋芋", "canonical": "马铃薯", "kind": "dialect", "note": ""},
    )
    entry = ThesaurusEntry.objects.get(term="洋芋")
    assert [(r.history_type, r.history_user) for r in entry.history.all()] == [("+", admin)]


def test_an_admin_sees_the_history_in_the_admin_and_on_the_listing_page(client):
    enterprise = OrganisationFactory()
    editor = member_of(enterprise, full_name="王会计")
    need = NeedFactory(organisation=enterprise, title="茶叶溯源")
    need._history_user = editor
    need.budget_max = 300000
    need.save()
    client.force_login(admin_user())

    admin_page = client.get(reverse("admin:matchmaking_technologyneed_history", args=[need.pk]))
    assert admin_page.status_code == 200
    assert "王会计" in admin_page.content.decode()

    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    history = page[page.index('id="history"') :]
    assert "王会计" in history
    assert "200000" in history and "300000" in history


def test_someone_who_is_not_an_admin_sees_no_history(client):
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    need = NeedFactory(organisation=enterprise)
    client.force_login(owner)

    admin_page = client.get(reverse("admin:matchmaking_technologyneed_history", args=[need.pk]))
    assert admin_page.status_code == 302
    assert admin_page["Location"].startswith(reverse("admin:login"))
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert 'id="history"' not in page


def test_retention_removes_old_history_and_keeps_recent(settings):
    settings.HISTORY_RETENTION_DAYS = 30
    old_need, new_need = NeedFactory(), NeedFactory()
    organisation = OrganisationFactory()
    TechnologyNeed.history.filter(id=old_need.pk).update(
        history_date=timezone.now() - timedelta(days=31)
    )
    Organisation.history.filter(id=organisation.pk).update(
        history_date=timezone.now() - timedelta(days=400)
    )

    trim_history.delay()

    assert not old_need.history.exists()
    assert not organisation.history.exists()
    assert new_need.history.count() == 1
    # The records themselves stay.
    assert TechnologyNeed.objects.filter(pk=old_need.pk).exists()


def test_exports_list_each_listing_once_without_its_history(client):
    need = NeedFactory(title="茶叶溯源")
    for budget in (300000, 400000):
        need.budget_max = budget
        need.save()
    assert need.history.count() == 3

    response = client.get(reverse("need-export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("茶叶溯源") == 1
    assert "history" not in body.lower()


def test_a_change_made_outside_a_request_names_the_user_the_service_was_given():
    """An import runs in a worker, with no request to read the user from."""
    from matchmaking.listings.services import need_update

    enterprise = OrganisationFactory()
    importer = member_of(enterprise, full_name="站员导入")
    need = NeedFactory(organisation=enterprise)

    need_update(need=need, by=importer, data={"title": "茶叶溯源（修订）"})

    row = newest(need)
    assert (row.history_type, row.history_user, row.title) == ("~", importer, "茶叶溯源（修订）")


def test_publishing_an_agenda_and_recording_an_outcome_name_who_did_it():
    from datetime import date, time

    from matchmaking.fairs import services as fairs
    from matchmaking.models import Fair, Meeting
    from tests.matchmaking.test_fairs import register

    fair = Fair.objects.create(
        name="2026 中西部农村电商技术对接会",
        year=2026,
        city="成都",
        venue="成都世纪城会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        tables=2,
        max_meetings=3,
        status="registration_open",
    )
    enterprise = OrganisationFactory(region_id="522634")
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    admin = admin_user()
    a = register(fair, enterprise, admin)
    b = register(fair, OrganisationFactory(kind=OrganisationKind.INSTITUTION), admin)
    request = fairs.meeting_request_create(fair=fair, requester=a, recipient=b, by=admin)
    fairs.meeting_request_answer(request=request, by=admin, accept=True)

    run = fairs.schedule_compute(fairs.schedule_start(fair=fair, by=admin))
    fairs.schedule_publish(run=run, by=admin)
    meeting = Meeting.objects.get()
    fairs.record_outcome(meeting=meeting, by=staff, outcome="follow_up", note="下月去厂里看")

    assert (newest(fair).status, newest(fair).history_user) == ("agenda_published", admin)
    rows = list(meeting.history.order_by("history_id"))
    assert [(r.history_type, r.history_user, r.outcome) for r in rows] == [
        ("+", admin, ""),
        ("~", staff, "follow_up"),
    ]


# -- the rest of the audited models, one change each ------------------------------------------


def test_the_audited_models_are_the_ones_people_argue_about():
    from django.apps import apps

    audited = sorted(
        model.__name__
        for model in apps.get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    )
    assert audited == [
        "AdoptionCost",
        "Category",
        "Evaluation",
        "Fair",
        "Meeting",
        "Membership",
        "Organisation",
        "ResearchResult",
        "SolutionPlan",
        "TechnologyNeed",
        "ThesaurusEntry",
    ]


def test_a_result_edited_by_its_institution_names_the_researcher():
    from matchmaking.listings import services as listings

    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    researcher = member_of(institution, full_name="李研究员")
    result = ResultFactory(organisation=institution, asking_price=Decimal(80000))

    listings.result_update(result=result, by=researcher, data={"asking_price": Decimal(60000)})

    row = newest(result)
    assert (row.history_type, row.history_user) == ("~", researcher)
    assert changed_fields(row) == {"asking_price": (Decimal("80000.00"), Decimal("60000.00"))}


def test_a_solution_plan_names_the_station_staff_who_wrote_it(station_world):
    from tests.matchmaking.test_stations import EVALUATION as SERVICE_EVALUATION

    staff, match = station_world["staff"], station_world["match"]
    stations.evaluation_create(match=match, by=staff, data=dict(SERVICE_EVALUATION))
    plan = stations.plan_create(
        match=match,
        by=staff,
        data={
            "summary": "先建小冷库",
            "steps": [{"title": "选址", "owner": "吴", "due": "2027-03-01"}],
            "cost_lines": [{"item": "冷库", "amount": "80000"}],
            "staff_hours": Decimal("3"),
        },
    )

    assert (newest(plan).history_type, newest(plan).history_user) == ("+", staff)


def test_a_category_renamed_in_the_admin_is_recorded(client):
    admin = admin_user()
    client.force_login(admin)
    fruit = category("cold-storage")
    url = reverse("admin:matchmaking_category_change", args=[fruit.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["name"] = "冷库与冷藏"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    row = newest(fruit)  # the categories were loaded in bulk: this is their first row
    assert (row.history_type, row.history_user, row.name) == ("~", admin, "冷库与冷藏")


def test_a_fair_moving_on_names_who_moved_it():
    from matchmaking.fairs import services as fairs
    from matchmaking.fairs.states import FairStatus
    from tests.factories import FairFactory

    admin = admin_user()
    fair = FairFactory(status=FairStatus.PLANNING)

    fairs.fair_open_registration(fair=fair, by=admin)

    row = newest(fair)
    assert (row.status, row.history_user) == (FairStatus.REGISTRATION_OPEN, admin)
