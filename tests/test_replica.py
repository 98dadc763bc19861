"""Anonymous reads from a real streaming replica; everything else from the primary.

The module starts its own PostgreSQL primary (initdb) and a streaming replica of it
(pg_basebackup -R) on two free loopback ports, both logging every statement, and serves the
portal from them with gunicorn in production settings and ``DATABASE_REPLICA_URLS``.  Which
server answered a request is read from the servers' own statement logs.  Needs PostgreSQL's
server binaries (a failure without them when REQUIRE_POSTGRES=1, as in CI).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.test import RequestFactory

from cases import routers
from cases.models import Case, LibraryState
from tests.servers import ROOT, ThrowawayPostgres, fetch, free_port, tool
from tests.servers import portal as serve_portal

pytestmark = pytest.mark.postgres_server


class LoggedPostgres(ThrowawayPostgres):
    """A throwaway server that logs every statement to ``log`` (outside its data directory)."""

    def start(self):
        self.log = self.data.parent / "statements.log"
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c log_statement=all"
            " -c wal_level=replica -c max_wal_senders=4"
        )
        self._run(tool("pg_ctl"), "-D", self.data, "-o", options, "-l", self.log, "-w", "start")

    def sql(self, statement: str, *params):
        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(statement, params).fetchone()

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


class StreamingReplica(LoggedPostgres):
    """A hot standby made by pg_basebackup -R from a running primary, replaying its WAL."""

    def __init__(self, folder: Path, primary: LoggedPostgres):
        self.data = folder / "data"
        self.port = free_port()
        self.as_user = primary.as_user
        if self.as_user:
            shutil.chown(folder, "postgres")
        self._run(
            tool("pg_basebackup"), "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", self.data, "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip


def _folder(name: str) -> Path:
    # Not under pytest's temporary folder: its parents are private to root, and the servers run as postgres.
    return Path(tempfile.mkdtemp(prefix=f"rural-{name}-"))


@pytest.fixture(scope="module")
def servers():
    if not all(tool(name) for name in ("initdb", "pg_ctl", "pg_basebackup")):
        message = "initdb/pg_ctl/pg_basebackup not found: the replica test needs PostgreSQL's server binaries"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    folders = [_folder("primary"), _folder("replica")]
    started = []
    try:
        primary = LoggedPostgres(folders[0])
        primary.start()
        started.append(primary)
        replica = StreamingReplica(folders[1], primary)
        replica.start()
        started.append(replica)
        assert replica.sql("SELECT pg_is_in_recovery()") == (True,)
        yield primary, replica
    finally:
        for server in reversed(started):
            try:
                server.stop()
            except subprocess.CalledProcessError:
                pass
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def wait_replayed(primary: LoggedPostgres, replica: LoggedPostgres) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    (position,) = primary.sql("SELECT pg_current_wal_lsn()")
    for _ in range(300):
        if replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", str(position)) == (True,):
            return
        time.sleep(0.1)
    raise AssertionError(f"the replica did not replay up to {position} in 30 s")


@pytest.fixture(scope="module")
def portal(servers):
    primary, replica = servers
    with serve_portal("replica", primary.url, DATABASE_REPLICA_URLS=replica.url) as served:
        yield served


def publish(env: dict, slug: str, title: str) -> None:
    """A case published on the primary, through the models (so that the public version moves)."""
    code = (
        "from cases.models import Case, Theme\n"
        f"case = Case(slug={slug!r}, title={title!r}, region_label='全国', year=2026, measures='做法。',"
        " status=Case.Status.PUBLISHED)\n"
        "case.save()\n"
        "case.themes.set(Theme.objects.all()[:1])\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


def test_a_case_published_on_the_primary_is_served_from_the_replica_once_replayed(servers, portal):
    primary, replica = servers
    base, env = portal
    publish(env, "replica-a", "副本测试案例甲")
    wait_replayed(primary, replica)
    on_primary, on_replica = primary.log_size(), replica.log_size()
    status, body, _ = fetch(base + "/cases/replica-a/")
    assert status == 200 and "副本测试案例甲" in body
    read_on_primary, read_on_replica = primary.log_since(on_primary), replica.log_since(on_replica)
    assert "'replica-a'" in read_on_replica and 'FROM "cases_case"' in read_on_replica
    # The primary gave the public version that keys the page, and none of the library's rows.
    assert 'FROM "cases_librarystate"' in read_on_primary
    assert 'FROM "cases_case"' not in read_on_primary and "'replica-a'" not in read_on_primary


def test_a_page_is_never_kept_under_a_version_its_replica_has_not_reached(servers, portal):
    primary, replica = servers
    base, env = portal
    wait_replayed(primary, replica)
    assert "副本测试案例甲" in fetch(base + "/cases/")[1]  # the list is drawn and kept at this version
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        publish(env, "replica-b", "副本测试案例乙")  # the primary's version moves on; the replica stays behind
        on_primary = primary.log_size()
        status, body, _ = fetch(base + "/cases/")
        assert status == 200 and "副本测试案例乙" in body  # not the replica's older list under the new version
        assert 'FROM "cases_case"' in primary.log_since(on_primary)  # drawn from the primary meanwhile
        assert replica.sql("SELECT count(*) FROM cases_case WHERE slug = 'replica-b'") == (0,)  # still behind
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    wait_replayed(primary, replica)
    on_replica = replica.log_size()
    status, body, _ = fetch(base + "/cases/?q=%E5%89%AF%E6%9C%AC")  # q=副本: a page not drawn before
    assert status == 200 and "副本测试案例甲" in body and "副本测试案例乙" in body
    assert 'FROM "cases_case"' in replica.log_since(on_replica)  # caught up: back on the replica


# ---- the router, request by request (no servers needed) -----------------------------------------


@pytest.fixture
def with_replica(monkeypatch):
    from django.conf import settings

    monkeypatch.setitem(settings.DATABASES, "replica1", {**settings.DATABASES["default"]})


def routed(request) -> dict:
    """Where the router sends each kind of query while ``request`` is served."""
    router = routers.ReplicaRouter()
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen.update(
            case=router.db_for_read(Case),
            version=router.db_for_read(LibraryState),
            write=router.db_for_write(Case),
        )
        return HttpResponse()

    routers.anonymous_reads_from_replica(view)(request)
    return seen


def test_anonymous_gets_read_from_a_replica_and_everything_else_from_the_primary(with_replica):
    factory = RequestFactory()
    assert routed(factory.get("/cases/")) == {"case": "replica1", "version": "default", "write": "default"}
    assert routed(factory.head("/cases/"))["case"] == "replica1"
    for method in ("post", "put", "delete"):
        assert routed(getattr(factory, method)("/cases/"))["case"] == "default", method
    # A logged-in editor (or anyone with a session) reads what the primary has.
    factory.cookies["sessionid"] = "an-editors-session"
    assert routed(factory.get("/admin/cases/case/")) == {"case": "default", "version": "default", "write": "default"}
    # Outside a request (commands, migrations, the shell): the primary.
    assert routers.ReplicaRouter().db_for_read(Case) == "default"
    assert routers.ReplicaRouter().allow_migrate("replica1", "cases") is False
    assert routers.ReplicaRouter().allow_migrate("default", "cases") is True


def test_a_streamed_download_reads_its_rows_from_the_replica_while_it_is_sent(with_replica):
    from django.http import StreamingHttpResponse

    def view(request):
        return StreamingHttpResponse(routers.reading_from() for _ in range(2))

    request = RequestFactory().get("/cases/export.csv")
    response = routers.anonymous_reads_from_replica(view)(request)
    assert routers.reading_from() == "default"  # between the view and the sending
    assert b"".join(response.streaming_content) == b"replica1replica1"
    assert routers.reading_from() == "default"


def test_without_replicas_the_middleware_steps_aside():
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        routers.anonymous_reads_from_replica(lambda request: None)
