import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from matchmaking.core.downloads import table_response
from matchmaking.imports import selectors, services
from matchmaking.imports.forms import ImportForm
from matchmaking.imports.models import ImportStatus
from matchmaking.models import ImportJob


def _own_job(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    if not permissions.can_view_import(request.user, job):
        raise PermissionDenied
    return job


@login_required
def import_start(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_create(
                by=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("import-detail", pk=job.pk)
    jobs = selectors.jobs_of(request.user)[:10]
    return render(request, "matchmaking/import_start.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request, pk: int):
    job = _own_job(request, pk)
    return render(request, "matchmaking/import_detail.html", _job_context(job))


@login_required
def import_progress(request, pk: int):
    """The progress partial that htmx polls while a job runs."""
    job = _own_job(request, pk)
    response = render(request, "matchmaking/partials/import_progress.html", _job_context(job))
    if (
        job.status not in (ImportStatus.VALIDATING, ImportStatus.IMPORTING, ImportStatus.SAVING)
        and request.htmx
    ):
        response["HX-Refresh"] = "true"  # finished: show the full page with errors or results
    return response


def _job_context(job: ImportJob) -> dict:
    done = services.import_progress(job)
    percent = round(100 * done / job.total_rows) if job.total_rows else 0
    return {
        "job": job,
        "done": done,
        "percent": min(percent, 100),
        "running": job.status
        in (ImportStatus.VALIDATING, ImportStatus.IMPORTING, ImportStatus.SAVING),
    }


@login_required
@require_POST
def import_confirm(request, pk: int):
    job = _own_job(request, pk)
    # On a refusal (already confirmed, not valid) the page shows the job's actual state.
    with contextlib.suppress(ValidationError):
        services.import_confirm(job=job, by=request.user)
    return redirect("import-detail", pk=job.pk)


@login_required
def import_template(request, fmt: str):
    kind = request.GET.get("kind", "needs")
    if fmt not in ("csv", "xlsx") or kind not in ("needs", "results"):
        raise Http404
    columns = services.columns_for(kind)
    # The Chinese header is what a station fills in; the English keys work as well.
    header = [names[1] for names in columns.values()]
    example = services.TEMPLATE_EXAMPLES.get(kind, {})
    example_row = [example.get(key, "") for key in columns]
    rows = [example_row] if example else []
    return table_response(f"nongqiao-{kind}-template.{fmt}", header, rows, fmt, sheet=kind)
