"""Site-wide views: the home page, the health check, and errors as JSON for API clients."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound, ParseError

from accounts import permissions
from accounts import services as accounts_services
from accounts.enums import Role
from accounts.selectors import memberships_of
from config import metrics, operations, page_cache
from config.celery import app
from matchmaking.homes import selectors as homes_selectors
from matchmaking.listings import selectors as listings
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.models import ResearchResult, TechnologyNeed
from matchmaking.stats import selectors as stats


@page_cache.for_anonymous
def home(request):
    """Anyone: what the platform is, with a search box and its figures. Signed in: what the
    user's roles have to do next, one block per role."""
    if not request.user.is_authenticated:
        return render(request, "home.html", public_home())

    user = request.user
    roles = permissions.roles(user)
    since = user.home_seen_at
    context = {
        "memberships": list(memberships_of(user)),
        "enterprise": homes_selectors.enterprise_home(user, since)
        if Role.ENTERPRISE in roles
        else {},
        "researcher": homes_selectors.researcher_home(user) if Role.RESEARCHER in roles else {},
        "station": homes_selectors.station_home(user) if Role.STATION_STAFF in roles else {},
        "admin": homes_selectors.admin_home(user) if Role.ADMIN in roles else {},
        "since": since,
    }
    accounts_services.home_seen(user=user)
    return render(request, "home_signed_in.html", context)


def public_home() -> dict:

    return {
        "headline": stats.headline(),
        "recent_needs": listings.recent_public(TechnologyNeed, NeedStatus.OPEN),
        "recent_results": listings.recent_public(ResearchResult, ResultStatus.LISTED),
    }


# What the service worker keeps at install: the offline shell, the stylesheet and the scripts
# every page loads, and the icons.
SHELL_STATIC = (
    "css/site.css",
    "django_htmx/htmx-2.min.js",
    "js/offline.js",
    "img/favicon.svg",
    "img/icon-192.png",
)


@cache_control(no_cache=True)
def service_worker(request):
    """/sw.js, at the root so that its scope is the whole site. Rendered, not a static file: it
    names the static files by their hashed names, and a new set of names is a new version."""
    precache = [reverse("offline"), *(static(name) for name in SHELL_STATIC)]
    version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
    context = {
        "version": version,
        "precache": precache,
        "shell_url": reverse("offline"),
        "static_url": static(""),
        "hashed": not settings.DEBUG,
        "session_urls": [reverse("login"), reverse("logout")],
    }
    response = render(request, "sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(max_age=86400)
def manifest(request):
    """The web app manifest: the site installs to a phone's home screen."""
    return render(request, "manifest.webmanifest", content_type="application/manifest+json")


def offline(request):
    """The shell the service worker shows for a page it did not keep, when there is no signal."""
    return render(request, "offline.html")


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _check_cache() -> bool:
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:
        return False


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:
        return "down"


@never_cache
def healthz(request):
    """Reports each service; 503 when the database, without which nothing works, is down."""
    database = _check_database()
    checks = {
        "database": "ok" if database else "down",
        "cache": "ok" if _check_cache() else "down",
        "broker": _check_broker(),
    }
    return JsonResponse(checks, status=200 if database else 503)


def bad_request(request, exception):
    """API clients get a JSON 400 (``{"detail": …}``) for a request refused before any view ran:
    our own BadRequest says why (config/middleware.py); others, such as a malformed upload or a
    disallowed host, are not explained."""
    if request.path.startswith("/api/"):
        detail = ParseError.default_detail
        if isinstance(exception, BadRequest) and exception.args:
            detail = exception.args[0]
        return JsonResponse({"detail": str(detail)}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    """API clients get a JSON 404 like the API's own (``{"detail": …}``), not an HTML page,
    also for a URL that matches no route (``/api/v1/needs/abc/``)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


@login_required
@never_cache
def operations_page(request):
    """For admins: what /metrics tells Prometheus, on one page, and the failed tasks."""
    from matchmaking.core import task_failures

    if not permissions.is_admin(request.user):
        raise PermissionDenied
    counted = metrics.counters()
    return render(
        request,
        "operations.html",
        {
            "state": operations.snapshot(),
            "notifications": sorted(counted.get("nongqiao_notifications", {}).items()),
            "task_failures": sorted(counted.get("nongqiao_task_failures", {}).items()),
            "logins": sorted(counted.get("nongqiao_logins", {}).items()),
            "failures": task_failures.recent_failures(),
        },
    )


@login_required
@require_POST
def operations_retry(request, pk: int):
    """For admins: queue a failed task again with the same arguments, once."""
    from matchmaking.core import task_failures

    if not permissions.is_admin(request.user):
        raise PermissionDenied
    try:
        failure = task_failures.failure_retry(failure_id=pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(task)s queued again.") % {"task": failure.task_name})
    return redirect(f"{reverse('operations')}#failures")


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, asked for by browsers and bots whatever the page says: the site's icon."""

    path = finders.find("img/favicon.svg")
    with open(path, "rb") as icon:
        return HttpResponse(icon.read(), content_type="image/svg+xml")
