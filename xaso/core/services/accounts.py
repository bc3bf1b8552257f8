"""Staff accounts: what the unit administrator does to them, and what each user does to their
own security settings (password, two-factor, API tokens).

Every write runs in one transaction that also writes its audit event; e-mails go out through
the background task after commit. Passwords, codes and token values never reach the audit data.
"""

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from axes.helpers import get_cool_off
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.db.models import Sum
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.api_auth import issue_api_token
from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import ApiToken
from xaso.core.models import Position
from xaso.core.models import User
from xaso.core.search import apply_search
from xaso.core.tasks import send_email


class AccountStatus:
    """Values of the status filter on the account list."""

    ACTIVE = "active"
    DISABLED = "disabled"
    LOCKED = "locked"


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def assignable_positions(unit: AdministrativeUnit | None) -> QuerySet[Position]:
    """Positions an administrator of `unit` may give.

    Province supervision is a province job: a commune never grants it to its own staff.
    """
    positions = Position.objects.all()
    if unit is None or not unit.is_province:
        positions = positions.exclude(code=Position.Code.PROVINCE_SUPERVISOR)
    return positions


def accounts_for(*, actor: User) -> QuerySet[User]:
    """The accounts of the actor's unit; none for an account without a unit."""
    if actor.unit_id is None:
        return User.objects.none()
    return User.objects.filter(unit_id=actor.unit_id)


def get_account_for(*, actor: User, pk: int) -> User:
    """One account of the actor's unit; 404 for every other unit's account (no existence leak)."""
    try:
        return accounts_for(actor=actor).get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def _lockout_window_start() -> datetime.datetime:
    cool_off = get_cool_off()
    if cool_off is None:  # locked until reset by hand
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return timezone.now() - cool_off


