"""The match page once the researcher accepted: contact details first, callable, copyable;
the history in sentences."""

import re

import pytest
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.matches import services as matches
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    enterprise = OrganisationFactory(contact_name="杨秀英", phone="13800138000", email="")
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION,
        contact_name="陈建国",
        phone="+86 571-8888 1234",
        email="chen.jianguo@food-engineering.example.edu.cn",
    )
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    zhang = member_of(enterprise, full_name="张三")
    li = member_of(institution, full_name="李四")
    matches.match_request_contact(match=match, by=zhang, message="想了解价格")
    matches.match_answer_contact(match=match, by=li, accept=True)
    return {"match": match, "enterprise": zhang, "researcher": li}


def test_the_enterprise_sees_the_researcher_s_numbers_first_as_links_with_copy_buttons(
    client, accepted
):
    client.force_login(accepted["enterprise"])
    html = client.get(reverse("match-detail", args=[accepted["match"].pk])).content.decode()
    block = html[html.index('id="contact"') : html.index('class="match-sides"')]
    assert block.index("陈建国") < block.index("杨秀英")
    call = '<a class="button button--call" href="tel:+8657188881234">拨打 +86 571-8888 1234</a>'
    assert call in block
    assert 'data-copy="+86 571-8888 1234"' in block
    assert 'href="mailto:chen.jianguo@food-engineering.example.edu.cn"' in block
    assert 'href="tel:13800138000"' in block
    assert html.index('id="contact"') < html.index('class="match-sides"')


def test_the_history_reads_in_sentences_newest_first(client, accepted):
    client.force_login(accepted["researcher"])
    html = client.get(reverse("match-detail", args=[accepted["match"].pk])).content.decode()
    # Names and notes are marked as what people wrote (data-uc); the sentence reads the same.
    history = re.sub(r"<span data-uc>|</span>", "", html[html.index('class="history"') :])
    assert history.index("李四 接受了联系请求") < history.index("张三 请求联系: “想了解价格”")
    assert "已请求联系 → 已请求联系" not in history
    assert "“Contact request accepted.”" not in history and "“已接受联系请求。”" not in history


def test_the_match_names_the_researcher_who_leads_the_result(client):
    """Deciding whom to ask, the enterprise sees the person, not only the institute."""
    enterprise = OrganisationFactory()
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(team="茶叶加工团队", lead_researcher="杨勇"),
        score=0.8, text_score=0.7, structured_score=0.9, matcher_version="t",
    )  # fmt: skip
    client.force_login(member_of(enterprise))
    html = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    sides = html[html.index('class="match-sides"') :]
    assert "茶叶加工团队" in sides and "杨勇" in sides
    assert "中试 (TRL 7)" in sides  # the stage in words, the TRL for who knows it
