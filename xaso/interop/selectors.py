"""Scoped reads of the exchange: only the acting user's unit."""

from django.db.models import QuerySet

from xaso.core.models import User
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage

VIEW_PERMISSION = "interop.view_exchange"
RETRY_PERMISSION = "interop.retry_delivery"


def outbound_for(user: User) -> QuerySet[OutboundPackage]:
    return (
        OutboundPackage.objects.writable_by(user)
        .select_related("peer")
        .defer("package")
        .order_by("-created_at")
    )


def inbound_for(user: User) -> QuerySet[InboundPackage]:
    return (
        InboundPackage.objects.writable_by(user)
        .select_related("peer")
        .defer("package", "answer")
        .order_by("-received_at")
    )
