from django.urls import path

from matchmaking.fairs import views as fairs
from matchmaking.impact import views as outcomes
from matchmaking.imports import views as imports
from matchmaking.listings import views as listings
from matchmaking.matches import views as matches
from matchmaking.reports import views as reports
from matchmaking.stations import views as stations
from matchmaking.stats import views as stats_views

urlpatterns = []
for kind, prefix in (("need", "needs"), ("result", "results")):
    urlpatterns += [
        path(f"{prefix}/", listings.listing_list, {"kind": kind}, name=f"{kind}-list"),
        path(f"{prefix}/new/", listings.listing_form, {"kind": kind}, name=f"{kind}-create"),
        path(f"{prefix}/<int:pk>/", listings.listing_detail, {"kind": kind}, name=f"{kind}-detail"),
        path(
            f"{prefix}/<int:pk>/edit/", listings.listing_form, {"kind": kind}, name=f"{kind}-edit"
        ),
        path(
            f"{prefix}/<int:pk>/status/",
            listings.listing_transition,
            {"kind": kind},
            name=f"{kind}-transition",
        ),
        path(
            f"{prefix}/<int:pk>/status/undo/",
            listings.listing_undo,
            {"kind": kind},
            name=f"{kind}-undo",
        ),
        path(
            f"{prefix}/export.<str:fmt>",
            listings.listing_export,
            {"kind": kind},
            name=f"{kind}-export",
        ),
        path(
            f"my/{prefix}/",
            listings.listing_list,
            {"kind": kind, "mine": True},
            name=f"my-{prefix}",
        ),
    ]

urlpatterns += [
    path("needs/<int:pk>/photos/", listings.need_photo_add, name="need-photo-add"),
    path("needs/photos/<int:pk>/", listings.need_photo, name="need-photo"),
    path(
        "needs/photos/<int:pk>/thumbnail/",
        listings.need_photo,
        {"thumbnail": True},
        name="need-photo-thumbnail",
    ),
    path("needs/photos/<int:pk>/delete/", listings.need_photo_delete, name="need-photo-delete"),
]

urlpatterns += [
    path("imports/", imports.import_start, name="import-start"),
    path("imports/template.<str:fmt>", imports.import_template, name="import-template"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
]

urlpatterns += [
    path("matches/<int:pk>/", matches.match_detail, name="match-detail"),
    path("matches/<int:pk>/act/", matches.match_action, name="match-action"),
    path("matches/<int:pk>/undo/", matches.match_undo, name="match-undo"),
    path("matches/<int:pk>/not-relevant/", matches.match_not_relevant, name="match-not-relevant"),
    path("notifications/", matches.notification_list, name="notifications"),
    path("notifications/settings/", matches.notification_settings, name="notification-settings"),
    path("s/<str:code>", matches.short_link, name="short-link"),
    path("saved-searches/", matches.saved_search_create, name="saved-search-create"),
    path(
        "saved-searches/<int:pk>/delete/", matches.saved_search_delete, name="saved-search-delete"
    ),
]

urlpatterns += [
    path("station/", stations.board, name="station-board"),
    path("matches/<int:pk>/evaluation/", stations.evaluation_create, name="evaluation-create"),
    path("evaluations/<int:pk>/", stations.evaluation_detail, name="evaluation-detail"),
    path("matches/<int:pk>/plan/", stations.plan_create, name="plan-create"),
    path("plans/<int:pk>/", stations.plan_detail, name="plan-detail"),
    path("matches/<int:pk>/adoption-cost/", stations.adoption_cost, name="adoption-cost"),
    path("adoption-costs/<int:pk>/", stations.adoption_cost_detail, name="adoption-cost-detail"),
    path("trainings/", stations.training_list, name="training-list"),
    path("trainings/new/", stations.training_create, name="training-create"),
    path("trainings/<int:pk>/", stations.training_detail, name="training-detail"),
]

# What adoption changed, trials paid by milestone, the contract registered (issue #21).
urlpatterns += [
    path("needs/baseline-suggestion/", outcomes.baseline_suggestion, name="baseline-suggestion"),
    path("matches/<int:pk>/impact/", outcomes.match_impact, name="match-impact"),
    path("matches/<int:pk>/trial/", outcomes.trial_create, name="trial-create"),
    path("trials/<int:pk>/fail/", outcomes.trial_fail, name="trial-fail"),
    path("milestones/<int:pk>/verify/", outcomes.milestone_verify, name="milestone-verify"),
    path("evidence/<int:pk>/record/", outcomes.evidence_record, name="evidence-record"),
    path("evidence/<int:pk>/answer/", outcomes.evidence_answer, name="evidence-answer"),
    path("evidence/photos/<int:pk>/", outcomes.outcome_photo, name="outcome-photo"),
    path(
        "evidence/photos/<int:pk>/thumbnail/",
        outcomes.outcome_photo,
        {"thumbnail": True},
        name="outcome-photo-thumbnail",
    ),
    path("matches/<int:pk>/contract/", outcomes.contract_form, name="contract-form"),
    path("contracts/<int:pk>/", outcomes.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/dossier.xlsx", outcomes.contract_xlsx, name="contract-xlsx"),
]

urlpatterns += [
    path("fairs/", fairs.fair_list, name="fair-list"),
    path("fairs/new/", fairs.fair_form, name="fair-create"),
    path("fairs/<int:pk>/", fairs.fair_detail, name="fair-detail"),
    path("fairs/<int:pk>/edit/", fairs.fair_form, name="fair-edit"),
    path("fairs/<int:pk>/open/", fairs.fair_open_registration, name="fair-open"),
    path("fairs/<int:pk>/register/", fairs.fair_register, name="fair-register"),
    path("fairs/<int:pk>/participants/", fairs.fair_participants, name="fair-participants"),
    path("fairs/<int:pk>/request/", fairs.fair_request, name="fair-request"),
    path("fairs/<int:pk>/requests/", fairs.fair_requests, name="fair-requests"),
    path("fairs/requests/<int:pk>/answer/", fairs.fair_request_answer, name="fair-request-answer"),
    path("fairs/<int:pk>/schedule/", fairs.fair_schedule, name="fair-schedule"),
    path("fairs/<int:pk>/agenda/", fairs.fair_agenda, name="fair-agenda"),
    path("fairs/agenda/<uuid:token>.ics", fairs.fair_agenda_ics, name="fair-agenda-ics"),
    path("fairs/<int:pk>/check-in/", fairs.fair_check_in, name="fair-check-in"),
    path("fairs/check-in-worker.js", fairs.fair_check_in_worker, name="fair-check-in-worker"),
    path("fairs/<int:pk>/meetings/", fairs.fair_meetings, name="fair-meetings"),
    path("fairs/<int:pk>/report/", fairs.fair_report, name="fair-report"),
]

urlpatterns += [
    path("stats/", stats_views.statistics, name="statistics"),
    path("stats/export.<str:fmt>", stats_views.statistics_export, name="statistics-export"),
    path("stats/refresh/", stats_views.statistics_refresh, name="statistics-refresh"),
    path("reports/", reports.report_list, name="report-list"),
    path("reports/subscribe/", reports.report_subscribe, name="report-subscribe"),
    path(
        "reports/subscriptions/<int:pk>/delete/",
        reports.report_unsubscribe,
        name="report-unsubscribe",
    ),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report-pdf"),
    path("stats/public/", stats_views.statistics_public, name="statistics-public"),
    path("stats/match-quality/", stats_views.match_quality, name="match-quality"),
]
