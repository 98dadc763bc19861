"""The page cache: one request draws a missing page while the others wait, and a cache
that does not answer costs readers nothing but speed (cases/pagecache.py)."""

import logging
import shutil
import threading
import time

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cases import pagecache
from tests.servers import ThrowawayRedis


def reader_request(path: str = "/cases/?province=330000"):
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "zh-hans"
    return request


def test_one_request_draws_a_missing_page_while_the_others_wait_for_it(db):
    drawn = []

    def slow_view(request):
        drawn.append(1)
        time.sleep(0.3)
        return HttpResponse("第一次绘制的页面")

    middleware = pagecache.page_cache(slow_view)
    pages = []

    def read():
        try:
            pages.append(middleware(reader_request()).content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert pages == ["第一次绘制的页面"] * 6 and len(drawn) == 1


def test_a_page_whose_drawing_failed_is_drawn_by_the_next_request(db):
    def broken(request):
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        pagecache.page_cache(broken)(reader_request())
    response = pagecache.page_cache(lambda request: HttpResponse("ok"))(reader_request())
    assert response.content == b"ok"  # the lock was released


@pytest.mark.parametrize(
    "path, cookies",
    [("/cases/", {"sessionid": "x"}), ("/cases/", {"display": "large"}), ("/admin/", {}), ("/healthz", {})],
)
def test_editors_large_text_readers_and_the_admin_are_never_served_from_the_cache(db, path, cookies):
    drawn = []
    middleware = pagecache.page_cache(lambda request: drawn.append(1) or HttpResponse("page"))
    for _ in range(2):
        request = reader_request(path)
        request.COOKIES = cookies
        middleware(request)
    assert len(drawn) == 2


@pytest.fixture
def redis_cache(settings):
    if not shutil.which("redis-server"):
        pytest.skip("no redis-server (apt-get install redis-server)")
    redis = ThrowawayRedis()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    yield redis
    if redis.process.poll() is None:
        redis.stop()


def queries(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_when_the_cache_goes_away_pages_are_served_uncached_and_cached_again_when_it_is_back(
    seeded, client, redis_cache, monkeypatch, caplog
):
    monkeypatch.setattr(pagecache, "RETRY_SECONDS", 0.2)
    monkeypatch.setattr(pagecache, "_failed", {"until": 0.0, "warned": 0.0})
    drawing, page = queries(client, "/cases/?province=330000")
    cached, same = queries(client, "/cases/?province=330000")
    assert same == page and cached < drawing  # from Redis
    assert client.get("/healthz").json()["status"] == "ok"

    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="cases.pagecache"):
        for _ in range(3):
            drawn, same = queries(client, "/cases/?province=330000")
            assert same == page and drawn > 1  # drawn from the database, as it is
            time.sleep(0.25)
        health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": connection.vendor, "cache": "unreachable"}
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1  # once a minute
    assert "page cache unreachable" in caplog.records[0].message

    redis_cache.start()
    time.sleep(0.25)
    assert client.get("/healthz").json()["status"] == "ok"
    assert queries(client, "/cases/?province=330000") == (drawing, page)  # drawn and cached again
    assert queries(client, "/cases/?province=330000") == (cached, page)


def test_the_api_answers_a_browser_with_html_and_a_script_with_json_whichever_came_first(seeded, client):
    browser = client.get("/api/cases/?province=330000", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    script = client.get("/api/cases/?province=330000", HTTP_ACCEPT="application/json")
    assert browser["Content-Type"].startswith("text/html") and script["Content-Type"] == "application/json"
    assert client.get("/api/cases/?province=330000").json()["count"] == script.json()["count"]
