"""Project-wide guarantees: production settings, error pages, page weight, demo data."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.test import override_settings

from xaso.core.demo import DEMO_ACCOUNTS
from xaso.core.demo import DEMO_PASSWORD
from xaso.core.models import AuditEvent
from xaso.core.models import User

BASE_DIR = Path(settings.BASE_DIR)


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "Vx9#q2!mZ4@pL7$wR8^tY1&uE3*oI6(aS5)dF0-gH",
        "DJANGO_ALLOWED_HOSTS": "xaso.example.vn",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_the_development_secret_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "xaso-insecure-development-key-change-me",
        "DJANGO_ALLOWED_HOSTS": "xaso.example.vn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_unknown_page_answers_a_vietnamese_404():
    response = Client().get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy (404)" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_is_vietnamese_and_needs_no_database(monkeypatch):
    from xaso.core.views import errors

    response = errors.server_error(None)

    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống (500)" in response.content.decode()


@pytest.mark.django_db
def test_login_page_with_its_assets_weighs_under_200_kb():
    response = Client().get("/dang-nhap/")
    html = response.content.decode()
    assert response.status_code == 200

    total = len(response.content)
    assets = re.findall(r'(?:href|src)="/static/([^"?]+)"', html)
    for asset in assets:
        found = finders.find(asset)
        assert found, asset
        total += Path(found).stat().st_size

    assert {"core/xaso.css", "django_htmx/htmx-2.min.js"} <= set(assets)
    assert total < 200_000
    # No asset from another host: commune networks are often closed.
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)


@pytest.mark.django_db
def test_demo_commune_is_refused_in_production():
    with override_settings(XASO_PRODUCTION=True), pytest.raises(CommandError, match="Từ chối"):
        call_command("load_demo_commune")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_commune_loads_eleven_commune_accounts_and_is_idempotent():
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123

    commune_users = User.objects.filter(unit__code=16777, unit__level="commune")
    assert commune_users.count() == 11
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert AuditEvent.objects.filter(action="account.created").count() == len(DEMO_ACCOUNTS)
    positions = set(commune_users.values_list("positions__code", flat=True))
    assert positions == {
        "chairman",
        "vice_chairman",
        "clerk",
        "office_statistics",
        "land_construction",
        "finance_accounting",
        "justice_civil_status",
        "culture_social",
        "counter_officer",
        "unit_admin",
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


@pytest.mark.django_db
def test_api_docs_are_served_without_a_cdn(client_as, unit_admin):
    response = client_as(unit_admin).get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_django_admin_requires_a_verified_second_factor(make_staff):
    superuser = make_staff(None, is_staff=True, is_superuser=True, username="sieuquantri")
    client = Client()
    client.force_login(superuser)

    response = client.get("/quan-tri-django/")

    # Logged in by password only: the OTP admin site treats the user as not staff.
    assert response.status_code == 302
    assert "/quan-tri-django/login/" in response["Location"]


def test_liveness_needs_no_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readiness_checks_the_database():
    response = Client().get("/readyz")

    assert response.json() == {"database": "ok"}
