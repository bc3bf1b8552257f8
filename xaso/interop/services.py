"""Writes of the electronic exchange: queue packages for peers, record deliveries, receive
packages (authenticated, validated, stored once, answered with a status package).

Packages are validated with the same strict rules whichever way they go: we never send a
package we would refuse.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.i18n import official
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.interop import conf
from xaso.interop import handlers
from xaso.interop import transport
from xaso.interop.edxml import EdxmlError
from xaso.interop.edxml import Package
from xaso.interop.edxml import StatusCode
from xaso.interop.edxml import StatusPackage
from xaso.interop.edxml import VerifiedSignature
from xaso.interop.edxml import build_package
from xaso.interop.edxml import build_status
from xaso.interop.edxml import package_kind
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import types as t
from xaso.interop.edxml import verify_package
from xaso.interop.edxml.rules import VIETNAM
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.models import PackageKind
from xaso.interop.models import Peer
from xaso.interop.models import token_digest

logger = logging.getLogger(__name__)

_SIGNATURE_MARK = b"http://www.w3.org/2000/09/xmldsig#"

# Delay before attempt n+1: 1, 2, 4, 8 … minutes, at most 6 hours.
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
MAX_RETRY_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after `attempts` failed attempts (1-based), exponential."""
    return min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), MAX_RETRY_DELAY)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def our_identifier(unit: AdministrativeUnit) -> str:
    """The unit's OrganId in force today (core.AgencyIdentifier), "" when none is recorded."""
    return unit.agency_identifier_on(timezone.localdate())


# --- sending ---------------------------------------------------------------------------------


def _read_outgoing(data: bytes) -> tuple[str, str, str, set[str]]:
    """(kind, DocumentId, sender OrganId, addressees) of a package we are about to send;
    strict: we never send what we would refuse."""
    limits = conf.limits()
    try:
        kind = package_kind(data, limits=limits)
        if kind == PackageKind.STATUS:
            status = parse_status(data, limits=limits)
            return (
                kind,
                status.response_for.document_id,
                status.from_.organ_id,
                {status.response_for.organ_id},
            )
        package = parse_package(data, limits=limits)
    except EdxmlError as exc:
        raise ValidationError(exc.messages) from exc
    header = package.header
    return kind, header.document_id, header.from_.organ_id, {org.organ_id for org in header.to}


def queue_package(
    *, unit: AdministrativeUnit, peer: Peer, data: bytes, actor: User | None = None
) -> OutboundPackage:
    """Put `data` (a built, possibly signed, package) in the outbox for `peer`.

    Idempotent: the same bytes queued twice for one peer are one outbox row. Delivery is a
    background job enqueued on commit.
    """
    if peer.unit_id != unit.pk:
        raise ValidationError(_("Cơ quan nhận không thuộc danh sách liên thông của đơn vị."))
    if not peer.is_active or not peer.endpoint_url:
        raise ValidationError(
            _("Cơ quan %(organ_id)s chưa có địa chỉ nhận gói tin hoặc đã ngừng liên thông.")
            % {"organ_id": peer.organ_id}
        )
    kind, document_id, sender, addressees = _read_outgoing(data)
    if sender != our_identifier(unit):
        raise ValidationError(
            _("Mã định danh đơn vị gửi %(organ_id)s không phải của đơn vị này.")
            % {"organ_id": sender}
        )
    if peer.organ_id not in addressees:
        raise ValidationError(
            _("Gói tin không gửi cho %(organ_id)s.") % {"organ_id": peer.organ_id}
        )
    sha256 = _sha256(data)
    existing = OutboundPackage.objects.filter(peer=peer, sha256=sha256).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            outbound = OutboundPackage.objects.create(
                unit=unit,
                peer=peer,
                kind=kind,
                document_id=document_id,
                package=data,
                sha256=sha256,
                next_attempt_at=timezone.now(),
            )
            record_audit_event(
                action="interop.package_queued",
                actor=actor,
                unit=unit,
                target=outbound,
                data={"document_id": document_id, "to": peer.organ_id, "kind": kind},
            )
            transaction.on_commit(lambda: _enqueue_delivery(outbound.pk))
    except IntegrityError:
        # Queued at the same moment by another request: one row.
        return OutboundPackage.objects.get(peer=peer, sha256=sha256)
    return outbound


def _enqueue_delivery(outbound_id: int, run_after: datetime.datetime | None = None) -> None:
    from xaso.interop.tasks import deliver_package  # tasks import this module

    job = deliver_package
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(outbound_id=outbound_id)


