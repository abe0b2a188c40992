from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.queue import enqueue
from matchmaking.fairs import services as fair_services
from matchmaking.fairs.states import FairStatus
from matchmaking.matches import matching
from matchmaking.matches.states import RunStatus
from matchmaking.models import (
    AdoptionCost,
    Category,
    ContractRegistration,
    EmbedRun,
    Evaluation,
    Fair,
    ImportJob,
    Match,
    Meeting,
    OutcomeEvidence,
    RebuildRun,
    ResearchResult,
    SmsMessage,
    SolutionPlan,
    TechnologyNeed,
    ThesaurusEntry,
    Trial,
)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "name_en", "slug", "keywords"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    ordering = ["parent__position", "position"]


class ListingAdmin(SimpleHistoryAdmin):
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


@admin.register(RebuildRun)
class RebuildRunAdmin(admin.ModelAdmin):
    """Full re-matches: start one with the button; running ones show their progress."""

    list_display = [
        "started_at",
        "status",
        "progress",
        "pairs",
        "dropped",
        "version",
        "finished_at",
    ]
    readonly_fields = [f.name for f in RebuildRun._meta.fields]
    change_list_template = "admin/matchmaking/rebuildrun/change_list.html"

    @admin.display(description=_("progress"))
    def progress(self, run):
        bar = format_html(
            '<progress max="100" value="{}"></progress> {}%', run.percent, run.percent
        )
        if not run.total_chunks:
            return bar
        pace = run.chunks_per_minute
        end = run.estimated_end
        return format_html(
            "{}<br>{}",
            bar,
            " · ".join(
                str(part)
                for part in (
                    _("%(done)s of %(total)s chunks")
                    % {"done": run.done_chunks, "total": run.total_chunks},
                    _("%(rate)s per minute") % {"rate": f"{pace:.1f}"} if pace else None,
                    _("done at about %(time)s")
                    % {"time": date_format(timezone.localtime(end), "H:i")}
                    if end
                    else None,
                )
                if part
            ),
        )

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="matchmaking_rebuildrun_start",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if request.method != "POST":
            return redirect("admin:matchmaking_rebuildrun_changelist")
        run = matching.start_rebuild(by=request.user)
        if run is None:
            self.message_user(request, _("A full re-match is already running."), messages.WARNING)
        elif run.status != RunStatus.FAILED:
            self.message_user(request, _("A full re-match has started."), messages.SUCCESS)
        else:
            self.message_user(
                request, _("The task queue is not reachable; try again later."), messages.ERROR
            )
        return redirect("admin:matchmaking_rebuildrun_changelist")

    def changelist_view(self, request, extra_context=None):
        running = RebuildRun.objects.filter(status=RunStatus.RUNNING).exists()
        return super().changelist_view(request, {**(extra_context or {}), "running": running})


@admin.register(EmbedRun)
class EmbedRunAdmin(admin.ModelAdmin):
    """Backfills of dense vectors: start one with the button; running ones show progress."""

    list_display = [
        "started_at",
        "status",
        "progress",
        "listings",
        "encoded",
        "seconds_each",
        "encoder",
        "finished_at",
    ]
    readonly_fields = [f.name for f in EmbedRun._meta.fields]
    change_list_template = "admin/matchmaking/embedrun/change_list.html"

    @admin.display(description=_("progress"))
    def progress(self, run):
        return format_html(
            '<progress max="100" value="{}"></progress> {}%', run.percent, run.percent
        )

    @admin.display(description=_("seconds per vector"))
    def seconds_each(self, run):
        return f"{run.seconds / run.encoded:.3f}" if run.encoded else "—"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="matchmaking_embedrun_start",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if request.method != "POST":
            return redirect("admin:matchmaking_embedrun_changelist")
        if EmbedRun.objects.filter(status=RunStatus.RUNNING).exists():
            self.message_user(request, _("A backfill is already running."), messages.WARNING)
            return redirect("admin:matchmaking_embedrun_changelist")
        run = EmbedRun.objects.create(started_by=request.user)
        if enqueue("matchmaking.tasks.embed_start", run.pk):
            self.message_user(request, _("A backfill of vectors has started."), messages.SUCCESS)
        else:
            EmbedRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
            self.message_user(
                request, _("The task queue is not reachable; try again later."), messages.ERROR
            )
        return redirect("admin:matchmaking_embedrun_changelist")

    def changelist_view(self, request, extra_context=None):
        running = EmbedRun.objects.filter(status=RunStatus.RUNNING).exists()
        return super().changelist_view(request, {**(extra_context or {}), "running": running})


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["need", "result", "score", "rank_for_need", "state", "state_changed_at"]
    list_filter = ["state", "contact_status"]
    search_fields = ["need__title", "result__title"]
    list_select_related = ["need", "result"]
    raw_id_fields = ["need", "result"]
    # State, contact and ranking are written by the transition service and the matcher only
    # (matches/services.py, matches/matching.py): an edit here would skip the checks, the
    # history and the re-ranking.
    readonly_fields = [
        "state",
        "contact_status",
        "score",
        "rank_for_need",
        "rank_for_result",
        "explanation",
        "matcher_version",
        "created_at",
        "updated_at",
    ]


