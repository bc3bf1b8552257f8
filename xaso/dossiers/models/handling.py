"""What happens to a dossier while it is handled: supplements, consultations, transfers,
extensions (apology letters), results, fees and the citizen's rating."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplementRequest(models.Model):
    """A request to the applicant to complete the dossier (once, in full). Stops the clock."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="supplements"
    )
    items = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    guidance = models.TextField(_("hướng dẫn"), blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Sent after the 3-working-day window of ND 61 Đ19.4: flagged, not refused.
    is_late_notice = models.BooleanField(default=False)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_before = models.DateTimeField(_("hẹn trả trước khi bổ sung"))
    due_after = models.DateTimeField(_("hẹn trả sau khi bổ sung"), null=True, blank=True)

    class Meta:
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} bổ sung {self.requested_at:%d/%m/%Y}"


class Consultation(models.Model):
    """A question to another official (xin ý kiến) with its own deadline."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="consultations"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consulted = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("nội dung xin ý kiến"))
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("ý kiến"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "asked_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} xin ý kiến {self.consulted_id}"


class Transfer(models.Model):
    """A transfer to a higher-level agency (liên thông) and the result coming back."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="transfers"
    )
    agency_name = models.CharField(_("cơ quan nhận"), max_length=300)
    agency_identifier = models.CharField(_("mã định danh cơ quan nhận"), max_length=35, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("hạn cơ quan cấp trên trả"))
    note = models.TextField(_("nội dung chuyển"), blank=True)
    returned_at = models.DateTimeField(_("thời điểm nhận lại kết quả"), null=True, blank=True)
    return_note = models.TextField(_("kết quả nhận lại"), blank=True)

    class Meta:
        ordering = ["dossier", "sent_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_name}"


class Extension(models.Model):
    """The apology and extension letter (2025 form 04 / 2018 form 04): at most once."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("lý do chậm"))
    old_due_at = models.DateTimeField(_("hẹn trả cũ"))
    new_due_at = models.DateTimeField(_("hẹn trả mới"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} hẹn lại {self.new_due_at:%d/%m/%Y}"


class StopNotice(models.Model):
    """Thông báo dừng giải quyết hồ sơ (2025 form 05)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="stop_notice"
    )
    requested_by_applicant = models.BooleanField(_("theo đề nghị của người nộp"), default=True)
    stage = models.CharField(_("giai đoạn đang giải quyết"), max_length=300)
    reason = models.TextField(_("lý do dừng"))
    financial_settlement = models.TextField(_("xử lý phí, lệ phí đã nộp"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.dossier_id} dừng"


class Result(models.Model):
    """The result of the dossier: the document issued (or the refusal), with its file."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Giải quyết (cấp giấy tờ, chấp thuận)")
        REFUSED = "refused", _("Từ chối giải quyết")

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="result"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GRANTED)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ký"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    summary = models.TextField(_("nội dung kết quả"), blank=True)
    file = models.FileField(_("tệp kết quả"), upload_to="results/%Y/%m/", blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Digital signing of a PDF result (ND 30/2020 Đ5: the competent person's signature, then
    # the organisation's). `file` is then the signed PDF the applicant receives;
    # `original_file` keeps the PDF as it was recorded. Empty for a paper (scanned) result.
    original_file = models.FileField(
        _("tệp kết quả trước khi ký số"), upload_to="results/%Y/%m/", blank=True
    )
    signed_at = models.DateTimeField(_("thời điểm ký số"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sealed_at = models.DateTimeField(_("thời điểm ký số của cơ quan"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The check of the signed file, shown on the dossier page.
    verification = models.ForeignKey(
        "signatures.VerificationRecord",
        verbose_name=_("kết quả kiểm tra chữ ký số"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.number}"

    @property
    def is_digitally_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_fully_signed(self) -> bool:
        """Both signatures of ND 30 Đ5 are on the file."""
        return self.signed_at is not None and self.sealed_at is not None


class FeePayment(models.Model):
    """A fee collected for a dossier, with the receipt (biên lai) reference."""

    class Method(models.TextChoices):
        CASH = "cash", _("Tiền mặt")
        TRANSFER = "transfer", _("Chuyển khoản")
        ONLINE = "online", _("Thanh toán trực tuyến")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.PositiveIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices)
    receipt_number = models.CharField(_("số biên lai"), max_length=40)
    payer_name = models.CharField(_("người nộp tiền"), max_length=200)
    reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    paid_at = models.DateTimeField()
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "receipt_number"], name="fee_receipt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number}: {self.amount:,} đ"


class Rating(models.Model):
    """The citizen's satisfaction rating (TT 01/2018 citizen-side indicators 1, 3, 4, 7)."""

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("Máy đánh giá tại Bộ phận Một cửa")
        ONLINE = "online", _("Trực tuyến")

    score_validators = [MinValueValidator(0), MaxValueValidator(2)]

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="rating"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Each indicator scores 2 / 1 / 0 (TT 01/2018 Đ13-14).
    time_score = models.PositiveSmallIntegerField(
        _("thời gian giải quyết"), validators=score_validators
    )
    visits_score = models.PositiveSmallIntegerField(
        _("số lần phải đi lại"), validators=score_validators
    )
    bodies_score = models.PositiveSmallIntegerField(
        _("số cơ quan phải liên hệ"), validators=score_validators
    )
    attitude_score = models.PositiveSmallIntegerField(
        _("thái độ của cán bộ"), validators=score_validators
    )
    is_satisfied = models.BooleanField(_("hài lòng"))
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier_id} đánh giá"

    @property
    def average(self) -> float:
        total = self.time_score + self.visits_score + self.bodies_score + self.attitude_score
        return round(total / 4, 1)
