"""The transfer pages and services within one deployment hosting both the commune and the
province (packages handed to the receiving endpoint's service in-process); isolation, bad
input, idempotent receipt. Across two live deployments: test_dossier_transfer_two_deployments.
"""

import datetime
import threading
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xaso.applicants.tests.factories import ApplicantFactory
from xaso.core.models import AgencyIdentifier
from xaso.core.models import AuditEvent
from xaso.core.pdf import render_pdf
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Result
from xaso.dossiers.models import Transfer
from xaso.dossiers.services import processing
from xaso.dossiers.services import results
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier
from xaso.dossiers.tests.factories import ProcedureFactory
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop.dossier_transfer import refusal_reason
from xaso.interop.dossier_transfer import send_result
from xaso.interop.dossier_transfer import transfer_out
from xaso.interop.edxml import build_package
from xaso.interop.edxml import parse_package
from xaso.interop.models import DossierTransfer
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer
from xaso.interop.tests.province_side import PROCEDURE_CODE
from xaso.interop.tests.province_side import PROCEDURE_NAME
from xaso.interop.tests.province_side import PROVINCE_ID
from xaso.signatures import pki
from xaso.signatures.services import import_trust_anchor
from xaso.signatures.signing import Pkcs12Key

COMMUNE_ID = "H41.16777"
NOWHERE = "http://127.0.0.1:9/lien-thong/edxml/"  # nothing listens: packages wait
TO_PROVINCE = "xa-goi-tinh"
TO_COMMUNE = "tinh-goi-xa"
PASSPHRASE = "mat-khau"


@pytest.fixture
def pair(commune, province, other_commune, make_staff):
    since = datetime.date(2025, 7, 1)
    AgencyIdentifier.objects.create(unit=commune, identifier=COMMUNE_ID, valid_from=since)
    AgencyIdentifier.objects.create(unit=province, identifier=PROVINCE_ID, valid_from=since)
    peer, _ = services.add_peer(
        unit=commune,
        organ_id=PROVINCE_ID,
        name="UBND tỉnh Nghệ An",
        endpoint_url=NOWHERE,
        outbound_token=TO_PROVINCE,
        inbound_token=TO_COMMUNE,
    )
    services.add_peer(
        unit=province,
        organ_id=COMMUNE_ID,
        name="UBND xã Quỳ Châu",
        endpoint_url=NOWHERE,
        outbound_token=TO_COMMUNE,
        inbound_token=TO_PROVINCE,
    )
    other_peer, _ = services.add_peer(
        unit=other_commune, organ_id=PROVINCE_ID, name="UBND tỉnh (xã khác)", endpoint_url=NOWHERE
    )
    procedure = ProcedureFactory(unit=commune, code=PROCEDURE_CODE, name=PROCEDURE_NAME)
    ProcedureFactory(unit=province, code=PROCEDURE_CODE, name=PROCEDURE_NAME)
    counter = make_staff(commune, "counter_officer", username="motcua")
    official = make_staff(commune, "justice_civil_status", username="tuphap")
    applicant = ApplicantFactory(unit=commune, full_name="Nguyễn Thị An", id_number="040190000123")
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
                    name="Tờ khai",
                    is_original=True,
                    file=SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 x"),
                    content_type="application/pdf",
                )
            ],
        ),
    )
    dossier = processing.claim_step(actor=official, dossier=dossier)
    return SimpleNamespace(
        commune=commune,
        province=province,
        peer=peer,
        other_peer=other_peer,
        counter=counter,
        official=official,
        dossier=dossier,
        p_counter=make_staff(province, "counter_officer", username="motcua_tinh"),
        p_official=make_staff(province, "justice_civil_status", username="chuyenvien_tinh"),
        p_leader=make_staff(province, "chairman", username="lanhdao_tinh"),
        o_official=make_staff(other_commune, "justice_civil_status", username="tuphap_khac"),
        o_counter=make_staff(other_commune, "counter_officer", username="motcua_khac"),
        nobody=make_staff(commune, username="khongquyen"),
    )


