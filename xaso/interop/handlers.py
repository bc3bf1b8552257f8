"""What happens to packages received: a registry the domain apps' code is plugged into.

The interop app is an edge app (nothing imports it), so the documents app does not import
this module; the integrator registers its functions here, from InteropConfig.ready():

    handlers.on_document_received(documents_exchange.register_incoming)
    handlers.on_status_received(documents_exchange.record_recipient_status)
    handlers.on_delivery_finished(documents_exchange.record_delivery)

A document handler gets a ReceivedDocument and may return an Outcome: the status code
answered to the sender (01 đã đến by default; 03 đã tiếp nhận once registered; 02 từ chối
tiếp nhận). Handlers run inside the transaction that stores the package; one that raises
leaves the package stored (answered 01) and is retried by a background job.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xaso.interop.edxml import Package
from xaso.interop.edxml import StatusCode
from xaso.interop.edxml import StatusPackage
from xaso.interop.edxml import VerifiedSignature

if TYPE_CHECKING:
    from xaso.interop.models import InboundPackage
    from xaso.interop.models import OutboundPackage


@dataclass(frozen=True)
class ReceivedDocument:
    inbound: "InboundPackage"
    package: Package
    signature: VerifiedSignature | None


@dataclass(frozen=True)
class ReceivedStatus:
    """A status about one of our documents: sent by the peer as its own package
    (`inbound`), or the answer to our delivery (`outbound`)."""

    status: StatusPackage
    inbound: "InboundPackage | None" = None
    outbound: "OutboundPackage | None" = None


@dataclass(frozen=True)
class Outcome:
    status_code: StatusCode = StatusCode.ARRIVED
    description: str = ""


DocumentHandler = Callable[[ReceivedDocument], Outcome | None]
StatusHandler = Callable[[ReceivedStatus], None]
# Called with an outbox row once it is delivered, refused or given up (status per recipient).
DeliveryHandler = Callable[["OutboundPackage"], None]

_document_handlers: list[DocumentHandler] = []
_status_handlers: list[StatusHandler] = []
_delivery_handlers: list[DeliveryHandler] = []


def on_document_received(handler: DocumentHandler) -> DocumentHandler:
    """Register `handler` (usable as a decorator); registering twice has no effect."""
    if handler not in _document_handlers:
        _document_handlers.append(handler)
    return handler


def on_status_received(handler: StatusHandler) -> StatusHandler:
    if handler not in _status_handlers:
        _status_handlers.append(handler)
    return handler


def on_delivery_finished(handler: DeliveryHandler) -> DeliveryHandler:
    if handler not in _delivery_handlers:
        _delivery_handlers.append(handler)
    return handler


def unregister(handler: Callable) -> None:
    for registry in (_document_handlers, _status_handlers, _delivery_handlers):
        if handler in registry:
            registry.remove(handler)


def run_document_handlers(received: ReceivedDocument) -> Outcome:
    """Run every document handler; a refusal (02) wins, else the last outcome given."""
    outcome = Outcome()
    for handler in _document_handlers:
        result = handler(received)
        if result is None:
            continue
        if outcome.status_code == StatusCode.REJECTED:
            continue
        outcome = result
    return outcome


def run_status_handlers(received: ReceivedStatus) -> None:
    for handler in _status_handlers:
        handler(received)


def run_delivery_handlers(outbound: "OutboundPackage") -> None:
    for handler in _delivery_handlers:
        handler(outbound)
