"""Hồ sơ công việc: an official groups the documents of one matter (ND 30/2020 Đ28)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.models import User
from xaso.core.search import normalize_search_text
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import WorkFile

HANDLE_PERMISSION = "documents.handle_documents"


@transaction.atomic
def create_work_file(
    *, actor: User, notation: str, title: str, maintenance: str = "", description: str = ""
) -> WorkFile:
    if not actor.has_perm(HANDLE_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied
    year = timezone.localdate().year
    notation = notation.strip()
    if WorkFile.objects.filter(unit_id=actor.unit_id, year=year, notation=notation).exists():
        raise ValidationError(
            {"notation": [_("Năm nay đã có hồ sơ ký hiệu %(n)s.") % {"n": notation}]}
        )
    work_file = WorkFile(
        unit=actor.unit,
        year=year,
        notation=notation,
        title=title.strip(),
        maintenance=maintenance.strip(),
        description=description.strip(),
        keeper=actor,
        search_text=normalize_search_text(f"{notation} {title}"),
    )
    work_file.full_clean(validate_unique=False, validate_constraints=False)
    work_file.save()
    record_audit_event(action="documents.work_file_created", actor=actor, target=work_file)
    return work_file


@transaction.atomic
def add_to_work_file(
    *, actor: User, work_file: WorkFile, document: IncomingDocument | OutgoingDocument
) -> WorkFile:
    if actor.unit_id != work_file.unit_id or not actor.has_perm(HANDLE_PERMISSION):
        raise PermissionDenied
    if document.unit_id != work_file.unit_id:
        raise ValidationError(_("Văn bản không thuộc đơn vị."))
    if work_file.closed_at is not None:
        raise ValidationError(_("Hồ sơ đã kết thúc, không thêm văn bản được."))
    if isinstance(document, IncomingDocument):
        work_file.incoming.add(document)
    else:
        work_file.outgoing.add(document)
    record_audit_event(
        action="documents.work_file_document_added",
        actor=actor,
        target=work_file,
        data={"document": str(document)},
    )
    return work_file
