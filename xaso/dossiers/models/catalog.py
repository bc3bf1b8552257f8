"""The procedure catalog (TTHC) of a unit and each procedure's internal process."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.search import normalize_search_text
from xaso.core.tenancy import UnitScopedQuerySet


class ProcedureField(models.Model):
    """Lĩnh vực (e.g. Hộ tịch, Chứng thực): national reference data."""

    code = models.CharField(_("mã lĩnh vực"), max_length=30, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """One administrative procedure as a unit applies it (time, fees, process may vary)."""

    class TimeLimitKind(models.TextChoices):
        IMMEDIATE = "immediate", _("Giải quyết ngay trong ngày (quy tắc 15 giờ)")
        WORKING_DAYS = "working_days", _("Ngày làm việc")
        WORKING_HOURS = "working_hours", _("Giờ làm việc")
        CALENDAR_DAYS = "calendar_days", _("Ngày (kể cả ngày nghỉ)")

    class OnlineLevel(models.TextChoices):
        NONE = "none", _("Không cung cấp trực tuyến")
        PARTIAL = "partial", _("Dịch vụ công trực tuyến một phần")
        FULL = "full", _("Dịch vụ công trực tuyến toàn trình")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="procedures"
    )
    code = models.CharField(_("mã thủ tục"), max_length=60)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        ProcedureField, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("cấp thực hiện"), max_length=100, default="Cấp xã")
    implementing_agency = models.CharField(_("cơ quan thực hiện"), max_length=300, blank=True)
    time_limit_kind = models.CharField(
        _("loại thời hạn"), max_length=20, choices=TimeLimitKind.choices
    )
    time_limit_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    time_limit_note = models.CharField(_("ghi chú thời hạn"), max_length=300, blank=True)
    fee_note = models.TextField(_("phí, lệ phí (mô tả)"), blank=True)
    fee_exemptions = models.TextField(_("trường hợp miễn, giảm"), blank=True)
    result_name = models.CharField(_("kết quả"), max_length=300, blank=True)
    result_code = models.CharField(_("mã kết quả (KQ)"), max_length=40, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    steps_description = models.TextField(_("trình tự thực hiện"), blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=300, blank=True)
    search_text = models.CharField(max_length=800, blank=True, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="procedure_unit_code_unique"),
            models.CheckConstraint(
                condition=Q(time_limit_value__gte=0), name="procedure_time_limit_not_negative"
            ),
        ]
        permissions = [
            ("manage_catalog", _("Quản lý danh mục thủ tục hành chính")),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def refresh_search_text(self) -> None:
        self.search_text = normalize_search_text(f"{self.code} {self.name}")

    @property
    def time_limit_hours(self) -> Decimal:
        """The legal time as working hours (8 a day), to compare with the step budgets."""
        if self.time_limit_kind == self.TimeLimitKind.WORKING_DAYS:
            return self.time_limit_value * 8
        if self.time_limit_kind == self.TimeLimitKind.WORKING_HOURS:
            return self.time_limit_value
        return Decimal(0)


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: one document the applicant must bring."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="required_documents"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    is_mandatory = models.BooleanField(_("bắt buộc"), default=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=200, blank=True)
    form_file = models.FileField(_("tệp mẫu"), upload_to="procedure-forms/", blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]

    def __str__(self) -> str:
        return self.name


class FeeRule(models.Model):
    """One fee of a procedure: fixed, or per page/copy with a cap; per channel."""

    class Basis(models.TextChoices):
        PER_CASE = "case", _("mỗi trường hợp")
        PER_PAGE = "page", _("mỗi trang")
        PER_COPY = "copy", _("mỗi bản")

    class Channel(models.TextChoices):
        ANY = "any", _("mọi hình thức")
        DIRECT = "direct", _("nộp trực tiếp, bưu chính")
        ONLINE = "online", _("nộp trực tuyến")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fee_rules")
    name = models.CharField(_("tên khoản thu"), max_length=200)
    amount = models.PositiveIntegerField(_("mức thu (đồng)"))
    basis = models.CharField(_("cách tính"), max_length=10, choices=Basis.choices, default="case")
    # TT 226/2016: a lower rate from a given page on (e.g. 1,000 đ/page from page 3).
    reduced_amount = models.PositiveIntegerField(_("mức thu giảm (đồng)"), null=True, blank=True)
    reduced_from = models.PositiveSmallIntegerField(
        _("áp dụng mức giảm từ trang"), null=True, blank=True
    )
    cap = models.PositiveIntegerField(_("mức thu tối đa mỗi bản (đồng)"), null=True, blank=True)
    channel = models.CharField(
        _("hình thức nộp"), max_length=10, choices=Channel.choices, default="any"
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mức phí, lệ phí")
        verbose_name_plural = _("mức phí, lệ phí")
        ordering = ["procedure", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ/{self.get_basis_display()}"


class ProcessStep(models.Model):
    """One step of a procedure's internal process, with its responsible and time budget."""

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("Tiếp nhận")
        PROCESSING = "processing", _("Thẩm định, xử lý")
        APPROVAL = "approval", _("Lãnh đạo phê duyệt")
        RETURN = "return", _("Trả kết quả")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    kind = models.CharField(_("loại bước"), max_length=20, choices=Kind.choices)
    position = models.ForeignKey(
        "core.Position",
        verbose_name=_("chức danh thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        "core.User",
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order"], name="process_step_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(position__isnull=False) | Q(assignee__isnull=False),
                name="process_step_has_responsible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