def _post_transfer(client, pair, **data):
    values = {"peer": pair.peer.pk, "due_in_days": 10, "note": ""}
    values.update(data)
    return client.post(reverse("interop:dossier_transfer", args=[pair.dossier.pk]), values)


def _deliver(unit, token: str) -> list:
    """Hand `unit`'s pending packages to the receiving endpoint's service (in-process)."""
    return [
        services.receive_package(token=token, data=bytes(outbound.package))
        for outbound in OutboundPackage.objects.filter(unit=unit).order_by("pk")
    ]


def test_transfer_from_the_dossier_page_queues_the_package(pair, client_as):
    response = _post_transfer(client_as(pair.official), pair, note="Đề nghị tỉnh giải quyết")
    assert response.status_code == 302
    link = DossierTransfer.objects.get()
    dossier = Dossier.objects.get(pk=pair.dossier.pk)
    assert dossier.status == "transferred"
    assert (link.direction, link.peer, link.transfer.agency_identifier) == (
        "out",
        pair.peer,
        PROVINCE_ID,
    )
    assert (
        link.document_id == f"{COMMUNE_ID},{timezone.localdate():%Y/%m/%d},{link.transfer_id}/HSLT"
    )
    # Queued; its delivery job runs on commit (see the two-deployment tests).
    link.outbound.refresh_from_db()
    assert (link.outbound.status, link.outbound.peer) == ("pending", pair.peer)
    page = client_as(pair.counter).get(reverse("interop:dossier_transfer", args=[dossier.pk]))
    html = page.content.decode()
    assert "Đã chuyển liên thông" in html
    assert "Chờ gửi" in html
    # The dossier page links to it.
    detail = client_as(pair.counter).get(reverse("dossiers:dossier_detail", args=[dossier.pk]))
    assert reverse("interop:dossier_transfer_status", args=[dossier.pk]) in detail.content.decode()


@pytest.mark.parametrize("which", ["unknown", "other_unit", "empty"])
def test_unknown_agency_is_refused_and_changes_nothing(pair, client_as, which):
    peer = {"unknown": 999999, "other_unit": pair.other_peer.pk, "empty": ""}[which]
    response = _post_transfer(client_as(pair.official), pair, peer=peer)
    assert response.status_code == 400
    html = response.content.decode()
    expected = (
        "Trường này là bắt buộc"
        if which == "empty"
        else "Cơ quan nhận không có trong danh sách cơ quan liên thông của đơn vị."
    )
    assert expected in html
    assert Dossier.objects.get(pk=pair.dossier.pk).status == "in_progress"
    assert not DossierTransfer.objects.exists()
    assert not Transfer.objects.exists()
    assert not OutboundPackage.objects.exists()


def test_dossier_not_transferable_in_its_state_changes_nothing(pair, client_as):
    client = client_as(pair.official)
    assert _post_transfer(client, pair).status_code == 302
    response = _post_transfer(client, pair)
    assert response.status_code == 400
    assert (
        "Không thể “Chuyển cơ quan cấp trên”: hồ sơ đang ở trạng thái “Đã chuyển cơ quan cấp trên”."
        in response.content.decode()
    )
    assert DossierTransfer.objects.count() == 1
    assert OutboundPackage.objects.count() == 1
    # The counter officer does not hold the processing step: refused the same way.
    dossier = Dossier.objects.get(pk=pair.dossier.pk)
    assert dossier.status == "transferred"


def test_not_the_step_holder_cannot_transfer(pair, client_as):
    response = _post_transfer(client_as(pair.counter), pair)
    assert response.status_code == 400
    assert "Bước “Thẩm định, trình ký” đang do Nguyễn Văn Cán Bộ" in response.content.decode()
    assert not DossierTransfer.objects.exists()


