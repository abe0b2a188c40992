"""The need and result pages: lists, search, privacy, forms, exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import OrganisationKind
from matchmaking.models import TechnologyNeed
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db


def test_two_chinese_words_apart_in_the_text_find_the_need(client):
    NeedFactory(title="猕猴桃的冷链物流", description="需要产地预冷", keywords="")
    NeedFactory(title="苹果分拣", description="冷库", keywords="")
    response = client.get(reverse("need-list"), {"q": "猕猴桃 冷链"})
    html = response.content.decode()
    assert "猕猴桃的冷链物流" in html
    assert "苹果分拣" not in html


def test_the_need_list_shows_only_published_needs_by_default(client):
    NeedFactory(title="已发布的需求")
    NeedFactory(title="草稿需求", status="draft", published_at=None)
    NeedFactory(title="已关闭需求", status="closed")
    html = client.get(reverse("need-list")).content.decode()
    assert "已发布的需求" in html
    assert "草稿需求" not in html and "已关闭需求" not in html
    html = client.get(reverse("need-list"), {"status": "closed"}).content.decode()
    assert "已关闭需求" in html and "草稿需求" not in html


def test_filters_by_category_province_and_transfer_mode_combine(client):
    sichuan = OrganisationFactory(region_id="510107")
    NeedFactory(title="四川冷链需求", organisation=sichuan, transfer_modes=["license"])
    NeedFactory(title="贵州冷链需求", transfer_modes=["license"])
    NeedFactory(title="四川另一需求", organisation=sichuan, transfer_modes=["equity"])
    html = client.get(
        reverse("need-list"),
        {"category": "cold-chain-logistics", "province": "510000", "transfer_mode": "license"},
    ).content.decode()
    assert "四川冷链需求" in html
    assert "贵州冷链需求" not in html and "四川另一需求" not in html


def test_a_private_budget_and_contact_details_stay_hidden_from_anonymous_visitors(client):
    enterprise = OrganisationFactory(phone="13912345678", contact_name="联系人甲")
    need = NeedFactory(
        organisation=enterprise, budget_min=123456, budget_max=654321, budget_public=False
    )
    html = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert "12.35万元" not in html and "65.43万元" not in html
    assert "13912345678" not in html and "联系人甲" not in html
    client.force_login(member_of(enterprise))
    html = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert "12.35万元" in html and "13912345678" in html


def test_budget_filters_never_use_private_budgets(client):
    NeedFactory(title="公开预算", budget_min=100000, budget_max=300000)
    NeedFactory(title="保密预算", budget_min=100000, budget_max=300000, budget_public=False)
    html = client.get(reverse("need-list"), {"budget_from": 200000}).content.decode()
    assert "公开预算" in html and "保密预算" not in html


def test_someone_elses_draft_is_not_shown(client):
    need = NeedFactory(status="draft", published_at=None)
    client.force_login(member_of(OrganisationFactory()))
    assert client.get(reverse("need-detail", args=[need.pk])).status_code == 403


def test_the_form_keeps_what_was_typed_and_puts_the_budget_error_beside_it(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        {
            "organisation": enterprise.pk,
            "title": "茶叶溯源",
            "description": "想让买家扫码看到茶叶从哪来",
            "category": category().pk,
            "budget": "30万-10万",
            "transfer_modes": ["technical_service"],
            "publish": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('id="field-budget"') :]
    assert "errorlist" in field[: field.index("</div>")]
    assert "想让买家扫码看到茶叶从哪来" in html
    assert not TechnologyNeed.objects.exists()


def test_save_and_publish_from_the_form(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        {
            "organisation": enterprise.pk,
            "title": "茶叶溯源",
            "description": "想让买家扫码看到茶叶从哪来",
            "category": category().pk,
            "budget_min": "5万",
            "budget_max": "10万",
            "transfer_modes": ["technical_service"],
            "visibility": "public",
            "budget_public": "on",
            "publish": "1",
        },
    )
    need = TechnologyNeed.objects.get()
    assert response["Location"] == reverse("need-detail", args=[need.pk])
    assert need.status == "open"
    assert (need.budget_min, need.budget_max) == (50000, 100000)


def test_list_pages_do_not_query_once_per_row(client, django_assert_max_num_queries):
    for _ in range(15):
        NeedFactory()
        ResultFactory()
    # The count, the page's ids, its rows, and the categories and provinces of the filters.
    with django_assert_max_num_queries(5):
        client.get(reverse("need-list"), {"category": "cold-chain-logistics"})
    with django_assert_max_num_queries(5):
        client.get(reverse("result-list"), {"province": "620000", "serves": "620000"})


def test_my_needs_dashboard_counts_by_status_with_drafts(client):
    enterprise = OrganisationFactory()
    for status in ("draft", "draft", "open", "closed"):
        NeedFactory(organisation=enterprise, status=status)
    NeedFactory()  # someone else's
    client.force_login(member_of(enterprise))
    response = client.get(reverse("my-needs"))
    counts = {status: n for status, _label, n in response.context["counts"]}
    assert counts["draft"] == 2 and counts["open"] == 1 and counts["closed"] == 1
    assert response.context["page"].paginator.count == 4


def test_csv_export_neutralises_formulas_and_follows_the_filters(client):
    NeedFactory(title='=HYPERLINK("http://evil")', keywords="冷链")
    NeedFactory(
        title="苹果分拣",
        keywords="分拣",
        description="分拣线",
        category=category("grading-sorting"),
    )
    response = client.get(reverse("need-export", args=["csv"]), {"q": "冷链"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1].startswith("'=")


def test_xlsx_export_opens_with_the_same_rows(client):
    ResultFactory(title="稻米溯源区块链系统")
    response = client.get(reverse("result-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "稻米溯源区块链系统"


def test_researchers_see_the_result_form_and_enterprises_do_not_list_results(client):
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    client.force_login(member_of(institution))
    assert client.get(reverse("result-create")).status_code == 200
    client.force_login(member_of(OrganisationFactory()))
    assert client.get(reverse("result-create")).status_code == 302
    html = client.get(reverse("result-list")).content.decode()
    assert reverse("result-create") not in html  # no button that only leads away
    assert reverse("need-create") in client.get(reverse("need-list")).content.decode()
    client.force_login(member_of(institution))
    assert reverse("result-create") in client.get(reverse("result-list")).content.decode()


def test_needs_cannot_be_sorted_by_budget(client):
    NeedFactory(title="公开预算小", budget_min=None, budget_max=10000)
    NeedFactory(title="保密预算大", budget_min=None, budget_max=900000, budget_public=False)
    response = client.get(reverse("need-list"), {"sort": "-budget"})
    assert response.status_code == 400  # refused beside the filter, not sorted
    assert 'id="id_sort_error"' in response.content.decode()
    assert "保密预算大" not in response.content.decode()
    assert "-budget" not in dict(response.context["filter"].form.fields["sort"].choices)


def test_editing_a_need_with_the_region_left_empty_keeps_its_region(client):
    enterprise = OrganisationFactory()
    need = NeedFactory(organisation=enterprise, region_id="522634")
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-edit", args=[need.pk]),
        {
            "organisation": enterprise.pk,
            "title": "茶叶溯源，改了标题",
            "description": need.description,
            "category": need.category.pk,
            "budget": "5万以内",
            "transfer_modes": ["technical_service"],
            "visibility": "public",
            "region": "",
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.region_id) == ("茶叶溯源，改了标题", "522634")


def test_a_result_s_page_takes_an_enterprise_to_its_own_matches_with_it(client):
    """Found by search, a result's page said "request contact from a match" and linked none."""
    from matchmaking.models import Match

    enterprise = OrganisationFactory(region_id="522634")
    result = ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION))
    need = NeedFactory(organisation=enterprise, title="茶叶返潮怎么办")
    match = Match.objects.create(
        need=need, result=result, score=0.7, text_score=0.6, structured_score=0.8,
        matcher_version="t",
    )  # fmt: skip
    NeedFactory(title="别人的需求")  # another enterprise's need, not matched here
    url = reverse("result-detail", args=[result.pk])

    client.force_login(member_of(enterprise))
    html = client.get(url).content.decode()
    assert f'href="/matches/{match.pk}/#what-next"' in html
    assert "茶叶返潮怎么办" in html

    client.force_login(member_of(OrganisationFactory(region_id="522634")))
    html = client.get(url).content.decode()
    assert "/matches/" not in html and "茶叶返潮怎么办" not in html
    assert "请在匹配结果中申请联系" in html
