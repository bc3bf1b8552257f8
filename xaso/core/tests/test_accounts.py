"""Account management by the unit administrator, through the real pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditEvent
from xaso.core.models import Position
from xaso.core.models import User
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.core.tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Dong-lua-chin-vang-2026"


def position_pks(*codes: str) -> list[int]:
    return list(Position.objects.filter(code__in=codes).values_list("pk", flat=True))


def create_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "nguyenvanan",
        "full_name": "Nguyễn Văn An",
        "email": "an.nguyen@example.test",
        "phone": "0912345678",
        "job_title": "Công chức Tư pháp – Hộ tịch",
        "positions": position_pks("justice_civil_status"),
        "password_mode": "set",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def login(username: str, password: str = TEST_PASSWORD) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    return client, response


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def page_text(response: Any) -> str:
    return response.content.decode()


# --- isolation: every account page ----------------------------------------------------------


@pytest.fixture
def admin_pages(
    unit_admin: User, chairman: User, clerk: User, other_unit_admin: User
) -> Callable[..., IsolationCase]:
    def case(url: str, **kwargs: Any) -> IsolationCase:
        return IsolationCase(
            url=url, allowed=unit_admin, wrong_role=chairman, other_unit=other_unit_admin, **kwargs
        )

    return case


def test_list_and_create_pages_isolation(
    admin_pages: Callable[..., IsolationCase], clerk: User
) -> None:
    assert_isolation(
        admin_pages("/tai-khoan/", other_unit_status=200, hidden_text="Phạm Thị Văn Thư")
    )
    assert_isolation(
        admin_pages("/tai-khoan/them/", other_unit_status=200, hidden_text="Xã Quỳ Châu")
    )


def test_create_post_isolation(
    admin_pages: Callable[..., IsolationCase], commune: AdministrativeUnit
) -> None:
    """Another unit's administrator can only create in their own unit (302 there too)."""
    assert_isolation(
        admin_pages(
            "/tai-khoan/them/",
            method="post",
            data=create_data(),
            other_unit_status=302,
            # Each request starts without the account, so the allowed one really creates it.
            before_each=lambda: User.objects.filter(username="nguyenvanan").delete(),
        )
    )
    assert User.objects.get(username="nguyenvanan").unit_id == commune.pk


@pytest.mark.parametrize("suffix", ["", "sua/"])
def test_account_pages_isolation(
    admin_pages: Callable[..., IsolationCase], clerk: User, suffix: str
) -> None:
    assert_isolation(admin_pages(f"/tai-khoan/{clerk.pk}/{suffix}", allowed_status=200))


@pytest.mark.parametrize(
    "suffix", ["vo-hieu-hoa/", "kich-hoat/", "mo-khoa/", "dat-lai-2fa/", "gui-email-mat-khau/"]
)
def test_account_actions_isolation(
    admin_pages: Callable[..., IsolationCase], unit_admin: User, clerk: User, suffix: str
) -> None:
    assert_isolation(
        admin_pages(f"/tai-khoan/{clerk.pk}/{suffix}", method="post", allowed_status=302)
    )

    # Refused requests acted on nothing: every account event on the clerk is the admin's.
    actors = set(
        AuditEvent.objects.filter(
            action__startswith="account.", target_id=str(clerk.pk)
        ).values_list("actor_id", flat=True)
    )
    assert actors <= {unit_admin.pk}


def test_actions_refuse_get(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).get(f"/tai-khoan/{clerk.pk}/vo-hieu-hoa/")

    assert response.status_code == 405
    clerk.refresh_from_db()
    assert clerk.is_active is True


# --- list, search, filters ------------------------------------------------------------------