def test_province_receives_once_in_its_normal_inbox(pair, client_as):
    seen = []
    handlers.on_document_received(seen.append)  # e.g. the incoming-documents register
    try:
        _post_transfer(client_as(pair.official), pair)
        [first] = _deliver(pair.commune, TO_PROVINCE)
        [again] = _deliver(pair.commune, TO_PROVINCE)
    finally:
        handlers.unregister(seen.append)
    assert seen == []  # a transferred dossier is not a document to register
    assert (first.replayed, again.replayed) == (False, True)
    assert first.inbound.answer_code == "03"
    incoming = DossierTransfer.objects.get(direction="in")
    province_dossier = incoming.dossier
    assert province_dossier.unit == pair.province
    assert province_dossier.code.startswith(PROVINCE_ID + "-")
    assert province_dossier.book_number == 1
    assert incoming.remote_code == pair.dossier.code
    applicant = province_dossier.applicant
    assert (applicant.unit, applicant.full_name, applicant.id_number) == (
        pair.province,
        "Nguyễn Thị An",
        "040190000123",
    )
    assert province_dossier.declared_data == {"ho_ten_chong": "Trần Văn Bình"}
    assert (province_dossier.channel, province_dossier.received_by) == ("online", pair.p_counter)
    assert [(d.name, d.file.read()) for d in province_dossier.documents.all()] == [
        ("Tờ khai", b"%PDF-1.4 x")
    ]
    assert Dossier.objects.filter(unit=pair.province).count() == 1
    inbox = processing.inbox_for(user=pair.p_official)
    waiting_for_claim = [item.dossier.pk for items in inbox.groups.values() for item in items]
    assert waiting_for_claim == [province_dossier.pk]
    listing = client_as(pair.p_counter).get(reverse("interop:dossier_transfer_list"))
    assert pair.dossier.code in listing.content.decode()


def test_unknown_procedure_at_the_province_is_refused_with_its_reason(pair, client_as):
    pair.province.procedures.update(is_active=False)
    _post_transfer(client_as(pair.official), pair)
    [reception] = _deliver(pair.commune, TO_PROVINCE)
    assert reception.inbound.answer_code == "02"
    assert not Dossier.objects.filter(unit=pair.province).exists()
    assert not DossierTransfer.objects.filter(direction="in").exists()


@pytest.fixture
def province_key():
    root = pki.create_ca(common_name="CA thử nghiệm")
    organisation = pki.issue_identity(issuer=root, common_name="UBND tỉnh Nghệ An")
    import_trust_anchor(actor=None, data=pki.pem(root.certificate), for_all_units=True)
    return pki.pkcs12_bytes(organisation, passphrase=PASSPHRASE, chain=[root.certificate])


def _to_result(pair) -> Dossier:
    link = DossierTransfer.objects.get(direction="in")
    dossier = processing.claim_step(actor=pair.p_official, dossier=link.dossier)
    dossier = processing.forward_dossier(actor=pair.p_official, dossier=dossier)
    dossier = processing.claim_step(actor=pair.p_leader, dossier=dossier)
    dossier = processing.approve_dossier(actor=pair.p_leader, dossier=dossier)
    results.record_result(
        actor=pair.p_official,
        dossier=dossier,
        number="15/GP",
        issued_on=timezone.localdate(),
        signer_name="Lê Văn Lãnh Đạo",
        summary="Cấp giấy phép",
        file=SimpleUploadedFile("kq.pdf", render_pdf("signatures/sample_document.html", {})),
    )
    return dossier


