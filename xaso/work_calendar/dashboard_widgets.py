"""The work calendar's home-page widget: today's published events, the user's own marked,
and what waits for the office (proposals) or the leaders (changes to publish)."""

from typing import Any

from django.utils import timezone

from xaso.core.dashboard import Widget
from xaso.core.dashboard import register_widget
from xaso.core.models import User
from xaso.work_calendar import selectors
from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import CalendarWeek
from xaso.work_calendar.models import week_start_of


def build_today(user: User) -> dict[str, Any] | None:
    if user.unit_id is None:
        return None
    today = timezone.localdate()
    revision = selectors.latest_revision(unit_id=user.unit_id, start=week_start_of(today))
    events = [
        {**item, "mine": item.get("chair_id") == user.pk or user.pk in item["participant_ids"]}
        for item in (revision.events if revision else [])
        if item["date"] == today.isoformat()
    ]
    pending = 0
    if user.has_perm(services.COMPILE_PERMISSION):
        pending = CalendarEvent.objects.filter(
            unit_id=user.unit_id,
            status=CalendarEvent.Status.PROPOSED,
            week__start__gte=week_start_of(today),
        ).count()
    unpublished = []
    if user.has_perm(services.PUBLISH_PERMISSION):
        unpublished = list(
            CalendarWeek.objects.filter(
                unit_id=user.unit_id, has_unpublished_changes=True, start__gte=week_start_of(today)
            ).values_list("start", flat=True)
        )
    return {"today": today, "events": events, "pending": pending, "unpublished": unpublished}


register_widget(
    Widget(
        "work_calendar_today",
        "work_calendar/_today_widget.html",
        build_today,
        permission=services.VIEW_PERMISSION,
        order=20,
    )
)
