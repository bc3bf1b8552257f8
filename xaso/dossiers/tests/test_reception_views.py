"""The reception desk through the browser: accept (form 01), incomplete (02), refuse (03)."""

import datetime
import io
import re
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test import override_settings
from pypdf import PdfReader

from xaso.applicants.models import Applicant
from xaso.core.models import AuditEvent
from xaso.core.models import IdempotencyRecord
from xaso.core.models import NumberCounter
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import ReceptionNotice
from xaso.dossiers.tests.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_9AM = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)
CODE = "H41.16777-261123-0001"
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
QR = "040190001234|186123456|Nguyễn Thị Hoa|17051990|Nữ|Bản Hạnh Tiến, Xã Quỳ Châu|20042021"


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


def _docs(procedure):
    return list(procedure.required_documents.order_by("order"))


def _data(procedure, *, applicant=None, action="accept", token="phieu-1", **overrides):  # noqa: S107
    """A complete counter form: both checklist lines ticked, the chosen applicant."""
    data = {
        "procedure": str(procedure.pk),
        "form_token": token,
        "action": action,
        "channel": "direct",
        "delivery_method": "desk",
        "delivery_address": "",
        "submitter_name": "",
        "copies": "1",
        "fee_pages": "1",
        "fee_copies": "1",
        "fee_exemption": "",
        "note": "",
        "missing_other": "",
        "reason": "",
        "guidance": "",
        "extra_name": "",
        "extra_kind": "copy",
        "extra_quantity": "1",
    }
    for document in _docs(procedure):
        data[f"doc_{document.pk}_received"] = "on"
        data[f"doc_{document.pk}_kind"] = "original" if document.originals else "copy"
        data[f"doc_{document.pk}_quantity"] = "1"
    if applicant is not None:
        data["applicant"] = str(applicant.pk)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _new_applicant(**overrides):
    fields = {
        "kind": "person",
        "full_name": "Lê Thị Mai",
        "id_number": "040195000321",
        "date_of_birth": "1995-02-14",
        "sex": "female",
        "address": "Xóm 2, xã Quỳ Châu",
        "phone": "0912000444",
        "email": "",
        "old_id_number": "",
        "id_issued_on": "",
    }
    fields.update(overrides)
    return {f"applicant-{key}": value for key, value in fields.items()}


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _assert_nothing_saved(applicants=1):
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()
    assert not ReceptionNotice.objects.exists()
    assert not NumberCounter.objects.filter(last_number__gt=0).exists()
    assert not IdempotencyRecord.objects.exists()
    assert Applicant.objects.count() == applicants


# --- the page -------------------------------------------------------------------------------


def test_page_lists_active_procedures_and_shows_the_checklist(
    client_as, counter_officer, procedure, identified_commune
):
    ProcedureFactory(unit=identified_commune, code="2.000815", name="Chứng thực bản sao")
    ProcedureFactory(unit=identified_commune, code="9.999999", name="Thủ tục cũ", is_active=False)
    client = client_as(counter_officer)

    empty = client.get("/mot-cua/tiep-nhan/").content.decode()
    chosen = client.get("/mot-cua/tiep-nhan/", {"thu_tuc": procedure.pk}).content.decode()

    assert "1.000894 — Đăng ký kết hôn" in empty
    assert "2.000815 — Chứng thực bản sao" in empty
    assert "Thủ tục cũ" not in empty
    assert "Chọn thủ tục để hiện danh mục giấy tờ cần nộp." in empty
    assert "Tờ khai đăng ký" in chosen
    assert "Giấy tờ tùy thân" in chosen
    assert "Thời hạn giải quyết: 05 ngày làm việc" in chosen
    assert re.search(r'name="form_token" value="[\w-]{20,}"', chosen)


