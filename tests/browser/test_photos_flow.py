"""Show, don't describe (issue #16), in Chromium: photos picked for a need are made smaller in
the phone before they are sent (at most 200 KB each, without their GPS position), and come back
as thumbnails on the need's page."""

import io
from email.parser import BytesParser
from email.policy import HTTP

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from matchmaking.models import TechnologyNeed
from tests.factories import OrganisationFactory, category, member_of
from tests.matchmaking.test_photos import gps_jpeg

pytestmark = pytest.mark.browser

LIMIT = 200_000


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def sent_files(request) -> list[tuple[str, str, bytes]]:
    """(field, content type, bytes) of each file in a multipart request as it left the
    browser."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.post_data_buffer)
    return [
        (part.get_param("name", header="content-disposition"), part.get_content_type(), data)
        for part in message.iter_parts()
        if part.get_filename() is not None and (data := part.get_payload(decode=True)) is not None
    ]


@pytest.fixture
def page(browser, live_server, committed_db):
    """A phone-sized page whose requests page.route sees: the service worker, which would
    answer them first, is blocked (tests/browser/test_offline.py tests it)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_photos_are_sent_small_and_shown_as_thumbnails(page: Page):
    enterprise = OrganisationFactory(name="雷山县银球茶电商专业合作社", region_id="522634")
    member_of(enterprise, username="wu")
    log_in(page, "wu")
    page.goto("/needs/new/")
    page.fill("#id_title", "猕猴桃放三天就烂")
    page.fill("#id_description", "看照片：果子从蒂部开始发软发霉")
    page.select_option("#id_category", str(category("origin-precooling").pk))
    page.fill("#id_budget", "5万左右")
    page.get_by_label("技术服务").check()

    photo = gps_jpeg()  # ~2 MB, 2400 × 1600, with a GPS position and the phone's make
    assert len(photo) > 1_900_000
    page.set_input_files(
        "#id_photos_gallery",
        [
            {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo},
            {"name": "IMG_2042.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg((1600, 2400))},
        ],
    )
    page.set_input_files(
        "#id_photos", {"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    status = page.locator(".photo-pick__status")
    expect(status).to_contain_text("可以发送：3 张照片", timeout=20_000)
    expect(page.locator(".photo-pick__previews img")).to_have_count(3)

    sent = []

    def record(route):
        sent.append(route.request)
        route.continue_()

    page.route("**/needs/new/", record)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="保存并发布").click()
    files = sent_files(sent[-1])
    assert [name for name, _type, _data in files] == ["photos"] * 3
    sizes = [len(data) for _name, _type, data in files]
    print("photo sizes as sent:", sizes, "from", len(photo))
    assert all(0 < size <= LIMIT for size in sizes), sizes
    for _name, content_type, data in files:
        assert content_type in ("image/webp", "image/jpeg")
        image = Image.open(io.BytesIO(data))
        assert max(image.size) == 1280
        assert b"Exif" not in data and b"Xiaomi" not in data  # left behind on the phone

    expect(page.locator(".message")).to_contain_text("已发布")
    need = TechnologyNeed.objects.get()
    assert need.photos.count() == 3
    assert sorted((p.width, p.height) for p in need.photos.all()) == [
        (853, 1280),
        (1280, 853),
        (1280, 853),
    ]
    thumbnails = page.locator(".photo-grid img")
    expect(thumbnails).to_have_count(3)
    thumbnails.last.scroll_into_view_if_needed()
    for _ in range(100):
        loaded = page.evaluate(
            "Array.prototype.map.call(document.querySelectorAll('.photo-grid img'),"
            " function (img) { return img.complete ? img.naturalWidth : 0; })"
        )
        if all(loaded):
            break
        page.wait_for_timeout(100)
    assert sorted(loaded) == [213, 320, 320]  # the server's thumbnails, not the photos

    # A fourth from the need's page (as station staff do on a visit), then none can be added
    # until one is deleted.
    page.set_input_files(
        ".photo-add #id_photos_gallery",
        {"name": "visit.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg((1200, 900))},
    )
    expect(page.locator(".photo-add .photo-pick__status")).to_contain_text("1 张照片")
    page.get_by_role("button", name="添加照片").click()
    expect(page.locator(".message")).to_contain_text("已添加 1 张照片")
    expect(page.locator(".photo-grid img")).to_have_count(4)
    expect(page.locator(".photo-add")).to_have_count(0)

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".photo-grid__item").first.get_by_role("button", name="删除").click()
    expect(page.locator(".message")).to_contain_text("照片已删除")
    expect(page.locator(".photo-grid img")).to_have_count(3)
    expect(page.locator(".photo-add")).to_have_count(1)
