"""What users do teaches the matcher (issue 17): a result marked 不相关 for a need is never
suggested for it again; one declined as 技术不对口 is lowered for the enterprise's similar needs;
each match remembers which matcher first proposed it."""

import pytest
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.enums import DeclineReason
from matchmaking.matches import matching
from matchmaking.matches import services as matches
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="510131")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    results = [
        ResultFactory(
            organisation=institution,
            title=title,
            abstract="针对猕猴桃采后软化，采用产地预冷和冷链运输，货架期延长。",
            keywords="猕猴桃 预冷 冷链",
            category=category("origin-precooling"),
            serves_all_regions=True,
        )
        for title in ("猕猴桃预冷技术甲", "猕猴桃预冷技术乙")
    ]
    matching.embed_listings("results", [r.pk for r in results])

    def need(title="猕猴桃运到广州就软了"):
        made = NeedFactory(
            organisation=enterprise,
            title=title,
            description="猕猴桃发到广州就软了，想找产地预冷和冷链保鲜的办法",
            keywords="猕猴桃 保鲜",
            category=category("origin-precooling"),
        )
        matching.embed_listings("needs", [made.pk])
        matching.rematch_need(made.pk)
        return made

    return {
        "need": need,
        "results": results,
        "owner": member_of(enterprise),
        "researcher": member_of(institution),
    }


def test_not_relevant_removes_the_result_from_the_need_for_good(client, world):
    need = world["need"]()
    match = Match.objects.get(need=need, result=world["results"][0])
    client.force_login(world["owner"])
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert f'action="/matches/{match.pk}/not-relevant/"' in page
    assert ">不相关</button>" in page
    response = client.post(reverse("match-not-relevant", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.state, match.decline_reason, match.rank_for_need) == (
        "declined",
        "not_relevant",
        None,
    )
    matching.rematch_need(need.pk)  # the matcher still finds it, and leaves it declined
    match.refresh_from_db()
    assert match.state == "declined" and match.rank_for_need is None
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert f'id="match-{match.pk}"' not in page


def test_the_researcher_may_not_say_not_relevant(client, world):
    need = world["need"]()
    match = Match.objects.get(need=need, result=world["results"][0])
    client.force_login(world["researcher"])
    assert client.post(reverse("match-not-relevant", args=[match.pk])).status_code == 403
    assert Match.objects.get(pk=match.pk).state == "suggested"


def test_a_match_further_along_cannot_be_marked_not_relevant(client, world):
    need = world["need"]()
    match = Match.objects.get(need=need, result=world["results"][0])
    Match.objects.filter(pk=match.pk).update(state="evaluating")
    client.force_login(world["owner"])
    client.post(reverse("match-not-relevant", args=[match.pk]))
    assert Match.objects.get(pk=match.pk).state == "evaluating"


def test_tech_mismatch_lowers_the_result_for_the_enterprise_s_similar_needs(world):
    first = world["need"]()
    lowered, other = world["results"]
    before = Match.objects.get(need=first, result=lowered).score
    matches.match_transition(
        match=Match.objects.get(need=first, result=lowered),
        to="declined",
        by=world["owner"],
        reason=DeclineReason.TECH_MISMATCH,
    )
    second = world["need"]("猕猴桃运到广州就软了")  # the same need again: similar by meaning
    found = Match.objects.get(need=second, result=lowered)
    assert found.score == pytest.approx(before * matching.TECH_MISMATCH_FACTOR, abs=1e-5)
    assert found.explanation["lowered_by"] == "tech_mismatch"
    assert "lowered_by" not in Match.objects.get(need=second, result=other).explanation
    assert Match.objects.get(need=second, result=other).rank_for_need == 1


def test_a_rematch_from_the_result_side_keeps_the_result_lowered(world):
    first = world["need"]()
    lowered = world["results"][0]
    matches.match_transition(
        match=Match.objects.get(need=first, result=lowered),
        to="declined",
        by=world["owner"],
        reason=DeclineReason.TECH_MISMATCH,
    )
    second = world["need"]("猕猴桃运到广州就软了")
    score = Match.objects.get(need=second, result=lowered).score
    matching.rematch_result(lowered.pk)
    assert Match.objects.get(need=second, result=lowered).score == pytest.approx(score, abs=1e-6)


def test_each_match_keeps_the_matcher_that_first_proposed_it(world):
    need = world["need"]()
    match = Match.objects.get(need=need, result=world["results"][0])
    assert match.matcher == f"hybrid {matching.RANKING} hash-char123:384"
    Match.objects.filter(pk=match.pk).update(matcher="lexical old")
    matching.rematch_need(need.pk)
    assert Match.objects.get(pk=match.pk).matcher == "lexical old"
