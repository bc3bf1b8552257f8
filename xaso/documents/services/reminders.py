"""Reminders of incoming documents near or past their handling deadline (ND 30/2020 Đ24:
the office follows up and reminds). Sent by the background job in tasks.py, at most once a
day per official and document; the official's e-mail is the channel (SMS later)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import working_days
from xaso.core.services.calendar import calendar_for_unit
from xaso.documents.models import Handler
from xaso.documents.models import IncomingDocument


@dataclass(frozen=True)
class Reminder:
    handler_id: int
    email: str
    overdue: bool
    subject: str
    body: str


def due_reminders(*, now: datetime.datetime | None = None) -> list[Reminder]:
    """Open assignments whose deadline has passed or ends by the next working day."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    handlers = (
        Handler.objects.filter(
            done_at__isnull=True,
            document__status=IncomingDocument.Status.ASSIGNED,
            document__due_at__isnull=False,
        )
        .exclude(reminded_on=today)
        .select_related("user", "document", "document__unit")
        .order_by("document__due_at")
    )
    calendars: dict[int, working_days.WorkCalendar] = {}
    reminders = []
    for handler in handlers:
        document = handler.document
        cal = calendars.setdefault(document.unit_id, calendar_for_unit(document.unit))
        horizon = working_days.end_of_day(cal, working_days.next_working_day(cal, today))
        if document.due_at > horizon or not handler.user.email:
            continue
        overdue = document.due_at < now
        values = {
            "number": document.arrival_number,
            "year": document.arrival_year,
            "subject": document.subject,
            "body": document.issuing_body,
            "due": timezone.localtime(document.due_at).strftime("%H:%M %d/%m/%Y"),
            "role": handler.get_role_display(),
        }
        title = (
            _("[XãSố] Văn bản đến số %(number)s/%(year)s đã quá hạn giải quyết")
            if overdue
            else _("[XãSố] Văn bản đến số %(number)s/%(year)s sắp đến hạn giải quyết")
        ) % values
        text = (
            _(
                "Văn bản đến số %(number)s/%(year)s của %(body)s: %(subject)s.\n"
                "Vai trò của bạn: %(role)s. Thời hạn giải quyết: %(due)s.\n"
            )
            % values
        )
        reminders.append(
            Reminder(
                handler_id=handler.pk,
                email=handler.user.email,
                overdue=overdue,
                subject=title,
                body=text + f"{settings.XASO_PUBLIC_BASE_URL}/van-ban/den/{document.pk}/",
            )
        )
    return reminders


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Send today's reminders; each is marked in its own transaction (idempotent)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sent = 0
    for reminder in due_reminders(now=now):
        with transaction.atomic():
            marked = (
                Handler.objects.filter(pk=reminder.handler_id)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            )
            if not marked:
                continue
            send_mail(
                subject=reminder.subject,
                message=reminder.body,
                from_email=None,
                recipient_list=[reminder.email],
            )
            sent += 1
    return sent