@override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False)
def test_signed_result_sent_from_the_page_lands_at_the_commune_desk(pair, client_as, province_key):
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    dossier = _to_result(pair)
    url = reverse("interop:dossier_send_result", args=[dossier.pk])

    def upload(passphrase):
        return client_as(pair.p_counter).post(
            url,
            {
                "method": "pkcs12",
                "key_file": SimpleUploadedFile("to-chuc.p12", province_key),
                "passphrase": passphrase,
            },
        )

    page = client_as(pair.p_counter).get(
        reverse("interop:dossier_transfer_status", args=[dossier.pk])
    )
    html = page.content.decode()
    assert "Hồ sơ liên thông nhận từ" in html
    assert pair.dossier.code in html
    assert "Ký số và gửi kết quả" in html

    wrong = upload("sai-mat-khau")
    assert wrong.status_code == 400
    assert "mật khẩu" in wrong.content.decode().lower()
    assert Dossier.objects.get(pk=dossier.pk).status == "result_ready"
    assert not DossierTransfer.objects.get(direction="in").result_outbound_id

    assert upload(PASSPHRASE).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == "returned"
    # Statuses 05 and 06, then the result, reach the commune.
    _deliver(pair.province, TO_COMMUNE)
    link = DossierTransfer.objects.get(direction="out")
    assert list(link.statuses.values_list("code", flat=True)) == ["05", "06", "06"]
    assert (link.result_valid, link.result_signer) == (True, "UBND tỉnh Nghệ An")

    take = reverse("interop:dossier_transfer_take_result", args=[link.pk])
    assert client_as(pair.nobody).post(take).status_code == 403
    assert client_as(pair.counter).post(take).status_code == 302
    commune_dossier = Dossier.objects.get(pk=pair.dossier.pk)
    assert commune_dossier.status == "result_ready"
    assert commune_dossier.result.number == "15/GP"
    assert commune_dossier.transfers.get().returned_at is not None
    # Taking it twice changes nothing.
    response = client_as(pair.counter).post(take, follow=True)
    assert "Kết quả này đã được nhận vào hồ sơ." in response.content.decode()


@override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False)
def test_result_signed_with_the_province_token_lands_at_the_commune_desk(
    pair, client_as, demo_pki, softhsm_token
):
    """The province's one-stop signs with a USB token (SoftHSM here: the real PKCS#11
    path, the key never leaves it) instead of a .p12 file."""
    # The administrator imports the root and the intermediate (the token holds only the key
    # and its own certificate).
    for ca in (demo_pki.root, demo_pki.sub):
        import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    dossier = _to_result(pair)
    url = reverse("interop:dossier_send_result", args=[dossier.pk])
    page = client_as(pair.p_counter).get(reverse("interop:dossier_transfer", args=[dossier.pk]))
    html = page.content.decode()
    assert "Thiết bị ký số (USB token)" in html
    assert "Mã PIN" in html

    def sign(**data):
        values = {"method": "token", "token_label": softhsm_token.token.token_label}
        values.update(data)
        return client_as(pair.p_counter).post(url, values)

    packages = OutboundPackage.objects.filter(unit=pair.province).count()
    for data, message in (
        ({"pin": "000000"}, "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại."),
        ({"pin": ""}, "Hãy nhập mã PIN."),
        ({"pin": softhsm_token.pin, "token_label": "khong-co"}, "khong-co"),
    ):
        refused = sign(**data)
        assert refused.status_code == 400
        assert message in refused.content.decode()
        assert Dossier.objects.get(pk=dossier.pk).status == "result_ready"
        assert not DossierTransfer.objects.get(direction="in").result_outbound_id
        assert OutboundPackage.objects.filter(unit=pair.province).count() == packages

    assert sign(pin=softhsm_token.pin).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == "returned"
    _deliver(pair.province, TO_COMMUNE)
    link = DossierTransfer.objects.get(direction="out")
    assert link.result_valid is True
    assert link.result_signer == "Trần Văn Chủ Tịch (token)"
    take = reverse("interop:dossier_transfer_take_result", args=[link.pk])
    assert client_as(pair.counter).post(take).status_code == 302
    assert Dossier.objects.get(pk=pair.dossier.pk).result.number == "15/GP"


