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


def test_static_files_collect_into_a_manifest(tmp_path, settings):
    """Production serves hashed, compressed copies: every file a stylesheet or script names must exist
    (a vendored bundle naming a source map that is not vendored stops collectstatic)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "vendor" / "redoc" / "redoc.standalone.js.gz").exists()
