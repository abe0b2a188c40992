"""The fair day at the door: a short code and its QR code on the agenda, typed or scanned."""

import re

import pytest
from django.urls import reverse

from matchmaking.models import Fair, FairRegistration
from matchmaking.models.fairs import CODE_ALPHABET
from tests.matchmaking.test_fairs import desk, fair  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_every_registration_gets_a_six_character_code_without_lookalikes(desk):  # noqa: F811
    codes = [desk["guizhou"].check_in_code, desk["sichuan"].check_in_code]
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(set(codes)) == 2
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_the_agenda_prints_the_code_and_a_qr_code_of_the_desk_address(client, fair, desk):  # noqa: F811
    registration = desk["guizhou"]
    client.force_login(registration.registered_by)
    for query in ("", "?print=1"):
        page = client.get(reverse("fair-agenda", args=[fair.pk]) + query).content.decode()
        assert f'<strong class="check-in-code__value">{registration.check_in_code}</strong>' in page
        qr = page[page.index('class="check-in-code__qr"') :]
        svg = re.search(r"<svg[^>]*>.*?</svg>", qr, re.S).group(0)
        assert 'class="segno"' in svg and "<path" in svg


def test_a_desk_checks_in_by_the_typed_code_in_any_case_and_a_second_time_keeps_the_first(
    client,
    fair,  # noqa: F811
    desk,  # noqa: F811
):
    registration = desk["guizhou"]
    url = reverse("fair-check-in", args=[fair.pk])
    client.force_login(desk["qiandongnan"])
    typed = " ".join(registration.check_in_code.lower())
    response = client.post(url, {"code": typed}, follow=True)
    assert "已签到" in response.content.decode()
    first = FairRegistration.objects.get(pk=registration.pk).checked_in_at
    assert first is not None
    response = client.post(url, {"code": registration.check_in_code}, follow=True)
    assert (
        f"已于 {first.astimezone().strftime('%H:%M')}" in response.content.decode()
        or "已于" in (response.content.decode())
    )
    assert FairRegistration.objects.get(pk=registration.pk).checked_in_at == first


def test_a_code_of_a_registrant_the_desk_does_not_cover_is_refused(client, fair, desk):  # noqa: F811
    client.force_login(desk["chengdu"])
    url = reverse("fair-check-in", args=[fair.pk])
    response = client.post(url, {"code": desk["guizhou"].check_in_code})
    assert response.status_code == 403
    response = client.post(url, {"code": "ZZZZZZ"}, follow=True)
    assert "没有使用该签到码的报名" in response.content.decode()
    assert not FairRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_the_scanned_address_opens_the_desk_with_that_registration_only(client, fair, desk):  # noqa: F811
    client.force_login(desk["organiser"])
    code = desk["sichuan"].check_in_code
    page = client.get(reverse("fair-check-in", args=[fair.pk]) + f"?code={code}").content.decode()
    assert "蒲江县猕猴桃合作社" in page and "雷山县银球茶合作社" not in page


def test_the_api_checks_in_by_code(fair, desk):  # noqa: F811
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(desk["qiandongnan"])
    url = f"/api/v1/fairs/{fair.pk}/check-in/"
    response = client.post(url, {"code": desk["guizhou"].check_in_code.lower()}, format="json")
    assert (response.status_code, response.data["organisation_name"]) == (200, "雷山县银球茶合作社")
    response = client.post(url, {"code": "ZZZZZZ"}, format="json")
    assert (response.status_code, list(response.data)) == (400, ["code"])
    assert Fair.objects.count() == 1
