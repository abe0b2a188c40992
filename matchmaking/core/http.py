from django.http import Http404, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """The `next` address from the form if it stays on this site, else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def private_photo_response(file, filename: str) -> HttpResponse:
    """A stored photo (re-encoded as JPEG on arrival) for the one person allowed to see it,
    whom the caller has checked: 404 if the file has gone. A photo never changes (a new one gets
    a new address), so only this person's browser keeps it, for a week."""
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=604800"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_vary_headers(response, ["Cookie"])
    return response
