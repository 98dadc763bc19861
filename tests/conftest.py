from pathlib import Path

import pytest
from django.conf import settings

from cases.ingest.pipeline import parse_document
from cases.ingest.regions import load_gazetteer

SOURCES = Path(settings.SEED_SOURCES)


@pytest.fixture(scope="session")
def gz():
    return load_gazetteer(str(settings.REGIONS_FIXTURE))


@pytest.fixture(scope="session")
def parsed(gz):
    """Every seed parsed once, by file-name prefix (000 … 004)."""
    return {
        p.name[:3]: parse_document(p.read_text(encoding="utf-8"), p.name, gz) for p in sorted(SOURCES.glob("*.txt"))
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the seeded library; each test runs in a transaction over it."""
    from cases.load import load_files

    with django_db_blocker.unblock():
        report = load_files(sorted(SOURCES.glob("*.txt")))
    return report


@pytest.fixture
def seeded(db, django_db_setup):
    return django_db_setup


@pytest.fixture
def empty_library(db):
    """The library without the seed corpus: its cases, sources and keywords are removed in the
    test's transaction (rolled back after it), so that a test builds with tests/factories.py
    exactly the cases it asserts on, and counts what it built.  Regions, themes and the
    editors' groups stay: they are the site's configuration, not the corpus."""
    from taggit.models import Tag, TaggedItem

    from cases import public
    from cases.models import Case, CaseKeyword, KeyFigure, Source

    for model in (KeyFigure, CaseKeyword, TaggedItem, Case.themes.through, Case, Source, Tag):
        model.objects.all()._raw_delete(model.objects.db)  # rows only: no history of a deletion
    public.bump()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counts are cached by the library's version, which a rolled-back test transaction
    can bring back: every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every request activates its URL's language and leaves it active in the thread (as
    Django's LocaleMiddleware does): after a test of an /en/ page, the next test's reverse()
    would give /en/ addresses.  Every test starts in the site's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
