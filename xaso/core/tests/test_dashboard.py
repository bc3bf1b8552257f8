"""The home dashboard and the role menu, through the real pages."""

import os

import pytest
from django.core.management import call_command
from django.test import Client

from xaso.core.audit import record_audit_event
from xaso.core.demo import DEMO_PASSWORD
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

MENU = {
    "accounts": "Tài khoản cán bộ",
    "audit": "Nhật ký hệ thống",
    "unit": "Thông tin đơn vị",
    "calendar": "Lịch ngày làm việc",
    "province": "Các xã trong tỉnh",
}


def _menu(html: str) -> set[str]:
    nav = html.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    return {key for key, label in MENU.items() if f">{label}</a>" in nav}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "expected_menu"),
    [
        ("quantri", {"accounts", "audit", "unit", "calendar"}),
        ("chutich", {"audit", "calendar"}),
        ("phochutich", {"calendar"}),
        ("vanthu", {"calendar"}),
        ("vanphong", {"calendar"}),
        ("diachinh", {"calendar"}),
        ("taichinh", {"calendar"}),
        ("tuphap", {"calendar"}),
        ("tuphap2", {"calendar"}),
        ("vanhoa", {"calendar"}),
        ("motcua", {"calendar"}),
        ("giamsat.nghean", {"calendar", "province"}),
    ],
)
def test_each_demo_account_logs_in_and_sees_its_role_menu(username, expected_menu):
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    client = Client()

    response = client.post(
        "/dang-nhap/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert _menu(response.content.decode()) == expected_menu


@pytest.mark.django_db
def test_home_shows_the_unit_and_todays_status(client_as, clerk, commune):
    response = client_as(clerk).get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="widget-unit-today"' in html
    assert commune.name in html
    assert "Văn thư" in html  # the clerk's position
    # An official sees no administrator widgets.
    assert 'id="widget-accounts"' not in html
    assert 'id="widget-recent-audit"' not in html


@pytest.mark.django_db
def test_admin_dashboard_counts_real_accounts_and_events(
    client_as, unit_admin, make_staff, commune, other_commune
):
    make_staff(commune, "clerk", is_active=False)
    make_staff(other_commune, "clerk")  # another unit: not counted
    record_audit_event(action="unit.updated", actor=unit_admin, data={"field": "x"})

    html = client_as(unit_admin).get("/").content.decode()

    accounts = html.split('id="widget-accounts"', 1)[1].split("</section>", 1)[0]
    assert '<span class="stat">1</span>' in accounts  # only the administrator is active
    assert "Đã vô hiệu hóa: 1" in accounts
    recent = html.split('id="widget-recent-audit"', 1)[1].split("</section>", 1)[0]
    assert "unit.updated" in recent or "Cập nhật thông tin đơn vị" in recent


@pytest.mark.django_db
def test_province_supervisor_sees_the_province_overview(
    client_as, province_supervisor, commune, other_commune, far_commune, make_staff
):
    make_staff(commune, "clerk")
    make_staff(commune, "chairman")

    html = client_as(province_supervisor).get("/").content.decode()

    widget = html.split('id="widget-province"', 1)[1].split("</section>", 1)[0]
    assert commune.name in widget
    assert other_commune.name in widget
    assert far_commune.name not in widget
    assert "2 cán bộ" in widget


@pytest.mark.django_db
def test_home_isolation(unit_admin, other_unit_admin, commune):
    assert_isolation(
        IsolationCase(
            url="/",
            allowed=unit_admin,
            other_unit=other_unit_admin,
            allowed_status=200,
            other_unit_status=200,
            hidden_text=commune.name,
        )
    )
