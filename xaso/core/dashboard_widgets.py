"""The kernel's home-page widgets (registered at import by xaso.core.views.dashboard)."""

import datetime
from typing import Any

from django.utils import timezone

from xaso.core import selectors
from xaso.core import working_days
from xaso.core.dashboard import Widget
from xaso.core.dashboard import register_widget
from xaso.core.models import User
from xaso.core.services.calendar import calendar_for_unit


def _today() -> datetime.date:
    return timezone.localdate()


def build_unit_today(user: User) -> dict[str, Any] | None:
    """Today in the user's unit: working day or not, office hours, next days off."""
    unit = user.unit
    if unit is None:
        return None
    today = _today()
    calendar = calendar_for_unit(unit)
    upcoming = []
    day = today
    while len(upcoming) < 4 and day <= today + datetime.timedelta(days=120):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and not working_days.is_working_day(calendar, day):
            upcoming.append((day, working_days.holiday_name(calendar, day)))
    return {
        "unit": unit,
        "agency_identifier": unit.agency_identifier_on(today),
        "today": today,
        "is_working_day": working_days.is_working_day(calendar, today),
        "holiday_name": working_days.holiday_name(calendar, today),
        "next_working_day": working_days.next_working_day(calendar, today),
        "upcoming_days_off": upcoming,
        "positions": list(user.positions.all()),
    }


def build_accounts(user: User) -> dict[str, Any] | None:
    if user.unit is None:
        return None
    return {"summary": selectors.account_summary_for(user=user)}


def build_recent_audit(user: User) -> dict[str, Any] | None:
    if user.unit is None:
        return None
    return {"events": selectors.recent_audit_events_for(user=user)}


def build_province(user: User) -> dict[str, Any] | None:
    return selectors.province_overview_for(user=user)


def build_calendar_status(user: User) -> dict[str, Any] | None:
    if user.unit is None:
        return None
    return selectors.calendar_status_for(user=user, today=_today())


register_widget(Widget("unit_today", "core/widgets/unit_today.html", build_unit_today, order=0))
register_widget(
    Widget(
        "province",
        "core/widgets/province.html",
        build_province,
        permission="core.supervise_communes",
        order=5,
    )
)
register_widget(
    Widget(
        "accounts",
        "core/widgets/accounts.html",
        build_accounts,
        permission="core.manage_accounts",
        order=50,
    )
)
register_widget(
    Widget(
        "calendar_status",
        "core/widgets/calendar_status.html",
        build_calendar_status,
        permission="core.manage_calendar",
        order=60,
    )
)
register_widget(
    Widget(
        "recent_audit",
        "core/widgets/recent_audit.html",
        build_recent_audit,
        permission="core.view_audit_trail",
        order=90,
    )
)