def _locked_attempts() -> QuerySet[AccessAttempt]:
    """Usernames over the failure limit inside the cool-off window (per username, any address).

    Mirrors django-axes' own count for the "username" lockout parameter.
    """
    return (
        AccessAttempt.objects.filter(attempt_time__gte=_lockout_window_start())
        .exclude(username__isnull=True)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=get_failure_limit(None, None))
    )


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of `usernames` are locked out now."""
    return set(
        _locked_attempts().filter(username__in=list(usernames)).values_list("username", flat=True)
    )


def is_locked_out(user: User) -> bool:
    return bool(locked_usernames([user.username]))


def failed_login_count(user: User) -> int:
    """Failed logins of `user` inside the cool-off window."""
    total = AccessAttempt.objects.filter(
        username=user.username, attempt_time__gte=_lockout_window_start()
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def list_accounts_for(
    *, actor: User, query: str = "", position: str = "", status: str = ""
) -> QuerySet[User]:
    """The unit's accounts filtered by a diacritics-insensitive `query`, a position code and a
    status (active, disabled, locked); each row carries `has_two_factor`."""
    accounts = (
        accounts_for(actor=actor)
        .prefetch_related("positions")
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
    )
    accounts = apply_search(accounts, query)
    if position:
        accounts = accounts.filter(positions__code=position).distinct()
    if status == AccountStatus.ACTIVE:
        accounts = accounts.filter(is_active=True)
    elif status == AccountStatus.DISABLED:
        accounts = accounts.filter(is_active=False)
    elif status == AccountStatus.LOCKED:
        accounts = accounts.filter(username__in=_locked_attempts().values("username"))
    return accounts.order_by("full_name", "username")


# ---------------------------------------------------------------------------------------------
# Account management by the unit administrator
# ---------------------------------------------------------------------------------------------


def _position_codes(positions: Iterable[Position]) -> list[str]:
    return sorted(position.code for position in positions)


def _check_positions(*, actor: User, positions: list[Position]) -> None:
    if not positions:
        raise ValidationError({"positions": _("Chọn ít nhất một chức danh.")})
    allowed = set(assignable_positions(actor.unit).values_list("pk", flat=True))
    refused = [position for position in positions if position.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "positions": _("Đơn vị không được giao chức danh: %(names)s.")
                % {"names": ", ".join(position.name for position in refused)}
            }
        )


def _check_actor_has_unit(actor: User) -> AdministrativeUnit:
    if actor.unit is None:
        raise ValidationError(
            _("Tài khoản của bạn không thuộc đơn vị nào nên không thể quản lý tài khoản.")
        )
    return actor.unit


@transaction.atomic
def create_account(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    job_title: str,
    positions: Iterable[Position],
    password: str | None = None,
) -> User:
    """Create a staff account in the actor's own unit.

    Without `password` the account gets an unusable password: the person sets one through
    the e-mailed link (`send_password_setup_email`). Raises ValidationError for a taken
    username (compared case-insensitively, so "VanThu" cannot shadow "vanthu"), a position the
    unit may not give, or an invalid field.
    """
    unit = _check_actor_has_unit(actor)
    positions = list(positions)
    _check_positions(actor=actor, positions=positions)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã được dùng.")})
    user = User(
        unit=unit,
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        job_title=job_title.strip(),
        is_active=True,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.refresh_search_text()
    user.full_clean()
    user.save()
    user.positions.set(positions)
    record_audit_event(
        action="account.created",
        actor=actor,
        unit=unit,
        target=user,
        data={
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "job_title": user.job_title,
            "positions": _position_codes(positions),
            "password_set": bool(password),
        },
    )
    return user


@transaction.atomic
def update_account(
    *,
    actor: User,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    job_title: str,
    positions: Iterable[Position],
) -> User:
    """Change an account's details and positions; records only the fields that changed.

    An administrator cannot take the unit_admin position from themself (the unit would risk
    having no administrator left, and the change would lock them out of this page).
    """
    _check_actor_has_unit(actor)
    if user.unit_id != actor.unit_id:
        raise Http404
    positions = list(positions)
    _check_positions(actor=actor, positions=positions)
    new_codes = _position_codes(positions)
    if user.pk == actor.pk and Position.Code.UNIT_ADMIN not in new_codes:
        raise ValidationError(
            {
                "positions": _(
                    "Bạn không thể tự bỏ chức danh Quản trị hệ thống của đơn vị của mình. "
                    "Hãy nhờ một quản trị khác của đơn vị thực hiện."
                )
            }
        )
    old_codes = _position_codes(user.positions.all())
    new_values = {
        "full_name": full_name.strip(),
        "email": email.strip(),
        "phone": phone.strip(),
        "job_title": job_title.strip(),
    }
    changed: dict[str, list[Any]] = {}
    for field, value in new_values.items():
        if getattr(user, field) != value:
            changed[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if old_codes != new_codes:
        changed["positions"] = [old_codes, new_codes]
    if not changed:
        return user
    user.refresh_search_text()
    user.full_clean()
    user.save()
    user.positions.set(positions)
    record_audit_event(
        action="account.updated",
        actor=actor,
        target=user,
        data={"username": user.username, "changed": changed},
    )
    return user


@transaction.atomic
def set_account_active(*, actor: User, user: User, is_active: bool) -> User:
    """Disable or re-enable an account.

    A disabled account cannot log in, its open sessions stop working at their next request
    (Django's backend refuses inactive users when it reloads the session's user) and its API
    tokens are refused. An administrator cannot disable themself.
    """
    _check_actor_has_unit(actor)
    if user.unit_id != actor.unit_id:
        raise Http404
    if user.pk == actor.pk and not is_active:
        raise ValidationError(_("Bạn không thể tự vô hiệu hóa tài khoản của mình."))
    if user.is_active == is_active:
        return user
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    record_audit_event(
        action="account.enabled" if is_active else "account.disabled",
        actor=actor,
        target=user,
        data={"username": user.username},
    )
    return user


@transaction.atomic
def unlock_account(*, actor: User, user: User) -> int:
    """Clear the failed-login record of `user` (django-axes), ending a lockout early.

    Returns the number of attempt records removed. Lockouts of an address are left alone:
    they protect against guessing many usernames and expire on their own.
    """
    _check_actor_has_unit(actor)
    if user.unit_id != actor.unit_id:
        raise Http404
    removed = axes_reset(username=user.username)
    record_audit_event(
        action="account.unlocked",
        actor=actor,
        target=user,
        data={"username": user.username, "attempt_records_removed": removed},
    )
    return removed


@transaction.atomic
def reset_two_factor(*, actor: User, user: User) -> int:
    """Delete the user's TOTP devices (a lost phone); they log in with the password alone
    and enrol again. Returns the number of devices removed.

    Not for the administrator's own account: that would bypass the code that disabling
    two-factor requires.
    """
    _check_actor_has_unit(actor)
    if user.unit_id != actor.unit_id:
        raise Http404
    if user.pk == actor.pk:
        raise ValidationError(
            _("Để tắt xác thực hai lớp của chính mình, hãy dùng trang Xác thực hai lớp.")
        )
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    record_audit_event(
        action="account.two_factor_reset",
        actor=actor,
        target=user,
        data={"username": user.username, "devices_removed": removed},
    )
    return removed


def _enqueue_email(*, subject: str, body: str, recipients: list[str]) -> None:
    # After commit: a rolled-back change must not send mail.
    transaction.on_commit(
        functools.partial(
            send_email.enqueue,
            subject=" ".join(subject.split()),
            body=body,
            recipients=recipients,
        )
    )


def password_link_context(*, user: User, domain: str, use_https: bool) -> dict[str, Any]:
    """The context of a password-setting e-mail: the one-time link for `user`."""
    return {
        "user": user,
        "domain": domain,
        "site_name": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }


def send_templated_email(
    *, subject_template: str, body_template: str, context: dict[str, Any], recipient: str
) -> None:
    """Render an e-mail now and send it through the background task after commit."""
    _enqueue_email(
        subject=render_to_string(subject_template, context),
        body=render_to_string(body_template, context),
        recipients=[recipient],
    )


@transaction.atomic
def send_password_setup_email(*, actor: User, user: User, domain: str, use_https: bool) -> None:
    """E-mail `user` a one-time link to set their password (new account, forgotten password).

    The link is Django's password-reset token: it stops working once used, once the password
    changes or after PASSWORD_RESET_TIMEOUT.
    """
    _check_actor_has_unit(actor)
    if user.unit_id != actor.unit_id:
        raise Http404
    if not user.email:
        raise ValidationError(_("Tài khoản chưa có địa chỉ e-mail."))
    if not user.is_active:
        raise ValidationError(_("Tài khoản đang bị vô hiệu hóa."))
    send_templated_email(
        subject_template="core/auth/password_setup_subject.html",
        body_template="core/auth/password_setup_email.html",
        context=password_link_context(user=user, domain=domain, use_https=use_https),
        recipient=user.email,
    )
    record_audit_event(
        action="account.password_email_sent",
        actor=actor,
        target=user,
        data={"username": user.username, "email": user.email},
    )


# ---------------------------------------------------------------------------------------------
# A user's own security settings
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def change_own_password(*, user: User, password: str, by_reset_link: bool = False) -> User:
    """Set the user's password (already validated by the form) and record it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_audit_event(
        action="auth.password_reset" if by_reset_link else "auth.password_changed",
        actor=user,
        target=user,
        data={"username": user.username},
    )
    return user


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call.

    Reused on later calls so the QR code stays the same while the user scans it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    return device


