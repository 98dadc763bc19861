"""What readers see is never stale: every change to public data shows at once on every
kind of public page and API endpoint, whatever the page cache holds."""

import io
import re
import zipfile

import django_filters
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from openpyxl import load_workbook

from cases import public
from cases.api import ApiCaseFilter
from cases.filters import CaseFilter
from cases.models import Case, LibraryState, Theme
from cases.suggest import FEW

from .factories import CaseFactory, ThemeFactory

PAGES = {
    "home": "/",
    "list": "/cases/?province=330000",
    "search": "/cases/?q=蓝莓",
    "facets": "/cases/?theme={theme}",
    "case page": "/cases/{slug}/",
    "stats": "/stats/",
    "source page": "/sources/{source}/",
    "feed": "/cases/feed/?province=330000",
    "sitemap": "/sitemap.xml",
    "csv": "/cases/export.csv?province=330000",
    "json": "/cases/export.json?province=330000",
    "xlsx": "/cases/export.xlsx?province=330000",
    "docx": "/cases/export.docx?q=蓝莓",
    "citations": "/cases/cite.ris?q=蓝莓",
    "case docx": "/cases/{slug}/export.docx",
    "case citation": "/cases/{slug}/cite.bib",
    "api list": "/api/cases/?province=330000",
    "api detail": "/api/cases/{slug}/",
    "api facets": "/api/facets/?province=330000",
}
# Pages that do not show what a change alters (a sitemap holds no titles, a citation no themes).
UNSHOWN = {
    "edit": {"sitemap"},
    "theme rename": {"sitemap", "source page", "docx", "citations", "case docx", "case citation"},
}


def served(client, url: str) -> tuple[int, str]:
    """The status and the text of a response, without what changes with each request."""
    response = client.get(url)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data), read_only=True)
        text = repr(list(book.worksheets[0].iter_rows(values_only=True)))
    elif "wordprocessingml" in kind:
        text = re.sub(r"<[^>]+>", "", zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode())
    else:
        text = data.decode("utf-8")
        if url.startswith("/cases/export.json"):
            text = re.sub(r'"exported_at": "[^"]*"', "", text)
    return response.status_code, text


def publish(case):
    case.status = Case.Status.PUBLISHED
    case.save()


def edit(case):
    case.title += "（修订）"
    case.year = 2031
    case.save()


def withdraw(case):
    case.status = Case.Status.DRAFT
    case.save()


def rename_theme(case):
    theme = case.themes.get()
    theme.name, theme.name_en = "改名后的主题", "Renamed theme"
    theme.save()


CHANGES = {"publish": publish, "edit": edit, "withdrawal": withdraw, "theme rename": rename_theme}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_at_once_on_every_kind_of_public_page(seeded, client, change, page):
    status = Case.Status.DRAFT if change == "publish" else Case.Status.PUBLISHED
    case = CaseFactory(status=status)
    url = PAGES[page].format(slug=case.slug, source=case.source_id, theme=case.themes.get().slug)
    before = served(client, url)
    served(client, url)  # now from the page cache, where it is cached

    CHANGES[change](case)
    after = served(client, url)
    cache.clear()
    assert after == served(client, url)  # what a reader gets is what the page is now
    if page not in UNSHOWN.get(change, ()):
        assert after != before


@pytest.mark.parametrize("order", ["filtered first", "unfiltered first"])
def test_a_filter_added_the_ordinary_way_leaves_no_page_stale(seeded, client, monkeypatch, order):
    for filterset in (CaseFilter, ApiCaseFilter):  # as if declared in CaseFilter's body
        monkeypatch.setitem(
            filterset.base_filters, "region_label", django_filters.CharFilter(field_name="region_label")
        )
    CaseFactory(region_label="北京怀柔", province=None)
    everything = Case.objects.published().count()
    filtered = Case.objects.published().filter(region_label="北京怀柔").count()
    urls = ["/cases/?region_label=北京怀柔", "/cases/", "/api/cases/?region_label=北京怀柔", "/api/cases/"]
    if order == "unfiltered first":
        urls.reverse()
    pages = {url: client.get(url) for url in urls}
    assert f'id="total">{filtered}<' in pages["/cases/?region_label=北京怀柔"].content.decode()
    assert f'id="total">{everything}<' in pages["/cases/"].content.decode()
    assert pages["/api/cases/?region_label=北京怀柔"].json()["count"] == filtered < everything
    assert pages["/api/cases/"].json()["count"] == everything


def test_a_withdrawn_case_answers_404_never_304(seeded, client):
    case = CaseFactory()
    LibraryState.objects.filter(pk=1).update(changed=LibraryState.objects.get(pk=1).changed.replace(year=2020))
    urls = ["/api/cases/", f"/api/cases/{case.slug}/", f"/cases/{case.slug}/", "/api/cases/never-existed/"]
    seen = {url: client.get(url) for url in urls}
    since = seen["/api/cases/"]["Last-Modified"]
    assert since == http_date(LibraryState.objects.get(pk=1).changed.timestamp())

    withdraw(case)
    for url, first in seen.items():
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=since, HTTP_IF_NONE_MATCH=first.get("ETag", '"x"'))
        assert again.status_code == (200 if url == "/api/cases/" else 404), url
    assert case.slug not in client.get("/api/cases/").content.decode()