def _post_through_endpoint(unit, token: str) -> list[int]:
    """POST `unit`'s queued packages to the inbound endpoint, as the peer's outbox does."""
    return [
        Client()
        .post(
            reverse("interop:receive"),
            data=bytes(outbound.package),
            content_type="application/xml",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .status_code
        for outbound in OutboundPackage.objects.filter(unit=unit).order_by("pk")
    ]


def test_province_refusal_brings_the_dossier_back_to_the_commune(pair, client_as):
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    province_dossier = DossierTransfer.objects.get(direction="in").dossier
    province_dossier = processing.claim_step(actor=pair.p_official, dossier=province_dossier)
    processing.refuse_dossier(
        actor=pair.p_official, dossier=province_dossier, reason="Không thuộc thẩm quyền của tỉnh"
    )
    # Its statuses 05 and 02 arrive as real status packages through the endpoint.
    assert _post_through_endpoint(pair.province, TO_COMMUNE) == [200, 200]
    link = DossierTransfer.objects.get(direction="out")
    assert list(link.statuses.values_list("code", flat=True)) == ["05", "02"]
    dossier = Dossier.objects.get(pk=pair.dossier.pk)
    assert dossier.status == "in_progress"
    assert dossier.current_step.assignee == pair.official
    note = "Cơ quan cấp tỉnh từ chối: Không thuộc thẩm quyền của tỉnh"
    transfer = dossier.transfers.get()
    assert (transfer.return_note, transfer.returned_at is not None) == (note, True)
    event = dossier.events.get(action="transfer_returned")
    assert (event.from_status, event.to_status, event.note) == ("transferred", "in_progress", note)
    audit = AuditEvent.objects.get(action="interop.dossier_transfer_refused")
    assert (audit.unit, audit.target_id, audit.data["reason"]) == (
        pair.commune,
        str(dossier.pk),
        note,
    )
    for url in (
        reverse("dossiers:dossier_detail", args=[dossier.pk]),
        reverse("interop:dossier_transfer", args=[dossier.pk]),
    ):
        assert note in client_as(pair.counter).get(url).content.decode()

    # Delivered again (a retry): applied once.
    assert _post_through_endpoint(pair.province, TO_COMMUNE) == [200, 200]
    assert dossier.events.filter(action="transfer_returned").count() == 1
    assert AuditEvent.objects.filter(action="interop.dossier_transfer_refused").count() == 1

    # The official holding the step refuses the request to the citizen (ND 61/2018 Đ19.8).
    response = client_as(pair.official).post(
        reverse("dossiers:dossier_refuse", args=[dossier.pk]),
        {"refuse-reason": note, "refuse-step": dossier.current_step_id},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.closed_at is not None) == ("refused", True)
    assert dossier.events.get(action="refused").note == note


def test_refusal_reason_drops_the_provinces_own_prefix():
    assert refusal_reason("Từ chối giải quyết: Thiếu giấy tờ") == "Thiếu giấy tờ"
    assert refusal_reason("Thủ tục 1.2 không có trong danh mục") == (
        "Thủ tục 1.2 không có trong danh mục"
    )


def test_isolation_of_every_transfer_page(pair, client_as):
    _post_transfer(client_as(pair.official), pair)
    link = DossierTransfer.objects.get()
    pk = pair.dossier.pk
    for case in [
        IsolationCase(
            url=reverse("interop:dossier_transfer", args=[pk]),
            allowed=pair.official,
            wrong_role=pair.nobody,
            other_unit=pair.o_official,
        ),
        IsolationCase(
            url=reverse("interop:dossier_transfer_status", args=[pk]),
            allowed=pair.counter,
            wrong_role=pair.nobody,
            other_unit=pair.o_counter,
        ),
        IsolationCase(
            url=reverse("interop:dossier_transfer", args=[pk]),
            method="post",
            data={"peer": pair.peer.pk, "due_in_days": 5},
            allowed=pair.official,
            allowed_status=400,  # already transferred: refused with its message
            wrong_role=pair.nobody,
            other_unit=pair.o_official,
        ),
        IsolationCase(
            url=reverse("interop:dossier_send_result", args=[pk]),
            method="post",
            allowed=pair.counter,
            allowed_status=400,
            wrong_role=pair.nobody,
            other_unit=pair.o_counter,
        ),
        IsolationCase(
            url=reverse("interop:dossier_transfer_take_result", args=[link.pk]),
            method="post",
            allowed=pair.counter,
            wrong_role=pair.nobody,
            other_unit=pair.o_counter,
        ),
        IsolationCase(
            url=reverse("interop:dossier_transfer_list"),
            allowed=pair.counter,
            wrong_role=pair.nobody,
            other_unit=pair.o_counter,
            other_unit_status=200,
            hidden_text=pair.dossier.code,
        ),
    ]:
        assert_isolation(case)
    assert Peer.objects.filter(unit=pair.commune).count() == 1


@override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False)
def test_result_modified_after_signing_cannot_become_the_dossier_result(
    pair, client_as, province_key
):
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    dossier = _to_result(pair)
    send_result(
        actor=pair.p_counter,
        dossier=dossier,
        signer=Pkcs12Key(data=province_key, passphrase=PASSPHRASE),
    )
    sent = OutboundPackage.objects.get(unit=pair.province, kind="document")
    package = parse_package(bytes(sent.package))
    pdf = next(item for item in package.attachments if item.content_type == "application/pdf")
    position = pdf.data.index(b"/Producer")
    pdf.data = pdf.data[:position] + b"/Producex" + pdf.data[position + 9 :]
    services.receive_package(token=TO_COMMUNE, data=build_package(package))

    link = DossierTransfer.objects.get(direction="out")
    assert link.result_valid is False
    response = client_as(pair.counter).post(
        reverse("interop:dossier_transfer_take_result", args=[link.pk]), follow=True
    )
    html = response.content.decode()
    assert "Chữ ký số trên kết quả nhận về không hợp lệ" in html
    assert "Chữ ký số KHÔNG hợp lệ" in html
    commune_dossier = Dossier.objects.get(pk=pair.dossier.pk)
    assert commune_dossier.status == "transferred"
    assert not Result.objects.filter(dossier=commune_dossier).exists()


