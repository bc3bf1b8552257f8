"""Writes of the work calendar: propose, compile (accept, edit, merge, reorder, reject),
publish a week, and reset the secret URLs of the TV screen and the personal feeds.

Every function takes the acting user, checks the permission and the unit, runs in one
transaction and, for the decisions that matter (reject, merge, publish, token resets),
writes the audit row in the same transaction.
"""

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.tasks import send_email
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import CalendarWeek
from xaso.work_calendar.models import DisplayScreen
from xaso.work_calendar.models import FeedToken
from xaso.work_calendar.models import PublishedRevision
from xaso.work_calendar.models import new_token
from xaso.work_calendar.models import week_start_of

VIEW_PERMISSION = "work_calendar.view_work_calendar"
PROPOSE_PERMISSION = "work_calendar.propose_calendar_event"
COMPILE_PERMISSION = "work_calendar.compile_work_calendar"
PUBLISH_PERMISSION = "work_calendar.publish_work_calendar"
DISPLAY_PERMISSION = "work_calendar.manage_calendar_display"

EVENT_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "place",
    "content",
    "chair",
    "chair_text",
    "participants_text",
    "preparation",
)

register_audit_labels(
    {
        "work_calendar.event_rejected": gettext_lazy("Không đưa sự kiện vào lịch công tác"),
        "work_calendar.events_merged": gettext_lazy("Gộp sự kiện lịch công tác"),
        "work_calendar.week_published": gettext_lazy("Phê duyệt và công bố lịch công tác tuần"),
        "work_calendar.display_token_regenerated": gettext_lazy(
            "Tạo lại địa chỉ màn hình lịch công tác"
        ),
        "work_calendar.feed_token_reset": gettext_lazy("Đặt lại địa chỉ lịch cá nhân"),
    }
)


class NothingToPublishError(DomainError):
    code = "nothing_to_publish"


class EventNotEditableError(DomainError):
    code = "event_not_editable"


def _require(user: User, permission: str) -> None:
    if not (user.is_authenticated and user.unit_id and user.has_perm(permission)):
        raise PermissionDenied


def get_or_create_week(*, unit_id: int, day: datetime.date) -> CalendarWeek:
    week, _created = CalendarWeek.objects.get_or_create(unit_id=unit_id, start=week_start_of(day))
    return week