def test_list_shows_the_units_accounts_with_positions_status_and_two_factor(
    unit_admin: User,
    clerk: User,
    chairman: User,
    other_unit_admin: User,
    client_as: Callable[..., Client],
) -> None:
    TOTPDevice.objects.create(user=chairman, name="điện thoại", confirmed=True)
    User.objects.filter(pk=clerk.pk).update(is_active=False)

    response = client_as(unit_admin).get("/tai-khoan/")

    content = page_text(response)
    assert response.status_code == 200
    assert "Phạm Thị Văn Thư" in content
    assert "Trần Văn Chủ Tịch" in content
    assert "Lê Thị Quản Trị" in content
    assert "quantri_khac" not in content
    assert "Đã vô hiệu hóa" in content
    assert "3 tài khoản" in content
    chairman_row = re.search(r"<tr>(?:(?!</tr>).)*Trần Văn Chủ Tịch.*?</tr>", content, re.S)
    assert chairman_row is not None
    chairman_row = chairman_row.group(0)
    assert "Chủ tịch UBND" in chairman_row
    assert 'badge-on">Đã bật' in chairman_row


def test_search_ignores_diacritics(
    unit_admin: User, make_staff: Callable[..., User], commune: AdministrativeUnit, client_as: Any
) -> None:
    make_staff(commune, "clerk", username="an", full_name="Nguyễn Văn An")
    make_staff(commune, "clerk", username="anh", full_name="Nguyễn Thị Ánh")
    make_staff(commune, "clerk", username="binh", full_name="Trần Văn Bình")

    response = client_as(unit_admin).get("/tai-khoan/", {"q": "nguyen van an"})

    content = page_text(response)
    assert "Nguyễn Văn An" in content
    assert "Nguyễn Thị Ánh" not in content
    assert "Trần Văn Bình" not in content
    assert "1 tài khoản" in content


def test_filters_by_position_and_status(
    unit_admin: User, clerk: User, chairman: User, client_as: Callable[..., Client]
) -> None:
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    client = client_as(unit_admin)

    by_position = page_text(client.get("/tai-khoan/", {"position": "chairman"}))
    disabled = page_text(client.get("/tai-khoan/", {"status": "disabled"}))
    active = page_text(client.get("/tai-khoan/", {"status": "active"}))

    assert "Trần Văn Chủ Tịch" in by_position
    assert "Phạm Thị Văn Thư" not in by_position
    assert "Phạm Thị Văn Thư" in disabled
    assert "Trần Văn Chủ Tịch" not in disabled
    assert "Phạm Thị Văn Thư" not in active
    assert "Trần Văn Chủ Tịch" in active


def test_htmx_search_returns_only_the_table(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).get(
        "/tai-khoan/", {"q": "van thu"}, headers={"HX-Request": "true"}
    )

    content = page_text(response)
    assert "<html" not in content
    assert "Phạm Thị Văn Thư" in content


def test_filter_offers_no_province_position_in_a_commune(
    unit_admin: User, client_as: Callable[..., Client]
) -> None:
    content = page_text(client_as(unit_admin).get("/tai-khoan/them/"))

    assert "Cán bộ giám sát cấp tỉnh" not in content
    assert "Văn thư" in content


# --- create ---------------------------------------------------------------------------------


def test_create_with_password_puts_the_account_in_the_admins_unit(
    unit_admin: User, other_commune: AdministrativeUnit, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).post(
        "/tai-khoan/them/", create_data(unit=other_commune.pk, is_superuser="on")
    )

    account = User.objects.get(username="nguyenvanan")
    assert response.status_code == 302
    assert response["Location"] == f"/tai-khoan/{account.pk}/"
    assert account.unit_id == unit_admin.unit_id
    assert account.is_superuser is False
    assert account.full_name == "Nguyễn Văn An"
    assert account.email == "an.nguyen@example.test"
    assert account.phone == "0912345678"
    assert account.job_title == "Công chức Tư pháp – Hộ tịch"
    assert account.search_text == "nguyen van an nguyenvanan an.nguyen@example.test 0912345678"
    assert list(account.positions.values_list("code", flat=True)) == ["justice_civil_status"]
    [event] = audit("account.created")
    assert event.actor_id == unit_admin.pk
    assert event.unit_id == unit_admin.unit_id
    assert event.data == {
        "username": "nguyenvanan",
        "full_name": "Nguyễn Văn An",
        "email": "an.nguyen@example.test",
        "phone": "0912345678",
        "job_title": "Công chức Tư pháp – Hộ tịch",
        "positions": ["justice_civil_status"],
        "password_set": True,
    }
    assert NEW_PASSWORD not in str(event.data)
    assert login("nguyenvanan", NEW_PASSWORD)[1].status_code == 302


