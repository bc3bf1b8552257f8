"""Login, lockout, two-factor, passwords, sessions and the own-account page, through the real
pages (Django test client, real templates)."""

import base64
import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.test import RequestFactory
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.api_auth import hash_token
from xaso.core.models import ApiToken
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.core.tests.factories import TEST_PASSWORD
from xaso.core.views.auth import lockout_response

LOGIN_URL = "/dang-nhap/"
OTP_URL = "/dang-nhap/xac-thuc/"
LOCKOUT_TEXT = (
    "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau 30 phút "
    "hoặc liên hệ quản trị đơn vị."
)
NEW_PASSWORD = "Ruong-lua-xanh-2026"


def post_login(client: Client, username: str, password: str = TEST_PASSWORD) -> HttpResponse:
    return client.post(LOGIN_URL, {"username": username, "password": password})


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=confirmed)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("created_at", "sequence"))


# --- login ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixture",
    [
        "unit_admin",
        "chairman",
        "clerk",
        "counter_officer",
        "other_unit_admin",
        "province_supervisor",
    ],
)
def test_each_staff_fixture_logs_in_through_the_form(
    db: None, fixture: str, request: pytest.FixtureRequest
) -> None:
    # `db` is named so pytest-django orders this test with the database tests: fixtures
    # fetched by name are invisible to it, and after transactional tests the unit list
    # loaded by migration is flushed.
    user: User = request.getfixturevalue(fixture)
    client = Client()

    response = post_login(client, user.username)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(user.pk)
    [event] = events("auth.login")
    assert event.actor_id == user.pk
    assert event.unit_id == user.unit_id
    assert event.data == {"username": user.username, "two_factor": False}


def test_login_page_is_in_vietnamese(db: None) -> None:
    response = Client().get(LOGIN_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Tên đăng nhập" in content
    assert "Mật khẩu" in content
    assert "Quên mật khẩu?" in content


def test_login_honours_a_safe_next_url(clerk: User) -> None:
    client = Client()

    response = client.post(
        f"{LOGIN_URL}?next=/tai-khoan-cua-toi/",
        {"username": "vanthu", "password": TEST_PASSWORD, "next": "/tai-khoan-cua-toi/"},
    )

    assert response["Location"] == "/tai-khoan-cua-toi/"


def test_wrong_password_is_refused_and_audited_without_the_password(
    clerk: User, commune: object
) -> None:
    client = Client()

    response = post_login(client, "vanthu", "sai-mat-khau")

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert logged_in_user_id(client) is None
    [event] = events("auth.login_failed")
    assert event.data == {"username": "vanthu", "stage": "password"}
    assert event.unit_id == clerk.unit_id
    assert event.target_id == str(clerk.pk)
    assert event.actor_id is None
    assert "sai-mat-khau" not in str(event.data)


def test_failure_for_an_unknown_username_is_audited_without_a_unit(db: None) -> None:
    post_login(Client(), "khong-ton-tai", "abc")

    [event] = events("auth.login_failed")
    assert event.unit_id is None
    assert event.target_id == ""
    assert event.data == {"username": "khong-ton-tai", "stage": "password"}


def test_disabled_account_is_told_so_only_with_the_right_password(clerk: User) -> None:
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    client = Client()

    right = post_login(client, "vanthu")
    wrong = post_login(client, "vanthu", "sai-mat-khau")

    assert right.status_code == 200
    assert (
        "Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống của đơn vị."
        in right.content.decode()
    )
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.content.decode()
    assert "vô hiệu hóa" not in wrong.content.decode()
    assert logged_in_user_id(client) is None


# --- lockout --------------------------------------------------------------------------------


def test_fifth_wrong_password_locks_the_account(clerk: User) -> None:
    client = Client()

    first_four = [post_login(client, "vanthu", f"sai-{n}") for n in range(4)]
    fifth = post_login(client, "vanthu", "sai-5")
    correct = post_login(client, "vanthu")

    assert [response.status_code for response in first_four] == [200, 200, 200, 200]
    assert all(LOCKOUT_TEXT not in r.content.decode() for r in first_four)
    assert fifth.status_code == 429
    assert LOCKOUT_TEXT in fifth.content.decode()
    assert correct.status_code == 429
    assert LOCKOUT_TEXT in correct.content.decode()
    assert logged_in_user_id(client) is None
    assert events("auth.login") == []
    locked = events("auth.locked_out")
    assert len(locked) >= 1
    assert locked[0].unit_id == clerk.unit_id
    assert locked[0].target_id == str(clerk.pk)
    assert locked[0].data == {"username": "vanthu", "ip_address": "127.0.0.1"}


def test_lockout_page_states_the_configured_minutes(clerk: User) -> None:
    client = Client()

    with override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=45)):
        responses = [post_login(client, "vanthu", f"sai-{n}") for n in range(5)]

    assert responses[-1].status_code == 429
    assert "Vui lòng thử lại sau 45 phút hoặc liên hệ quản trị đơn vị." in (
        responses[-1].content.decode()
    )


