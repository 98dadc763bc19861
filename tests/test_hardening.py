"""What an attack on a production copy found (issue 20), each fixed and kept fixed: personal data
in keywords, saves without a version, tracebacks in the logs, too many parameters, formulas in
joined lists, withdrawals in the history, gunicorn's control socket."""

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case
from tests.test_admin import a_published, change_url, make_user, post_data
from tests.test_deploy import PRODUCTION

CHANGELIST = "/admin/cases/case/"


@pytest.fixture
def editor_client(seeded, client):
    client.force_login(make_user("bianji", "editor"))
    return client


# ---- finding 4: the privacy check reads keywords and every public field ------------------------


def test_keywords_are_read_by_the_privacy_check(seeded):
    case = Case.objects.filter(status=Case.Status.DRAFT).exclude(quality_flags__icontains="personal").first()
    assert not case.privacy_findings()
    case.tags.add("张三13812345678")
    assert [f.kind for f in case.privacy_findings()] == ["mobile"]
    case.refresh_from_db()
    assert "personal-data" in case.quality_flags  # raised as the keyword was added


def test_a_bulk_keyword_with_personal_data_does_not_go_public(editor_client):
    published = a_published()
    draft = Case.objects.filter(status=Case.Status.DRAFT).exclude(quality_flags__icontains="personal").first()
    response = editor_client.post(
        CHANGELIST,
        {"action": "add_tags", "_selected_action": [published.pk, draft.pk], "apply": "1", "tags": "张三13812345678"},
        follow=True,
    )
    assert "张三13812345678" not in Case.objects.get(pk=published.pk).tags.names()
    assert "可能含个人信息" in response.content.decode()
    # On a draft it is added, and the case is held back until a reviewer looks at it.
    draft.refresh_from_db()
    assert "张三13812345678" in draft.tags.names() and "personal-data" in draft.quality_flags


def test_the_form_refuses_a_keyword_with_personal_data_on_a_published_case(editor_client):
    case = a_published()
    response = editor_client.post(change_url(case), post_data(case, tag_names=["李四13812345678"]))
    assert response.status_code == 200 and "可能含个人信息" in response.content.decode()
    assert "李四13812345678" not in Case.objects.get(pk=case.pk).tags.names()


# ---- finding 6: a save without the version it was based on is refused ------------------------


def test_a_save_without_a_version_is_refused(editor_client):
    case = Case.objects.filter(status=Case.Status.DRAFT).first()
    data = post_data(case, title="没有版本号的修改")
    del data["version"]
    response = editor_client.post(change_url(case), data)
    assert response.status_code == 200 and "缺少版本号" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title != "没有版本号的修改"
    response = editor_client.post(change_url(case), post_data(case, title="没有版本号的修改", version=""))
    assert Case.objects.get(pk=case.pk).title != "没有版本号的修改"
    assert editor_client.post(change_url(case), post_data(case, title="有版本号的修改")).status_code == 302


def test_a_revert_without_the_version_it_was_shown_is_refused(editor_client):
    case = Case.objects.filter(status=Case.Status.DRAFT).first()
    original = case.title
    assert editor_client.post(change_url(case), post_data(case, title="修订一")).status_code == 302
    record = case.history.order_by("-history_id")[1]  # the case before 修订一
    diff = editor_client.get(reverse("admin:cases_case_history_diff", args=[case.pk, record.history_id]))
    shown = Case.objects.get(pk=case.pk).version
    assert f'<input type="hidden" name="version" value="{shown}">' in diff.content.decode()
    revert = reverse("admin:cases_case_history_revert", args=[case.pk, record.history_id])
    for data in ({}, {"version": shown - 1}):
        editor_client.post(revert, data)
        assert Case.objects.get(pk=case.pk).title == "修订一"
    editor_client.post(revert, {"version": shown})
    assert Case.objects.get(pk=case.pk).title == original


# ---- finding 7: errors with their tracebacks on stderr in production --------------------------

RAISING = """
import sys, types
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import path

def boom(request):
    raise RuntimeError("boom from a view that raises")

urls = types.ModuleType("raising_urls")
urls.urlpatterns = [path("boom/", boom)]
sys.modules["raising_urls"] = urls
settings.ROOT_URLCONF = "raising_urls"
# A POST: no page cache (and so no database) in front of the view.
response = Client(raise_request_exception=False).post("/boom/", secure=True, HTTP_HOST="cases.example.cn")
print(response.status_code)
"""


def test_a_view_that_raises_leaves_its_traceback_on_stderr_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="portal.settings", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    env["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # no collectstatic here
    result = subprocess.run(
        [sys.executable, "-c", RAISING], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "500"
    assert "Internal Server Error: /boom/" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom from a view that raises" in result.stderr


# ---- finding 8: too many parameters are a 400, JSON on the API ---------------------------------

MANY = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_parameters_are_a_400_json_on_the_api(client, seeded, settings, debug):
    settings.DEBUG = debug
    api = client.get("/api/cases/?" + MANY)
    assert api.status_code == 400 and api["Content-Type"] == "application/json"
    assert set(api.json()) == {"error", "detail"}
    page = client.get("/cases/?" + MANY)
    assert page.status_code == 400 and page["Content-Type"] == "text/plain; charset=utf-8"
    assert "参数过多" in page.content.decode()
    form = client.post("/admin/login/", MANY, content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400


# ---- finding 9 ---------------------------------------------------------------------------------


def test_every_element_of_a_joined_list_is_neutralised(client, seeded):
    case = Case.objects.published().filter(province="330000").first()
    case.tags.add("+1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "普通")
    response = client.get("/cases/export.csv?province=330000&headers=codes")
    text = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    tags = next(r["tags"] for r in rows if r["id"] == str(case.pk)).split(";")
    assert "'+1+1" in tags and "'=cmd|' /C calc'!A0" in tags and "'@SUM(A1)" in tags and "普通" in tags
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in tags)


def test_a_withdrawal_is_recorded_as_such(seeded):
    from django.test import Client

    client = Client()
    client.force_login(make_user("shenhe", "reviewer"))
    case = a_published()
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [case.pk]})
    record = case.history.order_by("-history_id").first()
    assert (record.status, record.history_change_reason) == ("review", "撤回")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_opens_no_control_socket_in_the_home_directory(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "XDG_RUNTIME_DIR")}
    env.update(PRODUCTION, HOME=str(tmp_path), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    env.update(ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
        for _ in range(300):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
