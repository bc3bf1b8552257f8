"""Django admin (operators): peers and the exchange's outbox/inbox."""

from django.contrib import admin

from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["organ_id", "name", "unit", "endpoint_url", "is_active"]
    search_fields = ["organ_id", "name"]
    # Tokens are set with `manage.py interop_add_peer` (the inbound one is kept hashed).
    exclude = ["inbound_token_digest", "outbound_token"]


@admin.register(OutboundPackage)
class OutboundPackageAdmin(admin.ModelAdmin):
    list_display = [
        "document_id",
        "peer",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "answer_code",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["document_id"]
    readonly_fields = [field.name for field in OutboundPackage._meta.fields]


@admin.register(InboundPackage)
class InboundPackageAdmin(admin.ModelAdmin):
    list_display = [
        "document_id",
        "sender_organ_id",
        "kind",
        "answer_code",
        "received_at",
        "handled_at",
    ]
    list_filter = ["kind", "answer_code"]
    search_fields = ["document_id", "sender_organ_id"]
    readonly_fields = [field.name for field in InboundPackage._meta.fields]
