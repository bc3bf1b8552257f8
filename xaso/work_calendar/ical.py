"""A person's published events as an iCalendar feed (RFC 5545), built with `icalendar`.

Times are local times of the unit (Asia/Ho_Chi_Minh) written with a TZID and a VTIMEZONE,
so calendar apps anywhere show them at the office's hour. The UID is stable per event, and
SEQUENCE is the week's revision number, so an adjusted event updates the copy a calendar
app already holds instead of duplicating it (RFC 5545 §3.8.7.4).
"""

import datetime
from typing import Any

import icalendar
from django.utils.translation import gettext as _

from xaso.core.working_days import VIETNAM_TZ

# An event without an end time blocks one hour in calendar apps.
DEFAULT_DURATION = datetime.timedelta(hours=1)
PRODID = "-//XaSo//Lich cong tac tuan//VI"


def event_uid(event_id: int, domain: str) -> str:
    return f"lich-cong-tac-{event_id}@{domain}"


def _moment(day: str, time: str) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time.fromisoformat(time), tzinfo=VIETNAM_TZ
    )


def build_feed(
    *, name: str, events: list[dict[str, Any]], domain: str, stamp: datetime.datetime
) -> bytes:
    """The VCALENDAR of `events` (published snapshots with `revision` and `published_at`)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(VIETNAM_TZ))
    for item in events:
        start = _moment(item["date"], item["start"])
        end = _moment(item["date"], item["end"]) if item.get("end") else start + DEFAULT_DURATION
        vevent = icalendar.Event()
        vevent.add("uid", event_uid(item["id"], domain))
        vevent.add("dtstamp", stamp.astimezone(datetime.UTC))
        vevent.add("last-modified", item["published_at"].astimezone(datetime.UTC))
        vevent.add("sequence", item["revision"] - 1)
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
        vevent.add("summary", item["content"])
        vevent.add("location", item["place"])
        vevent.add("description", _description(item))
        # RFC 5545 §3.8.1.11: a called-off meeting stays in the feed as CANCELLED so
        # calendar apps remove it with a notice instead of silently keeping it.
        vevent.add("status", "CANCELLED" if item.get("cancelled") else "CONFIRMED")
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def _description(item: dict[str, Any]) -> str:
    lines = []
    if item.get("chair"):
        lines.append(_("Chủ trì: %(name)s") % {"name": item["chair"]})
    attendees = ", ".join(item.get("participants", []))
    if item.get("participants_text"):
        attendees = ", ".join(filter(None, [attendees, item["participants_text"]]))
    if attendees:
        lines.append(_("Thành phần: %(names)s") % {"names": attendees})
    if item.get("preparation"):
        lines.append(_("Chuẩn bị: %(text)s") % {"text": item["preparation"]})
    return "\n".join(lines)
