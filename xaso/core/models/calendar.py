"""Per-unit, per-year changes to the legal working-day calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A government-decided change for one date: a swapped working day or an extra day off.

    Overrides beat the `holidays` package. One set on a province applies to all its
    communes; one set on a commune beats the province's for that commune.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, nghỉ hoán đổi, nghỉ thêm)")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="calendar_overrides"
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    legal_reference = models.CharField(_("văn bản quyết định"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="calendar_override_unit_date"),
        ]
        permissions = [("manage_calendar", _("Quản lý lịch ngày làm việc"))]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """An administrator's confirmation that a year's calendar matches the official one.

    Deadlines that fall in a year without one are flagged for review (working-days.md §3).
    """

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="calendar_years"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    legal_reference = models.CharField(_("căn cứ"), max_length=255, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lịch năm đã duyệt")
        verbose_name_plural = _("lịch năm đã duyệt")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="calendar_year_unit_year"),
        ]

    def __str__(self) -> str:
        return str(self.year)
