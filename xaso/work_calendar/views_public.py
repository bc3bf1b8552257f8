"""Pages without login: the public week of a unit, the TV screen and the personal
iCalendar feed. They read published revisions only, never the working copy, so
proposals and unpublished changes cannot leak.
"""

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xaso.core.models import AdministrativeUnit
from xaso.work_calendar import ical
from xaso.work_calendar import selectors
from xaso.work_calendar.models import week_start_of


def _published_context(unit: AdministrativeUnit, start: datetime.date) -> dict[str, Any]:
    today = timezone.localdate()
    revision = selectors.latest_revision(unit_id=unit.pk, start=start)
    events = selectors.published_events(revision)
    return {
        "unit": unit,
        "start": start,
        "end": start + datetime.timedelta(days=6),
        "previous_week": start - datetime.timedelta(weeks=1),
        "next_week": start + datetime.timedelta(weeks=1),
        "revision": revision,
        "rows": selectors.week_rows(unit=unit, start=start, events=events, today=today),
        "today": today,
    }


@require_GET
def public_week(request: HttpRequest, unit_code: int) -> HttpResponse:
    unit = selectors.public_unit(code=unit_code)
    start = selectors.parse_week(request.GET.get("tuan"), today=timezone.localdate())
    return render(request, "work_calendar/public_week.html", _published_context(unit, start))


def _tv_context(request: HttpRequest, token: str) -> dict[str, Any]:
    unit = selectors.unit_for_display_token(token)
    context = _published_context(unit, week_start_of(timezone.localdate()))
    context.update(
        {
            "token": token,
            "refresh": settings.XASO_TV_REFRESH_SECONDS,
            "full_reload": settings.XASO_TV_FULL_RELOAD_SECONDS,
            "data_url": reverse("work_calendar:tv_data", args=[token]),
            "server_ms": int(timezone.now().timestamp() * 1000),
        }
    )
    return context


@never_cache
@require_GET
def tv(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "work_calendar/tv.html", _tv_context(request, token))


@never_cache
@require_GET
def tv_data(request: HttpRequest, token: str) -> HttpResponse:
    """The week table alone, fetched by the TV page's script every few seconds."""
    return render(request, "work_calendar/_tv_week.html", _tv_context(request, token))


@never_cache
@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors.user_for_feed_token(token)
    now = timezone.now()
    events = selectors.person_feed_events(user=user, today=timezone.localdate())
    body = ical.build_feed(
        name=_("Lịch công tác — %(name)s") % {"name": user.full_name or user.username},
        events=events,
        # A stable UID domain: the same event keeps its UID whatever address fetched it.
        domain=urlsplit(settings.XASO_PUBLIC_BASE_URL).hostname or "xaso",
        stamp=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-cong-tac.ics"'
    return response