def _resolve_participants(*, unit_id: int, participants: Iterable[Any]) -> list[User]:
    """Users of the unit from objects or ids; anything else is an unknown participant."""
    wanted = list(participants)
    ids = [p.pk if isinstance(p, User) else p for p in wanted]
    try:
        ids = [int(pk) for pk in ids]
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            {"participants": _("Người tham dự không có trong danh sách cán bộ của đơn vị.")}
        ) from exc
    found = {u.pk: u for u in User.objects.filter(pk__in=ids, unit_id=unit_id, is_active=True)}
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError(
            {
                "participants": _(
                    "Người tham dự không có trong danh sách cán bộ của đơn vị (mã: %(ids)s)."
                )
                % {"ids": ", ".join(unknown)}
            }
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _resolve_chair(*, unit_id: int, chair: Any) -> User | None:
    if chair in (None, ""):
        return None
    pk = chair.pk if isinstance(chair, User) else chair
    try:
        return User.objects.get(pk=int(pk), unit_id=unit_id, is_active=True)
    except (User.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError(
            {"chair": _("Người chủ trì không có trong danh sách cán bộ của đơn vị.")}
        ) from exc


def _check_event(event: CalendarEvent, week: CalendarWeek) -> None:
    errors: dict[str, str] = {}
    if not (week.start <= event.date <= week.end):
        errors["date"] = _(
            "Ngày %(date)s không thuộc tuần từ %(start)s đến %(end)s; "
            "hãy chọn ngày trong tuần hoặc đề xuất vào tuần khác."
        ) % {
            "date": event.date.strftime("%d/%m/%Y"),
            "start": week.start.strftime("%d/%m/%Y"),
            "end": week.end.strftime("%d/%m/%Y"),
        }
    if event.end_time is not None and event.end_time <= event.start_time:
        errors["end_time"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    if not event.content.strip():
        errors["content"] = _("Hãy ghi nội dung công việc.")
    if not event.place.strip():
        errors["place"] = _("Hãy ghi địa điểm.")
    if event.chair_id is None and not event.chair_text.strip():
        errors["chair"] = _("Hãy chọn hoặc ghi tên người chủ trì.")
    if errors:
        raise ValidationError(errors)


def _renumber_day(*, week: CalendarWeek, day: datetime.date) -> None:
    """Give the day's events positions 1, 2, … in their current order."""
    events = CalendarEvent.objects.filter(week=week, date=day).order_by("position", "pk")
    for index, item in enumerate(events, start=1):
        if item.position != index:
            CalendarEvent.objects.filter(pk=item.pk).update(position=index)


def _insert_by_time(event: CalendarEvent) -> None:
    """Place a new event before the first event of its day that starts later."""
    later = (
        CalendarEvent.objects.filter(
            week=event.week, date=event.date, start_time__gt=event.start_time
        )
        .exclude(pk=event.pk)
        .order_by("position")
        .first()
    )
    if later is None:
        top = CalendarEvent.objects.filter(week=event.week, date=event.date).exclude(pk=event.pk)
        event.position = (top.aggregate(m=Max("position"))["m"] or 0) + 1
        event.save(update_fields=["position"])
        return
    CalendarEvent.objects.filter(
        week=event.week, date=event.date, position__gte=later.position
    ).exclude(pk=event.pk).update(position=F("position") + 1)
    event.position = later.position
    event.save(update_fields=["position"])


def _mark_changed(week: CalendarWeek) -> None:
    if week.revisions.exists():
        CalendarWeek.objects.filter(pk=week.pk).update(has_unpublished_changes=True)
        week.has_unpublished_changes = True


@transaction.atomic
def propose_event(*, actor: User, week_start: datetime.date, data: dict[str, Any]) -> CalendarEvent:
    """Add a proposal to the week starting on (the Monday of) `week_start`.

    The office's own entries go straight into the compiled calendar.
    """
    _require(actor, PROPOSE_PERMISSION)
    unit_id = actor.unit_id
    week = get_or_create_week(unit_id=unit_id, day=week_start)
    participants = _resolve_participants(unit_id=unit_id, participants=data.get("participants", []))
    event = CalendarEvent(
        unit_id=unit_id,
        week=week,
        proposed_by=actor,
        status=(
            CalendarEvent.Status.ACCEPTED
            if actor.has_perm(COMPILE_PERMISSION)
            else CalendarEvent.Status.PROPOSED
        ),
    )
    _assign(event, unit_id=unit_id, data=data)
    _check_event(event, week)
    event.save()
    event.participants.set(participants)
    _insert_by_time(event)
    if event.status == CalendarEvent.Status.ACCEPTED:
        _mark_changed(week)
    return event


def _assign(event: CalendarEvent, *, unit_id: int, data: dict[str, Any]) -> None:
    for name in EVENT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "chair":
            event.chair = _resolve_chair(unit_id=unit_id, chair=value)
        elif name in ("end_time",):
            event.end_time = value or None
        else:
            setattr(event, name, value if value is not None else "")


def can_edit(user: User, event: CalendarEvent) -> bool:
    if user.unit_id != event.unit_id:
        return False
    if user.has_perm(COMPILE_PERMISSION):
        return event.status != CalendarEvent.Status.MERGED
    return (
        user.has_perm(PROPOSE_PERMISSION)
        and event.proposed_by_id == user.pk
        and event.status == CalendarEvent.Status.PROPOSED
    )


@transaction.atomic
def update_event(*, actor: User, event: CalendarEvent, data: dict[str, Any]) -> CalendarEvent:
    """Edit an event: the office any time, the proposer while it waits for compiling."""
    event = CalendarEvent.objects.select_for_update().get(pk=event.pk, unit_id=actor.unit_id)
    if not can_edit(actor, event):
        raise PermissionDenied
    old_date = event.date
    participants = None
    if "participants" in data:
        participants = _resolve_participants(
            unit_id=event.unit_id, participants=data["participants"]
        )
    _assign(event, unit_id=event.unit_id, data=data)
    _check_event(event, event.week)
    event.save()
    if participants is not None:
        event.participants.set(participants)
    if old_date != event.date:
        _renumber_day(week=event.week, day=old_date)
        _insert_by_time(event)
    if event.status == CalendarEvent.Status.ACCEPTED:
        _mark_changed(event.week)
    return event


def _compile_target(actor: User, event: CalendarEvent) -> CalendarEvent:
    _require(actor, COMPILE_PERMISSION)
    return CalendarEvent.objects.select_for_update().get(pk=event.pk, unit_id=actor.unit_id)


@transaction.atomic
def accept_event(*, actor: User, event: CalendarEvent) -> CalendarEvent:
    """Put a proposal (or a rejected event) into the compiled week."""
    event = _compile_target(actor, event)
    if event.status == CalendarEvent.Status.MERGED:
        raise EventNotEditableError(_("Sự kiện này đã được gộp vào sự kiện khác."))
    event.status = CalendarEvent.Status.ACCEPTED
    event.rejection_reason = ""
    event.save(update_fields=["status", "rejection_reason", "updated_at"])
    _mark_changed(event.week)
    return event


@transaction.atomic
def reject_event(*, actor: User, event: CalendarEvent, reason: str) -> CalendarEvent:
    """Leave an event out of the week, telling the proposer why."""
    event = _compile_target(actor, event)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do không đưa sự kiện vào lịch.")})
    if event.status == CalendarEvent.Status.MERGED:
        raise EventNotEditableError(_("Sự kiện này đã được gộp vào sự kiện khác."))
    was_accepted = event.status == CalendarEvent.Status.ACCEPTED
    event.status = CalendarEvent.Status.REJECTED
    event.rejection_reason = reason
    event.save(update_fields=["status", "rejection_reason", "updated_at"])
    if was_accepted:
        _mark_changed(event.week)
    _notify_rejection(event=event, reason=reason, actor=actor)
    record_audit_event(
        action="work_calendar.event_rejected",
        actor=actor,
        target=event,
        data={"reason": reason, "date": event.date, "content": event.content[:200]},
    )
    return event


# Sent by e-mail: in Vietnamese, not in the screen language of who rejected it (core/i18n.py).
@official_language
def _notify_rejection(*, event: CalendarEvent, reason: str, actor: User) -> None:
    """E-mail the proposer (after commit) why the event stays out of the week."""
    proposer = event.proposed_by
    if proposer.pk == actor.pk or not proposer.email:
        return
    subject = _("Đề xuất lịch công tác không được đưa vào lịch")
    body = _(
        'Đề xuất "%(content)s" ngày %(date)s lúc %(time)s không được đưa vào lịch công tác '
        "tuần.\nLý do: %(reason)s\nNgười tổng hợp: %(actor)s"
    ) % {
        "content": event.content,
        "date": event.date.strftime("%d/%m/%Y"),
        "time": event.start_time.strftime("%H:%M"),
        "reason": reason,
        "actor": actor,
    }
    transaction.on_commit(
        functools.partial(
            send_email.enqueue, subject=subject, body=body, recipients=[proposer.email]
        )
    )


@transaction.atomic
def merge_events(*, actor: User, source: CalendarEvent, target: CalendarEvent) -> CalendarEvent:
    """Fold `source` into `target` (same week): participants and preparation are joined."""
    source = _compile_target(actor, source)
    target = _compile_target(actor, target)
    if source.pk == target.pk or source.week_id != target.week_id:
        raise ValidationError(
            {"target": _("Chỉ gộp được hai sự kiện khác nhau của cùng một tuần.")}
        )
    if CalendarEvent.Status.MERGED in (source.status, target.status):
        raise EventNotEditableError(_("Sự kiện này đã được gộp vào sự kiện khác."))
    target.participants.add(*source.participants.all())
    if source.chair_id and source.chair_id != target.chair_id:
        target.participants.add(source.chair_id)
    target.participants_text = _join(target.participants_text, source.participants_text)
    target.preparation = _join(target.preparation, source.preparation, sep="; ")[:300]
    target.status = CalendarEvent.Status.ACCEPTED
    target.save()
    source.status = CalendarEvent.Status.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    _mark_changed(target.week)
    record_audit_event(
        action="work_calendar.events_merged",
        actor=actor,
        target=target,
        data={"merged": source.pk, "into": target.pk},
    )
    return target


def _join(first: str, second: str, *, sep: str = "\n") -> str:
    parts = [p.strip() for p in (first, second) if p and p.strip()]
    unique = list(dict.fromkeys(parts))
    return sep.join(unique)


@transaction.atomic
def move_event(*, actor: User, event: CalendarEvent, up: bool) -> CalendarEvent:
    """Swap the event with its neighbour of the same day (the order printed in the week)."""
    event = _compile_target(actor, event)
    _renumber_day(week=event.week, day=event.date)
    event.refresh_from_db()
    siblings = CalendarEvent.objects.filter(week=event.week, date=event.date).exclude(pk=event.pk)
    if up:
        neighbour = siblings.filter(position__lt=event.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=event.position).order_by("position").first()
    if neighbour is None:
        return event
    event.position, neighbour.position = neighbour.position, event.position
    CalendarEvent.objects.filter(pk=event.pk).update(position=event.position)
    CalendarEvent.objects.filter(pk=neighbour.pk).update(position=neighbour.position)
    if CalendarEvent.Status.ACCEPTED in (event.status, neighbour.status):
        _mark_changed(event.week)
    return event


def event_snapshot(event: CalendarEvent) -> dict[str, Any]:
    """The event as published (JSON values), the shape every public view reads."""
    participants = list(event.participants.all())
    return {
        "id": event.pk,
        "date": event.date.isoformat(),
        "start": event.start_time.strftime("%H:%M"),
        "end": event.end_time.strftime("%H:%M") if event.end_time else "",
        "place": event.place,
        "content": event.content,
        "chair": event.chair_name,
        "chair_id": event.chair_id,
        "participant_ids": [p.pk for p in participants],
        "participants": [str(p) for p in participants],
        "participants_text": event.participants_text,
        "preparation": event.preparation,
    }


_COMPARED = (
    "date",
    "start",
    "end",
    "place",
    "content",
    "chair",
    "participants",
    "participants_text",
    "preparation",
)


@transaction.atomic
def publish_week(*, actor: User, week: CalendarWeek, note: str = "") -> PublishedRevision:
    """Approve and publish the compiled week as a new revision (the earlier ones stay).

    A revision after the first is an adjustment ("điều chỉnh"): each event that is new or
    differs from the previous revision is flagged `changed`.
    """
    _require(actor, PUBLISH_PERMISSION)
    week = CalendarWeek.objects.select_for_update().get(pk=week.pk, unit_id=actor.unit_id)
    previous = week.revisions.order_by("-number").first()
    if previous is not None and not week.has_unpublished_changes:
        raise NothingToPublishError(
            _("Lịch tuần này không có thay đổi nào kể từ lần công bố trước.")
        )
    events = (
        week.events.filter(status=CalendarEvent.Status.ACCEPTED)
        .select_related("chair")
        .prefetch_related("participants")
        .order_by("date", "position", "start_time", "pk")
    )
    before = {item["id"]: item for item in (previous.events if previous else [])}
    snapshot = []
    for event in events:
        item = event_snapshot(event)
        old = before.get(event.pk)
        item["changed"] = previous is not None and (
            old is None or any(old.get(key) != item[key] for key in _COMPARED)
        )
        snapshot.append(item)
    if previous is None and not snapshot:
        raise NothingToPublishError(_("Chưa có sự kiện nào được đưa vào lịch tuần này để công bố."))
    kept = {item["id"] for item in snapshot}
    removed = [item for item in before.values() if item["id"] not in kept]
    # Cancelled since the first publication and still absent: shown as "đã hủy" so nobody
    # turns up for a meeting that was called off, and sent as STATUS:CANCELLED in feeds.
    earlier = [item for item in (previous.cancelled if previous else []) if item["id"] not in kept]
    cancelled = earlier + [{**item, "changed": True} for item in removed]
    revision = PublishedRevision.objects.create(
        unit_id=week.unit_id,
        week=week,
        number=(previous.number + 1) if previous else 1,
        events=snapshot,
        cancelled=cancelled,
        note=(note or "").strip()[:300],
        published_by=actor,
        published_at=timezone.now(),
    )
    week.has_unpublished_changes = False
    week.save(update_fields=["has_unpublished_changes"])
    record_audit_event(
        action="work_calendar.week_published",
        actor=actor,
        target=revision,
        data={
            "week": week.start,
            "revision": revision.number,
            "events": len(snapshot),
            "changed": [item["id"] for item in snapshot if item["changed"]],
            "removed": [item["id"] for item in removed],
        },
    )
    return revision


@transaction.atomic
def display_screen_for(*, unit_id: int) -> DisplayScreen:
    screen, _created = DisplayScreen.objects.get_or_create(unit_id=unit_id)
    return screen


@transaction.atomic
def regenerate_display_token(*, actor: User) -> DisplayScreen:
    """A new TV address for the unit; screens using the old one stop showing the week."""
    _require(actor, DISPLAY_PERMISSION)
    screen = display_screen_for(unit_id=actor.unit_id)
    screen.token = new_token()
    screen.save(update_fields=["token", "regenerated_at"])
    record_audit_event(action="work_calendar.display_token_regenerated", actor=actor, target=screen)
    return screen


@transaction.atomic
def feed_token_for(*, user: User) -> FeedToken:
    feed, _created = FeedToken.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_feed_token(*, actor: User) -> FeedToken:
    """A new personal feed address; calendar apps using the old one stop receiving events."""
    _require(actor, VIEW_PERMISSION)
    feed = feed_token_for(user=actor)
    feed.token = new_token()
    feed.save(update_fields=["token", "reset_at"])
    record_audit_event(action="work_calendar.feed_token_reset", actor=actor, target=feed)
    return feed
