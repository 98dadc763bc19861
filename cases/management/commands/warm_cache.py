"""Fill the cache with the pages readers open most: run after a deployment, a
restore or a large import, so that the first readers do not all wait for counts.

    python manage.py warm_cache            # home, statistics, every province and theme, province × theme

Each page is drawn once through its own view, as a reader would get it, in every
language of the site; what it caches (counts, orders, cards, the filter form and
facets) stays valid until a change that could alter it (cases/freshness.py).
"""

import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from cases.facets import counts
from cases.models import Case, Region, Theme
from cases.views import case_list, home, stats


def warm_paths() -> list[tuple[str, dict]]:
    """(view, parameters) of the lists worth warming: those with published cases."""
    published = Case.objects.published().order_by()  # no default ordering in DISTINCT
    provinces = list(published.exclude(province=None).values_list("province", flat=True).distinct())
    themes = list(Theme.objects.order_by("position").values_list("slug", flat=True))
    pairs = set(published.exclude(province=None).values_list("province", "themes__slug").distinct())
    lists = [{}] + [{"province": p} for p in sorted(provinces)] + [{"theme": t} for t in themes]
    lists += [{"province": p, "theme": t} for p, t in sorted(pairs) if t]
    return lists


def reader(request):
    """A request as an anonymous reader's arrives at a view (after the middleware)."""
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


class Command(BaseCommand):
    help = "Draw the most visited pages once so that their counts and HTML are cached."

    def add_arguments(self, parser):
        parser.add_argument("--no-pairs", action="store_true", help="provinces and themes only, not their pairs")

    def handle(self, *args, no_pairs=False, **options):
        started = time.monotonic()
        factory = RequestFactory()
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), "localhost")
        lists = [params for params in warm_paths() if not (no_pairs and len(params) > 1)]
        Region.objects.exists()  # fail early without a database
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for view, path in ((home, reverse("home")), (stats, reverse("stats"))):
                    view(reader(factory.get(path, HTTP_HOST=host)))
                for params in lists:
                    case_list(reader(factory.get(reverse("case_list"), params, HTTP_HOST=host)))
        counted = counts(Case.objects.published(), factory.get("/").GET)["total"]
        self.stdout.write(
            f"warm_cache: {len(lists)} lists and 2 pages in {len(settings.LANGUAGES)} languages "
            f"({counted} published cases) in {time.monotonic() - started:.1f}s"
        )
