"""Anonymous public pages can be kept by a shared cache or a CDN: they set no cookie and do not
vary on Cookie.  The language is in the URL (Chinese unprefixed, English under /en/), the
large-text mode in a query parameter or a cookie that only a small script reads."""

import pytest

from cases.models import Case


def public_paths() -> list[str]:
    case = Case.objects.published().select_related("source").first()
    paths = [
        "/",
        "/cases/",
        "/cases/?q=养老&province=330000",
        "/cases/?theme=elderly-care&page=2",
        case.get_absolute_url(),
        f"/sources/{case.source_id}/",
        "/stats/",
        "/cases/export/fields",
        "/cases/feed/",
        "/cases/export.csv",
        "/cases/export.json",
        "/cases/cite.txt",
        f"/c/{case.pk}/",
        f"/c/{case.pk}/qr.svg",
        "/api/cases/",
        "/api/sources/",
        "/sitemap.xml",
        "/robots.txt",
        "/cases/no-such-case/",  # a 404 page too
    ]
    return paths + ["/en" + p for p in paths if not p.startswith(("/api/", "/sitemap", "/robots"))]


def test_no_anonymous_public_page_sets_a_cookie_or_varies_on_it(client, seeded):
    for path in public_paths():
        response = client.get(path)
        if response.streaming:  # read to its end as a browser would, which frees its export slot
            b"".join(response.streaming_content)
        assert response.status_code in (200, 301, 404), path
        assert "Set-Cookie" not in response.headers, path
        assert not response.cookies, path
        assert "cookie" not in response.get("Vary", "").lower(), path
        assert "accept-language" not in response.get("Vary", "").lower(), path


def test_english_lives_under_en_and_chinese_is_unprefixed(client, seeded):
    english = client.get("/en/cases/?theme=elderly-care")
    assert english["Content-Language"] == "en"
    html = english.content.decode()
    assert '<html lang="en">' in html and "<h1>Cases</h1>" in html
    assert "Rural elderly care ×" in html  # the theme chip, in English
    assert "依托“暖心食堂”构建新型农村养老服务体系" in html  # the case text stays Chinese
    # The switch is a link to the same page in the other language, filters kept.
    assert '<a href="/cases/?theme=elderly-care" lang="zh-hans" hreflang="zh-hans">中文</a>' in html
    chinese = client.get("/cases/?theme=elderly-care").content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert '<a href="/en/cases/?theme=elderly-care" lang="en" hreflang="en">English</a>' in chinese
    # Links inside an English page stay in English.
    case = Case.objects.published().filter(themes__slug="elderly-care").first()
    assert f'href="/en/cases/{case.slug}/"' in html


@pytest.mark.parametrize("header", [{"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_COOKIE": "django_language=en"}])
def test_the_unprefixed_pages_are_chinese_whatever_the_browser_says(client, seeded, header):
    response = client.get("/cases/", **header)
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_large_text_mode_comes_from_the_query_or_the_script(client, seeded):
    large = client.get("/stats/?display=large").content.decode()
    assert '<html lang="zh-hans" class="large-text">' in large
    # The server never reads the display cookie: the script does (static/js/display.js).
    plain = client.get("/stats/", HTTP_COOKIE="display=large").content.decode()
    assert '<html lang="zh-hans">' in plain
    assert '<script src="/static/js/display.js"></script>' in plain
    assert 'href="?display=large" class="display-switch to-large"' in plain


def test_the_admin_login_still_has_its_csrf_token(client, db):
    response = client.get("/admin/login/")
    assert "csrftoken" in response.cookies
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
