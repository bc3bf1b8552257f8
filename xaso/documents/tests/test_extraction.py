"""Pre-fill from the text layer of a PDF and Vietnamese OCR of a scan."""

import datetime
import io
import shutil

import pytest

from xaso.documents import extraction
from xaso.documents.tests.conftest import sample_pdf


def test_guess_reads_number_date_issuer_type_and_subject_from_a_decision():
    guess = extraction.guess_from_file(sample_pdf(), "application/pdf")

    assert guess.source == "text"
    assert guess.code_number == "12"
    assert guess.code_notation == "QĐ-UBND"
    assert guess.document_date == datetime.date(2026, 11, 20)
    assert guess.issuing_body == "UBND TỈNH NGHỆ AN SỞ TƯ PHÁP"
    assert guess.doc_type == "quyet_dinh"
    assert guess.subject == "Về việc kiểm tra công tác hộ tịch năm 2026"


def test_guess_of_a_cong_van_takes_the_subject_after_vv():
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 45/UBND-VP\nV/v triển khai chuyển đổi số năm 2027\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nNghệ An, ngày 5 tháng 1 năm 2027\nKính gửi: ..."
    )
    guess = extraction.guess_metadata(text)

    assert (guess.code_number, guess.code_notation) == ("45", "UBND-VP")
    assert guess.doc_type == "cong_van"
    assert guess.subject == "triển khai chuyển đổi số năm 2027"
    assert guess.document_date == datetime.date(2027, 1, 5)
    assert guess.issuing_body == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"


def test_type_from_the_notation_keeps_the_case_of_the_abbreviation():
    guess = extraction.guess_metadata("Số: 3/QyĐ-UBND\nnội dung")
    assert guess.doc_type == "quy_dinh"
    guess = extraction.guess_metadata("Số: 3/QĐ-UBND\nnội dung")
    assert guess.doc_type == "quyet_dinh"


def test_impossible_date_is_not_guessed():
    assert extraction.guess_metadata("ngày 31 tháng 2 năm 2026").document_date is None


def test_a_scan_without_text_gives_no_guess_when_ocr_is_off(settings):
    settings.XASO_OCR_ENABLED = False
    png = _text_image("Số: 7/TB-UBND")
    guess = extraction.guess_from_file(png, "image/png")
    assert guess.source == ""
    assert guess.code_number == ""


def _text_image(text: str) -> bytes:
    from PIL import Image
    from PIL import ImageDraw
    from PIL import ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 40)
    image = Image.new("RGB", (1600, 500), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(text.splitlines()):
        draw.text((60, 40 + index * 70), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_vietnamese_ocr_reads_a_scanned_notice(settings):
    settings.XASO_OCR_ENABLED = True
    png = _text_image(
        "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU\nSố: 07/TB-UBND\nQuỳ Châu, ngày 15 tháng 10 năm 2026\n"
        "THÔNG BÁO\nVề lịch tiếp công dân tháng 11"
    )

    guess = extraction.guess_from_file(png, "image/png")

    assert guess.source == "ocr"
    assert (guess.code_number, guess.code_notation) == ("07", "TB-UBND")
    assert guess.document_date == datetime.date(2026, 10, 15)
    assert guess.doc_type == "thong_bao"
    assert guess.issuing_body == "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU"
    assert guess.subject == "Về lịch tiếp công dân tháng 11"