def test_create_with_password_email_sends_a_link_that_sets_the_password(
    unit_admin: User,
    client_as: Callable[..., Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(unit_admin).post(
            "/tai-khoan/them/", create_data(password_mode="email", password1="", password2="")
        )

    account = User.objects.get(username="nguyenvanan")
    assert response.status_code == 302
    assert account.has_usable_password() is False
    [message] = mail.outbox
    assert message.to == ["an.nguyen@example.test"]
    assert message.subject == "Tài khoản XãSố của bạn đã được tạo: hãy đặt mật khẩu"
    assert "Tên đăng nhập của bạn: nguyenvanan" in message.body
    assert "Xã Quỳ Châu" in message.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", message.body)
    assert link is not None
    assert audit("account.created")[0].data["password_set"] is False
    [sent] = audit("account.password_email_sent")
    assert sent.data == {"username": "nguyenvanan", "email": "an.nguyen@example.test"}

    client = Client()
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert login("nguyenvanan", NEW_PASSWORD)[1].status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"username": "VanThu"}, "Tên đăng nhập này đã được dùng."),
        ({"username": "nguyen van an"}, "Tên đăng nhập chỉ gồm chữ cái, chữ số"),
        ({"email": "khong-phai-email"}, "Địa chỉ e-mail không hợp lệ."),
        ({"positions": []}, "Chọn ít nhất một chức danh."),
        ({"full_name": ""}, "Trường này là bắt buộc."),
        ({"password2": "khac-mat-khau-2026"}, "Hai mật khẩu không giống nhau."),
        ({"password1": "12345678901", "password2": "12345678901"}, "chỉ gồm chữ số"),
        (
            {"password_mode": "email", "email": "", "password1": "", "password2": ""},
            "Cần e-mail để gửi liên kết đặt mật khẩu.",
        ),
    ],
)
def test_create_refuses_invalid_input_in_vietnamese_and_saves_nothing(
    unit_admin: User,
    clerk: User,
    client_as: Callable[..., Client],
    overrides: dict[str, Any],
    field_error: str,
) -> None:
    accounts_before = User.objects.count()
    events_before = AuditEvent.objects.filter(action__startswith="account.").count()

    response = client_as(unit_admin).post("/tai-khoan/them/", create_data(**overrides))

    assert response.status_code == 200
    assert field_error in page_text(response)
    assert User.objects.count() == accounts_before
    assert AuditEvent.objects.filter(action__startswith="account.").count() == events_before
    assert mail.outbox == []


def test_create_refuses_a_province_position_in_a_commune(
    unit_admin: User, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).post(
        "/tai-khoan/them/", create_data(positions=position_pks("clerk", "province_supervisor"))
    )

    assert response.status_code == 200
    assert "Chức danh không hợp lệ." in page_text(response)
    assert not User.objects.filter(username="nguyenvanan").exists()


def test_service_refuses_a_province_position_in_a_commune(unit_admin: User) -> None:
    from django.core.exceptions import ValidationError

    from xaso.core.services.accounts import create_account

    with pytest.raises(ValidationError) as refused:
        create_account(
            actor=unit_admin,
            username="giamsat",
            full_name="Người Giám Sát",
            email="",
            phone="",
            job_title="",
            positions=Position.objects.filter(code="province_supervisor"),
            password=NEW_PASSWORD,
        )

    assert refused.value.message_dict == {
        "positions": ["Đơn vị không được giao chức danh: Cán bộ giám sát cấp tỉnh."]
    }
    assert not User.objects.filter(username="giamsat").exists()


# --- edit -----------------------------------------------------------------------------------


