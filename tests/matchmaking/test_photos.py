"""Photos of a need (issue #16): judged by their content, kept without their metadata, at most
four, shown only to those who may see the need, added and deleted by those who may edit it."""

import io
import resource
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile

from accounts.enums import OrganisationKind
from matchmaking.models import NeedPhoto, TechnologyNeed
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    category,
    image_bytes,
    member_of,
    photo_of,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def need_form(enterprise, photos=(), **extra):
    return {
        "organisation": enterprise.pk,
        "title": "猕猴桃烂果",
        "description": "猕猴桃放了三天就烂了，照片里是烂果",
        "category": category().pk,
        "budget": "5万左右",
        "transfer_modes": ["technical_service"],
        "visibility": "public",
        "publish": "1",
        "photos": list(photos),
        **extra,
    }


def gps_jpeg(size=(2400, 1600)) -> bytes:
    """A phone-like photo of ~2 MB (shading with grain, which does not compress to nothing),
    with the place it was taken and the phone's make in its EXIF."""
    shade = Image.radial_gradient("L").resize(size).convert("RGB")
    image = Image.blend(shade, Image.effect_noise(size, 40).convert("RGB"), 0.35)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi Note 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (26.0, 22.0, 55.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 4.0, 40.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header declares width × height pixels: a decompression
    bomb if anything decoded it (30000 × 30000 RGB is 2.7 GB)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def stored_photo(need) -> tuple[NeedPhoto, bytes]:
    photo = need.photos.get()
    return photo, Path(settings.MEDIA_ROOT, photo.image.name).read_bytes()


def photo_errors(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('id="field-photos"') :]
    assert 'class="errorlist"' in field[: field.index("</div>")], "the error is beside the field"
    return list(response.context["form"].errors["photos"])


def test_a_phone_photo_with_gps_is_kept_smaller_and_without_any_exif(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert len(original) > 1_000_000

    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("IMG_2041.jpg", original)])
    )

    need = TechnologyNeed.objects.get()
    assert response.status_code == 302
    photo, kept = stored_photo(need)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (1280, 853) == (photo.width, photo.height)
    assert len(kept) <= 200_000
    assert photo.size == len(kept)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert b"Exif" not in kept and b"Xiaomi" not in kept and b"Redmi" not in kept
    thumbnail = Image.open(Path(settings.MEDIA_ROOT, photo.thumbnail.name))
    assert (thumbnail.width, thumbnail.height) == (320, 213)
    assert photo.added_by.organisations.get() == enterprise


def test_a_photo_is_turned_upright_by_its_exif_orientation_before_the_exif_goes():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken with the phone on its side
    from matchmaking.listings.photo_checks import check_photo

    kept = check_photo(upload("side.jpg", image_bytes(size=(200, 100), exif=exif)))
    assert (kept.width, kept.height) == (100, 200)


def test_a_png_named_jpg_is_judged_by_its_content_and_kept_as_jpeg(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    png = image_bytes("PNG", size=(300, 200), colour=(10, 120, 30, 128))
    response = client.post(reverse("need-create"), need_form(enterprise, [upload("kiwi.jpg", png)]))
    assert response.status_code == 302
    _photo, kept = stored_photo(TechnologyNeed.objects.get())
    image = Image.open(io.BytesIO(kept))
    assert (image.format, image.size, image.mode) == ("JPEG", (300, 200), "RGB")
    # Half-transparent green on white, as the browser draws it.
    pixel = image.getpixel((150, 100))
    assert all(abs(a - b) <= 6 for a, b in zip(pixel, (132, 187, 142), strict=True)), pixel


def test_webp_is_accepted(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    webp = image_bytes("WEBP", size=(640, 480))
    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("a.webp", webp, "image/webp")])
    )
    assert response.status_code == 302
    assert stored_photo(TechnologyNeed.objects.get())[0].width == 640


