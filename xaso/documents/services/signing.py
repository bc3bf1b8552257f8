"""Digital signatures of outgoing documents (ND 30/2020 Đ5, Đ13.7, Đ14.3, Đ17.2; PL I).

Order: the competent person signs the approved document (blue image in box 7c), then the
văn thư numbers and dates it and signs as the organisation (red seal over the left third of
the signer's image); separate attachments get the văn thư's attachment signature (number
and ISO 8601 time top-right of page 1, no image).

Number and date after the signer's signature: the layout generated for signing carries
empty text fields for them. The signer makes a certification signature with DocMDP P=2
(only form filling and signing allowed afterwards); the organisation's signature field is
placed before that, since a new visible field after certification would count as a
modification. At release the văn thư fills the two fields (form filling) and signs into the
prepared field; the verifier then reports the signer's signature intact (FORM_FILLING).
All PDF work goes through the signatures app's services.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import render_pdf
from xaso.documents import doctypes
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import OutgoingFile
from xaso.documents.services import outgoing
from xaso.signatures import services as signatures

NUMBER_FIELD = "so-ky-hieu"
DATE_FIELD = "ngay-thang"
SIGNATURE_FIELD = "o-7c"
ORGANISATION_FIELD = "organisation-1"
S = OutgoingDocument.Status
K = OutgoingFile.Kind
# Box 7c on the last page of an uploaded PDF without the field: right half, above the
# bottom margin (PDF points from the bottom-left).
DEFAULT_SIGNER_BOX = (330.0, 120.0, 480.0, 190.0)


def signed_file(document: OutgoingDocument) -> OutgoingFile | None:
    """The latest signed electronic original of `document`, or None."""
    return document.files.filter(kind=K.SIGNED).order_by("-pk").first()


def _pdf_to_sign(document: OutgoingDocument) -> bytes:
    """The generated layout with the fields for number and date, or the latest PDF version
    uploaded (without fields: number and date are then only in the register and the edXML
    header)."""
    if document.doc_type in doctypes.TEMPLATED:
        context = outgoing.layout_context(document)
        context.update(
            for_signing=True,
            number_field=NUMBER_FIELD,
            date_field=DATE_FIELD,
            signature_field=SIGNATURE_FIELD,
        )
        return render_pdf("documents/pdf/outgoing.html", context)
    latest = document.files.filter(kind=K.VERSION).order_by("-version").first()
    if latest is None or latest.content_type != "application/pdf":
        raise DomainError(
            _("Văn bản chưa có phiên bản PDF để ký số; hãy tải lên bản PDF cuối cùng."),
            code="no_pdf",
        )
    with latest.file.open("rb") as handle:
        return handle.read()


def _store(
    *, actor: User, document: OutgoingDocument, kind: str, name: str, data: bytes
) -> OutgoingFile:
    item = OutgoingFile(
        document=document,
        kind=kind,
        name=name[:200],
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    item.file.save(name[:100], ContentFile(data), save=False)
    item.save()
    return item


def sign_digitally(
    *, actor: User, document: OutgoingDocument, key: signatures.Pkcs12Key | signatures.TokenKey
) -> OutgoingDocument:
    """The competent person signs the approved document with his token or .p12 (Đ13.7).

    Nothing changes when the key, PIN or certificate is refused (SigningError)."""
    outgoing._check_leader(actor, document)
    if document.status != S.APPROVED:
        raise DomainError(_("Văn bản chưa được duyệt nên chưa ký được."), code="wrong_status")
    if document.signer_id not in (None, actor.pk):
        raise DomainError(
            _("Chỉ người ký đã chọn (%(name)s) mới ký được văn bản này.")
            % {"name": document.signer},
            code="not_signer",
        )
    pdf = _pdf_to_sign(document)
    placed = signatures.pdf_field_box(pdf, SIGNATURE_FIELD)
    page, box = placed if placed is not None else (-1, DEFAULT_SIGNER_BOX)
    if placed is not None:
        # The seal's field, before certifying (see the module docstring).
        seal = signatures.Appearance.organisation(signer_box=box, page=page)
        pdf = signatures.add_pdf_signature_field(
            pdf, name=ORGANISATION_FIELD, page=page, box=seal.box
        )
    signed = signatures.sign_pdf_as(
        actor=actor,
        pdf_bytes=pdf,
        signer=key,
        appearance=signatures.Appearance.signer(box=box, page=page),
        reason=official(gettext_lazy("Ký ban hành")),
        location=outgoing.place_name(document.unit),
        certify_form_filling=placed is not None,
    )
    with transaction.atomic():
        document = outgoing.sign(
            actor=actor, document=document, reference=hashlib.sha256(signed).hexdigest()
        )
        stem = slugify(document.subject)[:50] or "van-ban"
        _store(actor=actor, document=document, kind=K.SIGNED, name=f"{stem}-da-ky.pdf", data=signed)
    return document


@official_language
def _date_line(document: OutgoingDocument) -> str:
    config = outgoing.settings_for(document.unit)
    place = config.place_name or outgoing.place_name(document.unit)
    day = document.issued_on
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "place": place,
        "d": f"{day.day:02d}",
        "m": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "y": day.year,
    }


def release_signed(
    *,
    actor: User,
    document: OutgoingDocument,
    key: signatures.Pkcs12Key | signatures.TokenKey | None,
) -> OutgoingDocument:
    """Number and release (outgoing.release), then fill number and date into the signed
    PDF, add the organisation's signature and sign the separate attachments (Đ14.3, Đ17.2).

    The edXML packages for external recipients are built and signed with the same key in
    the same transaction (exchange.sign_release), queued and sent after the commit.

    One transaction: a refused key or PIN leaves the document signed and unnumbered."""
    if not actor.has_perm(outgoing.REGISTER_PERMISSION) or actor.unit_id != document.unit_id:
        raise PermissionDenied
    original = signed_file(document)
    if original is None:
        # Signed on paper (no digital original): the existing release.
        return outgoing.release(actor=actor, document=document)
    if key is None:
        raise DomainError(
            _("Văn bản đã ký số: hãy dùng khóa ký của cơ quan để ký số khi phát hành."),
            code="no_key",
        )
    from xaso.documents import exchange  # exchange builds on this module

    # Refuse before numbering (e.g. a recipient without an exchange address).
    exchange.check_recipients(document)
    with original.file.open("rb") as handle:
        pdf = handle.read()
    with transaction.atomic():
        document = outgoing.release(actor=actor, document=document)
        names = signatures.pdf_field_names(pdf)
        if {NUMBER_FIELD, DATE_FIELD} <= names:
            pdf = signatures.fill_pdf_fields(
                pdf,
                values={NUMBER_FIELD: document.number_notation, DATE_FIELD: _date_line(document)},
            )
        placed = signatures.pdf_field_box(pdf, SIGNATURE_FIELD)
        page, box = placed if placed is not None else (-1, DEFAULT_SIGNER_BOX)
        signed = signatures.sign_pdf_as(
            actor=actor,
            pdf_bytes=pdf,
            signer=key,
            appearance=signatures.Appearance.organisation(signer_box=box, page=page),
            reason=official(gettext_lazy("Ký số của cơ quan, tổ chức")),
            location=outgoing.place_name(document.unit),
        )
        code = document.number_notation
        stem = code.replace("/", "-")
        _store(actor=actor, document=document, kind=K.SIGNED, name=f"{stem}.pdf", data=signed)
        for attachment in document.files.filter(kind=K.ATTACHMENT):
            if attachment.content_type != "application/pdf":
                continue
            with attachment.file.open("rb") as handle:
                data = handle.read()
            signed_attachment = signatures.sign_pdf_as(
                actor=actor,
                pdf_bytes=data,
                signer=key,
                appearance=signatures.Appearance.attachment(document_number=code),
            )
            _store(
                actor=actor,
                document=document,
                kind=K.SIGNED_ATTACHMENT,
                name=f"{stem}-{attachment.name}",
                data=signed_attachment,
            )
        # The edXML packages are built and signed now, while the key is in hand (a token
        # is not kept): a refused key undoes the numbering too.
        exchange.sign_release(document, key=key, actor=actor)
        record_audit_event(
            action="documents.outgoing_organisation_signed",
            actor=actor,
            target=document,
            data={"number": code, "signed_sha256": hashlib.sha256(signed).hexdigest()},
        )
    return document


def released_files(document: OutgoingDocument) -> list[OutgoingFile]:
    """What is sent: the latest signed original and the signed attachments."""
    main = signed_file(document)
    if main is None:
        return []
    return [main, *document.files.filter(kind=K.SIGNED_ATTACHMENT).order_by("pk")]
