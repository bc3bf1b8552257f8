"""One-stop dossiers, their documents, the steps they walk and their event log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import UnitScopedQuerySet


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp tại Bộ phận Một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")
    AUTHORISED = "authorised", _("Người được ủy quyền nộp thay")


class DeliveryMethod(models.TextChoices):
    DESK = "desk", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")
    ONLINE = "online", _("Nhận bản điện tử")


class FormSet(models.TextChoices):
    SET_2025 = "2025", _("Bộ mẫu 2025 (TT 03/2025/TT-VPCP)")
    SET_2018 = "2018", _("Bộ mẫu 2018 (TT 01/2018/TT-VPCP)")


class TimingOutcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierQuerySet(UnitScopedQuerySet["Dossier"]):
    def open(self) -> "DossierQuerySet":
        return self.exclude(status__in=Dossier.CLOSED_STATUSES)


class Dossier(models.Model):
    """A citizen's dossier for one procedure, from reception to the return of the result."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        IN_PROGRESS = "in_progress", _("Đang giải quyết")
        WAITING_SUPPLEMENT = "waiting_supplement", _("Chờ bổ sung hồ sơ")
        CONSULTING = "consulting", _("Đang xin ý kiến")
        TRANSFERRED = "transferred", _("Đã chuyển cơ quan cấp trên")
        WAITING_APPROVAL = "waiting_approval", _("Chờ lãnh đạo phê duyệt")
        RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
        RETURNED = "returned", _("Đã trả kết quả")
        REFUSED = "refused", _("Từ chối giải quyết")
        STOPPED = "stopped", _("Dừng giải quyết")
        WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")

    CLOSED_STATUSES = (Status.RETURNED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN)

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="dossiers"
    )
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    # Entry in the yearly dossier book (Sổ theo dõi hồ sơ): numbered from 1 each year.
    book_year = models.PositiveSmallIntegerField(_("năm sổ"))
    book_number = models.PositiveIntegerField(_("số thứ tự trong sổ"))
    procedure = models.ForeignKey(
        "dossiers.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant = models.ForeignKey(
        "applicants.Applicant",
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    submitter_name = models.CharField(_("người nộp thay (nếu có)"), max_length=200, blank=True)
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    delivery_method = models.CharField(
        _("hình thức nhận kết quả"), max_length=20, choices=DeliveryMethod.choices
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=300, blank=True)
    form_set = models.CharField(
        _("bộ biểu mẫu"), max_length=4, choices=FormSet.choices, default=FormSet.SET_2025
    )
    copies = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    note = models.TextField(_("ghi chú"), blank=True)
    # Data the applicant declared (tờ khai), reused by later issues (civil registry).
    declared_data = models.JSONField(_("nội dung kê khai"), default=dict, blank=True)

    status = models.CharField(
        _("trạng thái"), max_length=30, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    counting_start = models.DateTimeField(_("thời điểm bắt đầu tính thời hạn"))
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"))
    due_at = models.DateTimeField(_("hẹn trả"))
    due_needs_review = models.BooleanField(_("hạn cần rà soát lịch"), default=False)
    extension_count = models.PositiveSmallIntegerField(_("số lần hẹn lại"), default=0)
    clock_stopped_at = models.DateTimeField(_("dừng tính thời gian từ"), null=True, blank=True)

    fee_due = models.PositiveIntegerField(_("phí, lệ phí phải nộp (đồng)"), default=0)
    fee_exemption = models.CharField(_("lý do miễn, giảm"), max_length=300, blank=True)
    # What the fee is for when the processing corrected the quote (e.g. late registration).
    fee_basis = models.CharField(_("căn cứ thu phí, lệ phí"), max_length=300, blank=True)

    result_ready_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    postal_tracking_number = models.CharField(_("mã bưu gửi"), max_length=60, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    timing_outcome = models.CharField(
        _("kết quả về thời hạn"), max_length=10, choices=TimingOutcome.choices, blank=True
    )
    current_step = models.ForeignKey(
        "dossiers.DossierStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_text = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "book_year", "book_number"], name="dossier_book_entry_unique"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("counting_start")), name="dossier_due_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="dossier_unit_status_due"),
            models.Index(fields=["unit", "-received_at"], name="dossier_unit_received"),
        ]
        permissions = [
            ("receive_dossier", _("Tiếp nhận hồ sơ tại Bộ phận Một cửa")),
            ("process_dossier", _("Xử lý hồ sơ")),
            ("approve_dossier", _("Phê duyệt kết quả giải quyết hồ sơ")),
            ("return_result", _("Thu phí và trả kết quả")),
            ("view_all_dossiers", _("Xem mọi hồ sơ của đơn vị và thống kê")),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class DossierDocument(models.Model):
    """A document received with the dossier: checklist line and, optionally, its scan."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "dossiers.RequiredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    is_original = models.BooleanField(_("bản chính"), default=False)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.FileField(_("bản quét"), upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ trong hồ sơ")
        verbose_name_plural = _("giấy tờ trong hồ sơ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One step of the process as this dossier walks it (a hand-over on the control slip)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chưa đến")
        ACTIVE = "active", _("Đang xử lý")
        DONE = "done", _("Đã xong")
        SENT_BACK = "sent_back", _("Bị trả lại")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    process_step = models.ForeignKey(
        "dossiers.ProcessStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    kind = models.CharField(_("loại bước"), max_length=20)
    position = models.ForeignKey(
        "core.Position", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
    )
    budget_hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timing_outcome = models.CharField(max_length=10, choices=TimingOutcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="step_inbox"),
            # Inboxes read the few active steps in due order out of a year's many finished
            # ones (claimable steps have no assignee, so step_inbox alone does not serve).
            models.Index(fields=["status", "due_at"], name="step_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} · {self.name}"


class DossierEvent(models.Model):
    """The dossier's legal processing history: every transition, who, when, why.

    Written only by the services, in the transaction of the change. Statistics and the
    control slip are computed from it, so past periods can be recomputed.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("hành động"), max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    step = models.ForeignKey(
        DossierStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("ghi chú, lý do"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown on the public lookup (no personal data in public notes).
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"


class ReceptionNotice(models.Model):
    """Forms 02 (incomplete: what to add, once and in full) and 03 (refused) at the desk.

    Issued without creating a dossier; kept for the register and statistics.
    """

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    procedure = models.ForeignKey("dossiers.Procedure", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    missing_items = models.JSONField(_("giấy tờ cần bổ sung"), default=list, blank=True)
    reason = models.TextField(_("lý do"))
    guidance = models.TextField(_("hướng dẫn"), blank=True)
    form_set = models.CharField(max_length=4, choices=FormSet.choices, default=FormSet.SET_2025)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiếu tại Bộ phận Một cửa")
        verbose_name_plural = _("phiếu tại Bộ phận Một cửa")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_at:%d/%m/%Y}"
