"""The database goes away and comes back.

The test makes its own PostgreSQL (initdb in a temporary folder, its own
port), serves the portal from it with gunicorn in production settings,
stops the database, checks the friendly 503 answers, starts it again and
checks that the site recovers by itself.  The shared server is never touched.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self, folder: Path):
        self.data = folder / "data"
        self.port = _free_port()
        # PostgreSQL refuses to run as root: run it as the postgres account then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")
        self._run(_tool("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def _run(self, *args):
        subprocess.run([*self.as_user, *map(str, args)], check=True, capture_output=True, timeout=120)

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_tool("pg_ctl"), "-D", self.data, "-o", options, "-l", self.data / "server.log", "-w", "start")

    def stop(self):
        self._run(_tool("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="module")
def database():
    if not (_tool("initdb") and _tool("pg_ctl")):
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
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([*manage, "load_seeds"], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            fetch(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def fetch(url: str) -> tuple[int, str, dict]:
    # The proxy in front says the request came over HTTPS (production settings redirect otherwise).
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


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
