"""The demo commune: a real unit of the national list and the accounts a commune uses."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import CalendarYear
from xaso.core.models import Position
from xaso.core.models import User

# Xã Quỳ Châu, tỉnh Nghệ An (GSO 16777, province 40): a real commune of the 2025 list.
DEMO_PROVINCE_CODE = 40
DEMO_COMMUNE_CODE = 16777
# A format-valid identifier under Nghệ An's legacy code H41 (QĐ 20/2020 grows left to right).
# The commune's official identifier is not known here; administrators enter the real one.
DEMO_AGENCY_IDENTIFIER = "H41.16777"
DEMO_PASSWORD = "XaSo-demo-2026"  # noqa: S105 (printed by `make run`; refused in production)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    job_title: str
    positions: tuple[str, ...]
    province: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("chutich", "Lê Văn Hùng", "Chủ tịch UBND xã", ("chairman",)),
    DemoAccount("phochutich", "Trần Thị Mai", "Phó Chủ tịch UBND xã", ("vice_chairman",)),
    DemoAccount("vanthu", "Nguyễn Thị Hoa", "Văn thư", ("clerk",)),
    DemoAccount(
        "vanphong", "Phạm Văn Nam", "Công chức Văn phòng – Thống kê", ("office_statistics",)
    ),
    DemoAccount(
        "diachinh",
        "Hoàng Văn Đức",
        "Công chức Địa chính – Xây dựng – Nông nghiệp – Môi trường",
        ("land_construction",),
    ),
    DemoAccount("taichinh", "Vũ Thị Lan", "Công chức Tài chính – Kế toán", ("finance_accounting",)),
    DemoAccount("tuphap", "Đặng Văn An", "Công chức Tư pháp – Hộ tịch", ("justice_civil_status",)),
    DemoAccount(
        "tuphap2", "Nguyễn Thị Ánh", "Công chức Tư pháp – Hộ tịch", ("justice_civil_status",)
    ),
    DemoAccount("vanhoa", "Bùi Thị Hạnh", "Công chức Văn hóa – Xã hội", ("culture_social",)),
    DemoAccount("motcua", "Lương Văn Tâm", "Cán bộ Một cửa", ("counter_officer",)),
    DemoAccount("quantri", "Lô Văn Quản", "Quản trị hệ thống", ("unit_admin",)),
    DemoAccount(
        "giamsat.nghean",
        "Hồ Thị Giám",
        "Chuyên viên Văn phòng UBND tỉnh",
        ("province_supervisor",),
        province=True,
    ),
]


@transaction.atomic
def load_demo_commune(*, today: datetime.date) -> tuple[AdministrativeUnit, list[User]]:
    """Create (or complete) the demo commune and its accounts. Idempotent.

    Existing accounts keep their password and positions, so running `make run` again never
    undoes what a tester changed.
    """
    province = AdministrativeUnit.objects.get(
        level=AdministrativeUnit.Level.PROVINCE, code=DEMO_PROVINCE_CODE
    )
    commune = AdministrativeUnit.objects.get(
        level=AdministrativeUnit.Level.COMMUNE, code=DEMO_COMMUNE_CODE
    )
    AdministrativeUnit.objects.filter(pk__in=[province.pk, commune.pk]).update(is_hosted=True)
    commune.refresh_from_db()
    if not commune.agency_identifiers.exists():
        AgencyIdentifier.objects.create(
            unit=commune,
            identifier=DEMO_AGENCY_IDENTIFIER,
            valid_from=datetime.date(2025, 7, 1),
            note="Dữ liệu minh họa — thay bằng mã định danh chính thức của xã.",
        )
    users = []
    for account in DEMO_ACCOUNTS:
        unit = province if account.province else commune
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                full_name=account.full_name,
                job_title=account.job_title,
                email=f"{account.username}@demo.xaso.invalid",
                unit=unit,
            )
            user.set_password(DEMO_PASSWORD)
            user.refresh_search_text()
            user.full_clean()
            user.save()
            user.positions.set(Position.objects.filter(code__in=account.positions))
            record_audit_event(
                action="account.created",
                unit=unit,
                target=user,
                actor_name="load_demo_commune",
                data={"username": user.username, "positions": list(account.positions)},
            )
        users.append(user)
    # The holidays package already carries this year's official days off; mark it reviewed
    # so demo deadlines are not flagged. Real units approve each year themselves.
    CalendarYear.objects.get_or_create(
        unit=commune,
        year=today.year,
        defaults={"legal_reference": "Dữ liệu minh họa (lịch nghỉ lễ của gói holidays)"},
    )
    return commune, users