def test_lockout_is_also_per_address(clerk: User) -> None:
    """Five different usernames from one address lock the address, not the accounts."""
    attacker = Client(REMOTE_ADDR="10.0.0.7")
    colleague = Client(REMOTE_ADDR="10.0.0.8")

    guesses = [post_login(attacker, name, "abc") for name in ["a", "b", "c", "d", "e"]]
    from_locked_address = post_login(attacker, "vanthu")
    from_other_address = post_login(colleague, "vanthu")

    assert [r.status_code for r in guesses] == [200, 200, 200, 200, 429]
    assert from_locked_address.status_code == 429
    assert LOCKOUT_TEXT in from_locked_address.content.decode()
    assert logged_in_user_id(attacker) is None
    assert from_other_address.status_code == 302
    assert logged_in_user_id(colleague) == str(clerk.pk)


def test_successful_login_clears_earlier_failures(clerk: User) -> None:
    client = Client()
    for n in range(4):
        post_login(client, "vanthu", f"sai-{n}")

    post_login(client, "vanthu")

    assert AccessAttempt.objects.filter(username="vanthu").count() == 0


@pytest.mark.parametrize("new_style", [True, False])
def test_lockout_callable_accepts_both_axes_signatures(db: None, new_style: bool) -> None:
    request = RequestFactory().post(LOGIN_URL)
    request.user = AnonymousUser()
    credentials = {"username": "vanthu"}

    if new_style:
        response = lockout_response(request, HttpResponse("original"), credentials)
    else:
        response = lockout_response(request, credentials)

    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()


# --- two-factor login -------------------------------------------------------------------------


def test_user_with_a_device_must_give_the_code_before_being_logged_in(clerk: User) -> None:
    device = make_device(clerk)
    client = Client()

    password_step = post_login(client, "vanthu")
    between = client.get("/")
    code_step = client.post(OTP_URL, {"code": current_code(device)})

    assert password_step.status_code == 302
    assert password_step["Location"] == OTP_URL
    assert between.status_code == 302
    assert between["Location"].startswith(LOGIN_URL)
    assert code_step.status_code == 302
    assert code_step["Location"] == "/"
    assert logged_in_user_id(client) == str(clerk.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get("/").status_code == 200
    [event] = events("auth.login")
    assert event.data == {"username": "vanthu", "two_factor": True}


def test_wrong_code_is_refused_and_counted(clerk: User) -> None:
    make_device(clerk)
    client = Client()
    post_login(client, "vanthu")

    response = client.post(OTP_URL, {"code": "000000"})

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
    assert logged_in_user_id(client) is None
    [event] = events("auth.login_failed")
    assert event.data == {"username": "vanthu", "stage": "otp"}
    assert AccessAttempt.objects.get(username="vanthu").failures_since_start == 1


def test_code_format_is_checked_in_vietnamese(clerk: User) -> None:
    make_device(clerk)
    client = Client()
    post_login(client, "vanthu")

    response = client.post(OTP_URL, {"code": "12ab"})

    assert "Mã xác thực gồm đúng 6 chữ số." in response.content.decode()
    assert events("auth.login_failed") == []


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # django-otp's own back-off would delay the test
def test_five_wrong_codes_lock_the_account(clerk: User) -> None:
    device = make_device(clerk)
    client = Client()
    post_login(client, "vanthu")

    responses = [client.post(OTP_URL, {"code": "000000"}) for _ in range(5)]
    after = client.post(OTP_URL, {"code": current_code(device)})

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert after.status_code == 429
    assert LOCKOUT_TEXT in after.content.decode()
    assert logged_in_user_id(client) is None


def test_code_step_expires(clerk: User) -> None:
    device = make_device(clerk)
    client = Client()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        post_login(client, "vanthu")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 6, tzinfo=datetime.UTC), tick=False):
        response = client.post(OTP_URL, {"code": current_code(device)})

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert logged_in_user_id(client) is None


