"""The inbound endpoint refuses whatever it must, clearly, storing nothing."""

import datetime

import pytest
from django.test import Client
from django.test import override_settings
from django.utils import timezone

from xaso.core.models import AgencyIdentifier
from xaso.core.models import AuditEvent
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop.edxml import build_package
from xaso.interop.edxml import build_status
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.tests.factories import make_certificate
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.factories import make_status

URL = "/lien-thong/edxml/"
# Identifiers in force since the 2025 reform.
SINCE = datetime.date(2025, 7, 1)
A_ID = "000.00.00.H55"
B_ID = "H55.242"
FAR_ID = "000.00.00.H01"
TOKEN = "secret-of-a-for-b"


@pytest.fixture
def setup(commune, other_commune, far_commune):
    """B (other_commune) accepts packages from A with TOKEN; far_commune is hosted too."""
    AgencyIdentifier.objects.create(unit=commune, identifier=A_ID, valid_from=SINCE)
    AgencyIdentifier.objects.create(unit=other_commune, identifier=B_ID, valid_from=SINCE)
    AgencyIdentifier.objects.create(unit=far_commune, identifier=FAR_ID, valid_from=SINCE)
    peer, _token = services.add_peer(
        unit=other_commune, organ_id=A_ID, name="UBND xã A", inbound_token=TOKEN
    )
    return peer