def send_document(
    *,
    unit: AdministrativeUnit,
    package: Package,
    actor: User | None = None,
    sign: Callable[[bytes], bytes] | None = None,
) -> list[OutboundPackage]:
    """Build `package` once (signed by `sign`, e.g. the signatures app's XML signer) and
    queue it for every recipient in its To list; status is then tracked per recipient."""
    to_ids = [org.organ_id for org in package.header.to]
    peers = {
        peer.organ_id: peer
        for peer in Peer.objects.for_unit(unit).filter(organ_id__in=to_ids, is_active=True)
    }
    missing = [organ_id for organ_id in to_ids if organ_id not in peers]
    if missing:
        raise ValidationError(
            _("Chưa thiết lập liên thông với: %(organs)s.") % {"organs": ", ".join(missing)}
        )
    try:
        data = build_package(package)
    except EdxmlError as exc:
        raise ValidationError(exc.messages) from exc
    if sign is not None:
        data = sign(data)
    with transaction.atomic():
        return [
            queue_package(unit=unit, peer=peers[organ_id], data=data, actor=actor)
            for organ_id in to_ids
        ]


def send_status(
    *,
    inbound: InboundPackage,
    status_code: StatusCode,
    description: str = "",
    staff: t.StaffInfo | None = None,
    actor: User | None = None,
) -> OutboundPackage:
    """Tell the sender of `inbound` (a document) what became of it (03, 05, 06, 15, 16…)."""
    package = parse_package(inbound.package, limits=conf.limits())
    status = _status_for(inbound, package, status_code, description, staff)
    try:
        data = build_status(status)
    except EdxmlError as exc:
        raise ValidationError(exc.messages) from exc
    return queue_package(unit=inbound.unit, peer=inbound.peer, data=data, actor=actor)


def _status_for(
    inbound: InboundPackage,
    package: Package,
    status_code: StatusCode,
    description: str,
    staff: t.StaffInfo | None = None,
) -> StatusPackage:
    header = package.header
    return StatusPackage(
        response_for=t.ResponseFor(
            organ_id=header.from_.organ_id,
            code=str(header.code),
            promulgation_date=header.promulgation_info.date,
            document_id=header.document_id,
        ),
        from_=t.Organization(
            organ_id=our_identifier(inbound.unit), organ_name=inbound.unit.name[:200]
        ),
        status_code=status_code,
        description=description,
        timestamp=timezone.now().astimezone(VIETNAM).replace(microsecond=0),
        staff_info=staff,
    )


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    retry_at: datetime.datetime | None = None


def attempt_delivery(*, outbound_id: int) -> DeliveryResult:
    """POST one outbox package once and record the outcome (one transaction after the call).

    Delivered → answer recorded (a status package answered is passed to the status
    handlers); refused (4xx) → kept as refused with the peer's reasons; anything else →
    retried with exponential backoff until XASO_INTEROP_MAX_ATTEMPTS.
    """
    outbound = OutboundPackage.objects.select_related("peer", "unit").filter(pk=outbound_id).first()
    if outbound is None or outbound.status != OutboundPackage.Status.PENDING:
        return DeliveryResult(status=outbound.status if outbound else "missing")
    answer = None
    error: transport.DeliveryError | None = None
    try:
        answer = transport.post_package(
            url=outbound.peer.endpoint_url,
            token=outbound.peer.outbound_token,
            data=bytes(outbound.package),
        )
    except transport.DeliveryError as exc:
        error = exc
    with transaction.atomic():
        outbound = OutboundPackage.objects.select_for_update().get(pk=outbound_id)
        if outbound.status != OutboundPackage.Status.PENDING:
            return DeliveryResult(status=outbound.status)
        outbound.attempts += 1
        now = timezone.now()
        retry_at = None
        if answer is not None:
            outbound.status = OutboundPackage.Status.DELIVERED
            outbound.delivered_at = now
            outbound.next_attempt_at = None
            outbound.last_error = ""
            status = _answer_status(outbound, answer)
            if status is not None:
                outbound.answer_code = status.status_code.value
        elif isinstance(error, transport.PermanentDeliveryError):
            outbound.status = OutboundPackage.Status.REFUSED
            outbound.next_attempt_at = None
            outbound.last_error = str(error)
            outbound.answer_code = error.status_code
            status = None
        else:
            outbound.last_error = str(error)
            status = None
            if outbound.attempts >= settings.XASO_INTEROP_MAX_ATTEMPTS:
                outbound.status = OutboundPackage.Status.FAILED
                outbound.next_attempt_at = None
            else:
                retry_at = now + retry_delay(outbound.attempts)
                outbound.next_attempt_at = retry_at
        outbound.save()
        if outbound.status != OutboundPackage.Status.PENDING:
            record_audit_event(
                action=f"interop.package_{outbound.status}",
                unit=outbound.unit,
                target=outbound,
                data={
                    "document_id": outbound.document_id,
                    "to": outbound.peer.organ_id,
                    "attempts": outbound.attempts,
                    "answer": outbound.answer_code,
                    "error": outbound.last_error[:500],
                },
            )
            handlers.run_delivery_handlers(outbound)
        if status is not None:
            handlers.run_status_handlers(handlers.ReceivedStatus(status=status, outbound=outbound))
    if retry_at is not None:
        logger.warning(
            "edXML %s to %s: attempt %d failed (%s); retry at %s",
            outbound.document_id,
            outbound.peer.organ_id,
            outbound.attempts,
            error,
            retry_at.isoformat(),
        )
    return DeliveryResult(status=outbound.status, retry_at=retry_at)


