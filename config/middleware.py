"""Site-wide middleware: a Content-Security-Policy on every response (our own scripts only,
never inline ones), and a 400 for NUL characters before anything can look them up."""

from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.validators import ProhibitNullCharactersValidator
from django.shortcuts import render


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RejectNullCharactersMiddleware:
    """400 for a NUL character in the URL, the query string, a header, a cookie or a form field.

    PostgreSQL text cannot hold NUL, and a lookup with one raises DataError: a 500. Form and
    serializer CharFields refuse NUL already, but not what is looked up before any form runs:
    a slug in the URL (/api/v1/categories/a%00b/), the session cookie, the API token. Goes first,
    before the session middleware reads the cookie. (API bodies: config/api_parsers.py.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            raise BadRequest(ProhibitNullCharactersValidator.message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        def in_querydict(data) -> bool:
            return any("\x00" in key or "\x00" in "".join(values) for key, values in data.lists())

        headers = "".join(v for k, v in request.META.items() if k.startswith("HTTP_"))
        if (
            "\x00" in request.path
            or "\x00" in headers
            or "\x00" in "".join(request.COOKIES.values())
            or in_querydict(request.GET)
        ):
            return True
        # The API's parsers check its bodies, and name the field (config/api_parsers.py).
        api = request.path.startswith("/api/")
        return request.method == "POST" and not api and in_querydict(request.POST)


class RateLimitedMiddleware:
    """django-allauth raises RateLimited where a code may not be sent yet (a number asking a
    second time within the minute); the person gets the page that says so, with a 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):

        if isinstance(exception, RateLimited):
            return render(request, "429.html", status=429)
        return None
