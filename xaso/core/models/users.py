"""Staff accounts and the legal positions (chức danh) that grant their permissions."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.search import normalize_search_text


class Position(models.Model):
    """A position a person holds in a unit (văn thư, chủ tịch, …).

    Positions carry permissions as data (a many-to-many to Django permissions), so which
    position may do what is changed in the database, never in view code.
    """

    class Code(models.TextChoices):
        CLERK = "clerk", _("Văn thư")
        CHAIRMAN = "chairman", _("Chủ tịch UBND")
        VICE_CHAIRMAN = "vice_chairman", _("Phó Chủ tịch UBND")
        OFFICE_STATISTICS = "office_statistics", _("Công chức Văn phòng – Thống kê")
        LAND_CONSTRUCTION = (
            "land_construction",
            _("Công chức Địa chính – Xây dựng – Nông nghiệp – Môi trường"),
        )
        FINANCE_ACCOUNTING = "finance_accounting", _("Công chức Tài chính – Kế toán")
        JUSTICE_CIVIL_STATUS = "justice_civil_status", _("Công chức Tư pháp – Hộ tịch")
        CULTURE_SOCIAL = "culture_social", _("Công chức Văn hóa – Xã hội")
        COUNTER_OFFICER = "counter_officer", _("Cán bộ Một cửa")
        UNIT_ADMIN = "unit_admin", _("Quản trị hệ thống của đơn vị")
        PROVINCE_SUPERVISOR = "province_supervisor", _("Cán bộ giám sát cấp tỉnh")

    code = models.CharField(_("mã"), max_length=40, unique=True, choices=Code.choices)
    name = models.CharField(_("tên chức danh"), max_length=150)
    is_leader = models.BooleanField(_("lãnh đạo"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("quyền"), blank=True, related_name="positions"
    )

    class Meta:
        verbose_name = _("chức danh")
        verbose_name_plural = _("chức danh")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff account. A commune user works in one unit; a province user supervises.

    Superusers of the platform may have no unit; every other account must have one.
    """

    unit = models.ForeignKey(
        "core.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    job_title = models.CharField(_("chức vụ ghi trên văn bản"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    positions = models.ManyToManyField(
        Position, verbose_name=_("chức danh"), blank=True, related_name="holders"
    )
    # Lower-case, diacritics-free copy of the name for search on SQLite and PostgreSQL.
    search_text = models.CharField(max_length=400, blank=True, editable=False, db_index=True)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        ordering = ["full_name", "username"]
        permissions = [
            ("manage_accounts", _("Quản lý tài khoản và chức danh của đơn vị")),
            ("view_audit_trail", _("Xem nhật ký hệ thống")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def refresh_search_text(self) -> None:
        self.search_text = normalize_search_text(
            " ".join([self.full_name, self.username, self.email, self.phone])
        )

    def holds(self, code: str) -> bool:
        """Whether the user holds the position with this code."""
        return self.positions.filter(code=code).exists()

    @property
    def position_names(self) -> str:
        return ", ".join(p.name for p in self.positions.all())


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
