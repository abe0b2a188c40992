"""Writes for accounts: organisations, memberships, verification."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.adapter import AccountAdapter
from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind
from accounts.models import Membership, Organisation, User
from accounts.sms.catalogue import ACCOUNT_CREATED
from config import audit, page_cache
from config.queue import enqueue


@transaction.atomic
def organisation_create(*, by: User, **fields) -> Organisation:
    """Create an organisation with its creator as owner. New organisations start unverified."""
    fields.pop("is_verified", None)
    covered = fields.pop("covered_regions", None)
    kind = fields.get("kind")
    if kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION) and not (
        permissions.is_admin(by)
    ):
        # Stations and authorities carry powers over others: administrators set them up.
        raise PermissionDenied(_("Only administrators register stations and authorities."))
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if covered is not None:
        organisation.covered_regions.set(covered)
    Membership.objects.create(
        user=by,
        organisation=organisation,
        role=MembershipRole.OWNER,
        status=MembershipStatus.ACTIVE,
    )
    permissions.forget_memberships(by)
    return organisation


def home_seen(*, user: User) -> None:
    """Remember when the person last saw their home page: its "new since" marks start there."""
    User.objects.filter(pk=user.pk).update(home_seen_at=timezone.now())


def unique_username(prefix: str = "m") -> str:
    """A username nobody has to type, for accounts made by mobile number: m + 8 hex digits."""
    while True:
        username = f"{prefix}{secrets.token_hex(4)}"
        if not User.objects.filter(username=username).exists():
            return username


def phone_in_use(phone: str) -> bool:
    """Whether a login by code with this number would reach an existing account."""

    return AccountAdapter().get_user_by_phone(phone) is not None


@transaction.atomic
def enterprise_account_create(
    *, by: User, phone: str, full_name: str, region, **organisation_fields
) -> Organisation:
    """A station opens an account for an enterprise it serves: a passwordless user with the
    owner's mobile number (not yet verified) owning the new, verified enterprise. The owner
    takes the account over by logging in with the code sent to that number."""
    if not permissions.can_create_enterprise_account(by, region):
        raise ValidationError({"region": _("Your station does not serve this county.")})
    if phone_in_use(phone):
        raise ValidationError(
            {
                "phone": _(
                    "This mobile number already has an account. Its owner can log in with an "
                    "SMS code and register the enterprise, or ask to join it."
                )
            }
        )
    owner = User(username=unique_username(), full_name=full_name, phone=phone)
    owner.set_unusable_password()
    owner.full_clean()
    owner.save()
    organisation = Organisation(
        kind=OrganisationKind.ENTERPRISE,
        region=region,
        contact_name=full_name,
        phone=phone.removeprefix("+86"),
        # Station staff verify the enterprises of their counties; they just met this one.
        is_verified=True,
        verified_by=by,
        verified_at=timezone.now(),
        **organisation_fields,
    )
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(
        user=owner,
        organisation=organisation,
        role=MembershipRole.OWNER,
        status=MembershipStatus.ACTIVE,
        decided_by=by,
    )
    station = next(iter(permissions.covering_stations(by, organisation)), None)

    params = {
        "station": station.name if station else _("Nongqiao"),
        "link": settings.SITE_URL + reverse("account_request_login_code"),
    }
    params = {key: str(value) for key, value in params.items()}
    transaction.on_commit(
        lambda: enqueue("accounts.tasks.send_sms_message", phone, ACCOUNT_CREATED, params)
    )
    return organisation


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation, message: str = "") -> Membership:
    """Ask to join an organisation; an owner decides."""
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is not None:
        if existing.status == MembershipStatus.REJECTED:
            existing.status = MembershipStatus.PENDING
            existing.message = message
            existing.save(update_fields=["status", "message"])
            return existing
        raise ValidationError(_("You have already asked to join or belong to this organisation."))
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        role=MembershipRole.MEMBER,
        status=MembershipStatus.PENDING,
        message=message,
    )
    transaction.on_commit(
        lambda: enqueue("accounts.tasks.notify_membership_requested", membership.pk)
    )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool, by: User) -> Membership:
    if not permissions.can_manage_organisation(by, membership.organisation):
        raise PermissionDenied(_("Only the organisation's owner can decide on requests to join."))
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.status != MembershipStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    locked.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REJECTED
    locked.decided_by = by
    locked._history_user = by
    locked.save(update_fields=["status", "decided_by"])
    permissions.forget_memberships(locked.user)
    return locked


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    if not permissions.can_verify_organisation(by, organisation):
        raise PermissionDenied(_("You may not verify this organisation."))
    # Conditional update: two verifiers at once record one verification.
    verified = Organisation.objects.filter(pk=organisation.pk, is_verified=False).update(
        is_verified=True, verified_by=by, verified_at=timezone.now()
    )
    organisation.refresh_from_db()
    if verified:  # past the signals: the kept memberships, pages and boards show it anew
        page_cache.written(Organisation)
        audit.record(Organisation, [organisation], by=by)
    return organisation