def test_code_page_without_a_password_step_goes_to_login(db: None) -> None:
    response = Client().get(OTP_URL)

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


# --- two-factor enrolment -------------------------------------------------------------------


def test_enrolment_shows_qr_and_secret_then_confirms_with_a_code(
    clerk: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(clerk)

    page = client.get("/xac-thuc-hai-lop/")
    device = TOTPDevice.objects.get(user=clerk)
    again = client.get("/xac-thuc-hai-lop/")
    confirmed = client.post("/xac-thuc-hai-lop/", {"code": current_code(device)})

    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    secret = base64.b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in content
    assert again.status_code == 200
    assert TOTPDevice.objects.filter(user=clerk).count() == 1  # the same QR on reload
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/tai-khoan-cua-toi/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session["otp_device_id"] == device.persistent_id
    [event] = events("auth.two_factor_enabled")
    assert event.actor_id == clerk.pk


def test_enrolment_refuses_a_wrong_code(clerk: User, client_as: Callable[[User], Client]) -> None:
    client = client_as(clerk)
    client.get("/xac-thuc-hai-lop/")

    response = client.post("/xac-thuc-hai-lop/", {"code": "000000"})

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
    assert TOTPDevice.objects.get(user=clerk).confirmed is False
    assert events("auth.two_factor_enabled") == []


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_disabling_two_factor_needs_a_current_code(
    clerk: User, client_as: Callable[[User], Client]
) -> None:
    device = make_device(clerk)
    client = client_as(clerk)

    refused = client.post("/xac-thuc-hai-lop/", {"code": "000000"})
    still_there = TOTPDevice.objects.filter(user=clerk).count()
    accepted = client.post("/xac-thuc-hai-lop/", {"code": current_code(device)})

    assert refused.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in refused.content.decode()
    assert still_there == 1
    assert accepted.status_code == 302
    assert TOTPDevice.objects.filter(user=clerk).count() == 0
    [event] = events("auth.two_factor_disabled")
    assert event.actor_id == clerk.pk


# --- two-factor enforcement -----------------------------------------------------------------


@override_settings(XASO_REQUIRE_2FA_FOR_ADMINS=True)
def test_admin_without_device_is_sent_to_enrolment_until_done(
    unit_admin: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(unit_admin)

    home = client.get("/")
    accounts = client.get("/tai-khoan/")
    setup = client.get("/xac-thuc-hai-lop/")
    static = client.get("/static/core/xaso.css")
    device = TOTPDevice.objects.get(user=unit_admin)
    client.post("/xac-thuc-hai-lop/", {"code": current_code(device)})
    home_after = client.get("/")

    assert home.status_code == 302
    assert home["Location"] == "/xac-thuc-hai-lop/"
    assert accounts["Location"] == "/xac-thuc-hai-lop/"
    assert setup.status_code == 200
    assert "Đơn vị yêu cầu tài khoản Quản trị hệ thống dùng xác thực hai lớp." in (
        setup.content.decode()
    )
    assert static.status_code != 302
    assert home_after.status_code == 200


@override_settings(XASO_REQUIRE_2FA_FOR_ADMINS=True)
def test_admin_with_device_but_unverified_session_is_sent_to_the_code_step(
    unit_admin: User, client_as: Callable[[User], Client]
) -> None:
    device = make_device(unit_admin)
    client = client_as(unit_admin)

    blocked = client.get("/tai-khoan/")
    verified = client.post(
        "/dang-nhap/xac-thuc/", {"code": current_code(device), "next": "/tai-khoan/"}
    )
    allowed = client.get("/tai-khoan/")

    assert blocked.status_code == 302
    assert blocked["Location"] == "/dang-nhap/xac-thuc/?next=%2Ftai-khoan%2F"
    assert verified.status_code == 302
    assert verified["Location"] == "/tai-khoan/"
    assert allowed.status_code == 200


@override_settings(XASO_REQUIRE_2FA_FOR_ADMINS=True)
def test_enforcement_spares_other_positions_and_logout(
    unit_admin: User, clerk: User, client_as: Callable[[User], Client]
) -> None:
    assert client_as(clerk).get("/").status_code == 200
    admin = client_as(unit_admin)

    response = admin.post("/dang-xuat/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


@override_settings(XASO_REQUIRE_2FA_FOR_ADMINS=True)
def test_enforcement_answers_htmx_with_a_client_redirect(
    unit_admin: User, client_as: Callable[[User], Client]
) -> None:
    response = client_as(unit_admin).get("/tai-khoan/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/xac-thuc-hai-lop/"


@override_settings(XASO_REQUIRE_2FA_FOR_ADMINS=False)
def test_no_enforcement_when_the_setting_is_off(
    unit_admin: User, client_as: Callable[[User], Client]
) -> None:
    assert client_as(unit_admin).get("/").status_code == 200


# --- passwords ------------------------------------------------------------------------------


def test_password_reset_email_goes_through_the_task_and_sets_a_new_password(
    clerk: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    client = Client()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[attr-defined]
        response = client.post("/quen-mat-khau/", {"email": "VANTHU@example.test"})

    assert response.status_code == 302
    assert response["Location"] == "/quen-mat-khau/da-gui/"
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["vanthu@example.test"]
    assert message.subject == "Đặt lại mật khẩu tài khoản XãSố"
    assert "Tên đăng nhập của bạn: vanthu" in message.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", message.body)
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    saved = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert saved.status_code == 302
    assert saved["Location"] == "/dat-lai-mat-khau/hoan-tat/"
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert post_login(Client(), "vanthu", NEW_PASSWORD).status_code == 302
    [event] = events("auth.password_reset")
    assert event.actor_id == clerk.pk
    assert NEW_PASSWORD not in str(event.data)


def test_password_reset_does_not_reveal_unknown_addresses(
    clerk: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[attr-defined]
        response = Client().post("/quen-mat-khau/", {"email": "ai-do@example.test"})

    assert response.status_code == 302
    assert response["Location"] == "/quen-mat-khau/da-gui/"
    assert callbacks == []
    assert mail.outbox == []


def test_password_reset_email_is_not_sent_to_a_disabled_account(
    clerk: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    User.objects.filter(pk=clerk.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        Client().post("/quen-mat-khau/", {"email": "vanthu@example.test"})

    assert mail.outbox == []


def test_password_reset_link_with_a_bad_token_is_refused(clerk: User) -> None:
    response = Client().get("/dat-lai-mat-khau/MQ/sai-token/", follow=True)

    assert "Liên kết đặt mật khẩu không hợp lệ" in response.content.decode()


def test_password_change_checks_the_old_password_and_keeps_the_session(
    clerk: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(clerk)

    wrong_old = client.post(
        "/doi-mat-khau/",
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    too_short = client.post(
        "/doi-mat-khau/",
        {"old_password": TEST_PASSWORD, "new_password1": "ngan", "new_password2": "ngan"},
    )
    clerk.refresh_from_db()
    unchanged = clerk.check_password(TEST_PASSWORD)
    changed = client.post(
        "/doi-mat-khau/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert wrong_old.status_code == 200
    assert "Mật khẩu cũ không chính xác" in wrong_old.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in too_short.content.decode()
    assert unchanged
    assert changed.status_code == 302
    assert changed["Location"] == "/tai-khoan-cua-toi/"
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert client.get("/tai-khoan-cua-toi/").status_code == 200
    [event] = events("auth.password_changed")
    assert event.actor_id == clerk.pk
    assert event.data == {"username": "vanthu"}


# --- sessions and logout --------------------------------------------------------------------


@pytest.mark.parametrize("idle_seconds", [30 * 60, 10 * 60])
def test_session_expires_after_the_configured_idle_time(clerk: User, idle_seconds: int) -> None:
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    client = Client()
    with (
        override_settings(SESSION_COOKIE_AGE=idle_seconds),
        time_machine.travel(start, tick=False) as clock,
    ):
        post_login(client, "vanthu")
        session = client.session
        stored = Session.objects.get(session_key=session.session_key)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]

        assert session.get_expiry_age() == idle_seconds
        assert stored.expire_date == start + datetime.timedelta(seconds=idle_seconds)
        # A browser-session cookie: the idle limit is enforced by the server.
        assert cookie["max-age"] == ""

        clock.shift(datetime.timedelta(seconds=idle_seconds - 60))
        active = client.get("/")
        renewed = Session.objects.get(session_key=session.session_key).expire_date

        clock.shift(datetime.timedelta(seconds=idle_seconds + 1))
        idle = client.get("/")

    assert active.status_code == 200
    assert renewed == start + datetime.timedelta(seconds=2 * idle_seconds - 60)
    assert idle.status_code == 302
    assert idle["Location"].startswith(LOGIN_URL)


def test_logout_is_post_only(clerk: User, client_as: Callable[[User], Client]) -> None:
    client = client_as(clerk)

    by_get = client.get("/dang-xuat/")
    still_in = logged_in_user_id(client)
    by_post = client.post("/dang-xuat/")

    assert by_get.status_code == 405
    assert still_in == str(clerk.pk)
    assert by_post.status_code == 302
    assert by_post["Location"] == LOGIN_URL
    assert logged_in_user_id(client) is None
    [event] = events("auth.logout")
    assert event.actor_id == clerk.pk


# --- own account page and API tokens --------------------------------------------------------


def test_profile_shows_own_data_positions_and_two_factor_status(
    clerk: User, client_as: Callable[[User], Client]
) -> None:
    response = client_as(clerk).get("/tai-khoan-cua-toi/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Phạm Thị Văn Thư" in content
    assert "Văn thư" in content
    assert "Chưa bật" in content
    assert "Xã Quỳ Châu" in content


def test_api_token_is_shown_once_and_stored_as_a_hash(
    clerk: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(clerk)

    created = client.post("/tai-khoan-cua-toi/", {"name": "Phần mềm kế toán"})
    later = client.get("/tai-khoan-cua-toi/")

    match = re.search(r'<code id="new-token">(xaso_[^<]+)</code>', created.content.decode())
    assert created.status_code == 200
    assert match is not None
    clear = match.group(1)
    token = ApiToken.objects.get(user=clerk)
    assert token.name == "Phần mềm kế toán"
    assert token.key_hash == hash_token(clear)
    assert clear not in later.content.decode()
    [event] = events("api_token.created")
    assert event.data == {"name": "Phần mềm kế toán", "prefix": token.prefix}
    assert clear not in str(event.data)


def test_api_token_name_is_required(clerk: User, client_as: Callable[[User], Client]) -> None:
    response = client_as(clerk).post("/tai-khoan-cua-toi/", {"name": ""})

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=clerk).count() == 0


def test_revoking_a_token(clerk: User, chairman: User, client_as: Callable[[User], Client]) -> None:
    from xaso.core.api_auth import issue_api_token

    token, _clear = issue_api_token(user=clerk, name="tích hợp")

    by_colleague = client_as(chairman).post(f"/tai-khoan-cua-toi/khoa-api/{token.pk}/thu-hoi/")
    token.refresh_from_db()
    untouched = token.revoked_at
    by_owner = client_as(clerk).post(f"/tai-khoan-cua-toi/khoa-api/{token.pk}/thu-hoi/")

    assert by_colleague.status_code == 404
    assert untouched is None
    assert by_owner.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    [event] = events("api_token.revoked")
    assert event.actor_id == clerk.pk


# --- isolation ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/tai-khoan-cua-toi/", "/xac-thuc-hai-lop/", "/doi-mat-khau/"])
def test_own_account_pages_isolation(clerk: User, other_unit_admin: User, url: str) -> None:
    assert_isolation(
        IsolationCase(
            url=url,
            allowed=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="Phạm Thị Văn Thư",
        )
    )


def test_api_token_revoke_isolation(clerk: User, other_unit_admin: User) -> None:
    from xaso.core.api_auth import issue_api_token

    token, _clear = issue_api_token(user=clerk, name="tích hợp")

    assert_isolation(
        IsolationCase(
            url=f"/tai-khoan-cua-toi/khoa-api/{token.pk}/thu-hoi/",
            method="post",
            allowed=clerk,
            other_unit=other_unit_admin,
            allowed_status=302,
        )
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
