"""Staff pages of the exchange: per-recipient status, download, send again; isolation."""

import pytest

from xaso.core.models import AuditEvent
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.interop.edxml import build_package
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer
from xaso.interop.tests.factories import make_package

DOC_ID = "000.00.00.H55,2026/11/20,125/UBND-VP"
IN_DOC_ID = "000.00.00.G22,2026/11/19,9/VPCP-TTĐT"


@pytest.fixture
def exchange(commune):
    data = build_package(make_package())
    peer = Peer.objects.create(
        unit=commune, organ_id="H55.242", name="UBND xã Nhận", endpoint_url="http://127.0.0.1:9/x/"
    )
    outbound = OutboundPackage.objects.create(
        unit=commune,
        peer=peer,
        kind="document",
        document_id=DOC_ID,
        package=data,
        sha256="a" * 64,
        status=OutboundPackage.Status.FAILED,
        attempts=10,
        last_error="HTTP 503",
    )
    inbound = InboundPackage.objects.create(
        unit=commune,
        peer=peer,
        kind="document",
        sender_organ_id="H55.242",
        document_id=IN_DOC_ID,
        dedup_key="k",
        package=b"<edXML/>",
        sha256="b" * 64,
        answer_code="03",
    )
    return outbound, inbound


@pytest.fixture
def other_clerk(other_commune, make_staff):
    return make_staff(other_commune, "clerk", username="vanthu2")


@pytest.fixture
def counter(commune, make_staff):
    return make_staff(commune, "counter_officer", username="motcua2")


def test_isolation_of_every_page(exchange, clerk, other_clerk, counter):
    outbound, inbound = exchange
    cases = [
        IsolationCase(
            url="/lien-thong/",
            allowed=clerk,
            wrong_role=counter,
            other_unit=other_clerk,
            other_unit_status=200,
            hidden_text=DOC_ID,
        ),
        IsolationCase(
            url=f"/lien-thong/gui/{outbound.pk}/",
            allowed=clerk,
            wrong_role=counter,
            other_unit=other_clerk,
        ),
        IsolationCase(
            url=f"/lien-thong/gui/{outbound.pk}/tai-ve/",
            allowed=clerk,
            wrong_role=counter,
            other_unit=other_clerk,
        ),
        IsolationCase(
            url=f"/lien-thong/nhan/{inbound.pk}/tai-ve/",
            allowed=clerk,
            wrong_role=counter,
            other_unit=other_clerk,
        ),
        IsolationCase(
            url=f"/lien-thong/gui/{outbound.pk}/gui-lai/",
            method="post",
            allowed=clerk,
            wrong_role=counter,
            other_unit=other_clerk,
            allowed_status=302,
        ),
    ]
    for case in cases:
        assert_isolation(case)


def test_list_shows_status_per_recipient(exchange, client_as, clerk):
    response = client_as(clerk).get("/lien-thong/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        DOC_ID,
        "UBND xã Nhận (H55.242)",
        "Gửi không thành công",
        IN_DOC_ID,
        "Không ký số",
    ):
        assert text in html


def test_download_returns_the_package_bytes(exchange, client_as, clerk):
    outbound, _inbound = exchange
    response = client_as(clerk).get(f"/lien-thong/gui/{outbound.pk}/tai-ve/")
    assert response.content == bytes(outbound.package)
    assert (
        response["Content-Disposition"] == f'attachment; filename="goi-tin-gui-{outbound.pk}.edxml"'
    )


def test_send_again_starts_a_new_series_of_attempts(
    exchange, client_as, clerk, django_capture_on_commit_callbacks
):
    outbound, _inbound = exchange
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(clerk).post(f"/lien-thong/gui/{outbound.pk}/gui-lai/", follow=True)
    assert "Đã đưa gói tin vào hàng đợi gửi lại." in response.content.decode()
    outbound.refresh_from_db()
    # Re-sent at once by the (immediate) job; the peer is still unreachable: attempt 1.
    assert (outbound.status, outbound.attempts) == ("pending", 1)
    event = AuditEvent.objects.get(action="interop.package_retried")
    assert event.actor == clerk
    assert event.data["previous_status"] == "failed"


def test_delivered_package_is_not_sent_again(exchange, client_as, clerk):
    outbound, _inbound = exchange
    OutboundPackage.objects.filter(pk=outbound.pk).update(status="delivered", attempts=1)
    response = client_as(clerk).post(f"/lien-thong/gui/{outbound.pk}/gui-lai/", follow=True)
    assert "Gói tin đã được gửi thành công, không cần gửi lại." in response.content.decode()
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("delivered", 1)
    assert not AuditEvent.objects.filter(action="interop.package_retried").exists()


def test_chairman_sees_but_cannot_send_again(exchange, client_as, chairman):
    outbound, _inbound = exchange
    client = client_as(chairman)
    page = client.get(f"/lien-thong/gui/{outbound.pk}/")
    assert page.status_code == 200
    assert "Gửi lại ngay" not in page.content.decode()
    assert client.post(f"/lien-thong/gui/{outbound.pk}/gui-lai/").status_code == 403
    outbound.refresh_from_db()
    assert outbound.status == "failed"


def test_menu_entry_for_clerks_only(exchange, client_as, clerk, counter):
    assert "Liên thông văn bản" in client_as(clerk).get("/").content.decode()
    assert "Liên thông văn bản" not in client_as(counter).get("/").content.decode()
