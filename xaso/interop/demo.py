"""Demo exchange for `make run`: the demo commune and its province exchange edXML packages
over loopback (this deployment's own endpoint), as two agencies would. Idempotent.

`make run-province` runs a second deployment (own database, port 8001) hosting only the
province (`load_demo_province`): its one-stop, officials and organisation key, with the
commune as its peer; `load_demo_exchange --province-url` points the commune at it, so a
dossier transferred on one server is processed and answered on the other.
"""

import datetime
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xaso.core.audit import record_audit_event
from xaso.core.demo import DEMO_AGENCY_IDENTIFIER
from xaso.core.demo import DEMO_COMMUNE_CODE
from xaso.core.demo import DEMO_PASSWORD
from xaso.core.demo import DEMO_PROVINCE_CODE
from xaso.core.demo import DemoAccount
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import CalendarYear
from xaso.core.models import Position
from xaso.core.models import User
from xaso.dossiers import catalog_io
from xaso.interop import services
from xaso.signatures.demo import create_demo_pki

# Nghệ An's identifier as seen in published packages (documents.md §9.1, M); the post-2025
# value is Unknown and administrators enter the real one.
DEMO_PROVINCE_IDENTIFIER = "000.00.00.H41"
# Demo tokens only (refused in production, like every demo data).
COMMUNE_TO_PROVINCE_TOKEN = "demo-xa-gui-tinh"  # noqa: S105
PROVINCE_TO_COMMUNE_TOKEN = "demo-tinh-gui-xa"  # noqa: S105


# The province deployment's logins: the same names as the commune's (another server).
DEMO_PROVINCE_ACCOUNTS = [
    DemoAccount(
        "motcua",
        "Nguyễn Văn Tiếp",
        "Bộ phận Một cửa – Trung tâm Phục vụ hành chính công tỉnh",
        ("counter_officer",),
    ),
    DemoAccount("chuyenvien", "Trần Thị Thẩm", "Chuyên viên Sở Tư pháp", ("justice_civil_status",)),
    DemoAccount("chutich", "Lê Văn Lãnh", "Phó Chủ tịch UBND tỉnh", ("chairman",)),
    DemoAccount("vanthu", "Phạm Thị Thư", "Văn thư UBND tỉnh", ("clerk",)),
    DemoAccount("quantri", "Hồ Văn Trị", "Quản trị hệ thống", ("unit_admin",)),
]
PROCEDURES_FILE = "procedures.json"


class DemoSetupError(Exception):
    """The province demo cannot be set up in this database (message for the command)."""


def _endpoint(base_url: str) -> str:
    return base_url.rstrip("/") + "/lien-thong/edxml/"


@transaction.atomic
def load_demo_exchange(*, province_url: str = "") -> tuple[AdministrativeUnit, AdministrativeUnit]:
    commune = AdministrativeUnit.objects.get(code=DEMO_COMMUNE_CODE)
    province = AdministrativeUnit.objects.get(code=DEMO_PROVINCE_CODE)
    if not province.agency_identifiers.exists():
        AgencyIdentifier.objects.create(
            unit=province,
            identifier=DEMO_PROVINCE_IDENTIFIER,
            valid_from=datetime.date(2025, 7, 1),
            note="Dữ liệu minh họa",
        )
    today = timezone.localdate()
    endpoint = _endpoint(settings.XASO_PUBLIC_BASE_URL)
    services.add_peer(
        unit=commune,
        organ_id=province.agency_identifier_on(today),
        name=f"UBND {province.name}",
        # The province deployment of `make run-province`, else this one over loopback.
        endpoint_url=province_url or endpoint,
        outbound_token=COMMUNE_TO_PROVINCE_TOKEN,
        inbound_token=PROVINCE_TO_COMMUNE_TOKEN,
    )
    services.add_peer(
        unit=province,
        organ_id=commune.agency_identifier_on(today),
        name=f"UBND {commune.name}",
        endpoint_url=endpoint,
        outbound_token=PROVINCE_TO_COMMUNE_TOKEN,
        inbound_token=COMMUNE_TO_PROVINCE_TOKEN,
    )
    return commune, province


