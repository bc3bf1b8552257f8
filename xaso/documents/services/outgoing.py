"""Outgoing documents: draft, review, approval, signing, numbering at release, recall.

Order (ND 30/2020): the drafter prepares versions (Đ10–11), the leader approves and signs
(Đ13), then the văn thư numbers and dates it (Đ15: "numbered after signature, no later
than the next working day"), registers it and sends it (Đ14). Number series: one for all
administrative documents or one per type, as the head of the unit decides (Đ15.1); secret
documents have their own series (Đ15.2). Numbers start at 01 on 1 January.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.pdf import render_pdf
from xaso.documents import doctypes
from xaso.documents.doctypes import DocumentType
from xaso.documents.models import Distribution
from xaso.documents.models import DocumentSettings
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import OutgoingFile
from xaso.documents.models import ProgressEntry
from xaso.documents.models import ReviewComment
from xaso.documents.models import Secrecy
from xaso.documents.models import Urgency
from xaso.documents.uploads import CheckedFile

HANDLE_PERMISSION = "documents.handle_documents"
APPROVE_PERMISSION = "documents.approve_documents"
REGISTER_PERMISSION = "documents.register_documents"
SETTINGS_PERMISSION = "documents.manage_document_settings"

S = OutgoingDocument.Status
EDITABLE = (S.DRAFT, S.IN_REVIEW)


def settings_for(unit: AdministrativeUnit) -> DocumentSettings:
    found, _created = DocumentSettings.objects.get_or_create(unit=unit)
    return found


@transaction.atomic
def update_settings(*, actor: User, values: dict[str, object]) -> DocumentSettings:
    if not actor.has_perm(SETTINGS_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied
    current = settings_for(actor.unit)
    before = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    record_audit_event(
        action="documents.settings_changed",
        actor=actor,
        target=current,
        data={"before": before, "after": values},
    )
    return current


def series_for(*, numbering: str, doc_type: str, secrecy: str) -> str:
    """The number series a document draws from (Đ15.1, Đ15.2)."""
    base = "all" if numbering == DocumentSettings.Numbering.SINGLE else doc_type
    return f"secret.{base}" if secrecy != Secrecy.NORMAL else base


def notation_for(*, doc_type: str, issuer: str, drafting_unit: str) -> str:
    """ "QĐ-UBND" for typed documents; "UBND-VP" for công văn (PL I, II.3: no spaces)."""
    abbreviation = doctypes.abbreviation(doc_type)
    if doc_type in doctypes.WITHOUT_ABBREVIATION or not abbreviation:
        parts = [issuer, drafting_unit]
    else:
        parts = [abbreviation, issuer]
    return "-".join(part.strip().replace(" ", "") for part in parts if part.strip())


@dataclass
class DraftData:
    doc_type: str
    subject: str
    body: str = ""
    drafting_unit_abbreviation: str = ""
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    recipients_text: str = ""
    archive_keeper: str = "Lưu: VT"
    copies: int = 1
    signer: User | None = None
    signer_competence: str = ""
    signer_title: str = ""
    internal_recipients: Sequence[User] = ()
    external_recipients: Sequence[tuple[str, str]] = field(default_factory=list)
    reply_to: IncomingDocument | None = None


def _validate(actor: User, data: DraftData) -> None:
    errors: dict[str, list[str]] = {}
    if data.doc_type not in DocumentType.values:
        errors.setdefault("doc_type", []).append(_("Tên loại văn bản không hợp lệ."))
    if not data.subject.strip():
        errors.setdefault("subject", []).append(_("Hãy nhập trích yếu nội dung."))
    if data.copies < 1:
        errors.setdefault("copies", []).append(_("Số lượng bản phải từ 1 trở lên."))
    if data.signer is not None and (
        data.signer.unit_id != actor.unit_id or not data.signer.has_perm(APPROVE_PERMISSION)
    ):
        errors.setdefault("signer", []).append(
            _("Người ký phải là lãnh đạo có thẩm quyền ký của đơn vị.")
        )
    if any(user.unit_id != actor.unit_id for user in data.internal_recipients):
        errors.setdefault("internal_recipients", []).append(
            _("Nơi nhận nội bộ phải là cán bộ của đơn vị.")
        )
    from xaso.core.models.units import agency_identifier_validator

    for organ_id, _name in data.external_recipients:
        if organ_id:
            try:
                agency_identifier_validator(organ_id)
            except ValidationError as error:
                errors.setdefault("external_recipients", []).extend(error.messages)
    if data.reply_to is not None and data.reply_to.unit_id != actor.unit_id:
        errors.setdefault("reply_to", []).append(_("Văn bản đến không thuộc đơn vị."))
    if errors:
        raise ValidationError(errors)


def _apply(document: OutgoingDocument, data: DraftData) -> None:
    document.doc_type = data.doc_type
    document.subject = data.subject.strip()
    document.body = data.body
    document.drafting_unit_abbreviation = data.drafting_unit_abbreviation.strip()
    document.urgency = data.urgency
    document.secrecy = data.secrecy
    document.recipients_text = data.recipients_text.strip()
    document.archive_keeper = data.archive_keeper.strip() or "Lưu: VT"
    document.copies = data.copies
    document.signer = data.signer
    document.signer_competence = data.signer_competence
    document.signer_title = data.signer_title.strip()
    document.reply_to = data.reply_to
    document.refresh_search_text()


def _set_recipients(document: OutgoingDocument, data: DraftData) -> None:
    document.external_recipients.all().delete()
    ExternalRecipient.objects.bulk_create(
        [
            ExternalRecipient(document=document, organ_id=organ_id, organ_name=name)
            for organ_id, name in data.external_recipients
        ]
    )
    # Internal recipients are undelivered distributions until release.
    document.distributions.all().delete()
    Distribution.objects.bulk_create(
        [Distribution(document=document, user=user) for user in data.internal_recipients]
    )


def _next_version(document: OutgoingDocument) -> int:
    last = (
        document.files.filter(kind=OutgoingFile.Kind.VERSION)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


def unit_title(unit: AdministrativeUnit) -> str:
    """ "Xã Quỳ Châu" for a commune; "Tỉnh Nghệ An" for a province (names are stored bare)."""
    if unit.is_province and not unit.name.casefold().startswith(unit.division_type.casefold()):
        return f"{unit.division_type.capitalize()} {unit.name}"
    return unit.name


def place_name(unit: AdministrativeUnit) -> str:
    """The place in box 4 without the unit type ("Quỳ Châu"); a unit setting overrides it
    (PL I's rule for communes is not in the domain notes)."""
    prefix = unit.division_type.casefold() + " "
    if unit.name.casefold().startswith(prefix):
        return unit.name[len(prefix) :]
    return unit.name


# The paper's labels (type heading) in Vietnamese; also the context of the PDF to sign
# (documents/services/signing.py).
@official_language
def layout_context(document: OutgoingDocument) -> dict[str, object]:
    unit = document.unit
    config = settings_for(unit)
    return {
        "document": document,
        "unit": unit,
        "unit_title": unit_title(unit),
        "place": config.place_name or place_name(unit),
        "heading": str(DocumentType(document.doc_type).label).split(" (")[0],
        "is_cong_van": document.doc_type in doctypes.WITHOUT_ABBREVIATION,
        "notation_preview": notation_for(
            doc_type=document.doc_type,
            issuer=config.issuer_abbreviation,
            drafting_unit=document.drafting_unit_abbreviation or config.drafting_unit_abbreviation,
        ),
        "paragraphs": [p.strip() for p in document.body.split("\n\n") if p.strip()],
        "recipient_lines": [
            line.strip() for line in document.recipients_text.splitlines() if line.strip()
        ],
    }


@official_language
def render_layout(document: OutgoingDocument) -> bytes:
    """The document in the ND 30 layout (PL I) as PDF; number and date once released."""
    return render_pdf("documents/pdf/outgoing.html", layout_context(document))


def _store_version(
    *, actor: User, document: OutgoingDocument, checked: CheckedFile | None
) -> OutgoingFile:
    version = _next_version(document)
    if checked is not None:
        item = OutgoingFile(
            document=document,
            kind=OutgoingFile.Kind.VERSION,
            version=version,
            name=checked.file.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        item.file = checked.file
    else:
        pdf = render_layout(document)
        name = f"du-thao-{slugify(document.subject)[:50] or 'van-ban'}-v{version}.pdf"
        item = OutgoingFile(
            document=document,
            kind=OutgoingFile.Kind.VERSION,
            version=version,
            name=name,
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            generated=True,
            uploaded_by=actor,
        )
        item.file.save(name, ContentFile(pdf), save=False)
    item.save()
    return item


@transaction.atomic
def create_draft(
    *,
    actor: User,
    data: DraftData,
    file: CheckedFile | None = None,
    generate: bool = False,
    replaces: OutgoingDocument | None = None,
) -> OutgoingDocument:
    """A new draft, with its first version uploaded or generated from the template."""
    if not actor.has_perm(HANDLE_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied
    _validate(actor, data)
    if file is None and not generate:
        raise ValidationError({"file": [_("Hãy tải lên tệp dự thảo hoặc chọn soạn theo mẫu.")]})
    if generate and data.doc_type not in doctypes.TEMPLATED:
        raise ValidationError(
            {"doc_type": [_("Loại văn bản này chưa có mẫu; hãy tải lên tệp dự thảo.")]}
        )
    document = OutgoingDocument(unit=actor.unit, drafted_by=actor, replaces=replaces)
    _apply(document, data)
    if not document.drafting_unit_abbreviation:
        document.drafting_unit_abbreviation = settings_for(actor.unit).drafting_unit_abbreviation
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    _set_recipients(document, data)
    _store_version(actor=actor, document=document, checked=file)
    record_audit_event(
        action="documents.outgoing_drafted",
        actor=actor,
        target=document,
        data={"doc_type": document.doc_type, "replaces": replaces.pk if replaces else None},
    )
    return document


def _check_editor(actor: User, document: OutgoingDocument) -> None:
    if actor.unit_id != document.unit_id:
        raise PermissionDenied
    if actor.pk != document.drafted_by_id and not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    if document.status not in EDITABLE:
        raise DomainError(_("Văn bản đã duyệt, không sửa được nữa."), code="not_editable")


def _lock(document: OutgoingDocument) -> OutgoingDocument:
    return OutgoingDocument.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def update_draft(*, actor: User, document: OutgoingDocument, data: DraftData) -> OutgoingDocument:
    _check_editor(actor, document)
    _validate(actor, data)
    document = _lock(document)
    _apply(document, data)
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    _set_recipients(document, data)
    record_audit_event(action="documents.outgoing_updated", actor=actor, target=document)
    return document


@transaction.atomic
def add_version(
    *, actor: User, document: OutgoingDocument, file: CheckedFile | None = None
) -> OutgoingFile:
    """A new version: an uploaded file, or the template regenerated from the fields."""
    _check_editor(actor, document)
    if file is None and document.doc_type not in doctypes.TEMPLATED:
        raise ValidationError({"file": [_("Hãy chọn tệp dự thảo mới.")]})
    item = _store_version(actor=actor, document=_lock(document), checked=file)
    record_audit_event(
        action="documents.outgoing_version_added",
        actor=actor,
        target=document,
        data={"version": item.version, "generated": item.generated},
    )
    return item


@transaction.atomic
def add_attachment(*, actor: User, document: OutgoingDocument, file: CheckedFile) -> OutgoingFile:
    _check_editor(actor, document)
    item = OutgoingFile(
        document=document,
        kind=OutgoingFile.Kind.ATTACHMENT,
        name=file.file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        uploaded_by=actor,
    )
    item.file = file.file
    item.save()
    record_audit_event(
        action="documents.outgoing_attachment_added",
        actor=actor,
        target=document,
        data={"name": item.name},
    )
    return item


def can_comment(actor: User, document: OutgoingDocument) -> bool:
    return actor.unit_id == document.unit_id and (
        actor.pk in (document.drafted_by_id, document.signer_id)
        or actor.has_perm(APPROVE_PERMISSION)
        or actor.has_perm(REGISTER_PERMISSION)
    )


@transaction.atomic
def comment(*, actor: User, document: OutgoingDocument, text: str) -> ReviewComment:
    if not can_comment(actor, document):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": [_("Hãy nhập ý kiến.")]})
    latest = (
        document.files.filter(kind=OutgoingFile.Kind.VERSION)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    item = ReviewComment.objects.create(
        document=document, author=actor, text=text.strip(), version=latest
    )
    record_audit_event(action="documents.outgoing_commented", actor=actor, target=document)
    return item


def _transition(
    document: OutgoingDocument, *, allowed: Sequence[str], message: str
) -> OutgoingDocument:
    locked = _lock(document)
    if locked.status not in allowed:
        raise DomainError(message, code="wrong_status")
    return locked


@transaction.atomic
def submit(*, actor: User, document: OutgoingDocument) -> OutgoingDocument:
    """The drafter submits the draft to the signer (trình duyệt)."""
    if actor.pk != document.drafted_by_id or actor.unit_id != document.unit_id:
        raise PermissionDenied
    document = _transition(
        document, allowed=(S.DRAFT,), message=_("Chỉ trình duyệt được văn bản đang dự thảo.")
    )
    if document.signer_id is None:
        raise ValidationError({"signer": [_("Hãy chọn lãnh đạo ký văn bản trước khi trình.")]})
    document.status = S.IN_REVIEW
    document.submitted_at = timezone.now()
    document.save(update_fields=["status", "submitted_at"])
    record_audit_event(action="documents.outgoing_submitted", actor=actor, target=document)
    return document


def _check_leader(actor: User, document: OutgoingDocument) -> None:
    if not actor.has_perm(APPROVE_PERMISSION) or actor.unit_id != document.unit_id:
        raise PermissionDenied


@transaction.atomic
def approve(*, actor: User, document: OutgoingDocument) -> OutgoingDocument:
    _check_leader(actor, document)
    document = _transition(
        document, allowed=(S.IN_REVIEW,), message=_("Văn bản chưa được trình duyệt.")
    )
    document.status = S.APPROVED
    document.approved_by = actor
    document.approved_at = timezone.now()
    document.save(update_fields=["status", "approved_by", "approved_at"])
    record_audit_event(action="documents.outgoing_approved", actor=actor, target=document)
    return document


@transaction.atomic
def return_draft(*, actor: User, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """The leader sends the draft back with a comment (it becomes editable again)."""
    _check_leader(actor, document)
    if not reason.strip():
        raise ValidationError({"text": [_("Hãy ghi lý do trả lại để người soạn sửa.")]})
    document = _transition(
        document,
        allowed=(S.IN_REVIEW, S.APPROVED),
        message=_("Chỉ trả lại được văn bản đang trình hoặc đã duyệt chưa ký."),
    )
    document.status = S.DRAFT
    document.approved_by = None
    document.approved_at = None
    document.save(update_fields=["status", "approved_by", "approved_at"])
    ReviewComment.objects.create(document=document, author=actor, text=reason.strip())
    record_audit_event(
        action="documents.outgoing_returned",
        actor=actor,
        target=document,
        data={"reason": reason.strip()},
    )
    return document


@transaction.atomic
def sign(*, actor: User, document: OutgoingDocument, reference: str = "") -> OutgoingDocument:
    """The signing step (Đ13.7): the signer signs the approved document.

    Records who and when. The digital signature (PAdES) is made by the signatures app,
    which calls this with its `reference`; without it, the paper signature is recorded.
    """
    _check_leader(actor, document)
    if document.signer_id not in (None, actor.pk):
        raise DomainError(
            _("Chỉ người ký đã chọn (%(name)s) mới ký được văn bản này.")
            % {"name": document.signer},
            code="not_signer",
        )
    document = _transition(
        document, allowed=(S.APPROVED,), message=_("Văn bản chưa được duyệt nên chưa ký được.")
    )
    document.status = S.SIGNED
    document.signer = actor
    document.signed_by = actor
    document.signed_at = timezone.now()
    document.signature_reference = reference[:200]
    document.save(
        update_fields=["status", "signer", "signed_by", "signed_at", "signature_reference"]
    )
    record_audit_event(action="documents.outgoing_signed", actor=actor, target=document)
    return document


@transaction.atomic
def release(*, actor: User, document: OutgoingDocument) -> OutgoingDocument:
    """The văn thư numbers, dates and registers the signed document and sends it.

    The number comes from the unit's series under a row lock (never repeated or skipped);
    internal recipients receive it now; external ones wait for the exchange layer by
    agency identifier. A replacement marks the replaced document (Đ18).
    """
    if not actor.has_perm(REGISTER_PERMISSION) or actor.unit_id != document.unit_id:
        raise PermissionDenied
    document = _transition(
        document,
        allowed=(S.SIGNED,),
        message=_("Văn bản phải được ký trước khi cấp số, ban hành."),
    )
    config = settings_for(document.unit)
    now = timezone.now()
    local = timezone.localtime(now)
    series = series_for(
        numbering=config.numbering, doc_type=document.doc_type, secrecy=document.secrecy
    )
    document.year = local.year
    document.series = series
    document.number = allocate_number(
        unit=document.unit, register=f"documents.outgoing.{series}", period=str(local.year)
    )
    document.notation = notation_for(
        doc_type=document.doc_type,
        issuer=config.issuer_abbreviation,
        drafting_unit=document.drafting_unit_abbreviation or config.drafting_unit_abbreviation,
    )
    document.issued_on = local.date()
    document.released_by = actor
    document.released_at = now
    document.status = S.RELEASED
    document.refresh_search_text()
    document.save()
    document.distributions.update(delivered_at=now)
    if document.replaces_id:
        OutgoingDocument.objects.filter(pk=document.replaces_id).update(status=S.REPLACED)
    if document.reply_to_id:
        IncomingDocument.objects.filter(pk=document.reply_to_id).update(reply_document=document)
        ProgressEntry.objects.create(
            document_id=document.reply_to_id,
            author=actor,
            note=_("Đã ban hành văn bản trả lời số %(code)s.") % {"code": document.number_notation},
            created_at=now,
        )
    record_audit_event(
        action="documents.outgoing_released",
        actor=actor,
        target=document,
        data={
            "year": document.year,
            "series": series,
            "number": document.number,
            "notation": document.notation,
        },
    )
    return document


@transaction.atomic
def recall(*, actor: User, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Record the recall of a released document (Đ18.4). The number stays used; the
    exchange layer tells external receivers (BussinessDocType 1) later."""
    if actor.unit_id != document.unit_id or not (
        actor.has_perm(APPROVE_PERMISSION) or actor.has_perm(REGISTER_PERMISSION)
    ):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": [_("Hãy ghi lý do thu hồi.")]})
    document = _transition(
        document, allowed=(S.RELEASED,), message=_("Chỉ thu hồi được văn bản đã ban hành.")
    )
    document.status = S.RECALLED
    document.recalled_at = timezone.now()
    document.recall_reason = reason.strip()
    document.note = (
        _("Thu hồi ngày %(date)s: %(reason)s")
        % {"date": timezone.localdate().strftime("%d/%m/%Y"), "reason": reason.strip()}
    )[:500]
    document.save(update_fields=["status", "recalled_at", "recall_reason", "note"])
    record_audit_event(
        action="documents.outgoing_recalled",
        actor=actor,
        target=document,
        data={"reason": reason.strip()},
    )
    return document


@transaction.atomic
def start_replacement(*, actor: User, document: OutgoingDocument) -> OutgoingDocument:
    """A new draft replacing a released (or recalled) document, copying its fields."""
    if document.status not in (S.RELEASED, S.RECALLED) or actor.unit_id != document.unit_id:
        raise DomainError(_("Chỉ thay thế được văn bản đã ban hành."), code="wrong_status")
    data = DraftData(
        doc_type=document.doc_type,
        subject=document.subject,
        body=document.body,
        drafting_unit_abbreviation=document.drafting_unit_abbreviation,
        urgency=document.urgency,
        secrecy=document.secrecy,
        recipients_text=document.recipients_text,
        archive_keeper=document.archive_keeper,
        copies=document.copies,
        signer=document.signer,
        signer_competence=document.signer_competence,
        signer_title=document.signer_title,
        internal_recipients=[item.user for item in document.distributions.all()],
        external_recipients=[
            (item.organ_id, item.organ_name) for item in document.external_recipients.all()
        ],
    )
    if document.doc_type not in doctypes.TEMPLATED:
        raise DomainError(
            _("Loại văn bản này chưa có mẫu; hãy tạo dự thảo mới và tải tệp lên."),
            code="no_template",
        )
    return create_draft(actor=actor, data=data, generate=True, replaces=document)


def mark_read(*, actor: User, document: OutgoingDocument) -> bool:
    """Record that an internal recipient opened the released document (first time only)."""
    return bool(
        Distribution.objects.filter(
            document=document, user=actor, delivered_at__isnull=False, read_at__isnull=True
        ).update(read_at=timezone.now())
    )
