"""Work calendar API (mounted at /api/v1/lich-cong-tac/): read the published weeks of the
caller's unit and propose an event. Thin: each operation calls one selector or service.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.core.models import User
from xaso.work_calendar import selectors
from xaso.work_calendar import services

router = Router(tags=["lich-cong-tac"])


class WeekQueryIn(Schema):
    # Any date of the wanted week (ISO); this week when empty.
    ngay: datetime.date | None = None


class PublishedEventOut(Schema):
    id: int
    date: datetime.date
    start: str
    end: str
    place: str
    content: str
    chair: str
    participants: list[str]
    participants_text: str
    preparation: str
    changed: bool
    cancelled: bool


class PublishedWeekOut(Schema):
    start: datetime.date
    end: datetime.date
    published: bool
    revision: int | None
    published_at: datetime.datetime | None
    is_adjustment: bool
    events: list[PublishedEventOut]


class EventIn(Schema):
    week_start: datetime.date
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time | None = None
    place: str
    content: str
    chair_id: int | None = None
    chair_text: str = ""
    participant_ids: list[int] = []
    participants_text: str = ""
    preparation: str = ""


class EventOut(Schema):
    id: int
    week_start: datetime.date
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time | None
    place: str
    content: str
    chair_id: int | None
    chair_text: str
    participant_ids: list[int]
    participants_text: str
    preparation: str
    status: str


def _user(request: HttpRequest) -> User:
    user = request.user
    if not user.unit_id or not user.has_perm(services.VIEW_PERMISSION):  # type: ignore[union-attr]
        raise PermissionDenied
    return user  # type: ignore[return-value]


@router.get("/tuan", response=PublishedWeekOut, summary="Lịch công tác tuần đã công bố")
def published_week(request: HttpRequest, query: Query[WeekQueryIn]) -> dict[str, Any]:
    user = _user(request)
    start = selectors.parse_week(
        query.ngay.isoformat() if query.ngay else None, today=timezone.localdate()
    )
    revision = selectors.latest_revision(unit_id=user.unit_id, start=start)
    return {
        "start": start,
        "end": start + datetime.timedelta(days=6),
        "published": revision is not None,
        "revision": revision.number if revision else None,
        "published_at": revision.published_at if revision else None,
        "is_adjustment": bool(revision and revision.is_adjustment),
        # Cancelled events follow the others, with `cancelled` true.
        "events": [
            {**item, "changed": item.get("changed", False)}
            for item in selectors.published_events(revision)
        ],
    }


@router.post(
    "/su-kien", response={201: EventOut}, summary="Đề xuất một sự kiện vào lịch công tác tuần"
)
def propose_event(request: HttpRequest, payload: EventIn) -> Status:
    user = request.user
    if not user.unit_id or not user.has_perm(services.PROPOSE_PERMISSION):  # type: ignore[union-attr]
        raise PermissionDenied
    event = services.propose_event(
        actor=user,  # type: ignore[arg-type]
        week_start=payload.week_start,
        data={
            "date": payload.date,
            "start_time": payload.start_time,
            "end_time": payload.end_time,
            "place": payload.place,
            "content": payload.content,
            "chair": payload.chair_id,
            "chair_text": payload.chair_text,
            "participants": payload.participant_ids,
            "participants_text": payload.participants_text,
            "preparation": payload.preparation,
        },
    )
    return Status(
        201,
        {
            "id": event.pk,
            "week_start": event.week.start,
            "date": event.date,
            "start_time": event.start_time,
            "end_time": event.end_time,
            "place": event.place,
            "content": event.content,
            "chair_id": event.chair_id,
            "chair_text": event.chair_text,
            "participant_ids": [p.pk for p in event.participants.all()],
            "participants_text": event.participants_text,
            "preparation": event.preparation,
            "status": event.status,
        },
    )
