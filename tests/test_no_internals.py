"""Public pages never show internal file names, hashes or character offsets; they stay in the
admin and the API."""

import re

import pytest
from django.utils.html import strip_tags

from cases.models import Case, Source

# A hash: a run of hexadecimal with letters and digits (a long number alone is no hash).
HEX_RUN = re.compile(r"(?<![0-9a-f])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}(?![0-9a-f])")
OFFSET = re.compile(r"#\d+@\d+-\d+")


def visible(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    return strip_tags(body)


@pytest.mark.django_db
def test_no_public_page_shows_a_file_name_hash_or_offset(client, seeded):
    case = Case.objects.published().exclude(source=None).first()
    paths = [
        "/",
        "/cases/",
        "/cases/?q=养老",
        f"/cases/?source={case.source_id}",
        case.get_absolute_url(),
        f"/sources/{case.source_id}/",
        "/stats/",
        "/cases/feed/",
        "/sitemap.xml",
    ]
    file_names = list(Source.objects.values_list("file_name", flat=True))

    shown = {}
    for path in paths:
        text = visible(client.get(path))
        found = [n for n in file_names if n and n in text] + HEX_RUN.findall(text) + OFFSET.findall(text)
        if found:
            shown[path] = found

    assert shown == {}


@pytest.mark.django_db
def test_a_source_without_a_title_is_named_by_its_publisher_not_its_file(seeded):
    source = Source(file_name="000_816a42d77fff0dc0.txt", publisher="某县人民政府", sha256="x")
    assert str(source) == "某县人民政府"
