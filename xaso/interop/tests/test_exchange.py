"""The exchange between deployments: outbox → HTTP → inbound endpoint, with live servers."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xaso.core.models import AgencyIdentifier
from xaso.core.models import AuditEvent
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop import transport
from xaso.interop.edxml import build_package
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.factories import make_certificate
from xaso.interop.tests.factories import make_package

# Identifiers in force since the 2025 reform.
SINCE = datetime.date(2025, 7, 1)
A_ID = "000.00.00.H55"  # the sending unit (commune fixture)
B_ID = "H55.242"  # the receiving unit (other_commune fixture)
TOKEN_TO_B = "token-a-uses-to-call-b"
TOKEN_TO_A = "token-b-uses-to-call-a"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PATH = "/lien-thong/edxml/"

# Live servers need committed data; serialized rollback (conftest) restores the unit list.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded():
    """Handlers the documents app would register: record calls, answer 03 by default."""
    calls = {
        "documents": [],
        "statuses": [],
        "deliveries": [],
        "answer": t.StatusCode.ACCEPTED,
        "fail": False,
    }

    def on_document(received):
        if calls["fail"]:
            raise RuntimeError("sổ văn bản đến đang khóa")
        calls["documents"].append(received)
        return handlers.Outcome(status_code=calls["answer"], description="Đã vào sổ")

    def on_status(received):
        calls["statuses"].append(received)

    def on_delivery(outbound):
        calls["deliveries"].append((outbound.document_id, outbound.status, outbound.answer_code))

    handlers.on_document_received(on_document)
    handlers.on_status_received(on_status)
    handlers.on_delivery_finished(on_delivery)
    yield calls
    for handler in (on_document, on_status, on_delivery):
        handlers.unregister(handler)


@pytest.fixture
def agencies(commune, other_commune):
    AgencyIdentifier.objects.create(unit=commune, identifier=A_ID, valid_from=SINCE)
    AgencyIdentifier.objects.create(unit=other_commune, identifier=B_ID, valid_from=SINCE)
    return commune, other_commune


@pytest.fixture
def peers(agencies, live_server):
    """A knows B (sends with TOKEN_TO_B) and B knows A (accepts TOKEN_TO_B, answers)."""
    commune, other_commune = agencies
    url = live_server.url + PATH
    a_to_b, _token = services.add_peer(
        unit=commune,
        organ_id=B_ID,
        name="UBND xã B",
        endpoint_url=url,
        outbound_token=TOKEN_TO_B,
        inbound_token=TOKEN_TO_A,
    )
    b_to_a, _token = services.add_peer(
        unit=other_commune,
        organ_id=A_ID,
        name="UBND xã A",
        endpoint_url=url,
        outbound_token=TOKEN_TO_A,
        inbound_token=TOKEN_TO_B,
    )
    return a_to_b, b_to_a


def document(**overrides):
    return make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        **overrides,
    )


@pytest.fixture(scope="module")
def signer():
    return make_certificate("UBND xã A")


def test_signed_document_delivered_registered_and_answered_03(
    agencies, peers, recorded, signer, live_server
):
    commune, other_commune = agencies
    key, certificate = signer
    [outbound] = services.send_document(
        unit=commune,
        package=document(),
        sign=lambda data: sign_package(data, key=key, certificate=certificate),
    )
    # The immediate backend delivered it on commit, over HTTP, to the live server.
    outbound.refresh_from_db()
    assert outbound.status == OutboundPackage.Status.DELIVERED
    assert outbound.attempts == 1
    assert outbound.answer_code == "03"
    assert outbound.document_id == f"{A_ID},2026/11/20,125/UBND-VP"

    inbound = InboundPackage.objects.get()
    assert inbound.unit == other_commune
    assert inbound.sender_organ_id == A_ID
    assert inbound.document_id == outbound.document_id
    assert bytes(inbound.package) == bytes(outbound.package)  # stored byte for byte
    assert inbound.signer == "CN=UBND xã A"
    assert inbound.answer_code == "03"
    assert inbound.handled_at is not None

    [received] = recorded["documents"]
    assert received.package.header.subject == "V/v triển khai chữ ký số"
    assert received.signature.certificate == certificate
    [status] = recorded["statuses"]
    assert status.outbound == outbound
    assert status.status.status_code == t.StatusCode.ACCEPTED
    assert status.status.from_.organ_id == B_ID
    assert status.status.response_for.document_id == outbound.document_id
    assert recorded["deliveries"] == [(outbound.document_id, "delivered", "03")]
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "interop.package_queued",
        "interop.package_delivered",
        "interop.package_received",
    }


def test_redelivery_is_stored_once_and_gets_the_same_answer(agencies, peers, recorded, live_server):
    commune, _other = agencies
    [outbound] = services.send_document(unit=commune, package=document())
    first_answer = bytes(InboundPackage.objects.get().answer)

    again = transport.post_package(
        url=live_server.url + PATH, token=TOKEN_TO_B, data=bytes(outbound.package)
    )
    assert again.status == 200
    assert again.body == first_answer
    assert parse_status(again.body).status_code == t.StatusCode.ACCEPTED
    assert InboundPackage.objects.count() == 1
    assert len(recorded["documents"]) == 1
    # Queuing the same bytes again for the same peer is the same outbox row.
    assert (
        services.queue_package(unit=commune, peer=outbound.peer, data=bytes(outbound.package))
        == outbound
    )
    assert OutboundPackage.objects.count() == 1


def test_recall_of_a_received_document_is_a_new_package(agencies, peers, recorded):
    commune, _other = agencies
    services.send_document(unit=commune, package=document())
    recall = document(
        business=t.Business(
            doc_type=t.BusinessDocType.RECALL,
            reason="Ban hành nhầm",
            document_id=f"{A_ID},2026/11/20,125/UBND-VP",
        )
    )
    [outbound] = services.send_document(unit=commune, package=recall)
    outbound.refresh_from_db()
    assert outbound.status == OutboundPackage.Status.DELIVERED
    assert InboundPackage.objects.count() == 2
    assert [r.package.business.doc_type for r in recorded["documents"]] == [
        t.BusinessDocType.NEW,
        t.BusinessDocType.RECALL,
    ]


def test_peer_down_is_retried_with_backoff_then_delivered(agencies, peers, recorded, live_server):
    commune, _other = agencies
    a_to_b, _b_to_a = peers
    a_to_b.endpoint_url = "http://127.0.0.1:9/lien-thong/edxml/"  # nothing listens there
    a_to_b.save()
    before = timezone.now()
    [outbound] = services.send_document(unit=commune, package=document())
    outbound.refresh_from_db()
    assert outbound.status == OutboundPackage.Status.PENDING
    assert outbound.attempts == 1
    assert outbound.last_error
    assert before + datetime.timedelta(seconds=59) < outbound.next_attempt_at
    assert outbound.next_attempt_at < timezone.now() + datetime.timedelta(seconds=61)
    assert InboundPackage.objects.count() == 0
    # Not due yet: the sweeper leaves it alone.
    assert list(services.due_outbound()) == []

    a_to_b.endpoint_url = live_server.url + PATH
    a_to_b.save()
    assert list(services.due_outbound(now=outbound.next_attempt_at)) == [outbound]
    result = services.attempt_delivery(outbound_id=outbound.pk)
    assert result.status == OutboundPackage.Status.DELIVERED
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("delivered", 2, "")
    assert InboundPackage.objects.count() == 1


@override_settings(XASO_INTEROP_MAX_ATTEMPTS=2)
def test_gives_up_after_max_attempts(agencies, peers):
    commune, _other = agencies
    a_to_b, _b_to_a = peers
    a_to_b.endpoint_url = "http://127.0.0.1:9/x/"
    a_to_b.save()
    [outbound] = services.send_document(unit=commune, package=document())
    services.attempt_delivery(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.next_attempt_at) == ("failed", 2, None)
    assert AuditEvent.objects.filter(action="interop.package_failed").count() == 1


def test_refusal_is_permanent_and_keeps_the_reasons(agencies, peers, recorded):
    commune, _other = agencies
    a_to_b, _b_to_a = peers
    a_to_b.outbound_token = "wrong"
    a_to_b.save()
    [outbound] = services.send_document(unit=commune, package=document())
    outbound.refresh_from_db()
    assert outbound.status == OutboundPackage.Status.REFUSED
    assert outbound.last_error == (
        "HTTP 401: Mã truy cập không hợp lệ hoặc cơ quan đã ngừng liên thông."
    )
    assert outbound.next_attempt_at is None
    assert InboundPackage.objects.count() == 0
    assert recorded["deliveries"] == [(outbound.document_id, "refused", "")]


def test_status_package_flows_back_and_is_stored_once(agencies, peers, recorded, live_server):
    commune, other_commune = agencies
    services.send_document(unit=commune, package=document())
    inbound = InboundPackage.objects.get(unit=other_commune)
    recorded["statuses"].clear()

    status_out = services.send_status(
        inbound=inbound, status_code=t.StatusCode.ASSIGNED, description="Giao Văn phòng"
    )
    status_out.refresh_from_db()
    assert status_out.status == OutboundPackage.Status.DELIVERED
    assert status_out.unit == other_commune
    stored = InboundPackage.objects.get(unit=commune)
    assert (stored.kind, stored.answer_code, stored.sender_organ_id) == ("status", "05", B_ID)
    [received] = recorded["statuses"]
    assert received.inbound == stored
    assert received.status.description == "Giao Văn phòng"

    again = transport.post_package(
        url=live_server.url + PATH, token=TOKEN_TO_A, data=bytes(status_out.package)
    )
    assert again.status == 200
    assert InboundPackage.objects.filter(unit=commune).count() == 1
    assert len(recorded["statuses"]) == 1


def test_failing_handler_keeps_the_package_and_answers_01(agencies, peers, recorded):
    commune, other_commune = agencies
    recorded["fail"] = True
    [outbound] = services.send_document(unit=commune, package=document())
    outbound.refresh_from_db()
    assert (outbound.status, outbound.answer_code) == ("delivered", "01")
    inbound = InboundPackage.objects.get()
    assert inbound.handler_error == "RuntimeError: sổ văn bản đến đang khóa"
    assert inbound.handled_at is None

    recorded["fail"] = False
    assert services.rerun_handlers(inbound_id=inbound.pk) is True
    inbound.refresh_from_db()
    assert (inbound.handler_error, inbound.handled_at is not None) == ("", True)
    # The new outcome (03) goes to the sender as a status package.
    status_out = OutboundPackage.objects.get(unit=other_commune)
    status_out.refresh_from_db()
    assert (status_out.kind, status_out.status) == ("status", "delivered")
    assert InboundPackage.objects.get(unit=commune).answer_code == "03"


def test_large_package_over_django_upload_limit(agencies, peers, recorded):
    commune, _other = agencies
    attachment = t.Attachment(
        content_id="big",
        name="scan.pdf",
        content_type="application/pdf",
        data=b"\x00" * (3 * 1024 * 1024),
    )
    [outbound] = services.send_document(unit=commune, package=document(attachments=[attachment]))
    outbound.refresh_from_db()
    assert outbound.status == OutboundPackage.Status.DELIVERED
    assert recorded["documents"][0].package.attachments[0].data == attachment.data


def test_database_queue_and_real_worker_deliver_and_defer_retries(agencies, peers, live_server):
    commune, _other = agencies
    a_to_b, _b_to_a = peers
    with override_settings(TASKS=DB_TASKS):
        a_to_b.endpoint_url = "http://127.0.0.1:9/x/"
        a_to_b.save()
        [outbound] = services.send_document(unit=commune, package=document())
        job = DBTaskResult.objects.get()
        assert job.status == "READY"
        assert job.args_kwargs["kwargs"] == {"outbound_id": outbound.pk}

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        job.refresh_from_db()
        assert job.status == "SUCCESSFUL"
        retry = DBTaskResult.objects.exclude(pk=job.pk).get()
        assert retry.status == "READY"
        assert retry.run_after > timezone.now() + datetime.timedelta(seconds=50)
        outbound.refresh_from_db()
        assert (outbound.status, outbound.attempts) == ("pending", 1)

        # The peer comes back; the retry row runs when due (made due here), delivering it.
        a_to_b.endpoint_url = live_server.url + PATH
        a_to_b.save()
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        outbound.refresh_from_db()
        assert (outbound.status, outbound.attempts) == ("delivered", 2)
        assert InboundPackage.objects.count() == 1


@pytest.mark.postgresql
def test_parallel_redeliveries_store_one_package(agencies, peers, recorded, live_server):
    data = build_package(document())
    answers: list[bytes] = []
    errors: list[BaseException] = []

    def deliver():
        try:
            answer = transport.post_package(url=live_server.url + PATH, token=TOKEN_TO_B, data=data)
            answers.append(answer.body)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 6
    assert len(set(answers)) == 1
    assert InboundPackage.objects.count() == 1
    assert len(recorded["documents"]) == 1


def test_flush_outbox_command_picks_up_due_packages(agencies, peers, recorded):
    commune, _other = agencies
    with override_settings(TASKS=DB_TASKS):
        [outbound] = services.send_document(unit=commune, package=document())
    # The job row was lost (e.g. the queue table was cleaned); the outbox row remains.
    DBTaskResult.objects.all().delete()
    assert call_command("interop_flush_outbox") is None
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("delivered", 1)
    assert InboundPackage.objects.count() == 1
