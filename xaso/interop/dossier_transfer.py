"""Inter-level one-stop transfer over the exchange (ND 61/2018 Đ19.7; onestop.md §7).

The commune's one-stop transfers a dossier to a province agency; the province receives it as
a dossier of its own (own code and book number), processes it, and returns its signed result
to the commune's desk, which hands it to the citizen. Statuses flow both ways.

Carried on the ordinary edXML transport (outbox with retries, idempotent inbound endpoint):

- The transfer: an edXML document package (QCVN 102) whose attachments are the dossier as
  JSON (`ho-so-lien-thong.json`, format `xaso-lien-thong-ho-so` v1: procedure code,
  applicant, declared data, received and due time, components) and every scanned component.
  QCVN 102 has no business type for a one-stop dossier (the national one-stop systems
  exchange dossiers by their own APIs, not described in /work/shared/domain), so the dossier
  rides as a typed attachment of a document package; the header says what it is.
- Statuses from the province: edXML status packages about the transfer package (its
  DocumentId): 03 đã tiếp nhận (with the province's dossier code), 05 đang xử lý, 06 đã có
  kết quả, 02 từ chối (with the reason).
- The result: an edXML document package answering the transfer (ResponseFor) with the result
  as JSON (`ket-qua-lien-thong.json`) and the PDF signed with the province unit's
  organisation signature (xaso.signatures).

A scan the sender zipped (some systems zip files before base64, documents.md §9.2) is
unpacked within limits into one file per entry (xaso.interop.zipped); a hostile archive
refuses the transfer with its reason.

Both kinds of package are claimed here (handlers.claim_documents): they never reach the
incoming-documents register.
"""

import datetime
import hashlib
import json
import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.applicants.models import Applicant
from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.i18n import official_text
from xaso.core.models import User
from xaso.dossiers import extensions
from xaso.dossiers import uploads
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import Result
from xaso.dossiers.models.dossiers import Channel
from xaso.dossiers.services import processing
from xaso.dossiers.services import reception
from xaso.dossiers.services import results
from xaso.dossiers.services import transfer_results
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop import zipped
from xaso.interop.edxml import StatusCode
from xaso.interop.edxml import types as t
from xaso.interop.edxml.rules import VIETNAM
from xaso.interop.edxml.rules import make_document_id
from xaso.interop.models import DossierTransfer
from xaso.interop.models import DossierTransferStatus
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer
from xaso.signatures import services as signatures

logger = logging.getLogger(__name__)

DOSSIER_ATTACHMENT = "ho-so-lien-thong.json"
DOSSIER_FORMAT = "xaso-lien-thong-ho-so"
RESULT_ATTACHMENT = "ket-qua-lien-thong.json"
RESULT_FORMAT = "xaso-ket-qua-lien-thong"
FORMAT_VERSION = 1
TRANSFER_NOTATION = "HSLT"  # hồ sơ liên thông
RESULT_NOTATION = "KQLT"  # kết quả liên thông
# Where the organisation signature goes on the result's last page (box 7c of ND 30 PL I on
# an A4 page); the result PDFs of the procedures follow that layout.
RESULT_SIGNER_BOX = (330.0, 120.0, 480.0, 180.0)
OUT = DossierTransfer.Direction.OUTGOING
IN = DossierTransfer.Direction.INCOMING

STATUS_LABELS = {
    StatusCode.ARRIVED: gettext_lazy("Đã đến cơ quan nhận"),
    StatusCode.REJECTED: gettext_lazy("Bị từ chối"),
    StatusCode.ACCEPTED: gettext_lazy("Đã tiếp nhận"),
    StatusCode.AWAITING_ASSIGNMENT: gettext_lazy("Chờ phân công"),
    StatusCode.ASSIGNED: gettext_lazy("Đang xử lý"),
    StatusCode.DONE: gettext_lazy("Đã có kết quả"),
}
_CODE_IN_DESCRIPTION = re.compile(r"mã hồ sơ ([A-Za-z0-9.\-]+)")

