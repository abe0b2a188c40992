"""The matcher's quality from the site's own history (issue 17): `manage.py match_quality` and
the staff page report MRR and Recall@10 of the results enterprises shortlisted, declines by
reason, per month and province, and the first page's precision per matcher."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.matches.quality import match_quality_report
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 5, tzinfo=UTC)


@pytest.fixture
def history():
    """Two 四川 needs of November 2026: one whose 2nd result was shortlisted and 5th adopted
    (12 results in all), one with a 不相关 and a 技术不对口 decline and nothing shortlisted."""
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    enterprise = OrganisationFactory(region_id="510131")
    results = [ResultFactory(organisation=institution) for _ in range(12)]
    judged = NeedFactory(organisation=enterprise, published_at=WHEN)
    for rank, result in enumerate(results, 1):
        Match.objects.create(
            need=judged,
            result=result,
            score=1 - rank / 100,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="v",
            matcher="hybrid new" if rank <= 5 else "lexical old",
            shortlisted_at=WHEN if rank in (2, 5, 12) else None,
            adopted_at=WHEN if rank == 5 else None,
            state="adopted" if rank == 5 else "suggested",
        )
    unjudged = NeedFactory(organisation=enterprise, published_at=WHEN)
    for rank, reason in ((1, "not_relevant"), (2, "tech_mismatch"), (3, "")):
        Match.objects.create(
            need=unjudged,
            result=results[rank],
            score=1 - rank / 100,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="v",
            matcher="hybrid new",
            state="declined" if reason else "suggested",
            decline_reason=reason,
        )


def test_the_report_counts_ranks_recall_and_declines(history):
    report = match_quality_report()
    (row,) = report.rows
    assert (row.month, row.province, row.needs, row.judged) == ("2026-11", "四川省", 2, 1)
    assert row.mrr == pytest.approx(1 / 2)
    assert row.recall_at_10 == pytest.approx(2 / 3)  # ranks 2 and 5 of 2, 5, 12
    assert row.declines == {"不相关": 0.5, "技术不对口": 0.5}
    assert {(m.matcher, m.first_page, m.relevant) for m in report.matchers} == {
        ("hybrid new", 5, 2),
        ("lexical old", 5, 0),
    }


def test_the_command_prints_it(history):
    out = io.StringIO()
    call_command("match_quality", stdout=out)
    text = out.getvalue()
    assert "2026-11  四川省" in text and "0.500 0.667" in text
    assert "hybrid new" in text and "0.400" in text


def test_the_staff_page_shows_it(client, history):
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("match-quality")).content.decode()
    assert "<td>2026-11</td><td>四川省</td><td>2</td><td>1</td><td>0.500</td><td>0.667</td>" in page
    assert "不相关 50%" in page
