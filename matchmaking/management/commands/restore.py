from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backups


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and "
        "MEDIA_ROOT (make restore ARCHIVE=…)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options):
        try:
            manifest = backups.restore(options["archive"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {manifest['engine']} database of {manifest['created_at']} and "
            f"{manifest['media_files']} uploaded file(s)."
        )