def test_a_text_file_is_refused_beside_the_field_and_nothing_is_saved(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("kiwi.jpg", "这不是照片\n".encode(), "text/plain")]),
        **EN,
    )
    assert photo_errors(response) == [
        "“kiwi.jpg”: this is not a photo. Send a JPEG, PNG or WebP picture."
    ]
    assert not TechnologyNeed.objects.exists()
    assert not NeedPhoto.objects.exists()


def test_a_gif_is_refused_as_not_a_photo_we_take(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("a.jpg", image_bytes("GIF"), "image/gif")]),
        **EN,
    )
    assert photo_errors(response) == [
        "“a.jpg”: this is not a photo. Send a JPEG, PNG or WebP picture."
    ]


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Payload.class", b"\xca\xfe\xba\xbe")
    return out.getvalue()


POLYGLOTS = {
    "a script after the picture": image_bytes() + b"<script>alert(document.cookie)</script>",
    "a page in its comment": image_bytes(comment=b"<html><body onload=alert(1)>"),
    "a PHP page after the picture": image_bytes() + b"<?php system($_GET['c']); ?>",
    "a zip after the picture (a JAR)": image_bytes() + _zip_bytes(),
    "a PDF before the picture": b"%PDF-1.4\n" + image_bytes(),
}


@pytest.mark.parametrize("content", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_a_picture_that_is_also_something_else_is_refused(client, content):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("kiwi.jpg", content)]), **EN
    )
    assert photo_errors(response) == [
        "“kiwi.jpg”: this file holds something else besides a picture (a web page, a script "
        "or an archive). Send the photo itself."
    ]
    assert not TechnologyNeed.objects.exists()


def test_a_truncated_photo_is_refused_as_damaged(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    whole = gps_jpeg(size=(400, 300))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("cut.jpg", whole[: len(whole) // 2])]),
        **EN,
    )
    assert photo_errors(response) == [
        "“cut.jpg”: this picture is damaged or incomplete. Send it again."
    ]


def test_a_truncated_photo_is_refused_even_when_a_library_made_pillow_lenient(client, monkeypatch):
    # WeasyPrint (the monthly report's PDF) sets this for the whole process when imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    whole = gps_jpeg(size=(400, 300))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("cut.jpg", whole[: len(whole) // 2])]),
        **EN,
    )
    assert photo_errors(response) == [
        "“cut.jpg”: this picture is damaged or incomplete. Send it again."
    ]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as the library set it


def test_a_decompression_bomb_is_refused_without_decoding_it(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    bomb = png_declaring(30000, 30000)
    assert len(bomb) < 1000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    started = time.monotonic()
    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("bomb.png", bomb)]), **EN
    )
    assert time.monotonic() - started < 2
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"the process grew by {grown_mb:.0f} MB"
    assert photo_errors(response) == [
        "“bomb.png”: the picture is too large: at most 8192 pixels a side are accepted."
    ]


def test_a_12_megapixel_phone_photo_sent_without_javascript_is_kept_at_1280(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    photo = image_bytes(size=(4032, 3024), quality=95)
    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("IMG_0001.jpg", photo)])
    )
    assert response.status_code == 302
    kept = TechnologyNeed.objects.get().photos.get()
    assert (kept.width, kept.height) == (1280, 960)


def test_a_jpeg_beyond_the_pixel_cap_is_refused_by_its_header(client):
    from matchmaking.listings.photo_checks import check_photo

    header_only = image_bytes(size=(8000, 6000))
    with pytest.raises(ValidationError) as refused:
        check_photo(upload("huge.jpg", header_only))
    assert refused.value.code == "too_many_pixels"


def test_a_png_beyond_the_pixel_cap_is_refused_by_its_header(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("big.png", png_declaring(5000, 5000))]),
        **EN,
    )
    assert photo_errors(response) == [
        "“big.png”: the picture is 5000 × 5000 pixels; at most 8192 pixels a side "
        "(16.8 million pixels) are accepted."
    ]


