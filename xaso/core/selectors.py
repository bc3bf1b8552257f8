"""Scoped reads of the kernel used by the dashboard and other pages."""

import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditEvent
from xaso.core.models import CalendarOverride
from xaso.core.models import CalendarYear
from xaso.core.models import User


def account_summary_for(*, user: User) -> dict[str, int]:
    """Counts of the accounts of the user's unit: active, disabled, locked, without 2FA."""
    staff = User.objects.filter(unit_id=user.unit_id)
    active = staff.filter(is_active=True)
    with_2fa = TOTPDevice.objects.filter(user__in=active, confirmed=True).values("user").distinct()
    locked = (
        AccessAttempt.objects.filter(
            username__in=staff.values("username"),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        )
        .values("username")
        .distinct()
        .count()
    )
    return {
        "active": active.count(),
        "disabled": staff.filter(is_active=False).count(),
        "locked": locked,
        "without_2fa": active.exclude(pk__in=with_2fa).count(),
    }


def recent_audit_events_for(*, user: User, limit: int = 8) -> list[AuditEvent]:
    """The newest audit events of the user's own unit."""
    if not user.unit_id:
        return []
    return list(
        AuditEvent.objects.filter(unit_id=user.unit_id)
        .select_related("actor")
        .order_by("-created_at", "-sequence")[:limit]
    )


def province_overview_for(*, user: User) -> dict[str, Any] | None:
    """For a province supervisor: the communes of the province and their staff counts."""
    unit = user.unit
    if unit is None or not unit.is_province:
        return None
    communes = AdministrativeUnit.objects.filter(parent=unit)
    hosted = communes.filter(is_hosted=True).annotate(
        active_staff=Count("staff", filter=Q(staff__is_active=True))
    )
    return {
        "province": unit,
        "commune_count": communes.count(),
        "hosted": list(hosted.order_by("name")),
    }


def calendar_status_for(*, user: User, today: datetime.date) -> dict[str, Any]:
    """Which of this year and next are approved, and this year's overrides, for the unit."""
    unit = user.unit
    units = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
    approved = set(
        CalendarYear.objects.filter(
            unit_id__in=units, year__in=[today.year, today.year + 1]
        ).values_list("year", flat=True)
    )
    return {
        "year": today.year,
        "this_year_approved": today.year in approved,
        "next_year": today.year + 1,
        "next_year_approved": (today.year + 1) in approved,
        "override_count": CalendarOverride.objects.filter(
            unit_id__in=units, date__year=today.year
        ).count(),
    }
