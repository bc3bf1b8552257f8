"""Register exports (XLSX and PDF with the PL IV columns), work files and settings."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from xaso.documents import registers
from xaso.documents.models import DocumentSettings
from xaso.documents.models import WorkFile
from xaso.documents.services import handling
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.tests.conftest import VN

ARRIVED = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=VN), tick=False)


@pytest.fixture
def filled(register, clerk, chairman, official, clock):
    first = register(code_number="12", urgency="urgent")
    register(code_number="13", issuing_body="Công an tỉnh Nghệ An", subject="Về việc an ninh")
    handling.assign(
        actor=chairman,
        document=first,
        data=handling.AssignmentData(lead=official, deadline_days=3),
    )
    document = outgoing_service.create_draft(
        actor=official,
        data=outgoing_service.DraftData(
            doc_type="cong_van",
            subject="Về việc báo cáo hộ tịch",
            recipients_text="Sở Tư pháp\nUBND tỉnh",
            signer=chairman,
            copies=3,
        ),
        generate=True,
    )
    outgoing_service.submit(actor=official, document=document)
    outgoing_service.approve(actor=chairman, document=document)
    outgoing_service.sign(actor=chairman, document=document)
    outgoing_service.release(actor=clerk, document=document)
    return first


def test_incoming_register_xlsx_has_the_legal_columns_and_rows(client_as, clerk, filled):
    response = client_as(clerk).get(
        reverse("documents:register_xlsx", args=["incoming"]), {"year": 2026}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cover = [row[0] for row in workbook["Bìa"].iter_rows(values_only=True)]
    assert cover == [
        "XÃ QUỲ CHÂU",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "Năm: 2026",
        "Từ ngày 23/11/2026 đến ngày 23/11/2026",
        "Từ số 1 đến số 2",
        "Quyển số: 1",
    ]
    rows = list(workbook["Sổ"].iter_rows(values_only=True))
    assert rows[0] == registers.INCOMING_COLUMNS
    assert rows[0] == (
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )
    assert rows[2] == (
        "23/11/2026",
        1,
        "Sở Tư pháp tỉnh Nghệ An",
        "12/QĐ-STP",
        "20/11/2026",
        "Quyết định: Về việc kiểm tra công tác hộ tịch năm 2026",
        "Ngô Thị Văn Phòng",
        "25/11/2026",
        None,
        "Khẩn",
    )
    assert rows[3][1] == 2


def test_outgoing_register_xlsx_and_pdf(client_as, clerk, chairman, filled):
    response = client_as(chairman).get(reverse("documents:register_xlsx", args=["outgoing"]))
    rows = list(load_workbook(io.BytesIO(response.content))["Sổ"].iter_rows(values_only=True))
    assert rows[0] == (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )
    assert rows[2] == (
        "01/UBND-VP",
        "25/11/2026",
        "Công văn: Về việc báo cáo hộ tịch",
        "Trần Văn Chủ Tịch",
        "Sở Tư pháp; UBND tỉnh",
        "Lưu: VT",
        3,
        "25/11/2026",
        None,
        None,
    )
    pdf = client_as(clerk).get(reverse("documents:register_pdf", args=["outgoing"]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in cover
    assert "Từ số 01 đến số 01" in cover
    body = " ".join(reader.pages[1].extract_text().split())
    assert "Đơn vị, người nhận bản lưu" in body
    assert "01/UBND-VP" in body


def test_incoming_register_pdf_has_cover_and_columns(client_as, clerk, filled):
    pdf = client_as(clerk).get(reverse("documents:register_pdf", args=["incoming"]))
    reader = PdfReader(io.BytesIO(pdf.content))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Năm: 2026" in cover
    assert "Quyển số: 1" in cover
    body = " ".join(reader.pages[1].extract_text().split())
    for column in ("Ngày đến", "Số đến", "Tác giả", "Ký nhận"):
        assert column in body


def test_unknown_register_kind_is_404(client_as, clerk):
    assert client_as(clerk).get("/van-ban/so/khac.xlsx").status_code == 404


def test_work_file_groups_documents(client_as, official, filled):
    client = client_as(official)
    bad = client.post(reverse("documents:work_file_list"), {"notation": "", "title": ""})
    assert bad.status_code == 200
    assert not WorkFile.objects.exists()
    response = client.post(
        reverse("documents:work_file_list"),
        {"notation": "01.HT", "title": "Hồ sơ kiểm tra hộ tịch năm 2026"},
    )
    work_file = WorkFile.objects.get()
    assert response.status_code == 302
    duplicate = client.post(
        reverse("documents:work_file_list"), {"notation": "01.HT", "title": "Khác"}
    )
    assert "Năm nay đã có hồ sơ ký hiệu 01.HT." in duplicate.content.decode()
    added = client.post(
        reverse("documents:work_file_add", args=[work_file.pk]),
        {"kind": "incoming", "document_id": filled.pk},
    )
    assert added.status_code == 302
    assert list(work_file.incoming.all()) == [filled]
    found = client.get(reverse("documents:work_file_list"), {"q": "kiem tra ho tich"})
    assert list(found.context["work_files"]) == [work_file]


def test_settings_page_changes_numbering(client_as, chairman, commune):
    response = client_as(chairman).post(
        reverse("documents:settings"),
        {
            "numbering": "per_type",
            "issuer_abbreviation": "UBND",
            "drafting_unit_abbreviation": "VP",
            "place_name": "Quỳ Châu",
            "incoming_book_number": "1",
            "outgoing_book_number": "1",
        },
    )
    assert response.status_code == 302
    assert DocumentSettings.objects.get(unit=commune).numbering == "per_type"
    bad = client_as(chairman).post(reverse("documents:settings"), {"numbering": "x"})
    assert bad.status_code == 200
    assert DocumentSettings.objects.get(unit=commune).numbering == "per_type"


def test_demo_documents_load_once(commune):
    from django.core.management import call_command

    call_command("load_demo_commune", stdout=io.StringIO())
    call_command("load_demo_documents", unit=16777, stdout=io.StringIO())
    call_command("load_demo_documents", unit=16777, stdout=io.StringIO())

    from xaso.documents.models import IncomingDocument
    from xaso.documents.models import OutgoingDocument

    assert sorted(IncomingDocument.objects.values_list("arrival_number", "status")) == [
        (1, "assigned"),
        (2, "presented"),
        (3, "registered"),
    ]
    reply = OutgoingDocument.objects.get()
    assert reply.number_notation == "01/UBND-VP"
    assert IncomingDocument.objects.get(arrival_number=1).reply_document == reply


def test_tracking_register_follows_the_handling(client_as, chairman, filled):
    response = client_as(chairman).get(
        reverse("documents:register_xlsx", args=["tracking"]), {"year": 2026}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert [row[0] for row in workbook["Bìa"].iter_rows(values_only=True)][1] == (
        "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
    )
    rows = list(workbook["Sổ"].iter_rows(values_only=True))
    assert rows[0] == registers.TRACKING_COLUMNS
    assert rows[2] == (
        1,
        "Quyết định số 12/QĐ-STP ngày 20/11/2026 của Sở Tư pháp tỉnh Nghệ An",
        "Ngô Thị Văn Phòng",
        "30/11/2026",
        "Đang giải quyết",
        None,
        None,
    )
    pdf = client_as(chairman).get(reverse("documents:register_pdf", args=["tracking"]))
    assert "Tiến độ giải quyết" in " ".join(
        PdfReader(io.BytesIO(pdf.content)).pages[1].extract_text().split()
    )