def test_province_work_goes_on_when_the_commune_is_no_longer_a_peer(pair, client_as):
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    Peer.objects.filter(unit=pair.province).update(is_active=False)
    link = DossierTransfer.objects.get(direction="in")
    dossier = processing.claim_step(actor=pair.p_official, dossier=link.dossier)
    assert dossier.status == "in_progress"
    assert list(link.statuses.values_list("code", flat=True)) == ["03"]
    assert not OutboundPackage.objects.filter(unit=pair.province).exists()


def _in_threads(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:  # noqa: BLE001 (reported by the caller)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_transfers_and_redeliveries(pair):
    dossiers = [pair.dossier]
    for _ in range(5):
        dossier = receive_dossier(
            actor=pair.counter,
            data=ReceptionData(
                procedure=pair.dossier.procedure,
                applicant=pair.dossier.applicant,
                channel="direct",
                delivery_method="desk",
            ),
        )
        dossiers.append(processing.claim_step(actor=pair.official, dossier=dossier))

    def transfer(index: int) -> None:
        transfer_out(
            actor=pair.official, dossier=dossiers[index], peer_id=pair.peer.pk, due_in_days=5
        )

    assert _in_threads(6, transfer) == []
    links = DossierTransfer.objects.filter(direction="out")
    assert links.count() == 6
    assert len(set(links.values_list("document_id", flat=True))) == 6
    assert OutboundPackage.objects.filter(unit=pair.commune).count() == 6

    # The same package delivered five times at once (a retrying sender): one dossier.
    data = bytes(links.order_by("pk").first().outbound.package)

    def deliver(index: int) -> None:
        services.receive_package(token=TO_PROVINCE, data=data)

    assert _in_threads(5, deliver) == []
    assert Dossier.objects.filter(unit=pair.province).count() == 1
    assert DossierTransfer.objects.filter(direction="in").count() == 1
