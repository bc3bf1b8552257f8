"""Scoped reads of the work calendar: the working copy for staff, published revisions for
the public page, the TV screen and the personal feeds, and the week's days with holidays.
"""

import datetime
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404

from xaso.core import working_days
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.services.calendar import calendar_for_unit
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import CalendarWeek
from xaso.work_calendar.models import DisplayScreen
from xaso.work_calendar.models import FeedToken
from xaso.work_calendar.models import PublishedRevision
from xaso.work_calendar.models import week_start_of
from xaso.work_calendar.services import COMPILE_PERMISSION

# Past weeks kept in a personal feed (future weeks are always included).
FEED_PAST_WEEKS = 8
NOON = datetime.time(12, 0)


def parse_week(value: str | None, *, today: datetime.date) -> datetime.date:
    """The Monday of the week named by `value` (any ISO date of it); this week otherwise."""
    if value:
        try:
            return week_start_of(datetime.date.fromisoformat(value.strip()))
        except ValueError:
            pass
    return week_start_of(today)


@dataclass
class DayRow:
    date: datetime.date
    info: working_days.DayInfo
    is_today: bool
    today: datetime.date
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def day_off_name(self) -> str:
        if self.info.kind in (working_days.DayKind.HOLIDAY, working_days.DayKind.OVERRIDE_DAY_OFF):
            return self.info.name
        return ""

    @property
    def is_past(self) -> bool:
        return self.date < self.today

    @property
    def is_working(self) -> bool:
        return self.info.is_working

    @property
    def morning(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["start"] < "12:00"]

    @property
    def afternoon(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["start"] >= "12:00"]


def week_rows(
    *,
    unit: AdministrativeUnit,
    start: datetime.date,
    events: list[dict[str, Any]],
    today: datetime.date,
) -> list[DayRow]:
    """The seven days of the week with the unit's holidays and the events of each day."""
    cal = calendar_for_unit(unit)
    rows = []
    for offset in range(7):
        day = start + datetime.timedelta(days=offset)
        row = DayRow(
            date=day,
            info=working_days.describe_day(cal, day),
            is_today=day == today,
            today=today,
        )
        row.events = [e for e in events if e["date"] == day.isoformat()]
        rows.append(row)
    return rows


def week_of_user(*, user: User, start: datetime.date) -> CalendarWeek | None:
    return CalendarWeek.objects.readable_by(user).filter(unit_id=user.unit_id, start=start).first()


def working_events(*, user: User, week: CalendarWeek | None) -> QuerySet[CalendarEvent]:
    """The week's events the user sees: the office sees all, others the compiled ones and
    their own proposals."""
    if week is None:
        return CalendarEvent.objects.none()
    events = (
        CalendarEvent.objects.readable_by(user)
        .filter(week=week)
        .select_related("chair", "proposed_by", "merged_into")
        .prefetch_related("participants")
    )
    if not user.has_perm(COMPILE_PERMISSION):
        events = events.filter(Q(status=CalendarEvent.Status.ACCEPTED) | Q(proposed_by=user))
    return events.order_by("date", "position", "start_time", "pk")


def get_event_for(*, user: User, pk: int) -> CalendarEvent:
    """An event of the user's unit (404 for another unit's)."""
    try:
        return (
            CalendarEvent.objects.writable_by(user)
            .select_related("week", "chair")
            .prefetch_related("participants")
            .get(pk=pk)
        )
    except CalendarEvent.DoesNotExist as exc:
        raise Http404 from exc


def latest_revision(*, unit_id: int, start: datetime.date) -> PublishedRevision | None:
    return (
        PublishedRevision.objects.filter(unit_id=unit_id, week__start=start)
        .select_related("published_by", "week")
        .order_by("-number")
        .first()
    )


def published_events(revision: PublishedRevision | None) -> list[dict[str, Any]]:
    """The revision's events, then its cancelled ones flagged `cancelled` (shown struck out)."""
    if revision is None:
        return []
    return [
        *({**item, "cancelled": False} for item in revision.events),
        *({**item, "cancelled": True} for item in revision.cancelled),
    ]


def revisions_of(*, week: CalendarWeek | None) -> QuerySet[PublishedRevision]:
    if week is None:
        return PublishedRevision.objects.none()
    return week.revisions.select_related("published_by").order_by("-number")


def public_unit(*, code: int) -> AdministrativeUnit:
    """A unit this deployment serves, by its GSO code; 404 otherwise."""
    unit = AdministrativeUnit.objects.hosted().filter(code=code).order_by("level").first()
    if unit is None:
        raise Http404
    return unit


def unit_for_display_token(token: str) -> AdministrativeUnit:
    screen = DisplayScreen.objects.select_related("unit").filter(token=token).first()
    if screen is None or not token:
        raise Http404
    return screen.unit


def user_for_feed_token(token: str) -> User:
    feed = (
        FeedToken.objects.select_related("user", "user__unit")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None or not token or feed.user.unit_id is None:
        raise Http404
    return feed.user


def person_feed_events(*, user: User, today: datetime.date) -> list[dict[str, Any]]:
    """Published events (latest revision of each week) the user chairs or attends,
    cancelled ones included with their flag (calendar apps then remove them)."""
    since = week_start_of(today) - datetime.timedelta(weeks=FEED_PAST_WEEKS)
    revisions = (
        PublishedRevision.objects.filter(unit_id=user.unit_id, week__start__gte=since)
        .select_related("week")
        .order_by("week__start", "-number")
    )
    latest: dict[int, PublishedRevision] = {}
    for revision in revisions:
        latest.setdefault(revision.week_id, revision)
    return [
        {**item, "revision": revision.number, "published_at": revision.published_at}
        for revision in latest.values()
        for item in published_events(revision)
        if item.get("chair_id") == user.pk or user.pk in item.get("participant_ids", [])
    ]
