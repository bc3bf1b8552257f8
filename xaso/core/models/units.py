"""Administrative units (province, commune) and their agency identifiers."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# QĐ 20/2020/QĐ-TTg Điều 4: at most 35 characters of ".", digits and capital letters.
agency_identifier_validator = RegexValidator(
    regex=r"^[0-9A-Z](?:[0-9A-Z.]{0,33}[0-9A-Z])?$",
    message=_(
        "Mã định danh chỉ gồm chữ in hoa A–Z, chữ số và dấu chấm, tối đa 35 ký tự, "
        "không bắt đầu hay kết thúc bằng dấu chấm (QĐ 20/2020/QĐ-TTg)."
    ),
)


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def provinces(self) -> "AdministrativeUnitQuerySet":
        return self.filter(level=AdministrativeUnit.Level.PROVINCE)

    def communes(self) -> "AdministrativeUnitQuerySet":
        return self.filter(level=AdministrativeUnit.Level.COMMUNE)

    def hosted(self) -> "AdministrativeUnitQuerySet":
        return self.filter(is_hosted=True)


class AdministrativeUnit(models.Model):
    """A province or a commune (xã, phường, đặc khu) of the post-1-July-2025 national list.

    Every domain record belongs to one unit. `is_hosted` marks the units this deployment
    serves: one commune, or a province and all its communes.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.PositiveIntegerField(_("mã đơn vị hành chính (GSO)"))
    name = models.CharField(_("tên"), max_length=150)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    codename = models.CharField(max_length=150, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_hosted = models.BooleanField(_("phục vụ trên hệ thống này"), default=False)
    # Calendar settings of the unit (working-days.md §1: office hours are data per unit).
    saturday_morning_service = models.BooleanField(_("tiếp nhận sáng thứ Bảy"), default=False)
    morning_start = models.TimeField(_("giờ bắt đầu buổi sáng"), default=datetime.time(7, 30))
    morning_end = models.TimeField(_("giờ kết thúc buổi sáng"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("giờ bắt đầu buổi chiều"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("giờ kết thúc buổi chiều"), default=datetime.time(17, 0))
    cutoff_time = models.TimeField(
        _("giờ chuyển hồ sơ sang ngày làm việc sau"),
        default=datetime.time(15, 0),
        help_text=_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo."),
    )
    cutoff_inclusive = models.BooleanField(
        _("nhận đúng giờ chuyển cũng tính sang ngày sau"),
        default=False,
        help_text=_("Mặc định chỉ hồ sơ nhận sau (không bằng) giờ chuyển mới tính sang ngày sau."),
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="unit_level_code_unique"),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True)
                | Q(level="commune", parent__isnull=False),
                name="unit_commune_has_province",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="unit_office_hours_ordered",
            ),
        ]
        permissions = [
            ("manage_unit", _("Quản trị thông tin đơn vị")),
            ("supervise_communes", _("Giám sát các xã trong tỉnh (chỉ xem)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.level == self.Level.PROVINCE

    @property
    def province(self) -> "AdministrativeUnit":
        return self if self.is_province else self.parent  # type: ignore[return-value]

    @property
    def gso_code(self) -> str:
        """The code as GSO prints it: 2 digits for a province, 5 for a commune."""
        return f"{self.code:02d}" if self.is_province else f"{self.code:05d}"

    def agency_identifier_on(self, day: datetime.date) -> str:
        """The agency identifier valid on `day`, or "" when none is recorded."""
        identifier = (
            self.agency_identifiers.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("-valid_from")
            .first()
        )
        return identifier.identifier if identifier else ""


class AgencyIdentifier(models.Model):
    """Mã định danh điện tử of a unit (QĐ 20/2020, QCVN 102), with its validity dates.

    Identifiers changed with the 2025 reform; old records keep the one valid at their date.
    """

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="agency_identifiers"
    )
    identifier = models.CharField(
        _("mã định danh"), max_length=35, validators=[agency_identifier_validator]
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    note = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mã định danh cơ quan")
        verbose_name_plural = _("mã định danh cơ quan")
        ordering = ["unit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "valid_from"], name="agency_identifier_unit_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agency_identifier_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier
