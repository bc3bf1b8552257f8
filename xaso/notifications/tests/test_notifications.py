"""Applicant notices: enqueued after commit, composed at send time, sent by e-mail and SMS
through pluggable backends, retried on temporary failures only.

The HTTP SMS adapter is tested against a stand-in gateway: a small HTTP server on
127.0.0.1, started by the test in a thread, speaking the gateway protocol.
"""

import datetime
import io
import json
import smtplib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from xaso.dossiers import notifications
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Extension
from xaso.dossiers.models import FeePayment
from xaso.dossiers.models import SupplementRequest
from xaso.dossiers.tests import conftest as onestop
from xaso.notifications import tasks
from xaso.notifications.backends import ConsoleSmsBackend
from xaso.notifications.backends import FileSmsBackend
from xaso.notifications.backends import HttpSmsGatewayBackend
from xaso.notifications.backends import MemorySmsBackend
from xaso.notifications.backends import PermanentSendError
from xaso.notifications.backends import RetryableSendError
from xaso.notifications.backends import deliver_email

# The one-stop fixtures (xaso/dossiers/tests/conftest.py), shared with these tests.
applicant = onestop.applicant
identified_commune = onestop.identified_commune
procedure = onestop.procedure
receive = onestop.receive

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=VN)  # due 9/11/2026 17:00
TOKEN = "gateway-test-token"
MEMORY_SMS = "xaso.notifications.backends.MemorySmsBackend"
HTTP_SMS = "xaso.notifications.backends.HttpSmsGatewayBackend"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.XASO_SMS_BACKEND = MEMORY_SMS
    settings.XASO_PUBLIC_BASE_URL = "https://motcua.quychau.example.vn"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


# --- the stand-in gateway ------------------------------------------------------------------


