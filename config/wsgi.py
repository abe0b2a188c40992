import logging
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Import every view and compile the project's templates now rather than on the first
    requests (about 1.5 s of CPU). Under gunicorn the master does it once for all the workers
    it forks (deploy/gunicorn.conf.py, preload_app). Reads no row and opens no connection."""
    from django.conf import settings
    from django.template import TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse
    from django.utils import translation

    from config import page_cache

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf, and with it every view
    page_cache.prepare()
    for language, _name in settings.LANGUAGES:
        # Each language's translations are read, and its URL names indexed, on first use.
        with translation.override(language):
            reverse("home")
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [
        Path(settings.BASE_DIR) / app / "templates" for app in ("accounts", "matchmaking")
    ]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            try:
                get_template(path.relative_to(root).as_posix())
            except TemplateSyntaxError as error:  # the page that uses it will say so
                logger.warning("template %s does not compile: %s", path, error)


warm_up()
