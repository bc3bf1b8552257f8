"""Pure helpers of the reception desk: fee calculation and the scan content check."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.dossiers.fees import compute_fee
from xaso.dossiers.fees import per_copy_page_fee
from xaso.dossiers.uploads import check_upload


@dataclass
class Rule:
    name: str
    amount: int
    basis: str = "case"
    reduced_amount: int | None = None
    reduced_from: int | None = None
    cap: int | None = None
    channel: str = "any"


# TT 226/2016/TT-BTC: 2,000 đ/page, 1,000 đ/page from page 3, at most 200,000 đ per copy.
COPY_CERTIFICATION = Rule("Phí chứng thực bản sao", 2000, "page", 1000, 3, 200000)


@pytest.mark.parametrize(
    ("pages", "fee"),
    [(1, 2000), (2, 4000), (3, 5000), (10, 12000), (198, 200000), (500, 200000), (0, 0)],
)
def test_per_page_fee_with_reduced_rate_and_cap(pages, fee):
    assert per_copy_page_fee(COPY_CERTIFICATION, pages) == fee


def test_total_over_copies_and_rules_of_the_channel():
    rules = [
        COPY_CERTIFICATION,
        Rule("Lệ phí trực tiếp", 20000, channel="direct"),
        Rule("Lệ phí trực tuyến", 10000, channel="online"),
        Rule("Phí bản sao", 5000, "copy", cap=3000),
    ]

    paper = compute_fee(rules, channel="postal", pages=4, copies=3)
    online = compute_fee(rules, channel="online", pages=4, copies=3)

    # (2 x 2,000 + 2 x 1,000) x 3 copies + 20,000 + 3,000 (capped) x 3
    assert [line.amount for line in paper.lines] == [18000, 20000, 9000]
    assert paper.total == 47000
    assert online.total == 18000 + 10000 + 9000
    assert paper.needs_pages
    assert paper.needs_copies


def test_fixed_fee_ignores_pages_and_copies():
    quote = compute_fee([Rule("Lệ phí", 10000)], channel="direct", pages=50, copies=9)

    assert quote.total == 10000
    assert not quote.needs_pages
    assert not quote.needs_copies


def test_no_rules_no_fee():
    assert compute_fee([], channel="direct").total == 0


# --- uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (b"%PDF-1.7\n...", "application/pdf", "pdf"),
        (b"\xff\xd8\xff\xdb" + b"\x00" * 20, "image/jpeg", "jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png", "png"),
    ],
)
def test_accepts_by_content_and_renames_to_the_real_type(content, content_type, extension):
    upload = SimpleUploadedFile(
        "Bản quét CCCD.exe", content, content_type="application/x-msdownload"
    )

    checked = check_upload(upload, max_bytes=1000)

    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.file.name == f"ban-quet-cccd.{extension}"
    assert len(checked.sha256) == 64
    assert checked.file.read() == content  # rewound for storage


@pytest.mark.parametrize(
    ("content", "actual"),
    [
        (b"PK\x03\x04rest-of-a-docx", "tệp nén ZIP hoặc tài liệu Word/Excel"),
        (b"<html><body>", "trang web hoặc tệp XML"),
        (b"GIF89a....", "ảnh GIF"),
        (b"\x00\x01\x02\xfe\xfd\xfc", "không xác định"),
        (b"%PD", "văn bản thuần (text)"),
    ],
)
def test_refuses_other_content_and_names_it(content, actual):
    upload = SimpleUploadedFile("giay-to.pdf", content, content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=1000)

    assert error.value.code == "upload_type"
    assert f"nội dung thực của tệp là {actual}," in error.value.messages[0]


def test_refuses_empty_and_oversized_files():
    with pytest.raises(ValidationError) as empty:
        check_upload(SimpleUploadedFile("rong.pdf", b""), max_bytes=10)
    with pytest.raises(ValidationError) as big:
        check_upload(SimpleUploadedFile("to.pdf", b"%PDF-" + b"0" * 20), max_bytes=10)

    assert empty.value.messages == ["Tệp “rong.pdf” rỗng (0 byte). Hãy quét lại giấy tờ."]
    assert big.value.code == "upload_too_large"