class StandInGateway:
    """Answers POSTs like the SMS gateway: 401 without the right bearer token, otherwise the
    next scripted status (200 when the script is used up), and records every request."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                gateway.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(raw.decode("utf-8")),
                    }
                )
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status = 401
                else:
                    status = gateway.statuses.pop(0) if gateway.statuses else 200
                payload = (
                    {"id": f"gw-{len(gateway.requests)}"} if status == 200 else {"error": status}
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/sms"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def gateway(settings) -> Iterator:
    """gateway(500, 200, …) → a running stand-in gateway, configured as the SMS backend."""
    started: list[StandInGateway] = []

    def start(*statuses: int) -> StandInGateway:
        server = StandInGateway(list(statuses))
        started.append(server)
        settings.XASO_SMS_BACKEND = HTTP_SMS
        settings.XASO_SMS_GATEWAY_URL = server.url
        settings.XASO_SMS_GATEWAY_TOKEN = TOKEN
        settings.XASO_SMS_SENDER = "UBND-XA"
        return server

    yield start
    for server in started:
        server.close()


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def applicant_with_email(applicant):
    applicant.email = "an.nguyen@example.test"
    applicant.save(update_fields=["email"])
    return applicant


@pytest.fixture
def received(receive, procedure, applicant_with_email) -> Dossier:
    return receive(procedure, applicant_with_email, received_at=RECEIVED)


def _dummy_results():
    return list(default_task_backend.results)


# --- enqueue after commit ------------------------------------------------------------------


def test_reception_enqueues_the_received_notice_only_on_commit(
    receive, procedure, applicant_with_email, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            dossier = receive(procedure, applicant_with_email, received_at=RECEIVED)
        # Nothing is queued while the transaction is open.
        assert _dummy_results() == []
        assert len(callbacks) == 1

        callbacks[0]()

        [queued] = _dummy_results()
        assert queued.task.name == "send_dossier_notification"
        assert queued.kwargs == {"dossier_id": dossier.pk, "kind": "received"}


def test_rolled_back_change_queues_nothing(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notifications.notify_applicant(dossier=received, kind="result_ready")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mail.outbox == []


def test_applicant_without_email_or_phone_gets_nothing(
    received, django_capture_on_commit_callbacks
):
    received.applicant.email = ""
    received.applicant.phone = ""
    received.applicant.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications.notify_applicant(dossier=received, kind="received")

    assert callbacks == []


def test_unknown_kind_is_a_programming_error(received):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notifications.notify_applicant(dossier=received, kind="approved")


# --- content -------------------------------------------------------------------------------


def test_received_notice_by_email_and_sms(
    receive, procedure, applicant_with_email, memory_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(procedure, applicant_with_email, received_at=RECEIVED)

    [email] = mail.outbox
    link = f"https://motcua.quychau.example.vn/cong-khai/tra-cuu/?ma={dossier.code}"
    assert email.to == ["an.nguyen@example.test"]
    assert email.subject == f"Đã tiếp nhận hồ sơ {dossier.code}"
    assert email.body == (
        "Kính gửi Ông/Bà Nguyễn Thị An,\n\n"
        "Bộ phận Một cửa Xã Quỳ Châu đã tiếp nhận hồ sơ Đăng ký kết hôn của Ông/Bà lúc "
        "09:00 ngày 02/11/2026.\n"
        f"Mã hồ sơ: {dossier.code}.\n"
        "Thời gian hẹn trả kết quả: 17:00 ngày 09/11/2026.\n\n"
        f"Tra cứu tình trạng hồ sơ tại {link} bằng mã hồ sơ và 4 số cuối số điện thoại "
        "hoặc số định danh cá nhân (CCCD) của Ông/Bà.\n\n"
        "Bộ phận Một cửa — Xã Quỳ Châu"
    )
    # Unaccented by default (XASO_SMS_STRIP_DIACRITICS).
    assert memory_sms == [
        {
            "to": "0912345678",
            "message": f"Xa Quy Chau: da tiep nhan ho so {dossier.code}, hen tra 17:00 ngay "
            f"09/11/2026. Tra cuu: {link}",
        }
    ]


def test_sms_keeps_diacritics_when_asked(received, memory_sms, settings):
    settings.XASO_SMS_STRIP_DIACRITICS = False

    tasks.send_dossier_notification.call(dossier_id=received.pk, kind="received")

    assert memory_sms[0]["message"].startswith("Xã Quỳ Châu: đã tiếp nhận hồ sơ ")


def test_supplement_notice_lists_what_to_bring(received, counter_officer):
    SupplementRequest.objects.create(
        dossier=received,
        items=["Giấy xác nhận tình trạng hôn nhân", "Bản sao CCCD"],
        reason="Thiếu giấy xác nhận tình trạng hôn nhân",
        guidance="Nộp tại Bộ phận Một cửa trong giờ hành chính",
        requested_at=RECEIVED + datetime.timedelta(days=1),
        requested_by=counter_officer,
        due_before=received.due_at,
    )

    message = notifications.compose_message(received, "supplement_requested")

    assert message.subject == f"Hồ sơ {received.code} cần bổ sung, hoàn thiện"
    assert (
        "Lý do: Thiếu giấy xác nhận tình trạng hôn nhân\n"
        "Giấy tờ cần bổ sung:\n"
        "- Giấy xác nhận tình trạng hôn nhân\n"
        "- Bản sao CCCD\n"
        "Hướng dẫn: Nộp tại Bộ phận Một cửa trong giờ hành chính\n"
        "Thời gian giải quyết được tính lại từ khi Bộ phận Một cửa nhận đủ hồ sơ bổ sung."
    ) in message.body


def test_extension_notice_apologises_with_the_new_due_time(received, chairman):
    new_due = datetime.datetime(2026, 11, 12, 17, 0, tzinfo=VN)
    Extension.objects.create(
        dossier=received,
        reason="Cần xác minh thêm tại nơi cư trú trước đây",
        old_due_at=received.due_at,
        new_due_at=new_due,
        created_at=RECEIVED + datetime.timedelta(days=5),
        created_by=chairman,
    )
    Dossier.objects.filter(pk=received.pk).update(due_at=new_due)
    received.refresh_from_db()

    message = notifications.compose_message(received, "due_extended")

    assert "xin lỗi Ông/Bà" in message.body
    assert "Thời gian hẹn trả kết quả mới: 17:00 ngày 12/11/2026." in message.body
    assert "Lý do: Cần xác minh thêm tại nơi cư trú trước đây" in message.body
    assert "17:00 ngày 12/11/2026" in message.sms


def test_result_ready_notice_says_where_to_collect_and_what_to_pay(received, counter_officer):
    Dossier.objects.filter(pk=received.pk).update(fee_due=1_250_000)
    FeePayment.objects.create(
        dossier=received,
        amount=250_000,
        method="cash",
        receipt_number="0000001/2026",
        payer_name="An",
        paid_at=timezone.now(),
        collected_by=counter_officer,
    )
    received.refresh_from_db()

    message = notifications.compose_message(received, "result_ready")

    assert message.subject == f"Hồ sơ {received.code} đã có kết quả"
    assert "Mời Ông/Bà đến Bộ phận Một cửa Xã Quỳ Châu để nhận kết quả." in message.body
    assert "Phí, lệ phí cần nộp khi nhận kết quả: 1.000.000 đồng." in message.body

    Dossier.objects.filter(pk=received.pk).update(delivery_method="post")
    received.refresh_from_db()
    assert "qua dịch vụ bưu chính" in notifications.compose_message(received, "result_ready").body


# --- the stand-in HTTP gateway -------------------------------------------------------------


def test_http_gateway_receives_the_protocol_body_with_the_token(gateway):
    server = gateway(200)

    message_id = HttpSmsGatewayBackend().send(to="0912345678", message="Xin chào")

    assert message_id == "gw-1"
    assert server.requests == [
        {
            "path": "/api/sms",
            "authorization": f"Bearer {TOKEN}",
            "content_type": "application/json; charset=utf-8",
            "body": {"to": "0912345678", "message": "Xin chào", "sender": "UBND-XA"},
        }
    ]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, RetryableSendError),
        (503, RetryableSendError),
        (429, RetryableSendError),
        (400, PermanentSendError),
    ],
)
def test_http_gateway_errors_are_classified(gateway, status, error):
    gateway(status)

    with pytest.raises(error, match=str(status)):
        HttpSmsGatewayBackend().send(to="0912345678", message="x")


def test_wrong_token_is_permanent(gateway):
    server = gateway()

    with pytest.raises(PermanentSendError, match="401"):
        HttpSmsGatewayBackend(token="wrong").send(to="0912345678", message="x")
    assert server.requests[0]["authorization"] == "Bearer wrong"


def test_unreachable_gateway_is_retryable(gateway):
    server = gateway()
    server.close()  # nothing listens on the port any more

    with pytest.raises(RetryableSendError, match="unreachable"):
        HttpSmsGatewayBackend(timeout=2).send(to="0912345678", message="x")


def test_non_http_gateway_url_is_refused():
    with pytest.raises(PermanentSendError):
        HttpSmsGatewayBackend(url="file:///etc/passwd", token="t", sender="s").send(
            to="1", message="x"
        )


def test_sms_task_retries_after_500_and_delivers(gateway):
    server = gateway(500, 200)

    result = tasks.send_sms.enqueue(to="0912345678", message="Hồ sơ đã có kết quả")

    # The immediate backend (tests) runs the retry at once; the database backend defers it.
    assert result.return_value == {"status": "retry", "attempt": 1, "retry_at": None}
    assert [r["body"] for r in server.requests] == [
        {"to": "0912345678", "message": "Ho so da co ket qua", "sender": "UBND-XA"}
    ] * 2
    assert server.statuses == []


def test_sms_task_does_not_retry_after_400(gateway):
    server = gateway(400, 200)

    result = tasks.send_sms.enqueue(to="0912345678", message="x")

    assert result.status == "FAILED"
    assert result.errors[0].exception_class is PermanentSendError
    assert len(server.requests) == 1
    assert server.statuses == [200]  # never asked again


def test_retry_is_deferred_with_backoff_and_bounded(gateway):
    gateway(500, 500)
    with override_settings(TASKS=DUMMY_TASKS):
        before = timezone.now()
        outcome = tasks.send_sms.call(to="0912345678", message="x")

        [retry] = _dummy_results()
        assert retry.kwargs == {"to": "0912345678", "message": "x", "attempt": 2}
        assert before + datetime.timedelta(minutes=1) <= retry.task.run_after
        assert retry.task.run_after <= timezone.now() + datetime.timedelta(minutes=1)
        assert outcome["retry_at"] == retry.task.run_after.isoformat()

        # The last attempt fails the job instead of queueing another.
        with pytest.raises(RetryableSendError):
            tasks.send_sms.call(to="0912345678", message="x", attempt=tasks.MAX_ATTEMPTS)
        assert len(_dummy_results()) == 1


def test_retry_delays_grow():
    assert [tasks.retry_delay(n) for n in range(1, 6)] == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=5),
        datetime.timedelta(minutes=25),
        datetime.timedelta(minutes=125),
        datetime.timedelta(hours=6),
    ]


def test_partial_failure_retries_only_the_failed_channel(received, gateway):
    server = gateway(500)
    with override_settings(TASKS=DUMMY_TASKS):
        outcome = tasks.send_dossier_notification.call(dossier_id=received.pk, kind="received")

        assert outcome["email"] == "sent"
        assert outcome["sms"] == "retry"
        assert len(mail.outbox) == 1
        assert len(server.requests) == 1
        [retry] = _dummy_results()
        assert retry.kwargs == {
            "dossier_id": received.pk,
            "kind": "received",
            "channels": ["sms"],
            "attempt": 2,
        }

        # The retry sends only the SMS: the e-mail is not repeated.
        second = tasks.send_dossier_notification.call(**retry.kwargs)

    assert second == {"attempt": 2, "sms": "sent"}
    assert len(mail.outbox) == 1
    assert len(server.requests) == 2


def test_refused_sms_fails_the_job_after_sending_the_email(received, gateway):
    gateway(400)

    with pytest.raises(PermanentSendError, match="sms"):
        tasks.send_dossier_notification.call(dossier_id=received.pk, kind="received")

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_missing_dossier_is_skipped():
    assert tasks.send_dossier_notification.call(dossier_id=999_999_999, kind="received") == {
        "status": "dossier_missing"
    }


@pytest.mark.django_db(transaction=True)
def test_database_queue_keeps_the_retry_as_a_deferred_row(
    receive, procedure, applicant_with_email, gateway
):
    """Durable: through the real database backend and worker, a 500 leaves a new job row
    for the SMS only, not before its backoff delay; the sent e-mail is not queued again."""
    server = gateway(500)
    with override_settings(TASKS=DB_TASKS):
        dossier = receive(procedure, applicant_with_email, received_at=RECEIVED)  # commits
        first = DBTaskResult.objects.get()
        assert first.status == "READY"
        assert first.args_kwargs["kwargs"] == {"dossier_id": dossier.pk, "kind": "received"}

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

        first.refresh_from_db()
        assert first.status == "SUCCESSFUL"
        retry = DBTaskResult.objects.exclude(pk=first.pk).get()
        assert retry.status == "READY"
        assert retry.args_kwargs["kwargs"]["channels"] == ["sms"]
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now() + datetime.timedelta(seconds=50)
        # A second worker pass does not run it early.
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        retry.refresh_from_db()
        assert retry.status == "READY"
    assert len(mail.outbox) == 1
    assert len(server.requests) == 1


# --- other backends ------------------------------------------------------------------------


def test_file_backend_appends_json_lines(tmp_path):
    path = tmp_path / "sms" / "out.jsonl"
    backend = FileSmsBackend(path)

    backend.send(to="0912345678", message="Một")
    backend.send(to="0987654321", message="Hai")

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["message"]) for line in lines] == [
        ("0912345678", "Một"),
        ("0987654321", "Hai"),
    ]


def test_console_backend_writes_the_message():
    stream = io.StringIO()

    ConsoleSmsBackend(stream).send(to="0912345678", message="Xin chào")

    assert stream.getvalue() == "[SMS → 0912345678] Xin chào\n"


@pytest.mark.parametrize(
    ("raised", "error"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.test": (550, b"no")}), PermanentSendError),
        (smtplib.SMTPResponseException(554, b"rejected"), PermanentSendError),
        (smtplib.SMTPResponseException(451, b"try later"), RetryableSendError),
        (smtplib.SMTPServerDisconnected("gone"), RetryableSendError),
        (ConnectionRefusedError(), RetryableSendError),
    ],
)
def test_mail_errors_are_classified(monkeypatch, raised, error):
    def fail(self, fail_silently=False):
        raise raised

    monkeypatch.setattr("xaso.notifications.backends.EmailMessage.send", fail)

    with pytest.raises(error):
        deliver_email(to="a@example.test", subject="s", body="b")


def test_both_modules_import_in_either_order():
    """The dossier notices and the jobs import each other as modules; a fresh process
    must be able to start from either (the web process and the worker do)."""
    import subprocess
    import sys

    for first, second in [
        ("xaso.notifications.tasks", "xaso.dossiers.notifications"),
        ("xaso.dossiers.notifications", "xaso.notifications.tasks"),
    ]:
        code = (
            "import django, importlib; django.setup(); "
            f"importlib.import_module({first!r}); importlib.import_module({second!r}); "
            "from xaso.dossiers import notifications as n; "
            "assert n.notification_tasks.send_dossier_notification.name == 'send_dossier_notification'"
        )
        completed = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": ""},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
