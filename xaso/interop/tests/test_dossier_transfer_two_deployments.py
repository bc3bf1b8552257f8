"""A one-stop dossier transferred between two live XãSố deployments: the commune (this test
process, pytest-django's live server) and the province (a second `manage.py runserver`
process on its own SQLite database; its staff act through `province_side`)."""

import datetime
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test import override_settings
from django.urls import reverse

from xaso.applicants.tests.factories import ApplicantFactory
from xaso.conftest import COMMUNE_CODE
from xaso.core.models import AgencyIdentifier
from xaso.core.pdf import render_pdf
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import processing
from xaso.dossiers.services import results
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier
from xaso.dossiers.tests.factories import ProcedureFactory
from xaso.interop import services
from xaso.interop import tasks
from xaso.interop.models import DossierTransfer
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.province_side import PROCEDURE_CODE
from xaso.interop.tests.province_side import PROCEDURE_NAME
from xaso.interop.tests.province_side import PROVINCE_ID
from xaso.interop.tests.test_two_deployments import _environment
from xaso.interop.tests.test_two_deployments import _free_port
from xaso.interop.tests.test_two_deployments import _manage
from xaso.signatures import pki
from xaso.signatures.models import VerificationRecord
from xaso.signatures.services import import_trust_anchor

ROOT = Path(__file__).resolve().parents[3]
PATH = "/lien-thong/edxml/"
COMMUNE_ID = "H41.16777"
TOKEN_TO_PROVINCE = "xa-goi-tinh-lien-thong"
TOKEN_TO_COMMUNE = "tinh-goi-xa-lien-thong"
PASSPHRASE = "mat-khau-p12"
SIDE = "from xaso.interop.tests import province_side as p; "

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def province_template(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("province") / "template.sqlite3"
    env = _environment(database)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "-c", SIDE + "p.setup()")
    return database


@pytest.fixture(scope="module")
def province_pki(tmp_path_factory) -> SimpleNamespace:
    root = pki.create_ca(common_name="CA thử nghiệm liên thông")
    organisation = pki.issue_identity(issuer=root, common_name="UBND tỉnh Nghệ An")
    directory = tmp_path_factory.mktemp("pki")
    p12 = directory / "to-chuc.p12"
    p12.write_bytes(pki.pkcs12_bytes(organisation, passphrase=PASSPHRASE, chain=[root.certificate]))
    return SimpleNamespace(root=root, p12=p12)


@pytest.fixture
def province(tmp_path, live_server, province_template):
    database = tmp_path / "province.sqlite3"
    shutil.copyfile(province_template, database)
    env = {**_environment(database), "XASO_MEDIA_ROOT": str(tmp_path / "media")}

    def manage(*args: str) -> str:
        return _manage(env, *args)

    manage(
        "interop_add_peer",
        *("--unit", "40", "--organ-id", COMMUNE_ID, "--name", "UBND xã Quỳ Châu"),
        *("--url", live_server.url + PATH, "--outbound-token", TOKEN_TO_COMMUNE),
        *("--inbound-token", TOKEN_TO_PROVINCE),
    )
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
        raise AssertionError("the province deployment did not start")

    def stop() -> None:
        state.process.terminate()
        state.process.wait(timeout=20)

    def shell(code: str) -> str:
        return manage("shell", "-c", SIDE + code)

    def rows() -> list[dict]:
        return json.loads(shell("p.show()").strip().splitlines()[-1])

    state.start, state.stop, state.shell, state.rows = start, stop, shell, rows
    start()
    yield state
    if state.process.poll() is None:
        stop()


