"""Presenting, assigning and handling incoming documents (ND 30/2020 Đ23, Đ24).

The văn thư presents the document to the competent leader the same or the next working
day; the leader records the lead (chủ trì), co-ordinators (phối hợp), the deadline and the
instruction (the "phiếu giải quyết văn bản đến", PL IV); the officials record progress,
attach results and link the reply.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import working_days
from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.services.calendar import calendar_for_unit
from xaso.core.tasks import send_email
from xaso.documents.models import Handler
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import ProgressEntry

ASSIGN_PERMISSION = "documents.assign_documents"
HANDLE_PERMISSION = "documents.handle_documents"
REGISTER_PERMISSION = "documents.register_documents"
MAX_DEADLINE_DAYS = 90


def _lock(document: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=document.pk)


def _check_unit(actor: User, document: IncomingDocument) -> None:
    if actor.unit_id is None or actor.unit_id != document.unit_id:
        raise PermissionDenied


def leaders_of(unit_id: int) -> list[User]:
    """Active staff of the unit who may assign documents (chủ tịch, phó chủ tịch)."""
    users = (
        User.objects.filter(unit_id=unit_id, is_active=True)
        .prefetch_related("positions__permissions")
        .order_by("full_name")
    )
    return [user for user in users if user.has_perm(ASSIGN_PERMISSION)]


def officials_of(unit_id: int) -> list[User]:
    """Active staff of the unit who may be given documents to handle."""
    users = User.objects.filter(unit_id=unit_id, is_active=True).order_by("full_name")
    return [user for user in users if user.has_perm(HANDLE_PERMISSION)]


@transaction.atomic
def present(*, actor: User, document: IncomingDocument, leader: User) -> IncomingDocument:
    """The văn thư presents the document to a leader (Đ23.1)."""
    if not actor.has_perm(REGISTER_PERMISSION):
        raise PermissionDenied
    _check_unit(actor, document)
    document = _lock(document)
    if document.status not in (
        IncomingDocument.Status.REGISTERED,
        IncomingDocument.Status.PRESENTED,
    ):
        raise DomainError(_("Văn bản đã được phân công, không trình lại được."), code="not_open")
    if leader.unit_id != document.unit_id or not leader.has_perm(ASSIGN_PERMISSION):
        raise ValidationError({"leader": [_("Người được trình phải là lãnh đạo của đơn vị.")]})
    now = timezone.now()
    document.status = IncomingDocument.Status.PRESENTED
    document.presented_to = leader
    document.presented_at = now
    document.transferred_at = now
    document.recipient_text = str(leader)
    document.save(
        update_fields=["status", "presented_to", "presented_at", "transferred_at", "recipient_text"]
    )
    record_audit_event(
        action="documents.incoming_presented",
        actor=actor,
        target=document,
        data={"leader": leader.username},
    )
    return document


@dataclass
class AssignmentData:
    lead: User
    coordinators: Sequence[User] = ()
    deadline_days: int | None = None
    instruction: str = ""


def due_for(document: IncomingDocument, *, days: int, start=None):
    """End of the `days`-th working day from `start` in the unit's calendar."""
    cal = calendar_for_unit(document.unit)
    return working_days.add_working_days(
        cal,
        start or timezone.now(),
        days,
        first_day_is_receipt_day=settings.XASO_DOCUMENT_FIRST_DAY_IS_ASSIGNMENT_DAY,
    )