def _answer_status(outbound: OutboundPackage, answer: transport.Answer) -> StatusPackage | None:
    if outbound.kind != PackageKind.DOCUMENT or "xml" not in answer.content_type:
        return None
    try:
        return parse_status(answer.body, limits=conf.limits())
    except EdxmlError as exc:
        # Stored on the outbox row: an official text, Vietnamese.
        outbound.last_error = official(
            gettext_lazy("Trả lời của bên nhận không đọc được: %(error)s"),
            {"error": str(exc)[:500]},
        )
        return None


def due_outbound(*, now: datetime.datetime | None = None):
    now = now or timezone.now()
    return OutboundPackage.objects.filter(
        status=OutboundPackage.Status.PENDING, next_attempt_at__lte=now
    )


# --- receiving -------------------------------------------------------------------------------


class ReceptionError(Exception):
    """A package refused: HTTP status and every reason (Vietnamese)."""

    def __init__(self, status: int, messages: list[str]):
        self.status = status
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class Reception:
    inbound: InboundPackage
    replayed: bool


def authenticate_peer(token: str) -> Peer:
    peer = (
        Peer.objects.select_related("unit")
        .filter(inbound_token_digest=token_digest(token), is_active=True)
        .first()
        if token
        else None
    )
    if peer is None:
        raise ReceptionError(401, [_("Mã truy cập không hợp lệ hoặc cơ quan đã ngừng liên thông.")])
    return peer


def _verify(data: bytes, unit: AdministrativeUnit) -> VerifiedSignature | None:
    """The package's XML signature checked, and its signer's chain against the trust
    anchors imported for `unit` (XASO_INTEROP_UNTRUSTED_SIGNATURE: flag or refuse)."""
    if _SIGNATURE_MARK not in data:
        if settings.XASO_INTEROP_REQUIRE_SIGNATURE:
            raise ReceptionError(400, [_("Gói tin chưa được ký số.")])
        return None
    roots, intermediates = conf.trust_anchors(unit)
    try:
        return verify_package(
            data,
            accepted_algorithms=conf.accepted_algorithms(),
            limits=conf.limits(),
            trust_anchors=roots,
            intermediates=intermediates,
            require_trusted_chain=conf.refuse_untrusted_signatures(),
        )
    except EdxmlError as exc:
        raise ReceptionError(400, exc.messages) from exc


def receive_package(*, token: str, data: bytes) -> Reception:
    """Authenticate the peer, check and store the package once, run the handlers and
    record the answer. A redelivery (same sender, DocumentId, business type / status) gets
    the stored answer again and stores nothing."""
    peer = authenticate_peer(token)
    limits = conf.limits()
    try:
        kind = package_kind(data, limits=limits)
    except EdxmlError as exc:
        raise ReceptionError(400, exc.messages) from exc
    signature = _verify(data, peer.unit)
    signed = signature.signed_data if signature else data
    try:
        if kind == PackageKind.STATUS:
            status = parse_status(signed, limits=limits)
            return _receive_status(peer, data, status, signature)
        package = parse_package(signed, limits=limits)
    except EdxmlError as exc:
        raise ReceptionError(400, exc.messages) from exc
    return _receive_document(peer, data, package, signature)


def _check_sender(peer: Peer, organ_id: str) -> None:
    if organ_id != peer.organ_id:
        raise ReceptionError(
            403,
            [
                _("Đơn vị gửi %(sender)s không khớp với cơ quan đã xác thực %(peer)s.")
                % {"sender": organ_id, "peer": peer.organ_id}
            ],
        )