register_audit_labels(
    {
        "interop.dossier_transferred": gettext_lazy("Chuyển hồ sơ liên thông điện tử"),
        "interop.dossier_transfer_received": gettext_lazy("Tiếp nhận hồ sơ liên thông điện tử"),
        "interop.dossier_result_sent": gettext_lazy("Gửi kết quả hồ sơ liên thông"),
        "interop.dossier_result_received": gettext_lazy("Nhận kết quả hồ sơ liên thông"),
        "interop.dossier_transfer_refused": gettext_lazy("Cơ quan nhận liên thông từ chối hồ sơ"),
    }
)


def status_label(code: str) -> str:
    try:
        return str(STATUS_LABELS.get(StatusCode(code), code))
    except ValueError:
        return code


def _now_vietnam() -> datetime.datetime:
    return timezone.now().astimezone(VIETNAM).replace(microsecond=0)


def _iso(value: datetime.datetime | None) -> str | None:
    return value.astimezone(VIETNAM).isoformat() if value else None


# --- the commune: transfer out ----------------------------------------------------------------


def transfer_peers(unit) -> list[Peer]:
    """The agencies `unit` can transfer to: active peers with an address to deliver to."""
    return list(
        Peer.objects.for_unit(unit).filter(is_active=True).exclude(endpoint_url="").order_by("name")
    )


def _dossier_payload(dossier: Dossier, *, actor: User, due_at, note: str) -> tuple[dict, list]:
    applicant = dossier.applicant
    components, attachments = [], []
    for index, document in enumerate(dossier.documents.order_by("id"), start=1):
        content_id = ""
        if document.file:
            with document.file.open("rb") as handle:
                data = handle.read()
            content_id = f"thanhphan{index}"
            attachments.append(
                t.Attachment(
                    content_id=content_id,
                    name=document.file.name.rsplit("/", 1)[-1][:200],
                    content_type=document.content_type or "application/octet-stream",
                    data=data,
                    description=document.name[:250],
                )
            )
        components.append(
            {
                "name": document.name,
                "is_original": document.is_original,
                "quantity": document.quantity,
                "attachment": content_id,
                "sha256": document.sha256,
            }
        )
    payload = {
        "format": DOSSIER_FORMAT,
        "version": FORMAT_VERSION,
        "dossier": {
            "code": dossier.code,
            "unit": dossier.unit.name,
            "procedure_code": dossier.procedure.code,
            "procedure_name": dossier.procedure.name,
            "received_at": _iso(dossier.received_at),
            "due_at": _iso(dossier.due_at),
            "channel": dossier.channel,
            "delivery_method": dossier.delivery_method,
            "declared_data": dossier.declared_data,
            "note": dossier.note,
        },
        "applicant": {
            "kind": applicant.kind,
            "full_name": applicant.full_name,
            "id_number": applicant.id_number,
            "date_of_birth": applicant.date_of_birth.isoformat()
            if applicant.date_of_birth
            else None,
            "sex": applicant.sex,
            "address": applicant.address,
            "phone": applicant.phone,
            "email": applicant.email,
        },
        "transfer": {"due_at": _iso(due_at), "note": note, "sent_by": actor.get_full_name()},
        "components": components,
    }
    return payload, attachments


def _json_attachment(name: str, payload: dict) -> t.Attachment:
    return t.Attachment(
        content_id=name.removesuffix(".json"),
        name=name,
        content_type="application/json",
        data=json.dumps(payload, ensure_ascii=False, default=str).encode(),
    )


