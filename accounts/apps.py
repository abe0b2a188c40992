from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        # The memberships kept for each user (accounts/permissions.py) are read anew after any
        # write of these.
        from accounts import permissions
        from accounts.models import Membership, Organisation, Region
        from config import page_cache

        page_cache.watch(Membership, Organisation, Region, key=permissions.MEMBERSHIPS_GENERATION)