def post(data: bytes, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(URL, data=data, content_type="application/xml", **headers)


def document(to: str = B_ID, **overrides) -> t.Package:
    return make_package(
        from_=overrides.pop("from_", t.Organization(organ_id=A_ID)),
        to=[t.Organization(organ_id=to)],
        **overrides,
    )


def assert_refused(response, status: int, *messages: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"] == "Gói tin bị từ chối."
    for message in messages:
        assert any(message in error for error in body["errors"]), body["errors"]
    assert InboundPackage.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="interop.package_received").exists()


def test_accepted_package_is_answered_with_status_01(setup, other_commune):
    response = post(build_package(document()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["X-Edxml-Replayed"] == "0"
    status = parse_status(response.content)
    assert status.status_code == t.StatusCode.ARRIVED
    assert status.from_ == t.Organization(organ_id=B_ID, organ_name=other_commune.name)
    assert status.response_for.document_id == f"{A_ID},2026/11/20,125/UBND-VP"
    assert post(build_package(document()))["X-Edxml-Replayed"] == "1"
    assert InboundPackage.objects.count() == 1


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_unknown_token_is_401(setup, token):
    response = post(build_package(document()), token=token)
    assert_refused(response, 401, "Mã truy cập không hợp lệ hoặc cơ quan đã ngừng liên thông.")
    # Not read at all: no status 02 on behalf of a unit.
    assert "status_code" not in response.json()


def test_inactive_peer_is_401(setup):
    setup.is_active = False
    setup.save()
    assert_refused(post(build_package(document())), 401)


def test_get_is_405(setup):
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_hostile_xml_is_400(setup):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<x>&b;</x>"
    )
    assert_refused(post(bomb), 400, "DOCTYPE/ENTITY")


def test_invalid_package_is_400_with_every_problem(setup):
    data = build_package(document()).replace(b"<edXML:Priority>0<", b"<edXML:Priority>9<")
    data = data.replace(b"<edXML:CodeNotation>UBND-VP<", b"<edXML:CodeNotation><")
    assert_refused(
        post(data),
        400,
        "MessageHeader/Code/CodeNotation: bắt buộc, không được để trống.",
        "MessageHeader/OtherInfo/Priority: giá trị “9” không hợp lệ, chỉ nhận: 0, 1, 2, 3, 4.",
    )


def test_sender_must_be_the_authenticated_peer(setup):
    forged = document(from_=t.Organization(organ_id="000.00.00.G22"))
    assert_refused(
        post(build_package(forged)),
        403,
        "Đơn vị gửi 000.00.00.G22 không khớp với cơ quan đã xác thực 000.00.00.H55.",
    )


def test_peer_of_one_unit_cannot_deliver_to_another_unit(setup):
    """Isolation: A's token opens B's inbox only, even though FAR is hosted here too."""
    assert_refused(
        post(build_package(document(to=FAR_ID))),
        404,
        "Gói tin không gửi cho đơn vị nào của hệ thống này (To: 000.00.00.H01).",
    )


def test_status_about_another_units_document_is_404(setup):
    status = make_status(
        from_=t.Organization(organ_id=A_ID),
        response_for=t.ResponseFor(organ_id=FAR_ID, document_id=f"{FAR_ID},2026/11/20,1/UBND"),
    )
    assert_refused(post(build_status(status)), 404, f"{FAR_ID},2026/11/20,1/UBND")


def test_expired_agency_code_no_longer_receives(setup, other_commune):
    AgencyIdentifier.objects.filter(identifier=B_ID).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert_refused(post(build_package(document())), 404)


@override_settings(XASO_INTEROP_REQUIRE_SIGNATURE=True)
def test_unsigned_refused_when_signatures_are_required(setup):
    assert_refused(post(build_package(document())), 400, "Gói tin chưa được ký số.")
    key, certificate = make_certificate("UBND xã A")
    signed = sign_package(build_package(document()), key=key, certificate=certificate)
    response = post(signed)
    assert response.status_code == 200
    assert InboundPackage.objects.get().signer == "CN=UBND xã A"


def test_tampered_signed_package_is_400(setup):
    key, certificate = make_certificate("UBND xã A")
    signed = sign_package(build_package(document()), key=key, certificate=certificate)
    tampered = signed.replace(b">125<", b">126<").replace(b",125/UBND-VP<", b",126/UBND-VP<")
    response = post(tampered)
    assert_refused(response, 400, "nội dung gói tin đã bị thay đổi sau khi ký")
    # Refused = status 02 từ chối tiếp nhận, which the sender records with the reason.
    assert response.json()["status_code"] == "02"


@override_settings(XASO_EDXML_ACCEPT_SHA1=False)
def test_sha1_setting_off_refuses_legacy_signatures(setup):
    from xaso.interop.tests.test_edxml_signing import legacy_sha1_signed

    key, certificate = make_certificate("UBND xã A")
    data = legacy_sha1_signed(document(), key, certificate)
    assert_refused(post(data), 400, "rsa-sha1")


def test_sha1_accepted_by_default(setup):
    from xaso.interop.tests.test_edxml_signing import legacy_sha1_signed

    key, certificate = make_certificate("UBND xã A")
    assert post(legacy_sha1_signed(document(), key, certificate)).status_code == 200


@override_settings(XASO_EDXML_MAX_PACKAGE_BYTES=1500)
def test_oversized_package_is_413(setup):
    data = build_package(document())
    assert len(data) > 1500
    assert_refused(post(data), 413, "vượt giới hạn 1500 byte")


def test_a_refusing_handler_answers_02(setup):
    def refuse(received):
        return handlers.Outcome(
            status_code=t.StatusCode.REJECTED, description="Không đúng thẩm quyền"
        )

    def accept(received):
        return handlers.Outcome(status_code=t.StatusCode.ACCEPTED)

    handlers.on_document_received(refuse)
    handlers.on_document_received(accept)
    try:
        response = post(build_package(document()))
    finally:
        handlers.unregister(refuse)
        handlers.unregister(accept)
    status = parse_status(response.content)
    assert (status.status_code, status.description) == (
        t.StatusCode.REJECTED,
        "Không đúng thẩm quyền",
    )
    assert InboundPackage.objects.get().answer_code == "02"


def test_retry_delay_is_exponential_and_capped():
    assert [services.retry_delay(n) for n in (1, 2, 3, 4)] == [
        datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert services.retry_delay(30) == datetime.timedelta(hours=6)


def test_queue_package_refuses_what_it_would_not_accept(setup, commune, other_commune):
    from django.core.exceptions import ValidationError

    peer, _token = services.add_peer(
        unit=commune,
        organ_id=B_ID,
        name="B",
        endpoint_url="http://127.0.0.1:9/",
        outbound_token="x",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.queue_package(unit=commune, peer=peer, data=b"<not-edxml/>")
    assert "edXML" in str(excinfo.value)
    # A package whose sender is not this unit's identifier.
    foreign = build_package(document(from_=t.Organization(organ_id="000.00.00.G22")))
    with pytest.raises(ValidationError) as excinfo:
        services.queue_package(unit=commune, peer=peer, data=foreign)
    assert excinfo.value.messages == [
        "Mã định danh đơn vị gửi 000.00.00.G22 không phải của đơn vị này."
    ]
    with pytest.raises(ValidationError):
        services.queue_package(unit=other_commune, peer=peer, data=build_package(document()))
    # A package addressed to someone else than this peer.
    with pytest.raises(ValidationError) as excinfo:
        services.queue_package(unit=commune, peer=peer, data=build_package(document(to=FAR_ID)))
    assert excinfo.value.messages == [f"Gói tin không gửi cho {B_ID}."]
    assert not peer.outbound_packages.exists()
