"""Register books (quyển số): a new book opens when the current one of a kind and year
holds the unit's entries-per-book; entry numbers run on yearly across books; the register
print, XLSX and PDF show each book's cover."""

import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from xaso.civil_registry import services
from xaso.civil_registry.models import DEFAULT_ENTRIES_PER_BOOK
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import CivilRegister
from xaso.civil_registry.services import prepare_registration
from xaso.civil_registry.tests.conftest import DECLARED
from xaso.civil_registry.tests.conftest import form_data
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.dossiers.services import processing

NAMES = ["Nguyễn Thị An", "Lê Văn Bình", "Trần Thị Cúc", "Phạm Văn Dũng", "Hà Thị Én"]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def set_per_book(admin, count: int) -> None:
    services.save_unit_settings(actor=admin, entries_per_book=count)


def test_default_entries_per_book(identified_commune):
    assert services.unit_settings(identified_commune.pk).entries_per_book == 200
    assert DEFAULT_ENTRIES_PER_BOOK == 200


def test_full_book_opens_the_next_and_numbers_run_on(
    client_as, birth_procedure, father, receive, justice_official, chairman, unit_admin
):
    client_as(unit_admin).post(
        reverse("civil_registry:unit_settings"),
        {"entries_per_book": "2", f"kind_{birth_procedure.pk}": "birth"},
    )
    entries = []
    for name in NAMES:
        dossier = receive(
            birth_procedure, father, declared_data={**DECLARED, "child_full_name": name}
        )
        entries.append(register_through_approval(dossier, justice_official, chairman))

    assert [(e.entry_number, e.register.book_number) for e in entries] == [
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 2),
        (5, 3),
    ]
    assert list(
        CivilRegister.objects.filter(kind="birth", year=2026).values_list("book_number", flat=True)
    ) == [1, 2, 3]
    # The dossier's result names the book.
    assert entries[2].dossier.result.number == "Số 3, quyển số 2/2026"

    client = client_as(chairman)
    params = {"kind": "birth", "year": 2026}
    page = client.get(reverse("civil_registry:register_print"), params).content.decode()
    assert "Quyển số 2" in page
    assert '<th scope="row">Từ số</th><td>3 — ngày 20/11/2026</td>' in page
    assert '<th scope="row">Đến số</th><td>4 — ngày 20/11/2026</td>' in page
    assert '<th scope="row">Số việc</th><td>1 / 2</td>' in page  # book 3

    workbook = load_workbook(
        io.BytesIO(client.get(reverse("civil_registry:register_xlsx"), params).content)
    )
    assert workbook.sheetnames == ["Quyển 1", "Quyển 2", "Quyển 3"]
    second = list(workbook["Quyển 2"].iter_rows(values_only=True))
    assert second[1][0] == (
        "Quyển số 2/2026: từ số 3 ngày 20/11/2026 đến số 4 ngày 20/11/2026 (2 việc)."
    )
    assert [row[:4] for row in second[3:]] == [
        ("3", "2", "20/11/2026", "Trần Thị Cúc"),
        ("4", "2", "20/11/2026", "Phạm Văn Dũng"),
    ]

    text = pdf_text(client.get(reverse("civil_registry:register_pdf"), params).content)
    assert "SỔ ĐĂNG KÝ KHAI SINH" in text
    assert "Quyển số 3 Từ số 5, ngày 20/11/2026 Đến số 5, ngày 20/11/2026" in text
    assert "Quyển số 2 Từ số 3, ngày 20/11/2026 Đến số 4, ngày 20/11/2026" in text
    assert "SỔ ĐĂNG KÝ KHAI SINH 2026 — QUYỂN SỐ 2" in text.upper()


def test_another_kind_keeps_its_own_books(
    birth_dossier, identified_commune, father, receive, justice_official, chairman, unit_admin
):
    set_per_book(unit_admin, 1)
    birth = register_through_approval(birth_dossier, justice_official, chairman)
    from xaso.civil_registry.tests.conftest import KIND_DECLARATIONS
    from xaso.civil_registry.tests.conftest import procedure_for

    code, declared, _name = KIND_DECLARATIONS["death"]
    death_dossier = receive(procedure_for(identified_commune, code), father, declared_data=declared)
    death = register_through_approval(death_dossier, justice_official, chairman)
    assert (birth.entry_number, birth.register.book_number) == (1, 1)
    assert (death.entry_number, death.register.book_number) == (1, 1)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_across_a_book_boundary(
    birth_procedure, father, receive, justice_official, chairman, unit_admin
):
    set_per_book(unit_admin, 3)
    count = 8
    dossiers = []
    for index in range(count):
        dossier = receive(
            birth_procedure,
            father,
            declared_data={**DECLARED, "child_full_name": f"Nguyễn Văn Số {index}"},
        )
        prepare_registration(actor=justice_official, dossier=dossier, data=form_data(dossier))
        dossier = processing.claim_step(actor=justice_official, dossier=dossier)
        dossier = processing.forward_dossier(actor=justice_official, dossier=dossier)
        dossiers.append(processing.claim_step(actor=chairman, dossier=dossier))
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(dossier) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            processing.approve_dossier(actor=chairman, dossier=dossier)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(dossier,)) for dossier in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    placed = list(
        CivilEntry.objects.order_by("entry_number").values_list(
            "entry_number", "register__book_number"
        )
    )
    # Numbers 1..8 with no repeat or gap; books of 3: 1-3, 4-6, 7-8.
    assert placed == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3)]
    assert CivilRegister.objects.count() == 3