@admin.register(Fair)
class FairAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "city", "first_day", "status"]
    list_filter = ["status", "year"]
    search_fields = ["name", "city", "venue"]
    filter_horizontal = ["organisers"]
    # The status moves through fairs/services.py (its table is in fairs/states.py), by the
    # pages and by the actions below, never by editing the field.
    readonly_fields = ["status"]
    actions = ["close_registration", "finish"]
    fieldsets = [
        (None, {"fields": ["name", "year", "city", "venue", "status", "organisers"]}),
        (
            _("Dates"),
            {"fields": ["first_day", "days", "registration_opens", "registration_closes"]},
        ),
        (
            _("Meetings"),
            {
                "fields": [
                    "day_start",
                    "day_end",
                    "slot_minutes",
                    "breaks",
                    "tables",
                    "max_meetings",
                ]
            },
        ),
    ]

    def view_on_site(self, fair):
        return reverse("fair-detail", args=[fair.pk])

    def _move(self, request, queryset, to):
        for fair in queryset:
            try:
                fair_services.fair_transition(fair=fair, to=to)
            except ValidationError as error:
                self.message_user(request, f"{fair}: {' '.join(error.messages)}", messages.ERROR)

    @admin.action(description=_("Close registration (scheduling)"))
    def close_registration(self, request, queryset):
        self._move(request, queryset, FairStatus.SCHEDULING)

    @admin.action(description=_("Mark as finished"))
    def finish(self, request, queryset):
        self._move(request, queryset, FairStatus.FINISHED)


@admin.register(ThesaurusEntry)
class ThesaurusEntryAdmin(SimpleHistoryAdmin):
    """Entries on top of the shipped thesaurus; the matcher applies them within a minute."""

    list_display = ["term", "canonical", "kind", "updated_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["term", "canonical", "note"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: enqueue("matchmaking.tasks.sweep_pending"))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(lambda: enqueue("matchmaking.tasks.sweep_pending"))


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    """The SMS sent for notifications; staff look here for those the provider refused."""

    list_display = ["created_at", "template", "masked_number", "status", "attempts", "error"]
    list_filter = ["status", "template"]
    readonly_fields = [f.name for f in SmsMessage._meta.fields]
    exclude = ["params"]

    @admin.display(description=_("number"))
    def masked_number(self, sms):
        return sms.number[:6] + "*****"

    def has_add_permission(self, request):
        return False


# Station records and meetings: in the admin for their history (who filed or changed what) and
# for an administrator's correction, which the history then names.
class StationRecordAdmin(SimpleHistoryAdmin):
    raw_id_fields = ["match"]
    autocomplete_fields = ["station"]
    list_select_related = ["station"]


@admin.register(Evaluation)
class EvaluationAdmin(StationRecordAdmin):
    list_display = ["match", "station", "recommendation", "created_at"]
    list_filter = ["recommendation"]
    raw_id_fields = ["match", "author"]


@admin.register(SolutionPlan)
class SolutionPlanAdmin(StationRecordAdmin):
    list_display = ["match", "version", "station", "total_quoted", "created_at"]
    raw_id_fields = ["match", "author"]


@admin.register(AdoptionCost)
class AdoptionCostAdmin(StationRecordAdmin):
    list_display = ["match", "station", "total_cost", "net_outlay", "updated_at"]
    raw_id_fields = ["match", "recorded_by"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["fair", "slot", "table", "status", "outcome"]
    list_filter = ["status", "outcome", "fair"]
    list_select_related = ["fair"]
    raw_id_fields = ["request"]


# What adoption changed (issue #21): read in the admin; written through the site's services.
@admin.register(OutcomeEvidence)
class OutcomeEvidenceAdmin(admin.ModelAdmin):
    list_display = ("match", "checkpoint", "status", "unit", "baseline_value", "measured_value")
    list_filter = ("status", "checkpoint", "unit")
    raw_id_fields = ("match", "station", "recorded_by", "answered_by")


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ("match", "status", "subsidy", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("match", "station", "created_by")


@admin.register(ContractRegistration)
class ContractRegistrationAdmin(admin.ModelAdmin):
    list_display = ("match", "contract_type", "amount", "technical_income", "registration_number")
    list_filter = ("contract_type",)
    raw_id_fields = ("match", "station", "prepared_by")