def _store(peer: Peer, kind: str, data: bytes, **fields) -> tuple[InboundPackage, bool]:
    """(row, created). The unique (unit, dedup_key) makes concurrent redeliveries safe."""
    existing = InboundPackage.objects.filter(unit=peer.unit, dedup_key=fields["dedup_key"]).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            inbound = InboundPackage.objects.create(
                unit=peer.unit, peer=peer, kind=kind, package=data, sha256=_sha256(data), **fields
            )
    except IntegrityError:
        return InboundPackage.objects.get(unit=peer.unit, dedup_key=fields["dedup_key"]), False
    return inbound, True


def _signer_fields(signature: VerifiedSignature | None) -> dict:
    if signature is None:
        return {"signer": "", "signer_name": "", "signer_trusted": None}
    return {
        "signer": signature.certificate.subject.rfc4514_string()[:500],
        "signer_name": signature.signer_name[:200],
        "signer_trusted": signature.trusted,
    }


def _receive_document(
    peer: Peer, data: bytes, package: Package, signature: VerifiedSignature | None
) -> Reception:
    header = package.header
    _check_sender(peer, header.from_.organ_id)
    ours = our_identifier(peer.unit)
    if not ours or ours not in {org.organ_id for org in header.to}:
        raise ReceptionError(
            404,
            [
                _("Gói tin không gửi cho đơn vị nào của hệ thống này (To: %(to)s).")
                % {"to": ", ".join(org.organ_id for org in header.to)}
            ],
        )
    business = package.business
    dedup_key = f"document:{header.from_.organ_id}:{header.document_id}:{int(business.doc_type)}"
    if business.doc_type != t.BusinessDocType.NEW:
        # Several updates of one document are distinct: the send time tells them apart, and
        # their content (two sent within the same second); a redelivery has both the same.
        content = hashlib.sha256(business.reason.encode())
        for attachment in package.attachments:
            content.update(hashlib.sha256(attachment.data).digest())
        dedup_key += f":{package.trace_headers[0].timestamp.isoformat()}:{content.hexdigest()[:16]}"
    with transaction.atomic():
        inbound, created = _store(
            peer,
            PackageKind.DOCUMENT,
            data,
            sender_organ_id=header.from_.organ_id,
            document_id=header.document_id,
            dedup_key=dedup_key[:400],
            **_signer_fields(signature),
        )
        if not created:
            return Reception(inbound=inbound, replayed=True)
        outcome = _run_document_handlers(inbound, package, signature)
        inbound.answer_code = outcome.status_code.value
        inbound.answer = build_status(
            _status_for(inbound, package, outcome.status_code, outcome.description)
        )
        inbound.save(update_fields=["answer_code", "answer", "handled_at", "handler_error"])
        record_audit_event(
            action="interop.package_received",
            unit=peer.unit,
            target=inbound,
            data={
                "document_id": header.document_id,
                "from": header.from_.organ_id,
                "business_type": int(business.doc_type),
                "answer": inbound.answer_code,
                "signed": signature is not None,
            },
        )
        if inbound.handler_error:
            transaction.on_commit(lambda: _enqueue_handlers(inbound.pk))
    return Reception(inbound=inbound, replayed=False)


def _run_document_handlers(
    inbound: InboundPackage, package: Package, signature: VerifiedSignature | None
) -> handlers.Outcome:
    try:
        with transaction.atomic():
            outcome = handlers.run_document_handlers(
                handlers.ReceivedDocument(inbound=inbound, package=package, signature=signature)
            )
    except Exception as exc:  # any handler failure leaves the package stored
        logger.exception("edXML %s: document handler failed", inbound.document_id)
        inbound.handler_error = f"{type(exc).__name__}: {exc}"[:2000]
        inbound.handled_at = None
        return handlers.Outcome()
    inbound.handler_error = ""
    inbound.handled_at = timezone.now()
    return outcome


def _enqueue_handlers(inbound_id: int) -> None:
    from xaso.interop.tasks import rerun_document_handlers

    job = rerun_document_handlers
    # Only with a queue that can wait: run at once, a failing handler would fail again.
    if job.get_backend().supports_defer:
        job.using(run_after=timezone.now() + FIRST_RETRY_DELAY).enqueue(
            inbound_id=inbound_id, attempt=1
        )


