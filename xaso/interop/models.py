"""Electronic exchange with other agencies: peers, outbox and inbox of edXML packages
(QCVN 102:2016; QĐ 28/2018 on exchange between state agencies). A unit's own OrganId is
its agency identifier in force (`core.AgencyIdentifier`, with validity dates).

The packages themselves are kept byte for byte as sent or received (they may be signed:
re-serialising would break the signature); the typed view is `xaso.interop.edxml`.
"""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import UnitScopedQuerySet


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Peer(models.Model):
    """Another agency a unit exchanges packages with: another XãSố deployment or a gateway.

    Each side gives the other a token: `outbound_token` is sent with our packages
    (`Authorization: Bearer …`); the token the peer sends us is stored only as a digest.
    """

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="interop_peers"
    )
    organ_id = models.CharField(_("mã định danh"), max_length=35)
    name = models.CharField(_("tên cơ quan"), max_length=200)
    endpoint_url = models.URLField(_("địa chỉ nhận gói tin"), max_length=500, blank=True)
    outbound_token = models.CharField(_("mã truy cập gửi đi"), max_length=200, blank=True)
    inbound_token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("đang liên thông"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan liên thông")
        verbose_name_plural = _("cơ quan liên thông")
        ordering = ["unit", "organ_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "organ_id"], name="interop_peer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organ_id} — {self.name}"

    def set_inbound_token(self, token: str | None = None) -> str:
        """Give the peer a new token for calling us; returns it (shown once, kept hashed)."""
        token = token or secrets.token_urlsafe(32)
        self.inbound_token_digest = token_digest(token)
        return token


class PackageKind(models.TextChoices):
    DOCUMENT = "document", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class OutboundPackage(models.Model):
    """One package to one peer, delivered by a background job with retries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        REFUSED = "refused", _("Bị từ chối")
        FAILED = "failed", _("Gửi không thành công")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="outbound_packages"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbound_packages")
    kind = models.CharField(max_length=10, choices=PackageKind.choices)
    document_id = models.CharField(_("mã văn bản"), max_length=200)
    package = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("trạng thái gửi"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # The status code the peer answered with (01 đã đến, 02 từ chối, 03 đã tiếp nhận…).
    answer_code = models.CharField(_("trạng thái bên nhận"), max_length=2, blank=True)
    # Who signed the package (XML signature made at release): certificate subject and
    # common name; empty for an unsigned package.
    signer = models.CharField(_("người ký gói tin"), max_length=500, blank=True)
    signer_name = models.CharField(_("tên người ký gói tin"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gói tin gửi đi")
        verbose_name_plural = _("gói tin gửi đi")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "sha256"], name="interop_outbound_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        permissions = [
            ("view_exchange", _("Xem gói tin liên thông văn bản")),
            ("retry_delivery", _("Gửi lại gói tin liên thông")),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.peer.organ_id}"


class InboundPackage(models.Model):
    """One package received from a peer, stored as received, once (see `dedup_key`)."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="inbound_packages"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbound_packages")
    kind = models.CharField(max_length=10, choices=PackageKind.choices)
    sender_organ_id = models.CharField(_("đơn vị gửi"), max_length=35)
    document_id = models.CharField(_("mã văn bản"), max_length=200)
    # What makes a redelivery the same package: kind, sender, DocumentId, business type
    # (a recall is not the document again) or status code and time.
    dedup_key = models.CharField(max_length=400)
    package = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    signer = models.CharField(_("người ký"), max_length=500, blank=True)
    signer_name = models.CharField(_("tên người ký gói tin"), max_length=200, blank=True)
    # Whether the signer's certificate chains to the unit's trust anchors (None: unsigned).
    signer_trusted = models.BooleanField(_("chuỗi chứng thư tin cậy"), null=True)
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    # Our answer, replayed to a redelivery: a status package (documents), empty otherwise.
    answer_code = models.CharField(_("trạng thái đã trả lời"), max_length=2, blank=True)
    answer = models.BinaryField(blank=True, default=b"")
    handled_at = models.DateTimeField(null=True, blank=True)
    handler_error = models.TextField(blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gói tin nhận")
        verbose_name_plural = _("gói tin nhận")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "dedup_key"], name="interop_inbound_once")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} ← {self.sender_organ_id}"


class DossierTransfer(models.Model):
    """A one-stop dossier transferred between levels over the exchange (ND 61/2018 Đ19.7).

    Both sides keep one: the commune's (OUTGOING: its dossier, the package sent, what the
    province answered, the result received) and the province's (INCOMING: the dossier it
    created, the commune's code, the result sent back). `document_id` is the edXML
    DocumentId of the transfer package: the same on both sides, what statuses refer to.
    """

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Chuyển đi")
        INCOMING = "in", _("Nhận đến")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="dossier_transfers"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="dossier_transfers")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="network_transfers"
    )
    # The one-stop app's record of the transfer (outgoing side).
    transfer = models.OneToOneField(
        "dossiers.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_transfer",
    )
    document_id = models.CharField(_("mã gói tin chuyển"), max_length=200)
    remote_code = models.CharField(_("mã hồ sơ tại bên kia"), max_length=60, blank=True)
    remote_unit_name = models.CharField(_("đơn vị bên kia"), max_length=300, blank=True)
    outbound = models.ForeignKey(
        OutboundPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inbound = models.ForeignKey(
        InboundPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    remote_status = models.CharField(_("trạng thái liên thông"), max_length=2, blank=True)
    remote_status_note = models.TextField(_("nội dung trạng thái"), blank=True)
    # The result: sent back (incoming side) or received (outgoing side).
    result_outbound = models.ForeignKey(
        OutboundPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_data = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="lien-thong/ket-qua/%Y/%m/", blank=True)
    result_valid = models.BooleanField(null=True)
    result_signer = models.CharField(max_length=500, blank=True)
    result_received_at = models.DateTimeField(null=True, blank=True)
    result_taken_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ liên thông")
        verbose_name_plural = _("hồ sơ liên thông")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "direction", "document_id"], name="interop_dossier_transfer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.document_id}"


class DossierTransferStatus(models.Model):
    """One status of a transferred dossier, sent (province) or received (commune)."""

    transfer = models.ForeignKey(DossierTransfer, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField(max_length=2)
    description = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["transfer", "at", "id"]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.code}"