def test_an_unchanged_page_answers_304_to_its_etag_and_date(seeded, client):
    LibraryState.objects.filter(pk=1).update(changed=LibraryState.objects.get(pk=1).changed.replace(year=2020))
    first = client.get("/api/cases/")
    assert client.get("/api/cases/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/cases/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_version_less_than_a_second_old_gives_no_last_modified():
    # A later change within the same second could not be told apart from it.
    from datetime import timedelta

    from django.http import HttpResponse
    from django.utils import timezone

    from cases.pagecache import _dated

    now = timezone.now()
    assert "Last-Modified" not in _dated(HttpResponse(), public.State("e", 1, now))
    dated = _dated(HttpResponse(), public.State("e", 1, now - timedelta(seconds=2)))
    assert dated["Last-Modified"] == http_date((now - timedelta(seconds=2)).timestamp())


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    ["/cases/?q=蓝莓", "/cases/?theme={theme}", "/", "/api/cases/?q=蓝莓", "/sources/{source}/", "/cases/feed/?q=蓝莓",
     "/en/cases/?theme={theme}", "/en/"],  # English place names are made from the region's name and level
)  # fmt: skip
def test_list_pages_make_as_many_queries_for_three_cases_as_for_one(seeded, client, url):
    # A search with fewer than FEW results also looks for alternatives: both lists are past that.
    theme = ThemeFactory()
    first = CaseFactory(themes=[theme])
    CaseFactory.create_batch(FEW - 1, themes=[theme], source=first.source)
    url = url.format(theme=theme.slug, source=first.source_id)
    few = count_queries(client, url)
    CaseFactory.create_batch(2, themes=[theme], source=first.source)
    assert count_queries(client, url) == few


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_is_served_from_the_cache_until_public_data_change(seeded, client):
    drawing = count_queries(client, "/cases/?province=330000")
    kept = queries_of(client, "/cases/?province=330000")
    assert kept < drawing
    old = Case.objects.published().first()
    # A draft (of a known source and theme) is not public: the page stays cached.
    CaseFactory(status=Case.Status.DRAFT, source=old.source, ordinal=None, themes=list(old.themes.all()))
    assert queries_of(client, "/cases/?province=330000") == kept
    old.save()  # a public change: drawn again
    assert queries_of(client, "/cases/?province=330000") > kept


def test_query_order_does_not_matter_and_other_hosts_get_their_own_links(seeded, client):
    drawing = queries_of(client, "/cases/?province=330000&theme=education")
    assert queries_of(client, "/cases/?theme=education&province=330000") < drawing
    other = client.get("/api/cases/", HTTP_HOST="127.0.0.1").json()["results"][0]["url"]
    assert other.startswith("http://127.0.0.1/")


@pytest.mark.parametrize(
    "change, bumps",
    [
        ("save a draft", False),
        ("publish a draft", True),
        ("save a published case", True),
        ("withdraw", True),
        ("add a theme to a draft", False),
        ("add a keyword to a published case", True),
        ("rename a keyword", True),
        ("rename a theme", True),
        ("rename a region", True),
        ("delete a published case", True),
        ("delete a draft", False),
    ],
)
def test_what_bumps_the_public_version(seeded, change, bumps):
    from taggit.models import Tag

    from cases.models import Region

    draft, published = CaseFactory(status=Case.Status.DRAFT), CaseFactory()
    published.tags.add("蓝莓")
    before = public.state().version
    {
        "save a draft": lambda: draft.save(),
        "publish a draft": lambda: publish(draft),
        "save a published case": lambda: published.save(),
        "withdraw": lambda: withdraw(published),
        "add a theme to a draft": lambda: draft.themes.add(Theme.objects.exclude(case=draft).first()),
        "add a keyword to a published case": lambda: published.tags.add("合作社"),
        "rename a keyword": lambda: rename(Tag.objects.get(name="蓝莓"), "name", "蓝莓种植"),
        "rename a theme": lambda: rename_theme(published),
        "rename a region": lambda: rename(Region.objects.get(code="330000"), "name", "浙江"),
        "delete a published case": lambda: published.delete(),
        "delete a draft": lambda: draft.delete(),
    }[change]()
    assert (public.state().version > before) is bumps


def rename(row, field: str, value: str) -> None:
    setattr(row, field, value)
    row.save()


def test_a_new_database_is_a_new_epoch_in_a_shared_cache(db):
    LibraryState.objects.all().delete()
    public.bump()
    first = public.state()
    LibraryState.objects.all().delete()
    public.bump()
    assert public.state().version == first.version and public.state().epoch != first.epoch
