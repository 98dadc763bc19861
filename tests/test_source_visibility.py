"""A source document is public once one of its cases is published, and not before: not in the
API, the list's filter and chips, the exports or the feed.  An unpublished source answers
exactly as an id that does not exist, so that ids cannot be probed."""

import pytest

from cases.models import Case, Source


@pytest.fixture
def hidden(seeded):
    """A source all of whose cases are drafts, with a title worth hiding."""
    source = Source.objects.create(
        pk=424242,
        file_name="internal-memo.txt",
        title="内部征求意见稿",
        publisher="某县内部",
        sha256="f" * 64,
        raw_text="草稿",
    )
    case = Case.objects.published().first()
    Case.objects.create(slug="hidden-draft", title="草稿案例", source=source, ordinal=1, status=Case.Status.DRAFT)
    return source, case


def unknown_id() -> int:
    return 434343  # as long as the hidden source's id, so that the answers can be compared


def test_the_api_lists_and_shows_only_sources_with_a_published_case(client, hidden):
    source, _ = hidden
    listed = client.get("/api/sources/?page_size=100").json()["results"]
    assert source.pk not in [s["id"] for s in listed]
    assert all(s["cases"] > 0 for s in listed)
    assert len(listed) == Source.objects.filter(cases__status=Case.Status.PUBLISHED).distinct().count()
    unpublished, unknown = client.get(f"/api/sources/{source.pk}/"), client.get(f"/api/sources/{unknown_id()}/")
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.json() == unknown.json()
    assert "内部征求意见稿" not in unpublished.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/cases/?source={}",
        "/en/cases/?source={}",
        "/cases/export.csv?source={}",
        "/cases/export.json?source={}",
        "/cases/export.xlsx?source={}",
        "/cases/export.docx?source={}",
        "/cases/cite.ris?source={}",
        "/cases/feed/?source={}",
        "/api/cases/?source={}",
        "/api/facets/?source={}",
        "/sources/{}/",
    ],
)
def test_an_unpublished_source_answers_as_an_unknown_one(client, hidden, path):
    source, _ = hidden
    unpublished = client.get(path.format(source.pk))
    unknown = client.get(path.format(unknown_id()))
    assert unpublished.status_code == unknown.status_code
    assert unpublished.content.replace(str(source.pk).encode(), b"ID") == unknown.content.replace(
        str(unknown_id()).encode(), b"ID"
    )
    assert "内部征求意见稿" not in unpublished.content.decode()


def test_a_source_becomes_public_with_its_first_published_case(client, hidden):
    source, _ = hidden
    Case.objects.filter(source=source).update(status=Case.Status.PUBLISHED)
    Case.objects.get(slug="hidden-draft").save()  # through save(): the library's version moves
    html = client.get(f"/cases/?source={source.pk}").content.decode()
    assert "内部征求意见稿" in html  # in the chip and in the filter's one choice
    assert client.get(f"/api/sources/{source.pk}/").json()["title"] == "内部征求意见稿"
