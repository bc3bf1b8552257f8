"""Hooks into authentication signals (Django's and django-axes') that feed the audit trail.

An extension point, not domain flow: logins happen inside Django and django-axes, which offer
no other hook. Connected by CoreConfig.ready(). Passwords never reach the audit data: Django
hands failed-login receivers the credentials with the password already masked, and only the
username is kept.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.signals import user_logged_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from xaso.core.audit import record_audit_event
from xaso.core.models import User

# Usernames are typed by strangers; keep the audit row small whatever they post.
MAX_USERNAME_LENGTH = 150


def _account(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.select_related("unit").filter(username=username).first()


def _clip(username: Any) -> str:
    return str(username or "")[:MAX_USERNAME_LENGTH]


@receiver(user_logged_in, dispatch_uid="xaso_audit_login")
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_audit_event(
        action="auth.login",
        actor=user,
        target=user,
        data={
            "username": user.get_username(),
            "two_factor": getattr(user, "otp_device", None) is not None,
        },
    )


@receiver(user_login_failed, dispatch_uid="xaso_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = _clip(credentials.get("username"))
    account = _account(username)
    record_audit_event(
        action="auth.login_failed",
        unit=account.unit if account is not None else None,
        target=account,
        data={"username": username, "stage": credentials.get("stage", "password")},
    )


@receiver(user_locked_out, dispatch_uid="xaso_audit_locked_out")
def audit_locked_out(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    account = _account(_clip(username))
    record_audit_event(
        action="auth.locked_out",
        unit=account.unit if account is not None else None,
        target=account,
        data={"username": _clip(username), "ip_address": ip_address or ""},
    )


@receiver(user_logged_out, dispatch_uid="xaso_audit_logout")
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None:  # logging out an anonymous session changes nothing
        return
    record_audit_event(
        action="auth.logout", actor=user, target=user, data={"username": user.get_username()}
    )
