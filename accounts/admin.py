from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import Membership, Organisation, Region, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "created_at"]
    readonly_fields = ["created_at"]


class UserMembershipInline(MembershipInline):
    fk_name = "user"
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "status", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Nongqiao"), {"fields": ("full_name", "phone", "language")}),
    )
    list_display = ["username", "full_name", "email", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [UserMembershipInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "group"]
    list_filter = ["level", "group"]
    search_fields = ["code", "name", "full_name", "name_en"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "is_verified", "verified_at", "created_at"]
    list_filter = ["kind", "is_verified", "region__group"]
    search_fields = ["name", "credit_code", "contact_name", "phone"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "covered_regions"]
    readonly_fields = ["verified_by", "verified_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request, queryset):
        count = 0
        for organisation in queryset.filter(is_verified=False):
            services.organisation_verify(organisation=organisation, by=request.user)
            count += 1
        self.message_user(request, _("%(count)d verified.") % {"count": count}, messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "status", "created_at"]
    list_filter = ["role", "status", "organisation__kind"]
    search_fields = ["user__username", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
