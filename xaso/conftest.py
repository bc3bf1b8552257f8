"""Fixtures shared by every app: real units from the national list and staff by position."""

import os
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.tests.factories import UserFactory
from xaso.core.tests.factories import real_unit
from xaso.signatures import pki
from xaso.signatures import softhsm

# Nghệ An (40) and three of its communes; Hà Nội (1) for a different province.
PROVINCE_CODE = 40
COMMUNE_CODE = 16777  # Xã Quỳ Châu
OTHER_COMMUNE_CODE = 16750  # Xã Tiền Phong
FAR_COMMUNE_CODE = 454  # Xã Đông Anh, Hà Nội
# Test PKI and SoftHSM token (signing tests of every app share them: a process loads the
# PKCS#11 library, and so SoftHSM's token list, only once).
PASSPHRASE = "mat-khau-p12-thu"
PIN = "246810"
SO_PIN = "13579246"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL-only tests on SQLite; keep reference data across transactional tests.

    Transactional tests end by emptying every table, which would also remove the national
    unit list and the positions loaded by data migrations; serialized rollback restores them.
    """
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgresql" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture
def province(db: None) -> AdministrativeUnit:
    return real_unit(PROVINCE_CODE, level=AdministrativeUnit.Level.PROVINCE)


@pytest.fixture
def commune(province: AdministrativeUnit) -> AdministrativeUnit:
    return real_unit(COMMUNE_CODE)


@pytest.fixture
def other_commune(province: AdministrativeUnit) -> AdministrativeUnit:
    return real_unit(OTHER_COMMUNE_CODE)


@pytest.fixture
def far_commune(db: None) -> AdministrativeUnit:
    return real_unit(FAR_COMMUNE_CODE)


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    """make_staff(unit, "clerk", "chairman", username="...") → a user holding those positions."""

    def make(unit: AdministrativeUnit | None, *positions: str, **fields: object) -> User:
        return UserFactory(unit=unit, positions=list(positions), **fields)

    return make


@pytest.fixture
def unit_admin(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "unit_admin", username="quantri", full_name="Lê Thị Quản Trị")


@pytest.fixture
def chairman(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "chairman", username="chutich", full_name="Trần Văn Chủ Tịch")


@pytest.fixture
def clerk(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "clerk", username="vanthu", full_name="Phạm Thị Văn Thư")


@pytest.fixture
def counter_officer(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "counter_officer", username="motcua", full_name="Hoàng Văn Một Cửa")


@pytest.fixture
def other_unit_admin(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "unit_admin", username="quantri_khac")


@pytest.fixture
def province_supervisor(province: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(province, "province_supervisor", username="giamsat_tinh")


@pytest.fixture
def client_as(db: None) -> Callable[[User], Client]:
    """client_as(user) → a test client logged in as `user`."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup: None, django_db_blocker: object) -> object:
    """Let the test database be dropped at the end on PostgreSQL.

    Threads of the concurrency and live-server tests may leave a connection open, which
    makes DROP DATABASE fail ("being accessed by other users").
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def demo_pki() -> SimpleNamespace:
    root = pki.create_ca(common_name="XãSố Test Root CA")
    sub = pki.issue_identity(issuer=root, common_name="XãSố Test Sub CA", is_ca=True)
    chairman = pki.issue_identity(issuer=sub, common_name="Trần Văn Chủ Tịch")
    organisation = pki.issue_identity(issuer=sub, common_name="UBND xã Quỳ Châu")
    stranger = pki.issue_identity(issuer=pki.create_ca(common_name="Lạ CA"), common_name="Lạ")
    chain = [sub.certificate, root.certificate]
    return SimpleNamespace(
        root=root,
        sub=sub,
        chairman=chairman,
        organisation=organisation,
        stranger=stranger,
        chairman_p12=pki.pkcs12_bytes(chairman, passphrase=PASSPHRASE, chain=chain),
        organisation_p12=pki.pkcs12_bytes(organisation, passphrase=PASSPHRASE, chain=chain),
        stranger_p12=pki.pkcs12_bytes(stranger, passphrase=PASSPHRASE, chain=[]),
    )


@pytest.fixture(scope="session")
def softhsm_token(
    demo_pki: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory
) -> SimpleNamespace:
    if not softhsm.available():
        pytest.skip("SoftHSM2 or opensc (pkcs11-tool) is not installed")
    directory = tmp_path_factory.mktemp("softhsm")
    conf = softhsm.write_config(directory)
    # The PKCS#11 library reads it when this process first loads it.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    token = softhsm.provision_token(
        conf=conf,
        token_label="chutich-test",
        pin=PIN,
        so_pin=SO_PIN,
        issuer=demo_pki.sub,
        common_name="Trần Văn Chủ Tịch (token)",
    )
    # The organisation's key on its own token, kept by the văn thư (same PIN).
    organisation = softhsm.provision_token(
        conf=conf,
        token_label="vanthu-test",
        pin=PIN,
        so_pin=SO_PIN,
        issuer=demo_pki.sub,
        common_name="UBND xã Quỳ Châu (token)",
    )
    return SimpleNamespace(
        conf=conf, token=token, organisation=organisation, pin=PIN, directory=directory
    )
