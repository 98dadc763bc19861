from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, load


class Command(BaseCommand):
    help = "Load a backup written by `backup` into an empty library (after `migrate`)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file: Path, **options):
        try:
            with file.open(encoding="utf-8") as stream:
                counts = load(stream)
        except (OSError, ValueError, BackupError) as error:
            raise CommandError(f"restore: {file}: {error}") from None
        self.stdout.write("restore: " + ", ".join(f"{label} {n}" for label, n in counts.items()))
