"""Admin login against brute force (django-axes) and a configurable admin address."""

import os
import subprocess
import sys

from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "Rural-case-2026!"


def attempt(client, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": "bianji", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_admin_login_locks_out_after_repeated_failures(db, client, settings):
    get_user_model().objects.create_user("bianji", password=PASSWORD, is_staff=True)
    assert attempt(client, PASSWORD).status_code == 302  # works, and resets the counter
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong-password").status_code == 200
    locked = attempt(client, "wrong-password")
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    # Now even the right password is refused, from that address ...
    assert attempt(client, PASSWORD).status_code == 429
    # ... but not from another one: an attacker cannot lock the editor out everywhere.
    assert attempt(client, PASSWORD, address="198.51.100.2").status_code == 302


def test_the_admin_address_comes_from_the_environment():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index')); print(reverse('admin:cases_case_import'))"
    )
    env = {**os.environ, "ADMIN_URL": "/backstage-7f3a/", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["/backstage-7f3a/", "/backstage-7f3a/cases/case/import/"]