@pytest.fixture
def desk(commune, province, make_staff):
    """The commune: its identifier, the province as peer, a dossier in progress."""
    AgencyIdentifier.objects.create(
        unit=commune, identifier=COMMUNE_ID, valid_from=datetime.date(2025, 7, 1)
    )
    peer, _token = services.add_peer(
        unit=commune,
        organ_id=PROVINCE_ID,
        name="UBND tỉnh Nghệ An",
        endpoint_url=province.url,
        outbound_token=TOKEN_TO_PROVINCE,
        inbound_token=TOKEN_TO_COMMUNE,
    )
    counter = make_staff(commune, "counter_officer", username="motcua")
    official = make_staff(commune, "justice_civil_status", username="tuphap")
    procedure = ProcedureFactory(unit=commune, code=PROCEDURE_CODE, name=PROCEDURE_NAME)
    applicant = ApplicantFactory(unit=commune, full_name="Nguyễn Thị An", id_number="040190000123")
    scan = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 to khai", content_type="application/pdf")
    dossier = receive_dossier(
        actor=counter,
        data=ReceptionData(
            procedure=procedure,
            applicant=applicant,
            channel="direct",
            delivery_method="desk",
            declared_data={"ho_ten_chong": "Trần Văn Bình"},
            documents=[
                ReceivedDocument(
                    name="Tờ khai đăng ký",
                    is_original=True,
                    file=scan,
                    content_type="application/pdf",
                    sha256="",
                ),
                ReceivedDocument(name="Giấy tờ tùy thân"),
            ],
        ),
    )
    dossier = processing.claim_step(actor=official, dossier=dossier)
    return SimpleNamespace(
        unit=commune, peer=peer, counter=counter, official=official, dossier=dossier
    )