def test_edit_changes_details_and_positions_and_records_only_the_changes(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    client = client_as(unit_admin)
    form_page = client.get(f"/tai-khoan/{clerk.pk}/sua/")

    response = client.post(
        f"/tai-khoan/{clerk.pk}/sua/",
        {
            "full_name": "Phạm Thị Văn Thư",
            "email": "thu.pham@example.test",
            "phone": "",
            "job_title": "Văn thư – Lưu trữ",
            "positions": position_pks("clerk", "counter_officer"),
        },
    )

    assert 'value="vanthu@example.test"' in page_text(form_page)
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.email == "thu.pham@example.test"
    assert clerk.job_title == "Văn thư – Lưu trữ"
    assert clerk.search_text == "pham thi van thu vanthu thu.pham@example.test"
    assert sorted(clerk.positions.values_list("code", flat=True)) == ["clerk", "counter_officer"]
    [event] = audit("account.updated")
    assert event.actor_id == unit_admin.pk
    assert event.data == {
        "username": "vanthu",
        "changed": {
            "email": ["vanthu@example.test", "thu.pham@example.test"],
            "job_title": ["", "Văn thư – Lưu trữ"],
            "positions": [["clerk"], ["clerk", "counter_officer"]],
        },
    }


def test_admin_cannot_remove_their_own_admin_position(
    unit_admin: User, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).post(
        f"/tai-khoan/{unit_admin.pk}/sua/",
        {
            "full_name": "Tên Mới",
            "email": "",
            "phone": "",
            "job_title": "",
            "positions": position_pks("clerk"),
        },
    )

    assert response.status_code == 200
    assert "Bạn không thể tự bỏ chức danh Quản trị hệ thống của đơn vị của mình." in page_text(
        response
    )
    unit_admin.refresh_from_db()
    assert unit_admin.full_name == "Lê Thị Quản Trị"
    assert list(unit_admin.positions.values_list("code", flat=True)) == ["unit_admin"]
    assert audit("account.updated") == []


def test_edit_with_a_bad_email_saves_nothing(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    response = client_as(unit_admin).post(
        f"/tai-khoan/{clerk.pk}/sua/",
        {"full_name": "Ai Đó", "email": "sai@", "positions": position_pks("clerk")},
    )

    assert "Địa chỉ e-mail không hợp lệ." in page_text(response)
    clerk.refresh_from_db()
    assert clerk.full_name == "Phạm Thị Văn Thư"
    assert audit("account.updated") == []


# --- disable / enable -----------------------------------------------------------------------


def test_disabled_user_loses_their_session_and_cannot_log_in_until_enabled(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    clerk_session, _ = login("vanthu")
    assert clerk_session.get("/").status_code == 200
    admin = client_as(unit_admin)

    disabled = admin.post(f"/tai-khoan/{clerk.pk}/vo-hieu-hoa/")
    next_request = clerk_session.get("/")
    _client, refused_login = login("vanthu")

    assert disabled.status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert next_request.status_code == 302
    assert next_request["Location"].startswith("/dang-nhap/")
    assert refused_login.status_code == 200
    assert "Tài khoản này đã bị vô hiệu hóa." in page_text(refused_login)
    assert [event.data for event in audit("account.disabled")] == [{"username": "vanthu"}]

    enabled = admin.post(f"/tai-khoan/{clerk.pk}/kich-hoat/")
    _client, accepted_login = login("vanthu")

    assert enabled.status_code == 302
    assert accepted_login.status_code == 302
    assert [event.actor_id for event in audit("account.enabled")] == [unit_admin.pk]


def test_admin_cannot_disable_themself(unit_admin: User, client_as: Callable[..., Client]) -> None:
    client = client_as(unit_admin)

    response = client.post(f"/tai-khoan/{unit_admin.pk}/vo-hieu-hoa/", follow=True)

    assert "Bạn không thể tự vô hiệu hóa tài khoản của mình." in page_text(response)
    unit_admin.refresh_from_db()
    assert unit_admin.is_active is True
    assert audit("account.disabled") == []


def test_disabled_users_api_token_is_refused(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    from xaso.core.api_auth import BearerTokenAuth
    from xaso.core.api_auth import issue_api_token

    _token, clear = issue_api_token(user=clerk, name="tích hợp")
    client_as(unit_admin).post(f"/tai-khoan/{clerk.pk}/vo-hieu-hoa/")

    request = Client().get("/").wsgi_request
    assert BearerTokenAuth().authenticate(request, clear) is None


# --- unlock ---------------------------------------------------------------------------------


def test_admin_sees_and_clears_a_lockout(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    attacker = Client()
    for n in range(5):
        attacker.post("/dang-nhap/", {"username": "vanthu", "password": f"sai-{n}"})
    admin = client_as(unit_admin)

    locked_list = page_text(admin.get("/tai-khoan/", {"status": "locked"}))
    detail = page_text(admin.get(f"/tai-khoan/{clerk.pk}/"))
    _client, while_locked = login("vanthu")
    unlocked = admin.post(f"/tai-khoan/{clerk.pk}/mo-khoa/")
    _client, after = login("vanthu")

    assert "Phạm Thị Văn Thư" in locked_list
    assert "Trần Văn Chủ Tịch" not in locked_list
    assert "Đang bị khóa tạm thời" in detail
    assert while_locked.status_code == 429
    assert unlocked.status_code == 302
    assert after.status_code == 302
    assert AccessAttempt.objects.filter(username="vanthu").count() == 0
    [event] = audit("account.unlocked")
    assert event.actor_id == unit_admin.pk
    assert event.data["username"] == "vanthu"
    assert event.data["attempt_records_removed"] >= 1


# --- reset two-factor -----------------------------------------------------------------------


def test_reset_two_factor_lets_the_user_in_with_the_password_alone(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    TOTPDevice.objects.create(user=clerk, name="điện thoại", confirmed=True)
    _client, before = login("vanthu")

    response = client_as(unit_admin).post(f"/tai-khoan/{clerk.pk}/dat-lai-2fa/")
    _client, after = login("vanthu")

    assert before["Location"] == "/dang-nhap/xac-thuc/"
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=clerk).count() == 0
    assert after["Location"] == "/"
    [event] = audit("account.two_factor_reset")
    assert event.data == {"username": "vanthu", "devices_removed": 1}


def test_admin_cannot_reset_their_own_two_factor_here(
    unit_admin: User, client_as: Callable[..., Client]
) -> None:
    TOTPDevice.objects.create(user=unit_admin, name="điện thoại", confirmed=True)

    response = client_as(unit_admin).post(f"/tai-khoan/{unit_admin.pk}/dat-lai-2fa/", follow=True)

    assert "hãy dùng trang Xác thực hai lớp" in page_text(response)
    assert TOTPDevice.objects.filter(user=unit_admin).count() == 1
    assert audit("account.two_factor_reset") == []


# --- password e-mail from the account page --------------------------------------------------


def test_password_email_from_the_account_page(
    unit_admin: User,
    clerk: User,
    client_as: Callable[..., Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(unit_admin).post(f"/tai-khoan/{clerk.pk}/gui-email-mat-khau/")

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["vanthu@example.test"]


def test_password_email_needs_an_address(
    unit_admin: User,
    clerk: User,
    client_as: Callable[..., Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    User.objects.filter(pk=clerk.pk).update(email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(unit_admin).post(
            f"/tai-khoan/{clerk.pk}/gui-email-mat-khau/", follow=True
        )

    assert "Tài khoản chưa có địa chỉ e-mail." in page_text(response)
    assert mail.outbox == []
    assert audit("account.password_email_sent") == []


def test_detail_page_shows_history(
    unit_admin: User, clerk: User, client_as: Callable[..., Client]
) -> None:
    client = client_as(unit_admin)
    client.post(f"/tai-khoan/{clerk.pk}/vo-hieu-hoa/")

    content = page_text(client.get(f"/tai-khoan/{clerk.pk}/"))

    assert "account.disabled" in content
    assert "Lê Thị Quản Trị" in content


def test_django_admin_pages_open_for_a_superuser(clerk: User) -> None:
    superuser = User.objects.create_superuser(
        username="nentang",
        email="nentang@example.test",
        password=NEW_PASSWORD,
        full_name="Nền tảng",
    )
    client = Client()
    client.force_login(superuser)
    # The admin site requires a verified second factor (django-otp's OTPAdminSite).
    device = TOTPDevice.objects.create(user=superuser, name="Điện thoại", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    position = Position.objects.get(code="clerk")

    statuses = [
        client.get(url).status_code
        for url in [
            "/quan-tri-django/core/user/",
            "/quan-tri-django/core/user/add/",
            f"/quan-tri-django/core/user/{clerk.pk}/change/",
            "/quan-tri-django/core/position/",
            f"/quan-tri-django/core/position/{position.pk}/change/",
        ]
    ]

    assert statuses == [200, 200, 200, 200, 200]
