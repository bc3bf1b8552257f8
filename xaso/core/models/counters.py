"""Gap-free counters for legal numbers (dossier codes, document numbers, register entries)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The last number issued in one series: (unit, register, period).

    Incremented under `select_for_update` in the same transaction that creates the
    numbered record, so a rollback undoes the increment: no gaps, no repeats.
    `period` is a year ("2026") or a day ("260322") depending on the series.
    """

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="number_counters"
    )
    register = models.CharField(_("sổ / dãy số"), max_length=60)
    period = models.CharField(_("kỳ"), max_length=10)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm số")
        verbose_name_plural = _("bộ đếm số")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "register", "period"], name="number_counter_series_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.period}: {self.last_number}"