def check_totp_code(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Whether `code` is valid for `device` now.

    Runs in its own committed transaction (django_otp.verify_token): the failure counter that
    throttles guessing must be kept even when the caller's change is rolled back.
    """
    return verify_token(user, device.persistent_id, code) is not None


def confirm_two_factor(*, user: User, code: str) -> TOTPDevice:
    """Turn on two-factor: the code from the app proves the unconfirmed device is set up.

    Raises ValidationError for a wrong or expired code.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not check_totp_code(user=user, device=device, code=code):
        raise ValidationError({"code": _("Mã xác thực không đúng hoặc đã hết hạn.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        record_audit_event(
            action="auth.two_factor_enabled",
            actor=user,
            target=user,
            data={"username": user.username},
        )
    return device


def disable_two_factor(*, user: User, code: str) -> int:
    """Turn off two-factor; needs a current code so a borrowed session cannot do it.

    Returns the number of devices removed; raises ValidationError for a wrong code.
    """
    device = confirmed_totp_device(user)
    if device is None or not check_totp_code(user=user, device=device, code=code):
        raise ValidationError({"code": _("Mã xác thực không đúng hoặc đã hết hạn.")})
    with transaction.atomic():
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        record_audit_event(
            action="auth.two_factor_disabled",
            actor=user,
            target=user,
            data={"username": user.username},
        )
    return removed


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token; returns it with the clear value, shown to the user once."""
    token, clear = issue_api_token(user=user, name=name.strip())
    record_audit_event(
        action="api_token.created",
        actor=user,
        target=token,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token, clear


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; 404 for anyone else's."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit_event(
            action="api_token.revoked",
            actor=user,
            target=token,
            data={"name": token.name, "prefix": token.prefix},
        )
    return token
