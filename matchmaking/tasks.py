from celery import shared_task

from matchmaking.models import ImportJob
from matchmaking.services import imports


@shared_task
def import_validate(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return imports.import_validate(job=job).status


@shared_task
def import_save(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return imports.import_save(job=job).status
