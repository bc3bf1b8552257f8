"""Permissions come from the positions a user holds (data, not code)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import QuerySet


class PositionBackend(ModelBackend):
    """ModelBackend whose "group" permissions are the permissions of the user's positions.

    A disabled account (is_active False) has no permission and cannot log in.
    """

    def _get_group_permissions(self, user_obj) -> QuerySet[Permission]:  # type: ignore[no-untyped-def]
        return Permission.objects.filter(positions__holders=user_obj)
