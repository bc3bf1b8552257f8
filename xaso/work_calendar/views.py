"""Staff pages of the work calendar: the week, propose and edit events, the office's
compiling actions, the leader's publication, the printable week, the personal feed
address and the TV screen address.

Compiling actions answer HTMX requests with the refreshed week table and plain form
posts with a redirect, so every page works without JavaScript.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.core.pdf import render_pdf
from xaso.work_calendar import selectors
from xaso.work_calendar import services
from xaso.work_calendar.forms import EventForm
from xaso.work_calendar.forms import MergeForm
from xaso.work_calendar.forms import PublishForm
from xaso.work_calendar.forms import RejectForm
from xaso.work_calendar.models import CalendarEvent


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permission: str) -> None:
    if not user.unit_id or not user.has_perm(permission):
        raise PermissionDenied


def _week_url(start: datetime.date) -> str:
    return f"{reverse('work_calendar:week')}?tuan={start.isoformat()}"


def _week_context(request: HttpRequest, start: datetime.date) -> dict[str, Any]:
    actor = _actor(request)
    today = timezone.localdate()
    week = selectors.week_of_user(user=actor, start=start)
    events = []
    for event in selectors.working_events(user=actor, week=week):
        item = services.event_snapshot(event)
        item["obj"] = event
        item["can_edit"] = services.can_edit(actor, event)
        events.append(item)
    can_compile = actor.has_perm(services.COMPILE_PERMISSION)
    return {
        "start": start,
        "end": start + datetime.timedelta(days=6),
        "previous_week": start - datetime.timedelta(weeks=1),
        "next_week": start + datetime.timedelta(weeks=1),
        "this_week": start == selectors.parse_week(None, today=today),
        "week": week,
        "rows": selectors.week_rows(unit=actor.unit, start=start, events=events, today=today),
        "revisions": selectors.revisions_of(week=week),
        "can_propose": actor.has_perm(services.PROPOSE_PERMISSION),
        "can_compile": can_compile,
        "can_publish": actor.has_perm(services.PUBLISH_PERMISSION),
        "merge_choices": [e for e in events if e["obj"].status != CalendarEvent.Status.MERGED]
        if can_compile
        else [],
        "publish_form": PublishForm(),
    }


@login_required
@require_GET
def week_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.VIEW_PERMISSION)
    start = selectors.parse_week(request.GET.get("tuan"), today=timezone.localdate())
    return render(request, "work_calendar/week.html", _week_context(request, start))


def _after_compile(request: HttpRequest, start: datetime.date) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, "work_calendar/_week_table.html", _week_context(request, start))
    return redirect(_week_url(start))


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.PROPOSE_PERMISSION)
    start = selectors.parse_week(
        request.POST.get("tuan") or request.GET.get("tuan"), today=timezone.localdate()
    )
    if request.method == "POST":
        form = EventForm(request.POST, unit_id=actor.unit_id)
        if form.is_valid():
            try:
                services.propose_event(actor=actor, week_start=start, data=form.event_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi sự kiện vào lịch công tác tuần."))
                return redirect(_week_url(start))
    else:
        form = EventForm(unit_id=actor.unit_id, initial={"date": _default_day(start)})
    return render(
        request,
        "work_calendar/event_form.html",
        {"form": form, "start": start, "end": start + datetime.timedelta(days=6), "event": None},
    )


def _default_day(start: datetime.date) -> datetime.date:
    today = timezone.localdate()
    return today if start <= today <= start + datetime.timedelta(days=6) else start


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.PROPOSE_PERMISSION)
    event = selectors.get_event_for(user=actor, pk=pk)
    if not services.can_edit(actor, event):
        raise PermissionDenied
    start = event.week.start
    if request.method == "POST":
        form = EventForm(request.POST, unit_id=actor.unit_id)
        if form.is_valid():
            try:
                services.update_event(actor=actor, event=event, data=form.event_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã sửa sự kiện."))
                return redirect(_week_url(start))
    else:
        form = EventForm(
            unit_id=actor.unit_id,
            initial={
                "date": event.date,
                "start_time": event.start_time,
                "end_time": event.end_time,
                "content": event.content,
                "place": event.place,
                "chair": event.chair_id,
                "chair_text": event.chair_text,
                "participants": [p.pk for p in event.participants.all()],
                "participants_text": event.participants_text,
                "preparation": event.preparation,
            },
        )
    return render(
        request,
        "work_calendar/event_form.html",
        {"form": form, "start": start, "end": event.week.end, "event": event},
    )


def _compile_event(request: HttpRequest, pk: int) -> CalendarEvent:
    actor = _actor(request)
    _require(actor, services.COMPILE_PERMISSION)
    return selectors.get_event_for(user=actor, pk=pk)


@login_required
@require_POST
def event_accept(request: HttpRequest, pk: int) -> HttpResponse:
    event = _compile_event(request, pk)
    try:
        services.accept_event(actor=_actor(request), event=event)
    except DomainError as error:
        messages.error(request, error.message)
    return _after_compile(request, event.week.start)


@login_required
@require_POST
def event_reject(request: HttpRequest, pk: int) -> HttpResponse:
    event = _compile_event(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do không đưa sự kiện vào lịch."))
        return _after_compile(request, event.week.start)
    try:
        services.reject_event(
            actor=_actor(request), event=event, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, DomainError) as error:
        messages.error(request, _message(error))
    return _after_compile(request, event.week.start)


@login_required
@require_POST
def event_merge(request: HttpRequest, pk: int) -> HttpResponse:
    event = _compile_event(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn sự kiện để gộp vào."))
        return _after_compile(request, event.week.start)
    target = selectors.get_event_for(user=_actor(request), pk=form.cleaned_data["target"])
    try:
        services.merge_events(actor=_actor(request), source=event, target=target)
    except (ValidationError, DomainError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Đã gộp hai sự kiện."))
    return _after_compile(request, event.week.start)


@login_required
@require_POST
def event_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    event = _compile_event(request, pk)
    services.move_event(actor=_actor(request), event=event, up=direction == "len")
    return _after_compile(request, event.week.start)


def _message(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@login_required
@require_POST
def publish(request: HttpRequest, start: str) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.PUBLISH_PERMISSION)
    week_start = selectors.parse_week(start, today=timezone.localdate())
    week = selectors.week_of_user(user=actor, start=week_start)
    if week is None:
        messages.error(request, _("Chưa có sự kiện nào được đưa vào lịch tuần này để công bố."))
        return redirect(_week_url(week_start))
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        revision = services.publish_week(actor=actor, week=week, note=note)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if revision.is_adjustment:
            messages.success(
                request,
                _("Đã công bố lịch điều chỉnh (lần %(number)s).") % {"number": revision.number},
            )
        else:
            messages.success(request, _("Đã phê duyệt và công bố lịch công tác tuần."))
    return redirect(_week_url(week_start))


@login_required
@require_GET
@official_language
def week_pdf(request: HttpRequest, start: str) -> HttpResponse:
    """The printable week: the latest published revision, or the draft marked as such."""
    actor = _actor(request)
    _require(actor, services.VIEW_PERMISSION)
    week_start = selectors.parse_week(start, today=timezone.localdate())
    revision = selectors.latest_revision(unit_id=actor.unit_id, start=week_start)
    if revision is not None:
        events = selectors.published_events(revision)
    else:
        week = selectors.week_of_user(user=actor, start=week_start)
        events = [
            services.event_snapshot(e)
            for e in selectors.working_events(user=actor, week=week).filter(
                status=CalendarEvent.Status.ACCEPTED
            )
        ]
    rows = selectors.week_rows(
        unit=actor.unit, start=week_start, events=events, today=timezone.localdate()
    )
    pdf = render_pdf(
        "work_calendar/pdf/week.html",
        {
            "unit": actor.unit,
            "start": week_start,
            "end": week_start + datetime.timedelta(days=6),
            "rows": rows,
            "revision": revision,
            "iso_week": week_start.isocalendar().week,
        },
    )
    return pdf_response(pdf, f"lich-cong-tac-{week_start.isoformat()}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def my_feed(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.VIEW_PERMISSION)
    if request.method == "POST":
        services.reset_feed_token(actor=actor)
        messages.success(request, _("Đã tạo địa chỉ mới; địa chỉ cũ không còn dùng được."))
        return redirect("work_calendar:my_feed")
    feed = services.feed_token_for(user=actor)
    url = request.build_absolute_uri(reverse("work_calendar:ical_feed", args=[feed.token]))
    return render(request, "work_calendar/my_feed.html", {"feed": feed, "feed_url": url})


@login_required
@require_http_methods(["GET", "POST"])
def display_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.DISPLAY_PERMISSION)
    if request.method == "POST":
        services.regenerate_display_token(actor=actor)
        messages.success(
            request,
            _("Đã tạo địa chỉ màn hình mới; màn hình dùng địa chỉ cũ sẽ không hiện lịch nữa."),
        )
        return redirect("work_calendar:display_settings")
    screen = services.display_screen_for(unit_id=actor.unit_id)
    url = request.build_absolute_uri(reverse("work_calendar:tv", args=[screen.token]))
    return render(
        request,
        "work_calendar/display_settings.html",
        {
            "screen": screen,
            "tv_url": url,
            "public_url": request.build_absolute_uri(
                reverse("work_calendar_public:week", args=[actor.unit.code])
            ),
            "refresh": settings.XASO_TV_REFRESH_SECONDS,
        },
    )
