"""Helpers shared by the documents views."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from xaso.core.models import User


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def require(user: User, *permissions: str) -> None:
    """403 unless the user holds one of `permissions` and works in a unit."""
    if user.unit_id is None and not user.is_superuser:
        raise PermissionDenied
    if not any(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied
