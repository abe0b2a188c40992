"""Photos of a need: add (at most NeedPhoto.MAX_PER_NEED) and delete (issue #16).

Whoever may edit the need adds and deletes them: its enterprise, and staff of a station covering
it, who photograph the problem when they visit. The photos arrive already checked and re-encoded
(listings.photo_checks.check_photo); their files are stored under MEDIA_ROOT with random names.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from matchmaking.listings.photo_checks import Photo
from matchmaking.models import NeedPhoto, TechnologyNeed


def room_error(have: int, sent: int) -> str:
    """Why `sent` more photos do not fit on a need that has `have`."""
    limit = NeedPhoto.MAX_PER_NEED
    if have == 0:
        return _("A need carries at most %(max)s photos; you sent %(sent)s.") % {
            "max": limit,
            "sent": sent,
        }
    if have >= limit:
        return _("This need already has %(max)s photos: delete one to add another.") % {
            "max": limit
        }
    return _(
        "A need carries at most %(max)s photos; it has %(have)s, so at most %(room)s more "
        "can be added, and you sent %(sent)s."
    ) % {"max": limit, "have": have, "room": limit - have, "sent": sent}


def add_photos(*, need: TechnologyNeed, by: User, photos: list[Photo]) -> list[NeedPhoto]:
    if not permissions.can_edit_listing(by, need):
        raise PermissionDenied(_("You cannot add photos to this need."))
    if not photos:
        return []
    written = []
    try:
        with transaction.atomic():
            # One at a time per need: two sendings at once cannot pass the limit together.
            TechnologyNeed.objects.select_for_update().filter(pk=need.pk).first()
            have = NeedPhoto.objects.filter(need=need).count()
            if have + len(photos) > NeedPhoto.MAX_PER_NEED:
                raise ValidationError({"photos": room_error(have, len(photos))})
            created = []
            for photo in photos:
                name = uuid.uuid4().hex
                row = NeedPhoto(
                    need=need,
                    added_by=by,
                    width=photo.width,
                    height=photo.height,
                    size=len(photo.image),
                )
                row.image.save(f"{name}.jpg", ContentFile(photo.image), save=False)
                written.append(row.image)
                row.thumbnail.save(f"{name}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
                written.append(row.thumbnail)
                row.save()
                created.append(row)
    except BaseException:
        for file in written:
            file.storage.delete(file.name)
        raise
    return created


def delete_photo(*, photo: NeedPhoto, by: User) -> None:
    if not permissions.can_edit_listing(by, photo.need):
        raise PermissionDenied(_("You cannot delete this photo."))
    files = [photo.image, photo.thumbnail]
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])
