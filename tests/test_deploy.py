"""Production settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-0123456789",
    "ALLOWED_HOSTS": "cases.example.cn",
}


def manage(*args, **env):
    ignored = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.stderr.strip() == ""
    assert result.returncode == 0
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key_or_hosts():
    no_key = manage("check", DEBUG="false", ALLOWED_HOSTS="cases.example.cn")
    assert no_key.returncode != 0 and "SECRET_KEY is required when DEBUG is off" in no_key.stderr
    no_hosts = manage("check", DEBUG="false", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS is required when DEBUG is off" in no_hosts.stderr
    bad = manage("check", DEBUG="maybe")
    assert bad.returncode != 0 and "DEBUG must be a boolean" in bad.stderr


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_security_headers(client, db):
    response = client.get("/healthz")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_content_security_policy_allows_only_the_portals_own_files(client, db):
    policy = client.get("/healthz")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "http" not in policy


def test_the_gunicorn_configuration_loads_the_application():
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "portal.wsgi"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_cached_pages_belong_to_the_release_that_drew_them(tmp_path, monkeypatch):
    from django.conf import settings

    import portal.settings as project_settings

    assert settings.CACHE_PREFIX.endswith(":" + project_settings._release())  # this checkout's
    monkeypatch.setattr(project_settings, "BASE_DIR", tmp_path)
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>一</p>", encoding="utf-8")
    first = project_settings._release()
    assert project_settings._release() == first
    page.write_text("<p>二</p>", encoding="utf-8")  # a deployment changes a template
    assert project_settings._release() != first
