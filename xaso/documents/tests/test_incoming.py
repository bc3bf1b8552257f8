"""Registering incoming documents: arrival numbers, duplicates, pre-fill, files, pages."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from xaso.core.models import AuditEvent
from xaso.core.models import NumberCounter
from xaso.documents.models import IncomingDocument
from xaso.documents.services import incoming as service
from xaso.documents.tests.conftest import VN
from xaso.documents.tests.conftest import incoming_data
from xaso.documents.tests.conftest import sample_pdf
from xaso.documents.tests.conftest import upload
from xaso.documents.uploads import check_file

ARRIVED = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)


def test_arrival_numbers_are_consecutive_per_year_for_paper_and_electronic(register, clerk):
    first = register(medium="paper")
    staged, _token = service.stage_file(
        actor=clerk,
        checked=check_file(upload(sample_pdf())),
    )
    second = register(medium="electronic", code_number="13", file=staged)
    third = register(code_number="14")
    next_year = register(code_number="1", arrived_at=datetime.datetime(2027, 1, 2, 8, 0, tzinfo=VN))

    assert [first.arrival_number, second.arrival_number, third.arrival_number] == [1, 2, 3]
    assert (next_year.arrival_year, next_year.arrival_number) == (2027, 1)
    assert second.file.name == staged.name
    assert second.page_count == 1
    assert second.content_type == "application/pdf"
    assert first.number_notation == "12/QĐ-STP"
    event = AuditEvent.objects.filter(action="documents.incoming_registered").first()
    assert event.data["arrival_number"] == 1


def test_duplicate_is_refused_until_the_clerk_confirms(register, clerk):
    original = register()
    before = IncomingDocument.objects.count()

    with pytest.raises(service.DuplicateDocumentError) as error:
        register(issuing_body="SỞ TƯ PHÁP TỈNH NGHỆ AN", code_notation="qđ-stp")
    assert error.value.duplicates == [original]
    assert IncomingDocument.objects.count() == before
    assert NumberCounter.objects.get(register=service.INCOMING_REGISTER).last_number == 1

    confirmed = service.register_incoming(
        actor=clerk,
        data=incoming_data(issuing_body="Sở Tư pháp tỉnh Nghệ An"),
        confirm_duplicate=True,
        arrived_at=ARRIVED,
    )
    assert confirmed.arrival_number == 2
    assert confirmed.duplicate_of == original


def test_other_date_or_number_is_not_a_duplicate(register):
    register()
    assert register(code_number="13").arrival_number == 2
    assert register(document_date=datetime.date(2026, 11, 21)).arrival_number == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issuing_body": "  "}, "issuing_body"),
        ({"subject": ""}, "subject"),
        ({"code_number": "12a"}, "code_number"),
        ({"code_notation": "QĐ - UBND"}, "code_notation"),
        ({"document_date": datetime.date(2026, 11, 24)}, "document_date"),
        ({"medium": "electronic"}, "file"),
    ],
)
def test_bad_data_is_refused_with_a_message_and_saves_nothing(register, overrides, field):
    with pytest.raises(ValidationError) as error:
        register(**overrides)
    assert field in error.value.message_dict
    assert not IncomingDocument.objects.exists()
    assert not NumberCounter.objects.filter(register=service.INCOMING_REGISTER).exists()


def test_only_the_clerk_registers(register, official):
    with pytest.raises(PermissionDenied):
        register(actor=official)
    assert not IncomingDocument.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_repeat_or_skip_an_arrival_number(clerk):
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for round_ in range(5):
                service.register_incoming(
                    actor=clerk,
                    data=incoming_data(
                        code_number=str(index * 100 + round_),
                        medium="paper",
                    ),
                    arrived_at=ARRIVED,
                )
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(IncomingDocument.objects.values_list("arrival_number", flat=True))
    assert numbers == list(range(1, 41))


# --- pages ----------------------------------------------------------------------------


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "medium": "paper",
        "issuing_body": "Sở Tư pháp tỉnh Nghệ An",
        "code_number": "12",
        "code_notation": "QĐ-STP",
        "document_date": "2026-11-20",
        "doc_type": "quyet_dinh",
        "subject": "Về việc kiểm tra công tác hộ tịch năm 2026",
        "urgency": "normal",
        "secrecy": "normal",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_clerk_registers_three_documents_and_the_third_is_warned_as_duplicate(client_as, clerk):
    client = client_as(clerk)
    url = reverse("documents:incoming_create")

    first = client.post(url, _form())
    second = client.post(url, _form(code_number="13", subject="Về việc khác"))
    assert first.status_code == 302
    assert second.status_code == 302

    third = client.post(url, _form(issuing_body="SỞ TƯ PHÁP TỈNH NGHỆ AN"))
    assert third.status_code == 200
    html = third.content.decode()
    assert "Văn bản này có thể đã vào sổ: số đến 1/" in html
    assert 'id="duplicates"' in html
    assert IncomingDocument.objects.count() == 2

    confirmed = client.post(url, _form(confirm_duplicate="on"))
    assert confirmed.status_code == 302
    document = IncomingDocument.objects.get(arrival_number=3)
    assert confirmed["Location"] == reverse("documents:incoming_detail", args=[document.pk])
    assert document.duplicate_of.arrival_number == 1


def test_prefill_reads_the_pdf_and_keeps_the_file_for_the_save(client_as, clerk):
    client = client_as(clerk)
    url = reverse("documents:incoming_create")

    page = client.post(
        url,
        {"action": "prefill", "medium": "electronic", "file": upload(sample_pdf())},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="12"' in html
    assert 'value="QĐ-UBND"' in html
    assert 'value="2026-11-20"' in html
    assert "UBND TỈNH NGHỆ AN SỞ TƯ PHÁP" in html
    assert not IncomingDocument.objects.exists()
    token = page.context["form"].data["staged"]
    assert token

    saved = client.post(
        url,
        _form(
            medium="electronic",
            staged=token,
            code_notation="QĐ-UBND",
            issuing_body="Sở Tư pháp tỉnh Nghệ An",
        ),
    )
    assert saved.status_code == 302
    document = IncomingDocument.objects.get()
    assert document.medium == "electronic"
    assert document.file.name.endswith(".pdf")
    file_page = client.get(reverse("documents:incoming_file", args=[document.pk]))
    assert file_page.status_code == 200
    assert b"".join(file_page.streaming_content).startswith(b"%PDF-")
    # Served privately (xaso/core/files.py): never cached, never sniffed into another type.
    assert file_page["Content-Type"] == "application/pdf"
    assert file_page["Content-Disposition"].startswith("inline; filename=")
    assert file_page["X-Content-Type-Options"] == "nosniff"
    assert file_page["Cache-Control"] == "private, no-store"


def test_a_token_staged_by_someone_else_is_ignored(client_as, clerk, make_staff, commune):
    other = make_staff(commune, "clerk", username="vanthu2")
    _staged, token = service.stage_file(
        actor=other,
        checked=check_file(upload(sample_pdf())),
    )
    response = client_as(clerk).post(
        reverse("documents:incoming_create"), _form(medium="electronic", staged=token)
    )
    assert response.status_code == 200
    assert "Văn bản điện tử phải kèm tệp PDF." in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_disguised_file_is_refused_with_a_clear_message(client_as, clerk):
    response = client_as(clerk).post(
        reverse("documents:incoming_create"),
        {**_form(), "file": upload(b"MZ\x90\x00 program", "cong-van.pdf")},
    )
    assert response.status_code == 200
    assert "chương trình chạy trên Windows" in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_bad_form_input_shows_vietnamese_messages(client_as, clerk):
    response = client_as(clerk).post(
        reverse("documents:incoming_create"), _form(document_date="31/02/2026", code_number="x")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in html
    assert "Số văn bản chỉ gồm chữ số" in html
    assert not IncomingDocument.objects.exists()


def test_register_search_is_diacritics_insensitive(client_as, clerk, register):
    register(subject="Về việc tổ chức Đại hội thể dục thể thao", code_number="1")
    register(subject="Về việc kiểm tra hộ tịch", code_number="2", issuing_body="Công an tỉnh")
    client = client_as(clerk)
    url = reverse("documents:incoming_list")

    found = client.get(url, {"q": "dai hoi the thao"})
    assert [d.code_number for d in found.context["documents"]] == ["1"]
    by_number = client.get(url, {"number_notation": "2/QĐ-STP"})
    assert [d.code_number for d in by_number.context["documents"]] == ["2"]
    by_body = client.get(url, {"issuing_body": "cong an"})
    assert [d.code_number for d in by_body.context["documents"]] == ["2"]
    by_date = client.get(url, {"date_from": "2026-11-21"})
    assert list(by_date.context["documents"]) == []