def test_a_photo_over_the_upload_limit_is_refused(client, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"), need_form(enterprise, [upload("big.jpg", gps_jpeg())]), **EN
    )
    [error] = photo_errors(response)
    assert error.startswith("“big.jpg”: the photo is ") and error.endswith(
        "; at most 97.7\xa0KB is accepted."
    )


def test_a_fifth_photo_is_refused(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    five = [upload(f"{n}.jpg", image_bytes()) for n in range(5)]
    response = client.post(reverse("need-create"), need_form(enterprise, five), **EN)
    assert photo_errors(response) == ["A need carries at most 4 photos; you sent 5."]
    assert not TechnologyNeed.objects.exists()

    four = [upload(f"{n}.jpg", image_bytes()) for n in range(4)]
    response = client.post(reverse("need-create"), need_form(enterprise, four))
    need = TechnologyNeed.objects.get()
    assert need.photos.count() == 4

    fifth = client.post(
        reverse("need-photo-add", args=[need.pk]), {"photos": upload("5.jpg", image_bytes())}
    )
    assert fifth.status_code == 200
    assert need.photos.count() == 4
    edit = client.post(
        reverse("need-edit", args=[need.pk]),
        need_form(enterprise, [upload("5.jpg", image_bytes())], save="1"),
        **EN,
    )
    assert need.photos.count() == 4
    assert "This need has 4 photos: delete one on its page to add another." in (
        edit.content.decode()
    )


def test_photos_beyond_the_room_left_are_refused_with_the_room_left(client):
    enterprise = OrganisationFactory()
    user = member_of(enterprise)
    need = NeedFactory(organisation=enterprise, created_by=user)
    for _ in range(3):
        photo_of(need, by=user)
    client.force_login(user)
    response = client.post(
        reverse("need-photo-add", args=[need.pk]),
        {"photos": [upload("a.jpg", image_bytes()), upload("b.jpg", image_bytes())]},
        **EN,
    )
    assert photo_errors(response) == [
        "A need carries at most 4 photos; it has 3, so at most 1 more can be added, and you sent 2."
    ]
    assert need.photos.count() == 3


def test_a_form_with_errors_says_the_photos_must_be_chosen_again(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-create"),
        need_form(enterprise, [upload("a.jpg", image_bytes())], budget="三十万到十万"),
        **EN,
    )
    assert response.status_code == 200
    assert "choose them again" in response.content.decode()
    assert not NeedPhoto.objects.exists()


def test_the_need_form_without_photos_still_works(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(reverse("need-create"), need_form(enterprise))
    assert response.status_code == 302
    assert TechnologyNeed.objects.get().photos.count() == 0


def test_the_need_form_offers_the_camera_and_the_gallery(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    html = client.get(reverse("need-create")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert (
        '<input type="file" name="photos" capture="environment" accept="image/*" multiple '
        'data-room="4" aria-describedby="id_photos_helptext" id="id_photos">'
    ) in html
    assert '<input type="file" name="photos" accept="image/*" multiple id="id_photos_gallery">' in (
        html
    )
    assert "/static/js/photos.js" in html


def test_station_staff_on_a_visit_add_photos_from_the_need_page(client):
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    staff = member_of(station)
    need = NeedFactory(organisation=enterprise)
    client.force_login(staff)
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert f'action="{reverse("need-photo-add", args=[need.pk])}"' in page

    response = client.post(
        reverse("need-photo-add", args=[need.pk]),
        {"photos": [upload("a.jpg", image_bytes()), upload("b.png", image_bytes("PNG"))]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/needs/{need.pk}/#photos-title"
    assert [p.added_by for p in need.photos.all()] == [staff, staff]


def test_the_need_page_shows_lazy_thumbnails_to_its_viewers(client):
    need = NeedFactory()
    photo = photo_of(need)
    html = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert (
        f'<a href="/needs/photos/{photo.pk}/"><img src="/needs/photos/{photo.pk}/thumbnail/" '
        f'alt="照片 1" loading="lazy" width="160" height="160"></a>'
    ) in html
    assert "need-photo-add" not in html and "/delete/" not in html  # an anonymous visitor


def test_a_photo_is_served_as_a_jpeg_kept_only_by_the_viewers_browser(client):
    need = NeedFactory()
    photo = photo_of(need)
    response = client.get(reverse("need-photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=604800"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).size == (64, 48)
    thumbnail = client.get(reverse("need-photo-thumbnail", args=[photo.pk]))
    assert Image.open(io.BytesIO(thumbnail.content)).format == "JPEG"


def test_nothing_serves_the_media_folder(client):
    photo = photo_of(NeedFactory())
    assert client.get(f"/media/{photo.image.name}").status_code == 404


@pytest.mark.parametrize(
    ("visibility", "status", "who", "expected"),
    [
        ("public", "open", "anonymous", 200),
        ("registered", "open", "anonymous", 404),
        ("registered", "open", "someone", 200),
        ("public", "draft", "anonymous", 404),
        ("public", "draft", "someone", 404),
        ("public", "draft", "owner", 200),
        ("public", "draft", "station", 200),
    ],
)
def test_who_may_see_a_photo_is_who_may_see_the_need(client, visibility, status, who, expected):
    enterprise = OrganisationFactory(region_id="522634")
    need = NeedFactory(
        organisation=enterprise,
        visibility=visibility,
        status=status,
        published_at=None if status == "draft" else need_published(),
    )
    photo = photo_of(need)
    users = {
        "someone": lambda: member_of(OrganisationFactory()),
        "owner": lambda: member_of(enterprise),
        "station": lambda: member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
        ),
    }
    if who in users:
        client.force_login(users[who]())
    for name in ("need-photo", "need-photo-thumbnail"):
        assert client.get(reverse(name, args=[photo.pk])).status_code == expected


def need_published():
    from django.utils import timezone

    return timezone.now()


def test_deleting_a_photo_removes_its_files(client, django_capture_on_commit_callbacks):
    enterprise = OrganisationFactory()
    user = member_of(enterprise)
    need = NeedFactory(organisation=enterprise, created_by=user)
    photo = photo_of(need, by=user)
    files = [Path(settings.MEDIA_ROOT, f.name) for f in (photo.image, photo.thumbnail)]
    assert all(f.exists() for f in files)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("need-photo-delete", args=[photo.pk]))
    assert response.status_code == 302
    assert not NeedPhoto.objects.exists()
    assert not any(f.exists() for f in files)


def test_someone_who_may_see_but_not_edit_cannot_delete(client):
    photo = photo_of(NeedFactory())
    client.force_login(member_of(OrganisationFactory()))
    assert client.post(reverse("need-photo-delete", args=[photo.pk])).status_code == 403
    assert NeedPhoto.objects.count() == 1


def test_a_results_match_cards_show_each_needs_first_photo_and_how_many(client):
    from matchmaking.models import Match
    from tests.factories import ResultFactory

    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    researcher = member_of(institution)
    result = ResultFactory(organisation=institution, created_by=researcher)
    with_photos, without = NeedFactory(), NeedFactory()
    first = photo_of(with_photos)
    photo_of(with_photos)
    for rank, need in enumerate((with_photos, without), start=1):
        Match.objects.create(
            need=need,
            result=result,
            rank_for_need=1,
            rank_for_result=rank,
            score=0.9 - rank / 10,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="photos",
        )
    client.force_login(researcher)
    html = client.get(reverse("result-detail", args=[result.pk])).content.decode()
    assert html.count('class="match-card__photo"') == 1
    assert (
        f'<img class="match-card__photo" src="/needs/photos/{first.pk}/thumbnail/" '
        'alt="2 张照片" loading="lazy" width="56" height="56">'
    ) in html