def _account(unit: AdministrativeUnit, account: DemoAccount) -> User:
    user = User.objects.filter(username=account.username).first()
    if user is not None and user.unit_id != unit.pk:
        # The commune's demo accounts carry the same names: this is the commune's database.
        raise DemoSetupError(
            f"Tài khoản {account.username} đã thuộc {user.unit}: hãy chạy load_demo_province "
            "trên cơ sở dữ liệu riêng của tỉnh (make run-province)."
        )
    if user is not None:  # kept as a tester left it, like the commune's accounts
        return user
    user = User(
        username=account.username,
        full_name=account.full_name,
        job_title=account.job_title,
        email=f"{account.username}.tinh@demo.xaso.invalid",
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
        actor_name="load_demo_province",
        data={"username": user.username, "positions": list(account.positions)},
    )
    return user


def _share_demo_ca(pki_directory: Path, shared_ca: Path) -> None:
    """Both demo deployments sign under the same demo CA (as real units share the
    government CA), so each trusts the other's signatures: the province's key directory
    uses the commune's `ca/` (created here if the province is set up first)."""
    link = pki_directory / "ca"
    if link.exists() or link.is_symlink():
        return
    shared_ca.mkdir(parents=True, exist_ok=True)
    pki_directory.mkdir(parents=True, exist_ok=True)
    link.symlink_to(shared_ca.resolve(), target_is_directory=True)


def load_demo_province(
    *,
    commune_url: str,
    pki_directory: Path,
    shared_ca: Path,
    softhsm_conf: Path | None,
    write: Callable[[str], None],
) -> tuple[AdministrativeUnit, list[User]]:
    """The province deployment of the demo: Nghệ An hosted here, its identifier, its
    one-stop officials, the procedure catalogue (the commune's, so transferred dossiers
    find their procedure), its organisation key, and the demo commune as peer at
    `commune_url`. Idempotent."""
    today = timezone.localdate()
    with transaction.atomic():
        province = AdministrativeUnit.objects.get(
            level=AdministrativeUnit.Level.PROVINCE, code=DEMO_PROVINCE_CODE
        )
        commune = AdministrativeUnit.objects.get(
            level=AdministrativeUnit.Level.COMMUNE, code=DEMO_COMMUNE_CODE
        )
        AdministrativeUnit.objects.filter(pk=province.pk).update(is_hosted=True)
        province.refresh_from_db()
        if not province.agency_identifiers.exists():
            AgencyIdentifier.objects.create(
                unit=province,
                identifier=DEMO_PROVINCE_IDENTIFIER,
                valid_from=datetime.date(2025, 7, 1),
                note="Dữ liệu minh họa",
            )
        users = [_account(province, account) for account in DEMO_PROVINCE_ACCOUNTS]
        CalendarYear.objects.get_or_create(
            unit=province,
            year=today.year,
            defaults={"legal_reference": "Dữ liệu minh họa (lịch nghỉ lễ của gói holidays)"},
        )
        catalogue = resources.files("xaso.dossiers") / "data" / PROCEDURES_FILE
        catalog_io.import_file(
            actor=None, unit=province, filename=PROCEDURES_FILE, content=catalogue.read_bytes()
        )
        services.add_peer(
            unit=province,
            organ_id=DEMO_AGENCY_IDENTIFIER,
            name=f"UBND {commune.name}",
            endpoint_url=commune_url,
            outbound_token=PROVINCE_TO_COMMUNE_TOKEN,
            inbound_token=COMMUNE_TO_PROVINCE_TOKEN,
        )
    _share_demo_ca(pki_directory, shared_ca)
    create_demo_pki(directory=pki_directory, unit=province, softhsm_conf=softhsm_conf, write=write)
    return province, users
