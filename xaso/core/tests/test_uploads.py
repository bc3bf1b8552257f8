"""The shared content check of uploads: what the apps' own wordings and types plug into."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.core.uploads import DOCX
from xaso.core.uploads import PDF
from xaso.core.uploads import RefusalMessages
from xaso.core.uploads import check_content

MESSAGES = RefusalMessages(
    empty="empty %(name)s",
    too_large="large %(name)s %(size)s %(limit)s",
    wrong_type="type %(name)s is %(actual)s; allowed %(allowed)s",
)


def zip_bytes(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


def check(data: bytes, name: str = "Tờ trình.bin", **options):
    options.setdefault("accepted", (PDF, DOCX))
    return check_content(
        SimpleUploadedFile(name, data),
        messages=MESSAGES,
        default_stem="tep",
        max_bytes=10_000,
        **options,
    )


def test_docx_is_taken_by_its_word_part_and_renamed():
    data = zip_bytes("word/document.xml")

    checked = check(data)

    assert checked.extension == "docx"
    assert checked.content_type == DOCX.content_type
    assert checked.file.name == "to-trinh.docx"
    assert checked.size == len(data)
    assert checked.file.read() == data


def test_zip_without_word_part_is_refused_in_the_apps_words():
    with pytest.raises(ValidationError) as error:
        check(zip_bytes("data.csv"), name="a.docx", recognised=((b"PK\x03\x04", "ZIP"),))

    assert error.value.code == "upload_type"
    assert error.value.messages == ["type a.docx is ZIP; allowed PDF, Word (.docx)"]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty_upload", "empty ---.pdf"),
        (b"%PDF-" + b"0" * 20_000, "upload_too_large", "large ---.pdf 19,5\xa0KB 9,8\xa0KB"),
        (
            b"MZ\x90\x00",
            "upload_type",
            "type ---.pdf is chương trình chạy trên Windows (.exe); allowed PDF",
        ),
    ],
)
def test_refusals_use_the_given_messages(data, code, message):
    with pytest.raises(ValidationError) as error:
        check(data, name="---.pdf", accepted=(PDF,))

    assert error.value.code == code
    assert error.value.messages == [message]


def test_name_without_letters_gets_the_default_stem():
    assert check(b"%PDF-1.7", name="---.pdf").file.name == "tep.pdf"
