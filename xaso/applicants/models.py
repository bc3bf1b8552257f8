"""The shared directory of applicants (citizens and organisations) of a unit.

Entered once at the counter (or from a chip-CCCD QR) and reused by every later procedure:
one-stop dossiers, civil-status registers, feedback.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.search import normalize_search_text
from xaso.core.tenancy import UnitScopedQuerySet


class Applicant(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Công dân")
        ORGANISATION = "organisation", _("Tổ chức")

    class Sex(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="applicants"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    full_name = models.CharField(_("họ và tên / tên tổ chức"), max_length=200)
    # Số định danh cá nhân (CCCD, 12 digits) or an organisation's tax/enterprise code.
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=20, blank=True)
    old_id_number = models.CharField(_("số CMND cũ"), max_length=12, blank=True)
    id_issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, blank=True)
    address = models.CharField(_("nơi thường trú / địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        ordering = ["full_name"]
        constraints = [
            # Same CCCD → same person within a unit (no duplicates in the directory).
            models.UniqueConstraint(
                fields=["unit", "id_number"],
                condition=~Q(id_number=""),
                name="applicant_unit_id_number_unique",
            ),
        ]
        permissions = [("manage_applicants", _("Quản lý danh bạ người nộp hồ sơ"))]

    def __str__(self) -> str:
        return self.full_name

    def refresh_search_text(self) -> None:
        self.search_text = normalize_search_text(
            " ".join([self.full_name, self.id_number, self.phone, self.email])
        )

    @property
    def masked_id_number(self) -> str:
        """The CCCD with all but the last 4 digits hidden, for pages the public may see."""
        return ("*" * (len(self.id_number) - 4) + self.id_number[-4:]) if self.id_number else ""
