"""Trust anchors, users' public certificates and stored verification reports.

Only public material is stored: certificates (DER). Private keys stay in PKCS#12 files or
on tokens; PINs and passphrases are never stored.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import UnitScopedQuerySet

if TYPE_CHECKING:
    from xaso.signatures.verification import VerificationReport


class TrustAnchor(models.Model):
    """A root or intermediate CA certificate trusted when verifying signatures.

    `unit` empty = trusted for every unit (imported by a platform administrator), e.g. the
    root of the government CA and of the licensed public CAs.
    """

    class Kind(models.TextChoices):
        ROOT = "root", _("Chứng thư gốc (root CA)")
        INTERMEDIATE = "intermediate", _("Chứng thư trung gian (CA cấp dưới)")

    unit = models.ForeignKey(
        "core.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trust_anchors",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    certificate_der = models.BinaryField(_("chứng thư (DER)"))
    subject = models.CharField(_("chủ thể"), max_length=1000)
    common_name = models.CharField(_("tên"), max_length=300)
    issuer = models.CharField(_("tổ chức cấp"), max_length=1000)
    serial_number = models.CharField(_("số hiệu"), max_length=100)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64)
    # Empty when the operator imported it with `manage.py import_trust_anchors`.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chứng thư tin cậy")
        verbose_name_plural = _("chứng thư tin cậy")
        ordering = ["kind", "common_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fingerprint_sha256"], name="trust_anchor_unique_per_unit"
            ),
            models.UniqueConstraint(
                fields=["fingerprint_sha256"],
                condition=models.Q(unit__isnull=True),
                name="trust_anchor_unique_global",
            ),
        ]
        permissions = [("manage_trust_anchors", _("Quản lý chứng thư tin cậy"))]

    def __str__(self) -> str:
        return self.common_name


class UserCertificate(models.Model):
    """A staff member's public signing certificate (from their token or PKCS#12 file)."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="user_certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    certificate_der = models.BinaryField(_("chứng thư (DER)"))
    subject = models.CharField(_("chủ thể"), max_length=1000)
    common_name = models.CharField(_("tên"), max_length=300)
    issuer = models.CharField(_("tổ chức cấp"), max_length=1000)
    serial_number = models.CharField(_("số hiệu"), max_length=100)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64)
    registered_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chứng thư số của cán bộ")
        verbose_name_plural = _("chứng thư số của cán bộ")
        ordering = ["-not_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint_sha256"], name="user_certificate_unique"
            )
        ]
        permissions = [
            ("sign_documents", _("Ký số văn bản")),
            # The organisation's digital signature (the red seal), kept by the văn thư
            # (ND 30/2020 Đ14.3, Đ17.2).
            ("seal_for_organisation", _("Ký số của cơ quan, tổ chức (văn thư)")),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.fingerprint_sha256[:16]})"


class VerificationRecord(models.Model):
    """One stored verification of a PDF (the report shown on a document or dossier page).

    `unit` empty = a citizen's check on the public page.
    """

    class Source(models.TextChoices):
        STAFF = "staff", _("Cán bộ kiểm tra")
        PUBLIC = "public", _("Trang công khai")
        RECEIVED = "received", _("Văn bản nhận được")

    unit = models.ForeignKey(
        "core.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signature_verifications",
    )
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    signature_count = models.PositiveIntegerField(_("số chữ ký"))
    is_valid = models.BooleanField(_("hợp lệ"))
    report = models.JSONField(_("báo cáo"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["unit", "sha256"])]
        permissions = [("verify_signatures", _("Kiểm tra chữ ký số"))]

    def __str__(self) -> str:
        return f"{self.filename or self.sha256[:12]} — {self.checked_at:%Y-%m-%d %H:%M}"

    def as_report(self) -> "VerificationReport":
        from xaso.signatures.verification import VerificationReport

        return VerificationReport.from_dict(self.report)

    def render_html(self) -> str:
        """The report as an HTML fragment other apps include on their pages."""
        return render_to_string(
            "signatures/_report.html", {"report": self.as_report(), "record": self}
        )