def transfer_out(
    *, actor: User, dossier: Dossier, peer_id: int | None, due_in_days: int, note: str = ""
) -> DossierTransfer:
    """Transfer `dossier` to the peer agency `peer_id`: the one-stop transfer is recorded
    (its rules: the official holding the step, received or in progress) and the package
    queued for delivery, in one transaction. Raises ValidationError / WorkflowError with a
    Vietnamese message; nothing changes then."""
    unit = dossier.unit
    peer = (
        Peer.objects.for_unit(unit)
        .filter(pk=peer_id, is_active=True)
        .exclude(endpoint_url="")
        .first()
        if peer_id
        else None
    )
    if peer is None:
        raise ValidationError(
            {"peer": _("Hãy chọn cơ quan nhận trong danh sách cơ quan liên thông của đơn vị.")}
        )
    ours = services.our_identifier(unit)
    if not ours:
        raise ValidationError(
            _("Đơn vị chưa có mã định danh điện tử còn hiệu lực nên chưa gửi liên thông được.")
        )
    with transaction.atomic():
        transfer = processing.transfer_dossier(
            actor=actor,
            dossier=dossier,
            agency_name=peer.name,
            agency_identifier=peer.organ_id,
            due_in_days=due_in_days,
            note=note,
        )
        dossier.refresh_from_db()
        today = timezone.localdate()
        # The one-stop transfer's id numbers the package: unique in this deployment, known
        # before the link row is written (its DocumentId is unique per unit).
        number = str(transfer.pk)
        document_id = make_document_id(
            organ_id=ours, date=today, number=number, notation=TRANSFER_NOTATION
        )
        link = DossierTransfer.objects.create(
            unit=unit,
            direction=OUT,
            peer=peer,
            dossier=dossier,
            transfer=transfer,
            document_id=document_id,
            remote_unit_name=peer.name,
        )
        payload, scans = _dossier_payload(dossier, actor=actor, due_at=transfer.due_at, note=note)
        package = t.Package(
            header=t.MessageHeader(
                from_=t.Organization(organ_id=ours, organ_name=unit.name[:200]),
                to=[t.Organization(organ_id=peer.organ_id, organ_name=peer.name[:200])],
                code=t.Code(number=number, notation=TRANSFER_NOTATION),
                promulgation_info=t.PromulgationInfo(date=today),
                document_type=t.DocumentType(
                    type=1, type_name="Hồ sơ thủ tục hành chính liên thông"
                ),
                subject=(f"Chuyển hồ sơ {dossier.code}: {dossier.procedure.name}")[:500],
                signer_info=t.SignerInfo(full_name=actor.get_full_name()[:50]),
            ),
            trace_headers=[t.TraceHeader(organ_id=ours, timestamp=_now_vietnam())],
            attachments=[_json_attachment(DOSSIER_ATTACHMENT, payload), *scans],
        )
        [outbound] = services.send_document(unit=unit, package=package, actor=actor)
        link.outbound = outbound
        link.save(update_fields=["outbound"])
        record_audit_event(
            action="interop.dossier_transferred",
            actor=actor,
            unit=unit,
            target=dossier,
            data={"code": dossier.code, "to": peer.organ_id, "document_id": link.document_id},
        )
    return link


# --- statuses, both ways ----------------------------------------------------------------------


def record_status(received: handlers.ReceivedStatus) -> None:
    """A status about a transfer we sent (commune) or a result we sent back (province)."""
    status = received.status
    row = received.inbound or received.outbound
    if row is None:
        return
    document_id = status.response_for.document_id
    links = DossierTransfer.objects.select_for_update().filter(unit_id=row.unit_id)
    # Two lookups rather than an OR over a nullable join (PostgreSQL cannot lock that).
    link = links.filter(direction=OUT, document_id=document_id).first()
    if link is None:
        sent = OutboundPackage.objects.filter(
            unit_id=row.unit_id, document_id=document_id
        ).values_list("pk", flat=True)
        link = links.filter(direction=IN, result_outbound_id__in=list(sent)).first()
    if link is None:
        return
    DossierTransferStatus.objects.create(
        transfer=link,
        code=status.status_code.value,
        description=status.description,
        at=status.timestamp,
    )
    newer_known = link.statuses.filter(at__gt=status.timestamp).exists()
    if link.direction == OUT:
        found = _CODE_IN_DESCRIPTION.search(status.description)
        if found and not link.remote_code:
            link.remote_code = found.group(1)
        # A status delivered late (retried while a newer one went through) stays in the
        # history but does not overwrite the newer one.
        if not newer_known:
            link.remote_status = status.status_code.value
            link.remote_status_note = status.description
        link.save(update_fields=["remote_status", "remote_status_note", "remote_code"])
        if status.status_code == StatusCode.REJECTED:
            _apply_refusal(link, status.description)


@official_language
def refusal_reason(description: str) -> str:
    """The province's reason in a status 02: its description without the "refused" prefix
    the province writes after appraisal (on_dossier_transition)."""
    prefix = _("Từ chối giải quyết: %(reason)s") % {"reason": ""}
    reason = description.strip()
    return reason.removeprefix(prefix).strip() if prefix else reason