@transaction.atomic
def assign(*, actor: User, document: IncomingDocument, data: AssignmentData) -> IncomingDocument:
    """The leader assigns the document (Đ23.2). Re-assigning replaces open assignees."""
    if not actor.has_perm(ASSIGN_PERMISSION):
        raise PermissionDenied
    _check_unit(actor, document)
    document = _lock(document)
    if document.status in (IncomingDocument.Status.DONE, IncomingDocument.Status.FILED):
        raise DomainError(_("Văn bản đã giải quyết xong, không phân công lại."), code="closed")
    errors: dict[str, list[str]] = {}
    if data.lead.unit_id != document.unit_id or not data.lead.has_perm(HANDLE_PERMISSION):
        errors.setdefault("lead", []).append(
            _("Người chủ trì phải là cán bộ, công chức của đơn vị.")
        )
    coordinators = [user for user in data.coordinators if user.pk != data.lead.pk]
    if any(user.unit_id != document.unit_id for user in coordinators):
        errors.setdefault("coordinators", []).append(
            _("Người phối hợp phải là cán bộ, công chức của đơn vị.")
        )
    if data.deadline_days is not None and not 0 <= data.deadline_days <= MAX_DEADLINE_DAYS:
        errors.setdefault("deadline_days", []).append(
            _("Thời hạn giải quyết từ 0 đến %(max)s ngày làm việc.") % {"max": MAX_DEADLINE_DAYS}
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    document.handlers.filter(done_at__isnull=True).delete()
    kept = set(document.handlers.values_list("user_id", flat=True))
    Handler.objects.bulk_create(
        [
            Handler(document=document, user=user, role=role, assigned_at=now)
            for user, role in [(data.lead, Handler.Role.LEAD)]
            + [(user, Handler.Role.COORDINATE) for user in coordinators]
            if user.pk not in kept
        ]
    )
    document.status = IncomingDocument.Status.ASSIGNED
    document.assigned_by = actor
    document.assigned_at = now
    document.instruction = data.instruction.strip()
    document.deadline_days = data.deadline_days
    document.due_at = (
        due_for(document, days=data.deadline_days, start=now)
        if data.deadline_days is not None
        else None
    )
    names = [str(data.lead)] + [str(user) for user in coordinators]
    document.recipient_text = "; ".join(names)[:300]
    document.transferred_at = document.transferred_at or now
    document.save()
    _notify_assignees(document, [data.lead, *coordinators])
    record_audit_event(
        action="documents.incoming_assigned",
        actor=actor,
        target=document,
        data={
            "lead": data.lead.username,
            "coordinators": [user.username for user in coordinators],
            "deadline_days": data.deadline_days,
            "due_at": document.due_at.isoformat() if document.due_at else None,
        },
    )
    return document


# Sent by e-mail: in Vietnamese, not in the language of the official who assigned it.
@official_language
def _notify_assignees(document: IncomingDocument, users: Sequence[User]) -> None:
    """E-mail the officials their new assignment, after the commit (never on rollback)."""
    recipients = [user.email for user in users if user.email]
    if not recipients:
        return
    values = {
        "number": document.arrival_number,
        "year": document.arrival_year,
        "body": document.issuing_body,
        "subject": document.subject,
        "due": (
            timezone.localtime(document.due_at).strftime("%H:%M %d/%m/%Y")
            if document.due_at
            else _("không có")
        ),
    }
    transaction.on_commit(
        functools.partial(
            send_email.enqueue,
            subject=_("[XãSố] Được giao giải quyết văn bản đến số %(number)s/%(year)s") % values,
            body=_(
                "Văn bản đến số %(number)s/%(year)s của %(body)s: %(subject)s.\n"
                "Thời hạn giải quyết: %(due)s."
            )
            % values,
            recipients=recipients,
        )
    )


@transaction.atomic
def file_for_information(*, actor: User, document: IncomingDocument, note: str) -> IncomingDocument:
    """The leader decides the document needs no handling (lưu, để biết)."""
    if not actor.has_perm(ASSIGN_PERMISSION):
        raise PermissionDenied
    _check_unit(actor, document)
    document = _lock(document)
    if not document.is_open:
        raise DomainError(_("Văn bản đã giải quyết xong."), code="closed")
    document.status = IncomingDocument.Status.FILED
    document.completed_at = timezone.now()
    document.instruction = note.strip() or document.instruction
    document.save(update_fields=["status", "completed_at", "instruction"])
    record_audit_event(action="documents.incoming_filed", actor=actor, target=document)
    return document


@transaction.atomic
def record_progress(
    *,
    actor: User,
    document: IncomingDocument,
    note: str,
    file: UploadedFile | None = None,
    content_type: str = "",
    completes: bool = False,
) -> ProgressEntry:
    """An assignee records progress; the lead's completion closes the document."""
    _check_unit(actor, document)
    handler = document.handlers.filter(user=actor).first()
    if handler is None:
        raise PermissionDenied
    document = _lock(document)
    if document.status != IncomingDocument.Status.ASSIGNED:
        raise DomainError(_("Văn bản không còn trong thời gian giải quyết."), code="not_open")
    if not note.strip():
        raise ValidationError({"note": [_("Hãy ghi nội dung tiến độ hoặc kết quả.")]})
    if completes and handler.role != Handler.Role.LEAD:
        raise ValidationError(
            {"completes": [_("Chỉ người chủ trì mới báo cáo hoàn thành văn bản.")]}
        )
    now = timezone.now()
    entry = ProgressEntry(
        document=document, author=actor, note=note.strip(), completes=completes, created_at=now
    )
    if file is not None:
        entry.file = file
        entry.content_type = content_type
    entry.save()
    if completes:
        document.handlers.filter(done_at__isnull=True).update(done_at=now)
        document.status = IncomingDocument.Status.DONE
        document.completed_at = now
        document.save(update_fields=["status", "completed_at"])
    record_audit_event(
        action="documents.incoming_progress",
        actor=actor,
        target=document,
        data={"completes": completes, "has_file": file is not None},
    )
    return entry


@transaction.atomic
def link_reply(
    *, actor: User, document: IncomingDocument, reply: OutgoingDocument
) -> IncomingDocument:
    """Record the outgoing document that answers this incoming one."""
    _check_unit(actor, document)
    if not document.handlers.filter(user=actor).exists() and not actor.has_perm(
        REGISTER_PERMISSION
    ):
        raise PermissionDenied
    if reply.unit_id != document.unit_id:
        raise ValidationError({"reply": [_("Văn bản trả lời phải của đơn vị.")]})
    document = _lock(document)
    document.reply_document = reply
    document.save(update_fields=["reply_document"])
    if reply.reply_to_id is None:
        OutgoingDocument.objects.filter(pk=reply.pk).update(reply_to=document)
    record_audit_event(
        action="documents.incoming_reply_linked",
        actor=actor,
        target=document,
        data={"reply": reply.number_notation or reply.pk},
    )
    return document
