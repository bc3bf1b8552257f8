"""`load_demo_province` (the province deployment of `make run-province`) and
`load_demo_exchange --province-url` (the commune wired to it)."""

import datetime
import json
from importlib import resources

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from xaso.applicants.tests.factories import ApplicantFactory
from xaso.core.demo import DEMO_AGENCY_IDENTIFIER
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import User
from xaso.core.pdf import render_pdf
from xaso.dossiers import catalog_io
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import processing
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier
from xaso.interop import demo
from xaso.interop import dossier_transfer
from xaso.interop import services
from xaso.interop.models import DossierTransfer
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer
from xaso.signatures import services as signatures
from xaso.signatures.models import TrustAnchor

COMMUNE_URL = "http://127.0.0.1:8000/lien-thong/edxml/"
PROVINCE_URL = "http://127.0.0.1:8001/lien-thong/edxml/"
# Kết hôn có yếu tố nước ngoài: no civil-status register hook, so any unit can process it.
PROCEDURE = "2.000806"


def _province():
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code=40)


def _load_province(tmp_path, **options):
    values = {
        "commune_url": COMMUNE_URL,
        "pki_directory": str(tmp_path / "province" / "pki"),
        "shared_ca": str(tmp_path / "pki" / "ca"),
        "no_tokens": True,
        "verbosity": 0,
    }
    values.update(options)
    call_command("load_demo_province", **values)


def test_province_deployment_is_set_up_once(db, tmp_path):
    _load_province(tmp_path)
    province = _province()
    counts = (
        User.objects.count(),
        Procedure.objects.filter(unit=province).count(),
        TrustAnchor.objects.count(),
    )
    _load_province(tmp_path)  # idempotent
    assert (
        User.objects.count(),
        Procedure.objects.filter(unit=province).count(),
        TrustAnchor.objects.count(),
    ) == counts
    province.refresh_from_db()
    assert province.is_hosted
    assert province.agency_identifier_on(timezone.localdate()) == "000.00.00.H41"
    staff = {user.username: user for user in User.objects.filter(unit=province)}
    assert set(staff) == {"motcua", "chuyenvien", "chutich", "vanthu", "quantri"}
    assert staff["motcua"].has_perm("dossiers.receive_dossier")
    assert staff["motcua"].has_perm("dossiers.return_result")
    assert Procedure.objects.filter(unit=province, code=PROCEDURE, is_active=True).exists()
    # Its one peer: the demo commune, reached at the commune deployment's endpoint.
    [peer] = Peer.objects.all()
    assert (peer.unit, peer.organ_id, peer.endpoint_url, peer.outbound_token) == (
        province,
        DEMO_AGENCY_IDENTIFIER,
        COMMUNE_URL,
        demo.PROVINCE_TO_COMMUNE_TOKEN,
    )
    assert services.authenticate_peer(demo.COMMUNE_TO_PROVINCE_TOKEN) == peer
    # The demo CA is the commune's (shared directory): each side trusts the other's keys.
    assert (tmp_path / "province" / "pki" / "ca").resolve() == (tmp_path / "pki" / "ca")
    assert (tmp_path / "pki" / "ca" / "root.pem").exists()
    assert TrustAnchor.objects.filter(unit=province).count() == 2
    # The province's organisation key signs a result that verifies as valid.
    secrets = json.loads((tmp_path / "province" / "pki" / "secrets.json").read_text())
    key = signatures.Pkcs12Key(
        data=(tmp_path / "province" / "pki" / "vanthu.p12").read_bytes(),
        passphrase=secrets["vanthu"]["p12_passphrase"],
    )
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        signed = signatures.sign_pdf(
            render_pdf("signatures/sample_document.html", {}),
            signer=key,
            appearance=signatures.Appearance.invisible(),
        )
        assert signatures.verify_pdf(signed, unit=province).ok


def test_demo_province_receives_a_dossier_transferred_by_the_commune(db, tmp_path, make_staff):
    """Both units in this test database stand for the two deployments: the commune's
    package, handed to the province's endpoint service, becomes a province dossier."""
    commune = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.COMMUNE, code=16777)
    AgencyIdentifier.objects.create(
        unit=commune, identifier=DEMO_AGENCY_IDENTIFIER, valid_from=datetime.date(2025, 7, 1)
    )
    _load_province(tmp_path)
    call_command("load_demo_exchange", province_url=PROVINCE_URL, verbosity=0)
    commune_peer = Peer.objects.get(unit=commune)
    assert commune_peer.endpoint_url == PROVINCE_URL
    counter = make_staff(commune, "counter_officer", username="motcua_xa")
    official = make_staff(commune, "justice_civil_status", username="tuphap_xa")
    catalog_io.import_file(
        actor=None,
        unit=commune,
        filename="procedures.json",
        content=(resources.files("xaso.dossiers") / "data" / "procedures.json").read_bytes(),
    )
    dossier = receive_dossier(
        actor=counter,
        data=ReceptionData(
            procedure=Procedure.objects.get(unit=commune, code=PROCEDURE),
            applicant=ApplicantFactory(unit=commune, full_name="Lò Thị Xuân"),
            channel="direct",
            delivery_method="desk",
            documents=[
                ReceivedDocument(
                    name="Tờ khai đăng ký kết hôn",
                    file=SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 to khai"),
                    content_type="application/pdf",
                )
            ],
        ),
    )
    dossier = processing.claim_step(actor=official, dossier=dossier)
    dossier_transfer.transfer_out(
        actor=official, dossier=dossier, peer_id=commune_peer.pk, due_in_days=10
    )
    outbound = OutboundPackage.objects.get(unit=commune)
    reception = services.receive_package(
        token=demo.COMMUNE_TO_PROVINCE_TOKEN, data=bytes(outbound.package)
    )
    assert reception.inbound.answer_code == "03"
    incoming = DossierTransfer.objects.get(direction="in")
    assert incoming.dossier.unit == _province()
    assert incoming.dossier.received_by.username == "motcua"
    assert incoming.remote_code == dossier.code


def test_load_demo_exchange_stays_on_loopback_without_a_province_url(db, tmp_path):
    call_command("load_demo_commune", verbosity=0)
    call_command("load_demo_exchange", province_url=PROVINCE_URL, verbosity=0)
    commune = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.COMMUNE, code=16777)
    assert Peer.objects.get(unit=commune).endpoint_url == PROVINCE_URL
    call_command("load_demo_exchange", verbosity=0)  # what `make run` does
    assert Peer.objects.count() == 2
    assert Peer.objects.get(unit=commune).endpoint_url == "http://127.0.0.1:8000/lien-thong/edxml/"


def test_bad_input_and_production_are_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Địa chỉ không hợp lệ"):
        _load_province(tmp_path / "a", commune_url="ftp://x")
    with pytest.raises(CommandError, match="Địa chỉ không hợp lệ"):
        call_command("load_demo_exchange", province_url="khong-phai-url")
    with override_settings(XASO_PRODUCTION=True), pytest.raises(CommandError, match="XASO_PROD"):
        _load_province(tmp_path)
    assert not Peer.objects.exists()
    assert not User.objects.exists()


def test_province_demo_is_refused_in_the_communes_database(db, tmp_path):
    call_command("load_demo_commune", verbosity=0)
    with pytest.raises(CommandError, match="cơ sở dữ liệu riêng của tỉnh"):
        _load_province(tmp_path)
    assert not Peer.objects.exists()
    assert not Procedure.objects.filter(unit=_province()).exists()
    assert not User.objects.filter(unit=_province(), username="chuyenvien").exists()
