"""Which administrative units a user may see and act in.

Rules: a commune user works in their own unit. A province user (unit = a province) may
read the records of the province and of its communes, and writes only in the province.
Platform superusers without a unit see every hosted unit. Lookups across units answer
404, never 403, so one unit cannot learn that another's record exists.
"""

from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User

M = TypeVar("M", bound=models.Model)


def readable_units(user: User) -> models.QuerySet[AdministrativeUnit]:
    """Units whose records `user` may read."""
    if not user.is_authenticated or not user.is_active:
        return AdministrativeUnit.objects.none()
    if user.unit_id is None:
        if user.is_superuser:
            return AdministrativeUnit.objects.hosted()
        return AdministrativeUnit.objects.none()
    unit = user.unit
    if unit.is_province and user.has_perm("core.supervise_communes"):
        return AdministrativeUnit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk))
    return AdministrativeUnit.objects.filter(pk=unit.pk)


def can_write_in(user: User, unit: AdministrativeUnit | int | None) -> bool:
    """Whether `user` may change records of `unit` (only their own unit)."""
    unit_id = unit.pk if isinstance(unit, AdministrativeUnit) else unit
    return bool(user.is_authenticated and user.is_active and unit_id and user.unit_id == unit_id)


class UnitScopedQuerySet(models.QuerySet[M]):
    """Base queryset of every domain model that has a `unit` foreign key."""

    unit_field = "unit"

    def for_unit(self, unit: AdministrativeUnit) -> "UnitScopedQuerySet[M]":
        return self.filter(**{self.unit_field: unit})

    def readable_by(self, user: User) -> "UnitScopedQuerySet[M]":
        """Records of the units `user` may read."""
        return self.filter(**{f"{self.unit_field}__in": readable_units(user)})

    def writable_by(self, user: User) -> "UnitScopedQuerySet[M]":
        """Records of the unit `user` works in."""
        if not user.is_authenticated or not user.unit_id:
            return self.none()
        return self.filter(**{f"{self.unit_field}_id": user.unit_id})


def get_readable_or_404(queryset: UnitScopedQuerySet[M], user: User, **lookup: object) -> M:
    """Fetch one record the user may read; 404 for every other unit's record."""
    try:
        return queryset.readable_by(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def get_writable_or_404(queryset: UnitScopedQuerySet[M], user: User, **lookup: object) -> M:
    """Fetch one record of the user's own unit; 404 for every other unit's record."""
    try:
        return queryset.writable_by(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
