"""The database goes away and comes back.

The test makes its own PostgreSQL (initdb in a temporary folder, its own
port), serves the portal from it with gunicorn in production settings,
stops the database, checks the friendly 503 answers, starts it again and
checks that the site recovers by itself.  The shared server is never touched.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.servers import ThrowawayPostgres, fetch, tool
from tests.servers import portal as serve_portal


@pytest.fixture(scope="module")
def database():
    if not (tool("initdb") and tool("pg_ctl")):
        message = "initdb/pg_ctl not found: the outage test needs PostgreSQL's server binaries"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Not under pytest's temporary folder: its parents are private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="rural-outage-"))
    try:
        pg = ThrowawayPostgres(folder)
        pg.start()
        yield pg
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def portal(database):
    with serve_portal("outage", database.url, seed=True) as (base, _env):
        yield base


PAGES = ["/", "/cases/", "/cases/?q=%E5%85%BB%E8%80%81", "/stats/", "/cases/export.csv"]  # q=养老


def test_a_database_outage_gives_a_friendly_503_and_the_site_recovers(database, portal):
    for path in PAGES:
        assert fetch(portal + path)[0] == 200, path
    assert json.loads(fetch(portal + "/healthz")[1])["database"] == "postgresql"

    database.stop()
    for path in PAGES:
        status, body, headers = fetch(portal + path)
        assert status == 503, path
        assert "案例库暂时无法访问" in body and "Traceback" not in body, path
        assert headers.get("Retry-After") == "30"
    status, body, _ = fetch(portal + "/api/cases/")
    assert status == 503 and json.loads(body)["error"].startswith("数据库暂时无法访问")
    status, body, _ = fetch(portal + "/healthz")
    assert status == 503 and json.loads(body)["status"] == "unavailable"

    database.start()
    for path in PAGES:
        assert fetch(portal + path)[0] == 200, path  # no restart of the portal needed
    assert fetch(portal + "/healthz")[0] == 200


def test_other_errors_get_the_friendly_500_page(rf):
    from django.db import OperationalError

    from cases.views import server_error

    for error, status, text in ((ValueError("bug"), 500, "页面出错了"), (OperationalError("x"), 503, "暂时无法访问")):
        try:
            raise error
        except Exception:
            page = server_error(rf.get("/cases/"))
            api = server_error(rf.get("/api/cases/"))
        assert page.status_code == api.status_code == status
        assert text in page.content.decode() and "Traceback" not in page.content.decode()
        assert json.loads(api.content)["error"]
