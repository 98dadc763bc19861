"""Build a data release of the whole published library (cases/release.py).

python manage.py release                 # always
python manage.py release --if-changed    # only when the public version moved (for cron)
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.release import build


class Command(BaseCommand):
    help = "Build a data release: CSV, XLSX, JSON and a Frictionless Data Package of every published case."

    def add_arguments(self, parser):
        parser.add_argument("--if-changed", action="store_true", help="skip when the library is as last released")
        parser.add_argument("--keep", type=int, default=None, help=f"releases kept (default {settings.RELEASES_KEEP})")
        parser.add_argument("--base-url", default="", help="scheme and host for case links, e.g. https://example.org")

    def handle(self, *args, **opts):
        release = build(keep=opts["keep"], if_changed=opts["if_changed"], base_url=opts["base_url"].rstrip("/"))
        if release is None:
            self.stdout.write("unchanged since the latest release: nothing built")
            return
        sizes = ", ".join(f"{f['format']} {f['size'] / 1e6:.1f} MB" for f in release.files)
        self.stdout.write(
            f"release {release.name} ({release.label}): {release.case_count} cases in {release.seconds} s; {sizes}; "
            f"+{release.changelog.get('added', 0)} ~{release.changelog.get('changed', 0)} "
            f"-{release.changelog.get('withdrawn', 0)}"
        )
