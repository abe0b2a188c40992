from django.contrib import admin

from matchmaking.models import Category, ImportJob, ResearchResult, TechnologyNeed


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "name_en", "slug", "keywords"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    ordering = ["parent__position", "position"]


class ListingAdmin(admin.ModelAdmin):
    list_select_related = ["organisation", "category", "region"]
    search_fields = ["title", "keywords", "organisation__name"]
    autocomplete_fields = ["organisation", "region", "created_by", "acting_station"]
    readonly_fields = ["published_at", "created_at", "updated_at", "matching_pending"]
    date_hierarchy = "published_at"


@admin.register(TechnologyNeed)
class TechnologyNeedAdmin(ListingAdmin):
    list_display = ["title", "organisation", "category", "region", "status", "published_at"]
    list_filter = ["status", "category__parent", "region__group", "visibility"]


@admin.register(ResearchResult)
class ResearchResultAdmin(ListingAdmin):
    list_display = ["title", "organisation", "category", "trl", "ip_type", "status", "published_at"]
    list_filter = ["status", "category__parent", "ip_type", "trl"]
    filter_horizontal = ["regions_served"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "kind",
        "status",
        "total_rows",
        "created_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