def test_procedure_search_is_diacritics_insensitive(client_as, counter_officer, identified_commune):
    ProcedureFactory(unit=identified_commune)
    ProcedureFactory(unit=identified_commune, code="2.000815", name="Chứng thực bản sao")

    partial = (
        client_as(counter_officer)
        .get("/mot-cua/tiep-nhan/", {"q": "chung thuc", "phan": "thu-tuc"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert partial.startswith('<div id="procedure-select"')
    assert "Chứng thực bản sao" in partial
    assert "Đăng ký kết hôn" not in partial


# --- accept ---------------------------------------------------------------------------------


def test_accept_with_a_pdf_scan_creates_the_dossier_and_shows_the_receipt(
    client_as, counter_officer, procedure, applicant
):
    declaration = _docs(procedure)[0]
    scan = SimpleUploadedFile("to khai.PDF", PDF_BYTES, content_type="application/octet-stream")
    client = client_as(counter_officer)

    response = client.post(
        "/mot-cua/tiep-nhan/",
        _data(procedure, applicant=applicant, **{f"doc_{declaration.pk}_file": scan}),
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/tiep-nhan/da-tiep-nhan/{dossier.pk}/"
    assert dossier.code == CODE
    assert dossier.applicant == applicant
    assert dossier.due_at == datetime.datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    assert dossier.form_set == "2025"
    documents = list(dossier.documents.order_by("pk"))
    assert [(d.name, d.is_original, d.quantity) for d in documents] == [
        ("Tờ khai đăng ký", True, 1),
        ("Giấy tờ tùy thân", False, 1),
    ]
    assert documents[0].required_document == declaration
    assert documents[0].content_type == "application/pdf"
    assert documents[0].size == len(PDF_BYTES)
    assert len(documents[0].sha256) == 64
    assert documents[0].file.name.endswith(".pdf")
    assert documents[0].file.read() == PDF_BYTES
    assert not documents[1].file

    page = client.get(response["Location"]).content.decode()
    assert CODE in page
    assert "17 giờ 00 phút, ngày 01/12/2026" in page
    assert f'href="/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf"' in page
    assert "Đã tiếp nhận hồ sơ H41.16777-261123-0001." in page


def test_receipt_pdf_form_01_carries_code_times_book_and_lookup(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    client.post("/mot-cua/tiep-nhan/", _data(procedure, applicant=applicant))
    dossier = Dossier.objects.get()

    text = _pdf_text(client.get(f"/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf"))

    assert CODE in text
    assert "Nguyễn Thị An" in text
    assert "Đăng ký kết hôn" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23 tháng 11 năm 2026" in text
    assert (
        "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 01 tháng 12 năm 2026" in text
    )
    assert "Thời gian giải quyết hồ sơ theo quy định là: 05 ngày làm việc" in text
    assert "Quyển số: 2026, Số thứ tự: 01" in text
    assert "Đăng ký nhận kết quả tại: Bộ phận Một cửa, Xã Quỳ Châu" in text
    assert "http://127.0.0.1:8000/cong-khai/tra-cuu/?ma=H41.16777-261123-0001" in text
    assert "Tờ khai đăng ký" in text


def test_receipt_of_a_2018_dossier_uses_the_2018_form(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    client.post("/mot-cua/tiep-nhan/", _data(procedure, applicant=applicant))
    Dossier.objects.update(form_set="2018")
    dossier = Dossier.objects.get()

    text = _pdf_text(client.get(f"/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf"))

    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text
    assert CODE in text
    assert "17 giờ 00 phút, ngày 01 tháng 12 năm 2026" in text


def test_accept_with_an_applicant_entered_at_the_desk(client_as, counter_officer, procedure):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", {**_data(procedure), **_new_applicant()}
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.applicant.full_name == "Lê Thị Mai"
    assert dossier.applicant.id_number == "040195000321"
    assert dossier.applicant.unit_id == counter_officer.unit_id
    assert AuditEvent.objects.filter(action="applicant.created").count() == 1


def test_fee_is_computed_from_the_rules_and_exemption_makes_it_zero(
    client_as, counter_officer, procedure, applicant
):
    FeeRule.objects.create(
        procedure=procedure,
        name="Phí chứng thực",
        amount=2000,
        basis="page",
        reduced_amount=1000,
        reduced_from=3,
        cap=200000,
    )
    FeeRule.objects.create(procedure=procedure, name="Phí trực tuyến", amount=500, channel="online")
    client = client_as(counter_officer)

    client.post(
        "/mot-cua/tiep-nhan/",
        _data(procedure, applicant=applicant, fee_pages="5", fee_copies="2"),
    )
    client.post(
        "/mot-cua/tiep-nhan/",
        _data(
            procedure,
            applicant=applicant,
            token="phieu-2",
            fee_exempt="on",
            fee_exemption="Hộ nghèo",
        ),
    )

    paid, exempt = Dossier.objects.order_by("book_number")
    # 2 pages at 2,000 + 3 at 1,000 = 7,000 per copy, two copies; the online rule is left out.
    assert paid.fee_due == 14000
    assert (exempt.fee_due, exempt.fee_exemption) == (0, "Hộ nghèo")


# --- incomplete and refused -----------------------------------------------------------------


def test_incomplete_issues_one_supplement_notice_printed_as_form_02(
    client_as, counter_officer, procedure, applicant
):
    identity = _docs(procedure)[1]
    client = client_as(counter_officer)
    data = _data(
        procedure,
        applicant=applicant,
        action="incomplete",
        missing_other="Bản sao sổ hộ khẩu\n\n Giấy xác nhận tình trạng hôn nhân ",
    )
    del data[f"doc_{identity.pk}_received"]

    response = client.post("/mot-cua/tiep-nhan/", data)

    notice = ReceptionNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/tiep-nhan/phieu/{notice.pk}/"
    assert notice.kind == "supplement"
    assert notice.missing_items == [
        "Giấy tờ tùy thân",
        "Bản sao sổ hộ khẩu",
        "Giấy xác nhận tình trạng hôn nhân",
    ]
    assert notice.reason == "Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục."
    assert (notice.applicant, notice.issued_by, notice.form_set) == (
        applicant,
        counter_officer,
        "2025",
    )
    assert not Dossier.objects.exists()
    assert not NumberCounter.objects.filter(last_number__gt=0).exists()

    page = client.get(response["Location"]).content.decode()
    assert f'href="/mot-cua/phieu/{notice.pk}.pdf"' in page
    text = _pdf_text(client.get(f"/mot-cua/phieu/{notice.pk}.pdf"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Nguyễn Thị An" in text
    assert "Giấy tờ tùy thân" in text
    assert "Bản sao sổ hộ khẩu" in text
    assert "Giấy xác nhận tình trạng hôn nhân" in text
    assert "Đăng ký kết hôn" in text


def test_incomplete_with_nothing_missing_is_refused(
    client_as, counter_officer, procedure, applicant
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", _data(procedure, applicant=applicant, action="incomplete")
    )

    assert response.status_code == 200
    assert "Phiếu yêu cầu bổ sung phải nêu đủ các giấy tờ còn thiếu" in response.content.decode()
    _assert_nothing_saved()


def test_refuse_issues_form_03_with_the_reason(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)
    reason = "Việc kết hôn có yếu tố nước ngoài không thuộc thủ tục này."

    response = client.post(
        "/mot-cua/tiep-nhan/",
        _data(procedure, applicant=applicant, action="refuse", reason=reason),
    )

    notice = ReceptionNotice.objects.get()
    assert response.status_code == 302
    assert (notice.kind, notice.reason, notice.missing_items) == ("refusal", reason, [])
    assert not Dossier.objects.exists()
    text = _pdf_text(client.get(f"/mot-cua/phieu/{notice.pk}.pdf"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Nguyễn Thị An" in text
    assert reason in text
    assert AuditEvent.objects.filter(action="reception_notice.refusal").count() == 1


def test_refuse_without_reason_saves_nothing(client_as, counter_officer, procedure):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", {**_data(procedure, action="refuse"), **_new_applicant()}
    )

    assert response.status_code == 200
    assert "Hãy ghi lý do cụ thể của việc từ chối tiếp nhận hồ sơ." in response.content.decode()
    _assert_nothing_saved(applicants=0)


# --- bad input: re-rendered, nothing saved --------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "content_type", "message"),
    [
        (
            "giay-khai-sinh.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "application/pdf",
            (
                "Tệp “giay-khai-sinh.pdf” không phải bản quét PDF, JPEG hoặc PNG: nội dung thực "
                "của tệp là chương trình chạy trên Windows (.exe)"
            ),
        ),
        (
            "anh-cccd.jpg",
            b"Day la mot tep van ban, khong phai anh.\n",
            "image/jpeg",
            (
                "Tệp “anh-cccd.jpg” không phải bản quét PDF, JPEG hoặc PNG: nội dung thực của "
                "tệp là văn bản thuần (text)"
            ),
        ),
    ],
)
def test_disguised_upload_is_refused_and_nothing_saved(
    client_as, counter_officer, procedure, filename, content, content_type, message
):
    declaration = _docs(procedure)[0]
    upload = SimpleUploadedFile(filename, content, content_type=content_type)

    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        {
            **_data(procedure, **{f"doc_{declaration.pk}_file": upload}),
            **_new_applicant(),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Chưa lưu: hãy sửa các mục được đánh dấu rồi gửi lại." in page
    _assert_nothing_saved(applicants=0)


@override_settings(XASO_UPLOAD_MAX_BYTES=1024)
def test_oversized_upload_is_refused_and_nothing_saved(
    client_as, counter_officer, procedure, applicant
):
    declaration = _docs(procedure)[0]
    upload = SimpleUploadedFile("to-khai.pdf", PDF_BYTES + b"0" * 2000, "application/pdf")

    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        _data(procedure, applicant=applicant, **{f"doc_{declaration.pk}_file": upload}),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tệp “to-khai.pdf” có dung lượng 2,0\xa0KB, vượt quá giới hạn 1,0\xa0KB." in page
    _assert_nothing_saved()


def test_png_and_jpeg_scans_are_accepted_whatever_their_names(
    client_as, counter_officer, procedure, applicant
):
    declaration, identity = _docs(procedure)
    png = SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "application/pdf")
    jpeg = SimpleUploadedFile("cccd", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "text/plain")

    client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        _data(
            procedure,
            applicant=applicant,
            **{f"doc_{declaration.pk}_file": png, f"doc_{identity.pk}_file": jpeg},
        ),
    )

    stored = DossierDocument.objects.order_by("pk")
    assert [d.content_type for d in stored] == ["image/png", "image/jpeg"]
    assert [d.file.name.rsplit(".", 1)[1] for d in stored] == ["png", "jpg"]


def test_accept_with_a_mandatory_document_missing_saves_nothing(
    client_as, counter_officer, procedure, applicant
):
    identity = _docs(procedure)[1]
    data = _data(procedure, applicant=applicant)
    del data[f"doc_{identity.pk}_received"]

    response = client_as(counter_officer).post("/mot-cua/tiep-nhan/", data)

    assert response.status_code == 200
    assert "Chưa nhận đủ giấy tờ bắt buộc: Giấy tờ tùy thân." in response.content.decode()
    _assert_nothing_saved()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"channel": "authorised"}, "Hãy nhập họ tên người được ủy quyền nộp thay."),
        ({"delivery_method": "post"}, "Hãy nhập địa chỉ nhận kết quả qua bưu chính."),
        ({"fee_exempt": "on"}, "Hãy ghi lý do miễn, giảm phí, lệ phí."),
        ({"copies": "0"}, "Số bộ hồ sơ phải từ 1 trở lên."),
        ({"channel": "fax"}, "fax"),
    ],
)
def test_bad_dossier_data_is_shown_and_nothing_saved(
    client_as, counter_officer, procedure, overrides, message
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", {**_data(procedure, **overrides), **_new_applicant()}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    _assert_nothing_saved(applicants=0)


def test_bad_applicant_data_is_shown_and_nothing_saved(client_as, counter_officer, procedure):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        {**_data(procedure), **_new_applicant(full_name="", id_number="003195000321")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập họ và tên người nộp hồ sơ." in page
    assert "Ba chữ số đầu 003 không phải mã tỉnh nơi đăng ký khai sinh" in page
    _assert_nothing_saved(applicants=0)


def test_duplicate_cccd_entered_at_the_desk_offers_the_existing_person(
    client_as, counter_officer, procedure, applicant
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        {
            **_data(procedure),
            **_new_applicant(
                full_name="Nguyễn T. An", id_number=applicant.id_number, date_of_birth="1990-05-17"
            ),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Số CCCD {applicant.id_number} đã có trong danh bạ: Nguyễn Thị An." in page
    assert f'name="pick_applicant" value="{applicant.pk}"' in page
    _assert_nothing_saved()


def test_service_error_after_the_applicant_was_created_rolls_everything_back(
    client_as, counter_officer, commune
):
    """The commune has no agency identifier: no code can be issued, so nothing stays."""
    procedure = ProcedureFactory(unit=commune)

    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", {**_data(procedure), **_new_applicant()}
    )

    assert response.status_code == 200
    assert "Đơn vị chưa có mã định danh điện tử còn hiệu lực" in response.content.decode()
    _assert_nothing_saved(applicants=0)
    assert not AuditEvent.objects.filter(action="applicant.created").exists()


# --- double submission ----------------------------------------------------------------------


def test_double_submit_creates_one_dossier(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)
    data = _data(procedure, applicant=applicant, token="mot-lan")

    first = client.post("/mot-cua/tiep-nhan/", data)
    second = client.post("/mot-cua/tiep-nhan/", data, follow=True)

    dossier = Dossier.objects.get()
    assert first["Location"] == f"/mot-cua/tiep-nhan/da-tiep-nhan/{dossier.pk}/"
    assert second.redirect_chain == [(first["Location"], 302)]
    assert "Biểu mẫu này đã được gửi trước đó" in second.content.decode()
    assert NumberCounter.objects.get(register="dossier_code").last_number == 1
    assert DossierDocument.objects.count() == 2
    assert AuditEvent.objects.filter(action="dossier.received").count() == 1


def test_double_submit_of_a_notice_issues_one_notice(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    data = _data(procedure, applicant=applicant, action="refuse", reason="Không thuộc thẩm quyền.")

    first = client.post("/mot-cua/tiep-nhan/", data)
    second = client.post("/mot-cua/tiep-nhan/", data)

    assert first["Location"] == second["Location"]
    assert ReceptionNotice.objects.count() == 1


def test_refused_form_can_be_corrected_and_sent_with_the_same_token(
    client_as, counter_officer, procedure, applicant
):
    client = client_as(counter_officer)
    bad = _data(procedure, applicant=applicant, delivery_method="post")

    client.post("/mot-cua/tiep-nhan/", bad)
    client.post("/mot-cua/tiep-nhan/", {**bad, "delivery_address": "Xóm 3, xã Quỳ Châu"})

    assert Dossier.objects.get().delivery_address == "Xóm 3, xã Quỳ Châu"


def _stored_scans() -> set[str]:
    try:
        return set(default_storage.listdir("dossiers/2026/11")[1])
    except FileNotFoundError:
        return set()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click_creates_one_dossier(procedure, applicant, counter_officer):
    declaration = _docs(procedure)[0]
    scans_before = _stored_scans()  # the in-memory storage outlives each test
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            client = Client()
            client.force_login(counter_officer)
            scan = SimpleUploadedFile("to-khai.pdf", PDF_BYTES, "application/pdf")
            data = _data(
                procedure,
                applicant=applicant,
                token="hai-cu-bam",
                **{f"doc_{declaration.pk}_file": scan},
            )
            barrier.wait()
            statuses.append(client.post("/mot-cua/tiep-nhan/", data).status_code)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [302, 302]
    assert Dossier.objects.count() == 1
    assert NumberCounter.objects.get(register="dossier_code").last_number == 1
    # The losing request's scan was written to storage, then removed with its rollback.
    stored = DossierDocument.objects.exclude(file="").get()
    assert _stored_scans() - scans_before == {stored.file.name.rsplit("/", 1)[1]}


# --- applicant section: scan, find, choose (nothing saved) ----------------------------------


def test_scan_at_the_desk_without_javascript_fills_the_applicant(
    client_as, counter_officer, procedure
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", {**_data(procedure, action="enter"), "qr": QR}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nguyễn Thị Hoa"' in page
    assert 'value="040190001234"' in page
    assert 'value="1990-05-17"' in page
    assert "Đã điền thông tin từ mã QR" in page
    assert 'name="form_token" value="phieu-1"' in page
    _assert_nothing_saved(applicants=0)


def test_htmx_scan_answers_the_applicant_section(client_as, counter_officer, procedure):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        {**_data(procedure, action="scan"), "qr": QR},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode().strip()
    assert body.startswith('<fieldset id="applicant-section"')
    assert 'value="Nguyễn Thị Hoa"' in body
    assert not Applicant.objects.exists()


def test_find_and_pick_an_applicant(client_as, counter_officer, procedure, applicant):
    client = client_as(counter_officer)

    found = client.post(
        "/mot-cua/tiep-nhan/",
        {**_data(procedure, action="find"), "applicant_query": "nguyen thi an"},
    ).content.decode()
    picked = client.post(
        "/mot-cua/tiep-nhan/", {**_data(procedure, action="enter"), "pick_applicant": applicant.pk}
    ).content.decode()

    assert f'name="pick_applicant" value="{applicant.pk}"' in found
    assert f'<input type="hidden" name="applicant" value="{applicant.pk}">' in picked
    assert "Đổi người nộp" in picked
    _assert_nothing_saved()


def test_picking_another_units_applicant_is_not_found(
    client_as, counter_officer, procedure, other_applicant
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        {**_data(procedure, action="enter"), "pick_applicant": other_applicant.pk},
    )

    assert response.status_code == 404


def test_accepting_with_another_units_applicant_is_not_found(
    client_as, counter_officer, procedure, other_applicant
):
    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/", _data(procedure, applicant=other_applicant)
    )

    assert response.status_code == 404
    assert not Dossier.objects.exists()


# --- isolation ------------------------------------------------------------------------------


def test_reception_page_isolation(
    counter_officer, other_counter_officer, clerk, procedure, identified_commune
):
    ProcedureFactory(unit=identified_commune, code="2.000815", name="Chứng thực bản sao riêng")
    assert_isolation(
        IsolationCase(
            url="/mot-cua/tiep-nhan/",
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="Chứng thực bản sao riêng",
        )
    )
    assert_isolation(
        IsolationCase(
            url=f"/mot-cua/tiep-nhan/?thu_tuc={procedure.pk}",
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
        )
    )


def test_reception_post_isolation(
    counter_officer, other_counter_officer, clerk, procedure, applicant, other_procedure
):
    assert_isolation(
        IsolationCase(
            url="/mot-cua/tiep-nhan/",
            method="post",
            data=_data(procedure, applicant=applicant),
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=302,
        )
    )
    assert Dossier.objects.get().unit_id == counter_officer.unit_id


def test_result_pages_and_pdfs_isolation(
    client_as, counter_officer, other_counter_officer, clerk, procedure, applicant
):
    client = client_as(counter_officer)
    client.post("/mot-cua/tiep-nhan/", _data(procedure, applicant=applicant))
    client.post(
        "/mot-cua/tiep-nhan/",
        _data(procedure, applicant=applicant, action="refuse", token="t2", reason="Lý do."),
    )
    dossier = Dossier.objects.get()
    notice = ReceptionNotice.objects.get()

    for url in (
        f"/mot-cua/tiep-nhan/da-tiep-nhan/{dossier.pk}/",
        f"/mot-cua/tiep-nhan/phieu/{notice.pk}/",
        f"/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf",
        f"/mot-cua/phieu/{notice.pk}.pdf",
    ):
        assert_isolation(
            IsolationCase(
                url=url,
                allowed=counter_officer,
                wrong_role=clerk,
                other_unit=other_counter_officer,
                allowed_status=200,
            )
        )


def test_a_notice_does_not_check_or_keep_scans(client_as, counter_officer, procedure, applicant):
    """No dossier is created for form 02/03, so an attached file is neither checked nor kept."""
    declaration = _docs(procedure)[0]
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 50, "application/pdf")

    response = client_as(counter_officer).post(
        "/mot-cua/tiep-nhan/",
        _data(
            procedure,
            applicant=applicant,
            action="refuse",
            reason="Không thuộc thẩm quyền.",
            **{f"doc_{declaration.pk}_file": upload},
        ),
    )

    assert response.status_code == 302
    assert ReceptionNotice.objects.count() == 1
    assert not DossierDocument.objects.exists()
