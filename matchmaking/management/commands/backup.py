from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backups


class Command(BaseCommand):
    help = (
        "Write the database and the uploaded files into one timestamped archive in BACKUP_DIR "
        "(make backup)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Another directory than BACKUP_DIR.")

    def handle(self, *args, **options):
        try:
            archive = backups.backup(options["dir"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(f"{archive} ({size:.1f} MiB)")
