"""Site-wide views: the home page and the health check."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.selectors import memberships_of


def home(request):
    memberships = memberships_of(request.user) if request.user.is_authenticated else []
    return render(request, "home.html", {"memberships": memberships})


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
    from config.celery import app

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
