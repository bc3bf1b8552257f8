"""Civil status registers (sổ hộ tịch) and their entries.

A register is one book of one kind for one unit and year. An entry row holds the current
values; every version (1 = the original registration, then each correction) is kept as an
immutable snapshot in BirthEntryVersion, so the original is never overwritten.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.search import normalize_search_text
from xaso.core.tenancy import UnitScopedQuerySet

# Luật Hộ tịch 2014, Điều 15: parents register the birth within 60 days of it.
ON_TIME_DAYS = 60


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class CivilRegister(models.Model):
    """One book (quyển) of one register kind, for one unit and year."""

    class Kind(models.TextChoices):
        BIRTH = "birth", _("Sổ đăng ký khai sinh")
        DEATH = "death", _("Sổ đăng ký khai tử")
        MARRIAGE = "marriage", _("Sổ đăng ký kết hôn")
        MARITAL_STATUS = "marital_status", _("Sổ cấp giấy xác nhận tình trạng hôn nhân")

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="civil_registers"
    )
    kind = models.CharField(_("loại sổ"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("năm"))
    book_number = models.PositiveIntegerField(_("quyển số"), default=1)
    opened_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sổ hộ tịch")
        verbose_name_plural = _("sổ hộ tịch")
        ordering = ["-year", "kind", "book_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "book_number"], name="civil_register_unique"
            )
        ]
        permissions = [
            ("register_civil_status", _("Đăng ký hộ tịch")),
            ("view_civil_registers", _("Xem sổ hộ tịch")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} — quyển {self.book_number}"


# The entry's fields that are declared, checked and snapshotted (in form order).
BIRTH_FIELDS = [
    "child_full_name",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "ethnicity",
    "nationality",
    "hometown",
    "personal_id_number",
    "mother_full_name",
    "mother_date_of_birth",
    "mother_ethnicity",
    "mother_nationality",
    "mother_residence",
    "mother_id_number",
    "father_full_name",
    "father_date_of_birth",
    "father_ethnicity",
    "father_nationality",
    "father_residence",
    "father_id_number",
    "declarant_name",
    "declarant_relation",
    "declarant_id_number",
    "signer_name",
]
BIRTH_DATE_FIELDS = {"date_of_birth", "mother_date_of_birth", "father_date_of_birth"}


class BirthEntry(models.Model):
    """One birth registration (trích lục/giấy khai sinh) in a birth register."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="birth_entries"
    )
    register = models.ForeignKey(CivilRegister, on_delete=models.PROTECT, related_name="births")
    entry_number = models.PositiveIntegerField(_("số"))
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="birth_entry",
    )
    child_full_name = models.CharField(_("họ, chữ đệm, tên"), max_length=200)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày, tháng, năm sinh"))
    place_of_birth = models.CharField(_("nơi sinh"), max_length=300)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, default="Kinh")
    nationality = models.CharField(_("quốc tịch"), max_length=100, default="Việt Nam")
    hometown = models.CharField(_("quê quán"), max_length=300, blank=True)
    personal_id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)

    mother_full_name = models.CharField(_("họ, chữ đệm, tên người mẹ"), max_length=200, blank=True)
    mother_date_of_birth = models.DateField(_("năm sinh người mẹ"), null=True, blank=True)
    mother_ethnicity = models.CharField(_("dân tộc người mẹ"), max_length=50, blank=True)
    mother_nationality = models.CharField(_("quốc tịch người mẹ"), max_length=100, blank=True)
    mother_residence = models.CharField(_("nơi cư trú người mẹ"), max_length=300, blank=True)
    mother_id_number = models.CharField(_("số định danh người mẹ"), max_length=20, blank=True)

    father_full_name = models.CharField(_("họ, chữ đệm, tên người cha"), max_length=200, blank=True)
    father_date_of_birth = models.DateField(_("năm sinh người cha"), null=True, blank=True)
    father_ethnicity = models.CharField(_("dân tộc người cha"), max_length=50, blank=True)
    father_nationality = models.CharField(_("quốc tịch người cha"), max_length=100, blank=True)
    father_residence = models.CharField(_("nơi cư trú người cha"), max_length=300, blank=True)
    father_id_number = models.CharField(_("số định danh người cha"), max_length=20, blank=True)

    declarant_name = models.CharField(_("họ, chữ đệm, tên người đi khai sinh"), max_length=200)
    declarant_relation = models.CharField(_("quan hệ với người được khai sinh"), max_length=100)
    declarant_id_number = models.CharField(
        _("giấy tờ tùy thân người đi khai"), max_length=20, blank=True
    )
    signer_name = models.CharField(_("người ký giấy khai sinh"), max_length=200, blank=True)

    registered_on = models.DateField(_("ngày đăng ký"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_late_registration = models.BooleanField(_("đăng ký khai sinh quá hạn"), default=False)
    fee_exempt_reason = models.CharField(_("lý do miễn lệ phí"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    search_text = models.CharField(max_length=700, blank=True, editable=False, db_index=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("đăng ký khai sinh")
        verbose_name_plural = _("đăng ký khai sinh")
        ordering = ["register", "entry_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "entry_number"], name="birth_entry_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_number}/{self.register.year} — {self.child_full_name}"

    def refresh_derived(self) -> None:
        """Recompute the late flag and the search text from the current values."""
        self.is_late_registration = is_late(self.date_of_birth, self.registered_on)
        self.search_text = normalize_search_text(
            " ".join([self.child_full_name, self.mother_full_name, self.father_full_name])
        )

    def snapshot(self) -> dict[str, str]:
        """The declared fields as JSON values (dates in ISO form)."""
        data: dict[str, str] = {}
        for name in BIRTH_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value or ""
        return data


def is_late(date_of_birth: datetime.date, registered_on: datetime.date) -> bool:
    """More than 60 days between the birth and its registration (Luật Hộ tịch, Điều 15)."""
    return (registered_on - date_of_birth).days > ON_TIME_DAYS


class BirthEntryVersion(models.Model):
    """An immutable snapshot of a birth entry: version 1 is the original registration."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(BirthEntry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    data = models.JSONField(_("nội dung"))
    reason = models.TextField(_("lý do cải chính"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản đăng ký khai sinh")
        verbose_name_plural = _("phiên bản đăng ký khai sinh")
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="birth_entry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"