@official_language
def _apply_refusal(link: DossierTransfer, description: str) -> None:
    """A refusal by the higher agency (status 02, at its reception or after appraisal) brings
    the commune dossier back from "transferred" the way a paper result is recorded
    (processing.record_transfer_return, audited): the transfer closes with the reason and
    processing resumes at the step that transferred it, so the official holding it can
    refuse the request to the citizen through the ordinary refusal (ND 61/2018 Đ19.8) or
    send it elsewhere. Applied once; the transfer's own deadline never restarts the
    dossier's."""
    if link.result_received_at is not None:
        return  # a result already came back: a late refusal does not undo it
    transfer = link.transfer
    dossier = link.dossier
    if transfer is None or transfer.returned_at is not None:
        return
    if dossier.status != Dossier.Status.TRANSFERRED:
        return
    note = _("Cơ quan cấp tỉnh từ chối: %(reason)s") % {
        "reason": refusal_reason(description) or _("không nêu lý do")
    }
    # The answer is received by the receiving one-stop (ND 61/2018 Đ19.7), in the name of
    # its officer; else the official holding the step that transferred it.
    step = dossier.current_step
    actor = _reception_officer(link.unit) or (step.assignee if step else None)
    if actor is None:
        logger.warning("Dossier transfer %s refused: nobody to record it", link.document_id)
        return
    try:
        returned = processing.record_transfer_return(
            actor=actor, dossier=dossier, return_note=note[:1000]
        )
    except (ValidationError, DomainError) as exc:
        # The status stays recorded; the one-stop records the return by hand.
        logger.warning("Dossier transfer %s refused, not applied: %s", link.document_id, exc)
        return
    record_audit_event(
        action="interop.dossier_transfer_refused",
        unit=link.unit,
        target=dossier,
        data={
            "code": dossier.code,
            "from": link.peer.organ_id if link.peer_id else "",
            "transfer": returned.pk,
            "reason": note,
        },
    )


def _send_province_status(link: DossierTransfer, code: StatusCode, description: str, actor) -> None:
    try:
        services.send_status(
            inbound=link.inbound,
            status_code=code,
            description=description[:1000],
            staff=t.StaffInfo(staff=actor.get_full_name()[:50]) if actor else None,
            actor=actor,
        )
    except ValidationError:
        # The commune stopped being a peer (or lost its address): the province's own work
        # goes on; the status is not sent and the transfer page shows the last one sent.
        logger.warning("Dossier transfer %s: status %s not sent", link.document_id, code.value)
        return
    DossierTransferStatus.objects.create(
        transfer=link, code=code.value, description=description, at=timezone.now()
    )
    link.remote_status = code.value
    link.remote_status_note = description
    link.save(update_fields=["remote_status", "remote_status_note"])


@official_language
def on_dossier_transition(event: extensions.TransitionEvent) -> None:
    """The province tells the commune what became of a dossier it transferred."""
    link = (
        DossierTransfer.objects.filter(direction=IN, dossier_id=event.dossier.pk)
        .select_related("inbound", "peer", "unit")
        .first()
    )
    if link is None or link.inbound is None:
        return
    sent = set(link.statuses.values_list("code", flat=True))
    to = event.to_status
    if to == Dossier.Status.REFUSED:
        _send_province_status(
            link,
            StatusCode.REJECTED,
            _("Từ chối giải quyết: %(reason)s") % {"reason": event.note},
            event.actor,
        )
    elif to == Dossier.Status.RESULT_READY and StatusCode.DONE.value not in sent:
        _send_province_status(
            link, StatusCode.DONE, _("Đã có kết quả giải quyết, chờ gửi về."), event.actor
        )
    elif (
        to in (Dossier.Status.IN_PROGRESS, Dossier.Status.WAITING_APPROVAL)
        and StatusCode.ASSIGNED.value not in sent
    ):
        _send_province_status(link, StatusCode.ASSIGNED, _("Đang giải quyết."), event.actor)


# --- the province: receipt --------------------------------------------------------------------


def _attachment(package: t.Package, name: str) -> t.Attachment | None:
    return next((item for item in package.attachments if item.name == name), None)