def rerun_handlers(*, inbound_id: int) -> bool:
    """Run the document handlers again for a stored package whose handlers failed; when
    they now answer something other than 01, tell the sender by a status package."""
    with transaction.atomic():
        inbound = (
            InboundPackage.objects.select_for_update()
            .select_related("unit", "peer")
            .get(pk=inbound_id)
        )
        if inbound.handled_at is not None:
            return True
        package = parse_package(bytes(inbound.package), limits=conf.limits())
        outcome = _run_document_handlers(inbound, package, None)
        inbound.save(update_fields=["handled_at", "handler_error"])
        if inbound.handled_at is None:
            return False
        if outcome.status_code != StatusCode.ARRIVED:
            send_status(
                inbound=inbound, status_code=outcome.status_code, description=outcome.description
            )
    return True


def _receive_status(
    peer: Peer, data: bytes, status: StatusPackage, signature: VerifiedSignature | None
) -> Reception:
    _check_sender(peer, status.from_.organ_id)
    # About a document we sent, possibly under an identifier no longer in force.
    if not peer.unit.agency_identifiers.filter(identifier=status.response_for.organ_id).exists():
        raise ReceptionError(
            404,
            [
                _("Trạng thái về văn bản %(document_id)s không thuộc đơn vị nào của hệ thống này.")
                % {"document_id": status.response_for.document_id}
            ],
        )
    # Two answers with the same code within one second (e.g. 16 to two updates) differ by
    # their description; a redelivery repeats it.
    described = hashlib.sha256(status.description.encode()).hexdigest()[:16]
    dedup_key = (
        f"status:{status.from_.organ_id}:{status.response_for.document_id}:"
        f"{status.status_code.value}:{status.timestamp.isoformat()}:{described}"
    )
    with transaction.atomic():
        inbound, created = _store(
            peer,
            PackageKind.STATUS,
            data,
            sender_organ_id=status.from_.organ_id,
            document_id=status.response_for.document_id,
            dedup_key=dedup_key[:400],
            **_signer_fields(signature),
            answer_code=status.status_code.value,
        )
        if not created:
            return Reception(inbound=inbound, replayed=True)
        handlers.run_status_handlers(handlers.ReceivedStatus(status=status, inbound=inbound))
        inbound.handled_at = timezone.now()
        inbound.save(update_fields=["handled_at"])
        record_audit_event(
            action="interop.status_received",
            unit=peer.unit,
            target=inbound,
            data={
                "document_id": status.response_for.document_id,
                "from": status.from_.organ_id,
                "status": status.status_code.value,
            },
        )
    return Reception(inbound=inbound, replayed=False)


def add_peer(
    *,
    unit: AdministrativeUnit,
    organ_id: str,
    name: str,
    endpoint_url: str = "",
    outbound_token: str = "",
    inbound_token: str | None = None,
    actor: User | None = None,
) -> tuple[Peer, str]:
    """Register (or update) a peer of `unit`; returns it and the token it must send us."""
    with transaction.atomic():
        peer = Peer.objects.filter(unit=unit, organ_id=organ_id).first() or Peer(
            unit=unit, organ_id=organ_id
        )
        peer.name = name
        peer.endpoint_url = endpoint_url
        peer.outbound_token = outbound_token
        peer.is_active = True
        token = peer.set_inbound_token(inbound_token)
        peer.full_clean()
        peer.save()
        record_audit_event(
            action="interop.peer_saved",
            actor=actor,
            unit=unit,
            target=peer,
            data={"organ_id": organ_id, "endpoint_url": endpoint_url},
        )
    return peer, token


def retry_now(*, actor: User, outbound: OutboundPackage) -> OutboundPackage:
    """Send a pending, failed or refused package again now, with a fresh series of
    attempts (e.g. after the peer's address or token was corrected)."""
    if outbound.unit_id != actor.unit_id:
        raise ValidationError(_("Gói tin không thuộc đơn vị của bạn."))
    with transaction.atomic():
        outbound = OutboundPackage.objects.select_for_update().get(pk=outbound.pk)
        if outbound.status == OutboundPackage.Status.DELIVERED:
            raise ValidationError(_("Gói tin đã được gửi thành công, không cần gửi lại."))
        previous = outbound.status
        outbound.status = OutboundPackage.Status.PENDING
        outbound.attempts = 0
        outbound.next_attempt_at = timezone.now()
        outbound.save(update_fields=["status", "attempts", "next_attempt_at"])
        record_audit_event(
            action="interop.package_retried",
            actor=actor,
            target=outbound,
            data={"document_id": outbound.document_id, "previous_status": previous},
        )
        transaction.on_commit(lambda: _enqueue_delivery(outbound.pk))
    return outbound
