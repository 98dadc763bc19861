import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.load import load_files


class Command(BaseCommand):
    help = "Load the seed documents in fixtures/sources/ (idempotent; keeps editors' changes)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = load_files(sorted(settings.SEED_SOURCES.glob("*.txt")))
        per_source = ", ".join(f"{name}: {n}" for name, n in report.per_source.items())
        self.stdout.write(f"load_seeds: {report} in {time.perf_counter() - started:.1f}s ({per_source})")
