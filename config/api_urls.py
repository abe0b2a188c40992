"""/api/v1/: every app's API routes, gathered in one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import views as accounts_api
from matchmaking.fairs import api as fairs_api
from matchmaking.listings import api as listings_api
from matchmaking.matches import api as matches_api
from matchmaking.stations import api as stations_api
from matchmaking.stats import api as stats_api

router = DefaultRouter()
router.register("regions", accounts_api.RegionViewSet, basename="region")
router.register("categories", listings_api.CategoryViewSet, basename="category")
router.register("needs", listings_api.NeedViewSet, basename="api-need")
router.register("results", listings_api.ResultViewSet, basename="api-result")
router.register("matches", matches_api.MatchViewSet, basename="api-match")
router.register("evaluations", stations_api.EvaluationViewSet, basename="api-evaluation")
router.register("plans", stations_api.PlanViewSet, basename="api-plan")
router.register("adoption-costs", stations_api.AdoptionCostViewSet, basename="api-adoption-cost")
router.register("trainings", stations_api.TrainingViewSet, basename="api-training")
router.register("fairs", fairs_api.FairViewSet, basename="api-fair")
router.register("meeting-requests", fairs_api.MeetingRequestViewSet, basename="api-meeting-request")
router.register("meetings", fairs_api.MeetingViewSet, basename="api-meeting")

urlpatterns = [
    path("auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("stats/<str:figure>/", stats_api.StatsView.as_view(), name="api-stats"),
    path("", include(router.urls)),
]
