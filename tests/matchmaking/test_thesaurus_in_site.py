"""The thesaurus in the product: admins' entries change rankings without a restart."""

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.matches import matching
from matchmaking.models import Match, ThesaurusEntry
from matchmaking.tasks import sweep_pending
from tests.factories import OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(django_capture_on_commit_callbacks):
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    for title, abstract in (
        ("农产品电商全自动封箱设备", "自动折盖封箱，日处理2000件快递。"),
        ("茶叶区块链溯源平台", "一物一码，区块链存证。"),
        ("柑橘产地预冷库", "柑橘采后预冷，冷链保鲜。"),
    ):
        ResultFactory(organisation=institution, title=title, abstract=abstract, keywords="")
    enterprise = OrganisationFactory()
    member = member_of(enterprise)
    need = listings.need_create(
        by=member,
        organisation=enterprise,
        data={
            "title": "咔咔咔",
            "description": "咔咔咔",
            "keywords": "",
            "category": category("warehouse-management"),
            "budget_negotiable": True,
            "transfer_modes": ["technical_service"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_transition(need=need, to="open", by=member)
    return need


def top(need):
    first = (
        Match.objects.filter(need=need).order_by("rank_for_need").select_related("result").first()
    )
    return first.result.title if first else None


def test_an_admin_entry_changes_the_ranking_without_a_restart(need):
    assert top(need) is None  # the need shares no word with any result
    ThesaurusEntry.objects.create(term="咔咔咔", canonical="封箱", kind="colloquial")
    sweep_pending.delay()  # what saving in the admin queues
    need.refresh_from_db()
    assert top(need) == "农产品电商全自动封箱设备"
    match = Match.objects.get(need=need, result__title="农产品电商全自动封箱设备")
    readable = " ".join(term for term, _share in match.explanation["terms"])
    assert "咔咔咔" in readable and "≈" in readable


def test_a_bad_entry_is_refused_with_a_message():
    entry = ThesaurusEntry(term="", canonical="打包机", kind="colloquial")
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_the_shipped_file_is_the_base_and_admins_win():
    ThesaurusEntry.objects.create(term="洋芋", canonical="土豆", kind="produce")
    assert matching.current_thesaurus().expansions()["洋芋"] == ["土豆"]
