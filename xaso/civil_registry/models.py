"""Civil status registers (sổ hộ tịch), their entries, versions, people and extract copies.

A register is one book of one kind for one unit and year. Every kind of entry (khai sinh,
khai tử, kết hôn, …) is one CivilEntry row whose `data` holds the kind's declared fields
(described once in xaso.civil_registry.kinds); the main person's name and date of birth and
the other people's names are copied out for search and the register's columns. Every
version (1 = the original registration, then each correction) is an immutable
CivilEntryVersion snapshot, so the original is never overwritten.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import UnitScopedQuerySet

# Luật Hộ tịch 2014, Điều 15: parents register the birth within 60 days of it.
ON_TIME_DAYS = 60
# Entries per register book (quyển) before the next book opens. The legal number of pages
# of a printed sổ hộ tịch (TT 04/2020/TT-BTP) is not in the domain notes: a unit setting.
DEFAULT_ENTRIES_PER_BOOK = 200


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Kind(models.TextChoices):
    BIRTH = "birth", _("Khai sinh")
    DEATH = "death", _("Khai tử")
    MARRIAGE = "marriage", _("Kết hôn")
    MARITAL_STATUS = "marital_status", _("Xác nhận tình trạng hôn nhân")
    PARENT_CHILD = "parent_child", _("Nhận cha, mẹ, con")
    CHANGE = "change", _("Thay đổi, cải chính, bổ sung hộ tịch")
    GUARDIANSHIP = "guardianship", _("Giám hộ")


class CivilRegister(models.Model):
    """One book (quyển) of one register kind, for one unit and year."""

    # Kept as an attribute so `CivilRegister.Kind.BIRTH` still reads naturally.
    Kind = Kind

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


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CivilRegistrySettings(models.Model):
    """A unit's civil registry settings, edited by its administrator."""

    unit = models.OneToOneField(
        "core.AdministrativeUnit", on_delete=models.CASCADE, related_name="civil_registry_settings"
    )
    entries_per_book = models.PositiveIntegerField(
        _("số việc hộ tịch mỗi quyển sổ"), default=DEFAULT_ENTRIES_PER_BOOK
    )
    # Saved once by the administrator: from then on only RegisterProcedure rows count.
    procedure_map_saved = models.BooleanField(_("đã lưu bảng thủ tục – sổ"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cài đặt hộ tịch của đơn vị")
        verbose_name_plural = _("cài đặt hộ tịch của đơn vị")
        permissions = [("manage_civil_registry_settings", _("Cài đặt sổ hộ tịch của đơn vị"))]

    def __str__(self) -> str:
        return f"{self.unit_id}"


class RegisterProcedure(models.Model):
    """A procedure of the unit's catalog whose dossiers register in a register kind. Until
    the unit's administrator saves the map (CivilRegistrySettings.procedure_map_saved), the
    procedures with the known national codes register by default (xaso.civil_registry.mapping);
    several procedures may register in one kind (e.g. đăng ký lại khai sinh in the birth
    register), one procedure in one kind only."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại việc hộ tịch"), max_length=20, choices=Kind.choices)
    procedure = models.ForeignKey(
        "dossiers.Procedure",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("thủ tục"),
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục đăng ký hộ tịch")
        verbose_name_plural = _("thủ tục đăng ký hộ tịch")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure"], name="register_procedure_procedure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.procedure_id}"


class CivilEntry(models.Model):
    """One registration (of any kind) in a register, created by the leader's approval."""

    unit = models.ForeignKey(
        "core.AdministrativeUnit", on_delete=models.PROTECT, related_name="civil_entries"
    )
    register = models.ForeignKey(CivilRegister, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("loại việc hộ tịch"), max_length=20, choices=Kind.choices)
    entry_number = models.PositiveIntegerField(_("số"))
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="civil_entry",
    )
    # The kind's declared fields, JSON values (dates as ISO strings), the current version.
    data = models.JSONField(_("nội dung"), default=dict)
    main_name = models.CharField(_("họ, chữ đệm, tên"), max_length=200)
    main_date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    other_names = models.CharField(_("người liên quan"), max_length=600, blank=True)
    search_text = models.CharField(max_length=900, blank=True, editable=False, db_index=True)
    # For a change (cải chính) entry: the entry that was changed.
    target = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("việc hộ tịch được thay đổi"),
    )
    registered_on = models.DateField(_("ngày đăng ký"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("đăng ký quá hạn"), default=False)
    fee_exempt_reason = models.CharField(_("lý do miễn lệ phí"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # Unguessable: the certificate's verification QR names it, never the entry's number.
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc hộ tịch")
        verbose_name_plural = _("việc hộ tịch")
        ordering = ["register", "entry_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "entry_number"], name="civil_entry_number_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "main_date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.entry_number}/{self.register.year} — {self.main_name}"


class CivilEntryVersion(models.Model):
    """An immutable snapshot of an entry's data: version 1 is the original registration."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(CivilEntry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    data = models.JSONField(_("nội dung"))
    reason = models.TextField(_("lý do thay đổi, cải chính"), blank=True)
    # The correction dossier and the change-register entry that made this version.
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_entry = models.ForeignKey(
        CivilEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản việc hộ tịch")
        verbose_name_plural = _("phiên bản việc hộ tịch")
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="civil_entry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


class EntryPerson(models.Model):
    """A person of an entry (child, mother, deceased, husband, …) in the applicant directory."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(CivilEntry, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("vai trò"), max_length=30)
    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="civil_entries"
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("người trong việc hộ tịch")
        verbose_name_plural = _("người trong việc hộ tịch")
        constraints = [
            models.UniqueConstraint(fields=["entry", "role"], name="entry_person_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.role}"


class PreparedRegistration(models.Model):
    """What the processing official checked and saved on a dossier (the tờ đăng ký): the
    leader's approval of the dossier turns it into the register entry."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="civil_preparation"
    )
    kind = models.CharField(_("loại việc hộ tịch"), max_length=20, choices=Kind.choices)
    data = models.JSONField(_("nội dung"), default=dict)
    # Corrections: the entry to change, the kind of change and its reason.
    target = models.ForeignKey(
        CivilEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_type = models.CharField(_("loại thay đổi"), max_length=30, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    # Luật Hộ tịch Đ11: the exempt category the official recorded (kinds.EXEMPT_CATEGORIES).
    fee_exemption = models.CharField(_("diện miễn lệ phí"), max_length=100, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tờ đăng ký hộ tịch đã lập")
        verbose_name_plural = _("tờ đăng ký hộ tịch đã lập")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class ExtractCopy(models.Model):
    """A certified extract copy (bản sao trích lục, 2.000635) issued from a register entry."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(CivilEntry, on_delete=models.PROTECT, related_name="extract_copies")
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="civil_extract_copy",
    )
    year = models.PositiveIntegerField(_("năm"))
    serial_number = models.PositiveIntegerField(_("số trích lục"))
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    issued_on = models.DateField(_("ngày cấp"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Unguessable: the public verification page is addressed by it, never by a number.
    token = models.CharField(max_length=64, unique=True, editable=False)
    # The entry's version the copy shows.
    entry_version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản sao trích lục hộ tịch")
        verbose_name_plural = _("bản sao trích lục hộ tịch")
        ordering = ["-year", "-serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "serial_number"], name="extract_copy_serial_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.serial_number}/{self.year}"


def is_late(date_of_birth: datetime.date, registered_on: datetime.date) -> bool:
    """More than 60 days between the birth and its registration (Luật Hộ tịch, Điều 15)."""
    return (registered_on - date_of_birth).days > ON_TIME_DAYS


class SignedCivilDocument(models.Model):
    """The electronic original of a certificate (giấy khai sinh, trích lục …) of an entry,
    or of an extract copy: signed by the competent person, then by the organisation
    (ND 30/2020 Đ5). One per certificate or copy; the applicant receives this file."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        CivilEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_certificate",
    )
    extract_copy = models.OneToOneField(
        ExtractCopy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_document",
    )
    # The entry's version the signed certificate shows.
    entry_version = models.PositiveIntegerField(_("phiên bản"), default=1)
    file = models.FileField(_("tệp đã ký số"), upload_to="ho-tich/da-ky/%Y/")
    signed_at = models.DateTimeField(_("thời điểm ký số"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sealed_at = models.DateTimeField(_("thời điểm ký số của cơ quan"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification = models.ForeignKey(
        "signatures.VerificationRecord",
        verbose_name=_("kết quả kiểm tra chữ ký số"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy tờ hộ tịch đã ký số")
        verbose_name_plural = _("giấy tờ hộ tịch đã ký số")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(entry__isnull=False, extract_copy__isnull=True)
                    | models.Q(entry__isnull=True, extract_copy__isnull=False)
                ),
                name="signed_civil_document_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.file.name

    @property
    def is_fully_signed(self) -> bool:
        return self.sealed_at is not None
