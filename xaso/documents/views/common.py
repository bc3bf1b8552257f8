"""Helpers shared by the documents views."""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.http import Http404
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


def file_response(name: str, content_type: str, download_name: str) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