def _transfer(desk) -> DossierTransfer:
    response = _client(desk.official).post(
        reverse("interop:dossier_transfer", args=[desk.dossier.pk]),
        {"peer": desk.peer.pk, "due_in_days": 10, "note": "Đề nghị Sở giải quyết"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return DossierTransfer.objects.get(dossier=desk.dossier)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False)
def test_dossier_goes_to_the_province_and_its_signed_result_comes_back(
    desk, province, province_pki, tmp_path
):
    # The commune trusts the CA of the province's organisation certificate.
    import_trust_anchor(actor=None, data=pki.pem(province_pki.root.certificate), for_all_units=True)

    link = _transfer(desk)
    dossier = Dossier.objects.get(pk=desk.dossier.pk)
    assert dossier.status == "transferred"
    link.outbound.refresh_from_db()
    assert (link.outbound.status, link.outbound.answer_code) == ("delivered", "03")
    [row] = province.rows()
    assert row["unit"] == 40
    assert row["code"].startswith(PROVINCE_ID + "-")
    assert row["book_number"] == 1
    assert row["origin"] == dossier.code
    assert row["status"] == "received"
    assert row["documents"] == [["Tờ khai đăng ký", True], ["Giấy tờ tùy thân", False]]
    link.refresh_from_db()
    assert (link.remote_status, link.remote_code) == ("03", row["code"])

    # The page shows the transfer and its delivery per recipient.
    page = _client(desk.counter).get(reverse("interop:dossier_transfer", args=[dossier.pk]))
    html = page.content.decode()
    assert "Đã chuyển liên thông" in html
    assert "UBND tỉnh Nghệ An" in html
    assert row["code"] in html

    # A redelivery of the same package never creates a second dossier.
    again = services.transport.post_package(
        url=province.url, token=TOKEN_TO_PROVINCE, data=bytes(link.outbound.package)
    )
    assert again.status == 200
    assert len(province.rows()) == 1

    # The province processes it: statuses come back (05 in progress, 06 result ready).
    province.shell("p.process()")
    link.refresh_from_db()
    assert list(link.statuses.values_list("code", flat=True)) == ["03", "05", "06"]
    assert link.remote_status == "06"

    # Its result, signed with the province's organisation key, comes back.
    pdf_path = tmp_path / "ket-qua.pdf"
    pdf_path.write_bytes(render_pdf("signatures/sample_document.html", {}))
    province.shell(
        f"p.record_and_send(pdf_path={str(pdf_path)!r}, p12_path={str(province_pki.p12)!r}, "
        f"passphrase={PASSPHRASE!r})"
    )
    [row] = province.rows()
    assert (row["status"], row["result_sent"]) == ("returned", "delivered")
    link.refresh_from_db()
    assert link.result_valid is True
    assert link.result_signer == "UBND tỉnh Nghệ An"
    assert link.result_data["number"] == "15/GCN"

    # The commune desk takes it in and returns it to the citizen.
    response = _client(desk.counter).post(
        reverse("interop:dossier_transfer_take_result", args=[link.pk])
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "result_ready"
    assert dossier.result.number == "15/GCN"
    results.return_result(
        actor=desk.counter, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
    )
    dossier.refresh_from_db()
    assert dossier.status == "returned"

    # The citizen checks the returned PDF on the public page.
    returned_pdf = dossier.result.file.open("rb").read()
    check = Client().post(
        reverse("signatures:public_verify"),
        {"document": SimpleUploadedFile("ket-qua.pdf", returned_pdf, "application/pdf")},
    )
    html = check.content.decode()
    assert check.status_code == 200
    assert "Tất cả 1 chữ ký số đều hợp lệ" in html
    assert "UBND tỉnh Nghệ An" in html
    record = VerificationRecord.objects.get(source="public")
    assert record.is_valid is True


def test_refusal_at_the_province_comes_back_with_its_reason(desk, province):
    link = _transfer(desk)
    province.shell("p.process(refuse='Hồ sơ không thuộc thẩm quyền của tỉnh')")
    link.refresh_from_db()
    assert link.remote_status == "02"
    assert link.remote_status_note == "Từ chối giải quyết: Hồ sơ không thuộc thẩm quyền của tỉnh"
    # Applied to the commune dossier: back at the step that transferred it, the reason shown.
    note = "Cơ quan cấp tỉnh từ chối: Hồ sơ không thuộc thẩm quyền của tỉnh"
    dossier = Dossier.objects.get(pk=desk.dossier.pk)
    assert dossier.status == "in_progress"
    assert dossier.transfers.get().return_note == note
    page = _client(desk.counter).get(reverse("dossiers:dossier_detail", args=[dossier.pk]))
    assert note in page.content.decode()
    # The commune refuses the request to the citizen through the ordinary refusal.
    processing.refuse_dossier(actor=desk.official, dossier=dossier, reason=note)
    assert Dossier.objects.get(pk=dossier.pk).status == "refused"


def test_refusal_at_the_provinces_reception_comes_back_at_once(desk, province):
    province.shell(
        "from xaso.dossiers.models import Procedure; Procedure.objects.update(is_active=False)"
    )
    link = _transfer(desk)
    link.outbound.refresh_from_db()
    # Delivered, and answered 02 with the province's reason.
    assert (link.outbound.status, link.outbound.answer_code) == ("delivered", "02")
    assert province.rows() == []
    dossier = Dossier.objects.get(pk=desk.dossier.pk)
    assert dossier.status == "in_progress"
    note = dossier.transfers.get().return_note
    assert note.startswith("Cơ quan cấp tỉnh từ chối: Thủ tục 1.009994 không có trong danh mục")
    assert (
        note
        in _client(desk.counter)
        .get(reverse("interop:dossier_transfer", args=[dossier.pk]))
        .content.decode()
    )


def test_nothing_is_lost_while_the_province_is_down(desk, province):
    province.stop()
    link = _transfer(desk)
    link.outbound.refresh_from_db()
    assert (link.outbound.status, link.outbound.attempts) == (OutboundPackage.Status.PENDING, 1)
    assert link.outbound.last_error
    assert Dossier.objects.get(pk=desk.dossier.pk).status == "transferred"

    province.start()
    # The worker's periodic flush picks up what is due.
    OutboundPackage.objects.filter(pk=link.outbound.pk).update(
        next_attempt_at=link.outbound.next_attempt_at - datetime.timedelta(hours=1)
    )
    assert tasks.flush_outbox.call() == 1
    link.outbound.refresh_from_db()
    assert (link.outbound.status, link.outbound.answer_code) == ("delivered", "03")
    assert len(province.rows()) == 1
    # Flushing again sends nothing more.
    assert tasks.flush_outbox.call() == 0
    assert len(province.rows()) == 1


def test_statuses_wait_while_the_commune_is_down(desk, province, live_server):
    link = _transfer(desk)
    # The commune's address is unreachable for a while (its server is down).
    port = _free_port()
    province.shell(
        "from xaso.interop.models import Peer; "
        f"Peer.objects.update(endpoint_url='http://127.0.0.1:{port}{PATH}')"
    )
    province.shell("p.process()")
    assert InboundPackage.objects.filter(unit=desk.unit, kind="status").count() == 0
    # Back up: the province's worker flushes its outbox (due packages only).
    province.shell(
        "from django.utils import timezone; from xaso.interop.models import Peer, "
        "OutboundPackage; "
        f"Peer.objects.update(endpoint_url='{live_server.url}{PATH}'); "
        "OutboundPackage.objects.update(next_attempt_at=timezone.now())"
    )
    province.manage("interop_flush_outbox")
    link.refresh_from_db()
    assert list(link.statuses.values_list("code", flat=True)) == ["03", "05", "06"]
    assert InboundPackage.objects.filter(unit=desk.unit, kind="status").count() == 2
    assert desk.unit.code == COMMUNE_CODE
