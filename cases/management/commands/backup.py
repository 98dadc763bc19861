import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from cases.backup import dump


class Command(BaseCommand):
    help = (
        "Write a complete, versioned JSON backup: cases, sources, regions in use, themes, keywords, history, accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--no-users", action="store_true", help="leave out accounts and roles")

    def handle(self, output: Path | None, no_users: bool, **options):
        if output is None:
            counts = dump(sys.stdout, include_users=not no_users)
        else:
            partial = output.with_name(output.name + ".partial")
            with partial.open("w", encoding="utf-8") as stream:
                counts = dump(stream, include_users=not no_users)
            partial.replace(output)  # never a half-written backup under the real name
        summary = ", ".join(f"{label} {n}" for label, n in counts.items())
        self.stderr.write(f"backup: {summary}")
