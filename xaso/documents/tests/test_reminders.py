"""Deadline reminders as a background job: near and overdue items, once a day."""

import datetime
import io

from django.core import mail
from django.core.management import call_command

from xaso.documents.services import handling
from xaso.documents.tests.conftest import VN


def test_reminders_for_near_and_overdue_documents_once_a_day(
    time_machine, register, chairman, official, land_official
):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=VN), tick=False)
    official.email = "vanphong@example.vn"
    official.save()
    land_official.email = ""
    land_official.save()
    near = register(code_number="1")
    later = register(code_number="2")
    handling.assign(
        actor=chairman,
        document=near,
        data=handling.AssignmentData(lead=official, coordinators=[land_official], deadline_days=1),
    )
    handling.assign(
        actor=chairman,
        document=later,
        data=handling.AssignmentData(lead=official, deadline_days=10),
    )

    # The job runs through the real task backend (immediate in tests, db_worker in production).
    call_command("send_document_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vanphong@example.vn"]
    assert "sắp đến hạn giải quyết" in mail.outbox[0].subject
    assert "17:00 26/11/2026" in mail.outbox[0].body

    call_command("send_document_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # at most once a day

    time_machine.move_to(datetime.datetime(2026, 11, 27, 8, 0, tzinfo=VN), tick=False)
    call_command("send_document_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert "đã quá hạn giải quyết" in mail.outbox[1].subject