def _payload(package: t.Package, name: str, fmt: str) -> dict[str, Any] | None:
    item = _attachment(package, name)
    if item is None:
        return None
    try:
        payload = json.loads(item.data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("format") != fmt:
        return {}
    return payload


def is_dossier_package(package: t.Package) -> bool:
    return any(item.name in (DOSSIER_ATTACHMENT, RESULT_ATTACHMENT) for item in package.attachments)


def _reception_officer(unit) -> User | None:
    """Who the dossier is received in the name of: the unit's one-stop officer (the first
    active holder of the reception permission). The exchange receives it automatically, as
    the higher one-stop does when the record is shared (ND 61/2018 Đ19.7)."""
    for user in User.objects.filter(unit=unit, is_active=True).order_by("username"):
        if user.has_perm("dossiers.receive_dossier"):
            return user
    return None


def _refuse(message: str) -> handlers.Outcome:
    return handlers.Outcome(status_code=StatusCode.REJECTED, description=message[:1000])


def _applicant(unit, data: dict[str, Any], actor: User) -> Applicant:
    id_number = str(data.get("id_number") or "")[:20]
    if id_number:
        existing = Applicant.objects.filter(unit=unit, id_number=id_number).first()
        if existing is not None:
            return existing
    birth = data.get("date_of_birth")
    applicant = Applicant(
        unit=unit,
        kind=data.get("kind") or Applicant.Kind.PERSON,
        full_name=str(data.get("full_name") or "")[:200],
        id_number=id_number,
        date_of_birth=datetime.date.fromisoformat(birth) if birth else None,
        sex=str(data.get("sex") or ""),
        address=str(data.get("address") or "")[:300],
        phone=str(data.get("phone") or "")[:20],
        email=str(data.get("email") or "")[:254],
        created_by=actor,
    )
    applicant.full_clean()
    applicant.save()
    return applicant


def _unzipped_documents(component: dict, item: t.Attachment) -> list[reception.ReceivedDocument]:
    """A zipped component: one document per file of the archive, each a scan checked as
    at the desk (PDF, JPEG or PNG; the dossier's upload limit)."""
    name = str(component.get("name") or "")
    documents = []
    for entry in zipped.unpack(item):
        checked = uploads.check_upload(SimpleUploadedFile(entry.name, entry.data))
        documents.append(
            reception.ReceivedDocument(
                name=f"{name} ({entry.name})"[:500],
                is_original=bool(component.get("is_original")),
                quantity=int(component.get("quantity") or 1),
                file=checked.file,
                content_type=checked.content_type,
                sha256=checked.sha256,
            )
        )
    return documents


def _received_documents(payload: dict, package: t.Package) -> list[reception.ReceivedDocument]:
    """The dossier's components with their scans; a zipped scan is unpacked (ZipRefusedError
    or ValidationError for a hostile or unusable archive: the whole transfer is refused)."""
    scans = {item.content_id: item for item in package.attachments}
    documents = []
    for component in payload.get("components") or []:
        item = scans.get(component.get("attachment") or "")
        if item is not None and zipped.is_zip(item):
            documents.extend(_unzipped_documents(component, item))
            continue
        document = reception.ReceivedDocument(
            name=str(component.get("name") or "")[:500],
            is_original=bool(component.get("is_original")),
            quantity=int(component.get("quantity") or 1),
        )
        if item is not None:
            document.file = ContentFile(item.data, name=item.name)
            document.content_type = item.content_type
            document.sha256 = hashlib.sha256(item.data).hexdigest()
        documents.append(document)
    return documents


@official_language
def _receive_transfer(received: handlers.ReceivedDocument, payload: dict) -> handlers.Outcome:
    inbound = received.inbound
    unit = inbound.unit
    header = received.package.header
    existing = DossierTransfer.objects.filter(
        unit=unit, direction=IN, document_id=header.document_id
    ).first()
    if existing is not None:  # the same transfer under another package row: never twice
        return handlers.Outcome(
            status_code=StatusCode.ACCEPTED,
            description=_("Đã tiếp nhận, mã hồ sơ %(code)s") % {"code": existing.dossier.code},
        )
    if not payload:
        return _refuse(_("Tệp hồ sơ liên thông không đọc được hoặc không đúng định dạng."))
    dossier_data = payload.get("dossier") or {}
    code = str(dossier_data.get("procedure_code") or "")
    procedure = Procedure.objects.filter(unit=unit, code=code, is_active=True).first()
    if procedure is None:
        return _refuse(
            _("Thủ tục %(code)s không có trong danh mục thủ tục đang áp dụng của %(unit)s.")
            % {"code": code or "?", "unit": unit.name}
        )
    actor = _reception_officer(unit)
    if actor is None:
        return _refuse(
            _("%(unit)s chưa có cán bộ Bộ phận Một cửa tiếp nhận hồ sơ.") % {"unit": unit.name}
        )
    try:
        documents = _received_documents(payload, received.package)
    except (ValidationError, DomainError) as exc:
        messages = getattr(exc, "messages", None) or [getattr(exc, "message", None) or str(exc)]
        return _refuse("; ".join(str(message) for message in messages))
    except (ValueError, TypeError):  # e.g. a quantity that is not a number
        return _refuse(_("Tệp hồ sơ liên thông không đọc được hoặc không đúng định dạng."))
    origin_code = str(dossier_data.get("code") or "")[:60]
    try:
        applicant = _applicant(unit, payload.get("applicant") or {}, actor)
        dossier = reception.receive_dossier(
            actor=actor,
            data=reception.ReceptionData(
                procedure=procedure,
                applicant=applicant,
                channel=Channel.ONLINE,
                delivery_method=DeliveryMethod.DESK,
                note=_("Hồ sơ liên thông từ %(unit)s, mã hồ sơ %(code)s")
                % {"unit": header.from_.organ_name or header.from_.organ_id, "code": origin_code},
                declared_data=dossier_data.get("declared_data") or {},
                documents=documents,
            ),
        )
    except (ValidationError, PermissionDenied, DomainError, ValueError) as exc:
        reception.discard_stored_scans(documents)
        messages = getattr(exc, "messages", None) or [str(exc) or _("Không tiếp nhận được.")]
        return _refuse("; ".join(str(message) for message in messages))
    except Exception:
        reception.discard_stored_scans(documents)
        raise
    link = DossierTransfer.objects.create(
        unit=unit,
        direction=IN,
        peer=inbound.peer,
        dossier=dossier,
        document_id=header.document_id,
        remote_code=origin_code,
        remote_unit_name=str(dossier_data.get("unit") or header.from_.organ_name)[:300],
        inbound=inbound,
        remote_status=StatusCode.ACCEPTED.value,
    )
    description = _("Đã tiếp nhận, mã hồ sơ %(code)s") % {"code": dossier.code}
    DossierTransferStatus.objects.create(
        transfer=link, code=StatusCode.ACCEPTED.value, description=description, at=timezone.now()
    )
    record_audit_event(
        action="interop.dossier_transfer_received",
        unit=unit,
        target=dossier,
        data={"code": dossier.code, "origin_code": origin_code, "from": header.from_.organ_id},
    )
    return handlers.Outcome(status_code=StatusCode.ACCEPTED, description=description)


# --- the province: result back ----------------------------------------------------------------


def incoming_link(dossier: Dossier) -> DossierTransfer | None:
    return (
        DossierTransfer.objects.filter(direction=IN, dossier=dossier)
        .select_related("peer", "inbound")
        .first()
    )


def send_result(*, actor: User, dossier: Dossier, signer: signatures.SignerKey) -> DossierTransfer:
    """Sign the result PDF with the unit's organisation key, send it to the commune that
    transferred the dossier, and close the dossier here as returned to that one-stop."""
    if not actor.has_perm("dossiers.return_result") or actor.unit_id != dossier.unit_id:
        raise PermissionDenied
    link = incoming_link(dossier)
    if link is None:
        raise ValidationError(_("Hồ sơ này không phải hồ sơ liên thông nhận từ đơn vị khác."))
    if link.result_outbound_id:
        raise ValidationError(_("Kết quả đã được gửi về %(unit)s.") % {"unit": link.peer.name})
    if dossier.status != Dossier.Status.RESULT_READY:
        raise ValidationError(
            _("Hồ sơ chưa có kết quả để gửi về (trạng thái: %(status)s).")
            % {"status": dossier.get_status_display()}
        )
    result = Result.objects.filter(dossier=dossier).first()
    if result is None or not result.file or not result.file.name.lower().endswith(".pdf"):
        raise ValidationError(_("Hãy ghi nhận kết quả kèm tệp PDF trước khi gửi về."))
    with result.file.open("rb") as handle:
        pdf = handle.read()
    # Written into the signature, sent to the commune and stored on the dossier: official
    # texts, in Vietnamese whatever the sender's screen language (xaso/core/i18n.py).
    with official_text():
        reason = _("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code}
        attachment_description = _("Kết quả đã ký số")
        returned_to = _("Bộ phận Một cửa %(unit)s (liên thông)") % {"unit": link.peer.name}
    try:
        signed = signatures.sign_pdf(
            pdf,
            signer=signer,
            appearance=signatures.Appearance.organisation(signer_box=RESULT_SIGNER_BOX),
            reason=reason,
        )
    except DomainError as exc:
        raise ValidationError(exc.message) from exc
    unit = dossier.unit
    ours = services.our_identifier(unit)
    today = timezone.localdate()
    payload = {
        "format": RESULT_FORMAT,
        "version": FORMAT_VERSION,
        "transfer_document_id": link.document_id,
        "origin_code": link.remote_code,
        "dossier_code": dossier.code,
        "kind": result.kind,
        "number": result.number,
        "issued_on": result.issued_on.isoformat() if result.issued_on else None,
        "signer_name": result.signer_name,
        "summary": result.summary,
    }
    file_name = f"ket-qua-{dossier.code}.pdf"
    with transaction.atomic():
        number = f"{link.pk}"
        package = t.Package(
            header=t.MessageHeader(
                from_=t.Organization(organ_id=ours, organ_name=unit.name[:200]),
                to=[t.Organization(organ_id=link.peer.organ_id, organ_name=link.peer.name[:200])],
                code=t.Code(number=number, notation=RESULT_NOTATION),
                promulgation_info=t.PromulgationInfo(date=today),
                document_type=t.DocumentType(type=1, type_name="Kết quả giải quyết hồ sơ"),
                subject=f"Kết quả hồ sơ {link.remote_code} ({dossier.code})"[:500],
                signer_info=t.SignerInfo(full_name=result.signer_name[:50]),
                response_for=[
                    t.ResponseFor(organ_id=link.peer.organ_id, document_id=link.document_id)
                ],
            ),
            trace_headers=[t.TraceHeader(organ_id=ours, timestamp=_now_vietnam())],
            attachments=[
                _json_attachment(RESULT_ATTACHMENT, payload),
                t.Attachment(
                    content_id="ketqua",
                    name=file_name,
                    content_type="application/pdf",
                    data=signed,
                    description=attachment_description,
                ),
            ],
        )
        [outbound] = services.send_document(unit=unit, package=package, actor=actor)
        link.result_outbound = outbound
        link.result_data = payload
        link.result_file.save(file_name, ContentFile(signed), save=False)
        link.save(update_fields=["result_outbound", "result_data", "result_file"])
        results.return_result(
            actor=actor,
            dossier=dossier,
            returned_to=returned_to[:150],
            method=DeliveryMethod.DESK,
        )
        record_audit_event(
            action="interop.dossier_result_sent",
            actor=actor,
            target=dossier,
            data={"code": dossier.code, "to": link.peer.organ_id, "number": result.number},
        )
    return link


# --- the commune: result received and taken in ------------------------------------------------


@official_language
def _receive_result(received: handlers.ReceivedDocument, payload: dict) -> handlers.Outcome:
    inbound = received.inbound
    if not payload:
        return _refuse(_("Tệp kết quả liên thông không đọc được hoặc không đúng định dạng."))
    link = (
        DossierTransfer.objects.select_for_update()
        .filter(
            unit=inbound.unit,
            direction=OUT,
            peer=inbound.peer,
            document_id=str(payload.get("transfer_document_id") or ""),
        )
        .first()
    )
    if link is None:
        return _refuse(_("Không có hồ sơ nào đã chuyển liên thông ứng với kết quả này."))
    if link.result_received_at is not None:
        return handlers.Outcome(status_code=StatusCode.ACCEPTED, description=_("Đã nhận kết quả."))
    pdf = next(
        (item for item in received.package.attachments if item.content_type == "application/pdf"),
        None,
    )
    if pdf is None:
        return _refuse(_("Gói kết quả không kèm tệp PDF kết quả."))
    try:
        report = signatures.verify_pdf(pdf.data, unit=inbound.unit)
    except DomainError as exc:
        return _refuse(exc.message)
    link.result_data = payload
    link.result_file.save(pdf.name, ContentFile(pdf.data), save=False)
    link.result_valid = report.ok
    link.result_signer = ", ".join(s.signer_name for s in report.signatures)[:500]
    link.result_received_at = timezone.now()
    link.save()
    description = _("Đã nhận kết quả số %(number)s") % {"number": payload.get("number") or ""}
    DossierTransferStatus.objects.create(
        transfer=link, code=StatusCode.DONE.value, description=description, at=timezone.now()
    )
    record_audit_event(
        action="interop.dossier_result_received",
        unit=inbound.unit,
        target=link.dossier,
        data={"code": link.dossier.code, "valid": report.ok, "signer": link.result_signer},
    )
    return handlers.Outcome(status_code=StatusCode.ACCEPTED, description=description)


def handle_package(received: handlers.ReceivedDocument) -> handlers.Outcome:
    package = received.package
    if _attachment(package, RESULT_ATTACHMENT) is not None:
        return _receive_result(received, _payload(package, RESULT_ATTACHMENT, RESULT_FORMAT) or {})
    return _receive_transfer(received, _payload(package, DOSSIER_ATTACHMENT, DOSSIER_FORMAT) or {})


def take_result(*, actor: User, link: DossierTransfer) -> Result:
    """The commune's one-stop takes in the result received: it becomes the dossier's result,
    ready to be returned at the desk."""
    if link.direction != OUT or actor.unit_id != link.unit_id:
        raise PermissionDenied
    if link.result_received_at is None:
        raise ValidationError(_("Kết quả của cơ quan cấp trên chưa về."))
    if link.result_taken_at is not None:
        raise ValidationError(_("Kết quả này đã được nhận vào hồ sơ."))
    if not link.result_valid:
        raise ValidationError(
            _("Chữ ký số trên kết quả nhận về không hợp lệ; không thể dùng làm kết quả.")
        )
    data = link.result_data
    with link.result_file.open("rb") as handle:
        pdf = handle.read()
    issued = data.get("issued_on")
    with transaction.atomic():
        result = transfer_results.record_transfer_result(
            actor=actor,
            dossier=link.dossier,
            transfer=link.transfer,
            number=str(data.get("number") or ""),
            issued_on=datetime.date.fromisoformat(issued) if issued else timezone.localdate(),
            signer_name=str(data.get("signer_name") or ""),
            summary=str(data.get("summary") or ""),
            file_name=link.result_file.name.rsplit("/", 1)[-1],
            file_data=pdf,
        )
        link.result_taken_at = timezone.now()
        link.save(update_fields=["result_taken_at"])
    return result


def register() -> None:
    """Plug the transfer into the exchange and the one-stop app (InteropConfig.ready)."""
    handlers.claim_documents(is_dossier_package, handle_package)
    handlers.on_status_received(record_status)
    extensions.register_transition_hook(name="interop.dossier_transfer", hook=on_dossier_transition)
    # From the dossier page: the transfer form for the official holding the step, the
    # transfer's statuses and result for the one-stop desk.
    extensions.register_dossier_link(
        extensions.DossierLink(
            label=gettext_lazy("Chuyển liên thông điện tử"),
            url_name="interop:dossier_transfer",
            procedure_codes=None,
            permission="dossiers.process_dossier",
            condition=lambda dossier: (
                dossier.status in (Dossier.Status.RECEIVED, Dossier.Status.IN_PROGRESS)
            ),
        )
    )
    extensions.register_dossier_link(
        extensions.DossierLink(
            label=gettext_lazy("Hồ sơ liên thông điện tử"),
            url_name="interop:dossier_transfer_status",
            procedure_codes=None,
            permission="dossiers.receive_dossier",
            condition=lambda dossier: DossierTransfer.objects.filter(dossier=dossier).exists(),
        )
    )
