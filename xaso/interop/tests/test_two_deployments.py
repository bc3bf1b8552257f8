"""Two XãSố deployments exchange packages over loopback: this test process (deployment A,
pytest-django's live server on the test database) and a second process (deployment B:
`manage.py runserver` on its own SQLite database, set up with the management commands).
"""

import datetime
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from xaso.conftest import COMMUNE_CODE
from xaso.conftest import OTHER_COMMUNE_CODE
from xaso.core.models import AgencyIdentifier
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop import transport
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.factories import make_certificate
from xaso.interop.tests.factories import make_package

ROOT = Path(__file__).resolve().parents[3]
PATH = "/lien-thong/edxml/"
# Identifiers in force since the 2025 reform.
SINCE = datetime.date(2025, 7, 1)
A_ID = "000.00.00.H55"
B_ID = "H55.242"
TOKEN_TO_B = "a-calls-b-with-this"
TOKEN_TO_A = "b-calls-a-with-this"

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{database}",
        "XASO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "XASO_CACHE_URL": "locmemcache://",
        "XASO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def b_template(tmp_path_factory) -> Path:
    """B's database, migrated once per module, with B's identifier recorded (as its
    administrator does on the unit page)."""
    database = tmp_path_factory.mktemp("deployment-b") / "template.sqlite3"
    env = _environment(database)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(
        env,
        "shell",
        "-c",
        "import datetime; from xaso.core.models import AdministrativeUnit, AgencyIdentifier; "
        f"AgencyIdentifier.objects.create(unit=AdministrativeUnit.objects.get(code={OTHER_COMMUNE_CODE}), "
        f"identifier='{B_ID}', valid_from=datetime.date(2025, 7, 1))",
    )
    return database


@pytest.fixture
def deployment_b(tmp_path, live_server, b_template):
    database = tmp_path / "b.sqlite3"
    shutil.copyfile(b_template, database)
    env = _environment(database)

    def manage(*args: str) -> str:
        return _manage(env, *args)

    printed = manage(
        "interop_add_peer",
        *("--unit", str(OTHER_COMMUNE_CODE), "--organ-id", A_ID, "--name", "UBND xã A"),
        *("--url", live_server.url + PATH, "--outbound-token", TOKEN_TO_A),
        *("--inbound-token", TOKEN_TO_B),
    )
    assert printed.strip() == f"{A_ID}: {TOKEN_TO_B}"
    port = _free_port()
    state = SimpleNamespace(process=None, url=f"http://127.0.0.1:{port}{PATH}", manage=manage)

    def start() -> None:
        state.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("deployment B did not start")

    def stop() -> None:
        state.process.terminate()
        state.process.wait(timeout=20)

    def rows(sql: str) -> list[tuple]:
        with sqlite3.connect(database) as connection:
            return connection.execute(sql).fetchall()

    state.start, state.stop, state.rows = start, stop, rows
    start()
    yield state
    if state.process.poll() is None:
        stop()


@pytest.fixture
def deployment_a(commune, deployment_b):
    AgencyIdentifier.objects.create(unit=commune, identifier=A_ID, valid_from=SINCE)
    peer, _token = services.add_peer(
        unit=commune,
        organ_id=B_ID,
        name="UBND xã B",
        endpoint_url=deployment_b.url,
        outbound_token=TOKEN_TO_B,
        inbound_token=TOKEN_TO_A,
    )
    statuses = []
    handlers.on_status_received(statuses.append)
    yield SimpleNamespace(unit=commune, peer=peer, statuses=statuses)
    handlers.unregister(statuses.append)


def document(number: str) -> t.Package:
    return make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        code=t.Code(number=number, notation="UBND-VP"),
    )


def test_document_and_status_between_two_deployments(deployment_a, deployment_b):
    assert COMMUNE_CODE != OTHER_COMMUNE_CODE
    key, certificate = make_certificate("UBND xã A")

    # A → B: a signed công văn, answered 01 (B has no documents handler yet).
    [outbound] = services.send_document(
        unit=deployment_a.unit,
        package=document("125"),
        sign=lambda data: sign_package(data, key=key, certificate=certificate),
    )
    outbound.refresh_from_db()
    assert (outbound.status, outbound.answer_code) == ("delivered", "01")
    assert deployment_b.rows(
        "select kind, sender_organ_id, document_id, answer_code, signer from interop_inboundpackage"
    ) == [("document", A_ID, f"{A_ID},2026/11/20,125/UBND-VP", "01", "CN=UBND xã A")]

    # A redelivery (A's worker died after the POST) is not stored twice by B.
    again = transport.post_package(
        url=deployment_b.url, token=TOKEN_TO_B, data=bytes(outbound.package)
    )
    assert again.status == 200
    assert deployment_b.rows("select count(*) from interop_inboundpackage") == [(1,)]

    # B → A: the clerk of B registers it and B's outbox sends status 03 back to A.
    deployment_b.manage(
        "shell",
        "-c",
        "from xaso.interop import services; from xaso.interop.models import InboundPackage; "
        "from xaso.interop.edxml import StatusCode; "
        "services.send_status(inbound=InboundPackage.objects.get(), "
        "status_code=StatusCode.ACCEPTED, description='Đã vào sổ văn bản đến số 12')",
    )
    assert deployment_b.rows("select kind, status, answer_code from interop_outboundpackage") == [
        ("status", "delivered", "")
    ]
    received = InboundPackage.objects.get(unit=deployment_a.unit)
    assert (received.kind, received.sender_organ_id, received.answer_code) == ("status", B_ID, "03")
    statuses = [s.status for s in deployment_a.statuses if s.inbound is not None]
    assert [(s.status_code, s.description) for s in statuses] == [
        (t.StatusCode.ACCEPTED, "Đã vào sổ văn bản đến số 12")
    ]


def test_nothing_is_lost_while_the_receiver_is_down(deployment_a, deployment_b):
    deployment_b.stop()
    [outbound] = services.send_document(unit=deployment_a.unit, package=document("126"))
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundPackage.Status.PENDING, 1)
    assert outbound.last_error

    deployment_b.start()
    assert services.attempt_delivery(outbound_id=outbound.pk).status == "delivered"
    assert deployment_b.rows("select document_id from interop_inboundpackage") == [
        (f"{A_ID},2026/11/20,126/UBND-VP",)
    ]
