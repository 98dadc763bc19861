"""Files every browser asks the site for: the favicon at the root, the icon every page links to."""

import pytest


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.django_db
def test_every_page_links_its_icon(client):
    page = client.get("/stats/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
