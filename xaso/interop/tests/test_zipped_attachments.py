"""Zipped attachments of received packages: unpacked into the dossier's files within
limits; zip bombs, path traversal, links, encrypted and damaged archives refused with
their reason, changing nothing."""

import dataclasses
import io
import stat
import struct
import zipfile

import pytest
from django.test import override_settings

from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.interop import services
from xaso.interop import zipped
from xaso.interop.edxml import build_package
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import types as t
from xaso.interop.models import DossierTransfer
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.test_dossier_transfer_pages import TO_PROVINCE
from xaso.interop.tests.test_dossier_transfer_pages import _post_transfer
from xaso.interop.tests.test_dossier_transfer_pages import pair  # noqa: F401  (fixture)

PDF_A = b"%PDF-1.4 giay to a"
PDF_B = b"%PDF-1.4 giay to b"
SMALL = zipped.ZipLimits(max_entries=5, max_entry_bytes=1024 * 1024, max_total_bytes=1536 * 1024)


def _zip(*members: tuple[str | zipfile.ZipInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _attachment(data: bytes, name: str = "ho-so.zip") -> t.Attachment:
    return t.Attachment(
        content_id="thanhphan1", name=name, content_type="application/zip", data=data
    )


def _refusal(data: bytes, limits=SMALL, name: str = "ho-so.zip") -> str:
    with pytest.raises(zipped.ZipRefusedError) as caught:
        zipped.unpack(_attachment(data, name), limits=limits)
    return caught.value.message


# --- the archive on its own ---------------------------------------------------------------


def test_files_are_taken_from_their_folders_and_directories_skipped():
    data = _zip(("giay-to/", b""), ("giay-to/a.pdf", PDF_A), ("giay-to\\con\\b.pdf", PDF_B))
    entries = zipped.unpack(_attachment(data), limits=SMALL)
    assert [(entry.name, entry.data) for entry in entries] == [("a.pdf", PDF_A), ("b.pdf", PDF_B)]


def test_only_archives_declared_as_zip_are_unpacked():
    docx = t.Attachment(
        content_id="x", name="to-trinh.docx", content_type="application/msword", data=_zip()
    )
    assert not zipped.is_zip(docx)
    assert zipped.is_zip(_attachment(b"", name="HO-SO.ZIP"))
    assert zipped.is_zip(
        t.Attachment(content_id="x", name="ho-so", content_type="application/zip", data=b"")
    )


@pytest.mark.parametrize(
    "entry",
    ["../../etc/passwd", "giay-to/../../b.pdf", "/etc/passwd", "\\windows\\a.pdf", "C:\\a.pdf"],
)
def test_paths_leaving_the_archive_are_refused(entry):
    message = _refusal(_zip(("a.pdf", PDF_A), (entry, PDF_B)))
    assert "đường dẫn không an toàn" in message
    assert entry in message


def test_a_bomb_is_stopped_at_the_limit_whatever_it_declares():
    # 20 MB of zeros compress to about 20 KB.
    bomb = _zip(("bom.pdf", b"%PDF-" + bytes(20 * 1024 * 1024)))
    assert len(bomb) < 100 * 1024
    assert "quá lớn sau khi giải nén (tối đa 1 MB một tệp)" in _refusal(bomb)


def test_a_bomb_lying_about_its_size_is_refused():
    data = bytearray(_zip(("bom.pdf", b"%PDF-" + bytes(5 * 1024 * 1024))))
    # Declare 100 bytes in both headers: the reader stops there and the checksum fails.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)
    assert "bị hỏng" in _refusal(bytes(data))


def test_many_files_below_the_limit_cannot_exceed_the_total():
    members = [(f"{index}.pdf", b"%PDF-" + bytes(700 * 1024)) for index in range(3)]
    assert "tổng tối đa 1 MB" in _refusal(_zip(*members))


def test_too_many_entries_are_refused():
    members = [(f"{index}.pdf", PDF_A) for index in range(6)]
    assert "có 6 mục, vượt quá giới hạn 5 mục" in _refusal(_zip(*members))


def test_links_encrypted_damaged_empty_and_fake_archives_are_refused():
    link = zipfile.ZipInfo("lien-ket.pdf")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "liên kết" in _refusal(_zip((link, b"/etc/passwd")))
    locked = bytearray(_zip(("khoa.pdf", PDF_A)))
    # The "encrypted" flag in both headers (the zipfile module cannot write encrypted files).
    struct.pack_into("<H", locked, locked.index(b"PK\x03\x04") + 6, 0x1)
    struct.pack_into("<H", locked, locked.index(b"PK\x01\x02") + 8, 0x1)
    assert "mật khẩu" in _refusal(bytes(locked))
    damaged = bytearray(_zip(("a.pdf", PDF_A * 100)))
    damaged[40:60] = bytes(20)
    assert "bị hỏng" in _refusal(bytes(damaged))
    assert "không chứa tệp nào" in _refusal(_zip(("trong/", b"")))
    assert "không phải tệp nén ZIP" in _refusal(PDF_A)


# --- in a transferred dossier, through the province's endpoint ---------------------------


def _zipped_transfer(zip_data: bytes, number: str) -> bytes:
    """The commune's transfer package, its scan replaced by `zip_data` (as another
    vendor's system zips files); a distinct number per variant."""
    sent = parse_package(bytes(OutboundPackage.objects.get().package))
    attachments = [
        dataclasses.replace(item, name="ho-so.zip", content_type="application/zip", data=zip_data)
        if item.content_id == "thanhphan1"
        else item
        for item in sent.attachments
    ]
    header = dataclasses.replace(
        sent.header,
        code=t.Code(number=number, notation=sent.header.code.notation),
        document_id="",
    )
    return build_package(dataclasses.replace(sent, header=header, attachments=attachments))


def test_zipped_scans_become_the_province_dossiers_files(pair, client_as):  # noqa: F811
    _post_transfer(client_as(pair.official), pair)
    package = _zipped_transfer(_zip(("a.pdf", PDF_A), ("con/b.pdf", PDF_B)), "901")
    reception = services.receive_package(token=TO_PROVINCE, data=package)
    assert reception.inbound.answer_code == "03"
    dossier = DossierTransfer.objects.get(direction="in").dossier
    files = [(d.name, d.content_type, d.file.read()) for d in dossier.documents.order_by("id")]
    assert files == [
        ("Tờ khai (a.pdf)", "application/pdf", PDF_A),
        ("Tờ khai (b.pdf)", "application/pdf", PDF_B),
    ]
    assert all(d.sha256 for d in dossier.documents.all())


@override_settings(XASO_UPLOAD_MAX_BYTES=1024 * 1024)
@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        ((("../../../media/x.pdf", PDF_A),), "đường dẫn không an toàn “../../../media/x.pdf”"),
        ((("bom.pdf", b"%PDF-" + bytes(8 * 1024 * 1024)),), "quá lớn sau khi giải nén"),
        ((("a.pdf", PDF_A), ("trong.zip", b"")), "tệp nén ZIP"),
        ((("chay.exe", b"MZ\x90\x00"),), "chương trình chạy trên Windows"),
    ],
)
def test_hostile_archives_refuse_the_transfer_and_change_nothing(
    pair,  # noqa: F811
    client_as,
    archive,
    reason,
):
    _post_transfer(client_as(pair.official), pair)
    inner = archive
    if archive[-1][0] == "trong.zip":  # a zip inside the zip is not unpacked again
        inner = (*archive[:-1], ("trong.zip", _zip(("x.pdf", PDF_A))))
    reception = services.receive_package(
        token=TO_PROVINCE, data=_zipped_transfer(_zip(*inner), "902")
    )
    assert reception.inbound.answer_code == "02"
    assert reason in parse_status(bytes(reception.inbound.answer)).description
    assert not Dossier.objects.filter(unit=pair.province).exists()
    assert not DossierDocument.objects.filter(dossier__unit=pair.province).exists()
    assert not DossierTransfer.objects.filter(direction="in").exists()
