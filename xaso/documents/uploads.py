"""Files of documents, judged by their content (as the one-stop desk's scans are).

Incoming documents: PDF (electronic or scanned) or a JPEG/PNG scan. Drafts and results:
PDF or Word (DOCX). The name and the browser's content type say whatever the sender's
computer says, so the type is read from the first bytes and the stored name gets the
matching extension.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = (b"%PDF-", "application/pdf", "pdf")
JPEG = (b"\xff\xd8\xff", "image/jpeg", "jpg")
PNG = (b"\x89PNG\r\n\x1a\n", "image/png", "png")
DOCX = (
    b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)

SCAN_TYPES = (PDF, JPEG, PNG)
DRAFT_TYPES = (PDF, DOCX)
RESULT_TYPES = (PDF, DOCX, JPEG, PNG)

_LABELS = {
    "pdf": gettext_lazy("PDF"),
    "jpg": gettext_lazy("ảnh JPEG"),
    "png": gettext_lazy("ảnh PNG"),
    "docx": gettext_lazy("Word (.docx)"),
}

_RECOGNISED_OTHERS = (
    (b"MZ", gettext_lazy("chương trình chạy trên Windows (.exe)")),
    (b"\x7fELF", gettext_lazy("chương trình máy tính")),
    (b"PK\x03\x04", gettext_lazy("tệp nén ZIP")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("tài liệu Word/Excel đời cũ (.doc, .xls)")),
    (b"Rar!", gettext_lazy("tệp nén RAR")),
    (b"GIF8", gettext_lazy("ảnh GIF")),
    (b"II*\x00", gettext_lazy("ảnh TIFF")),
    (b"MM\x00*", gettext_lazy("ảnh TIFF")),
    (b"<", gettext_lazy("trang web hoặc tệp XML")),
)


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str


def _describe(head: bytes) -> str:
    for magic, label in _RECOGNISED_OTHERS:
        if head.startswith(magic):
            return str(label)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return _("không xác định")
    return _("văn bản thuần (text)")


def _is_docx(file: UploadedFile) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        file.seek(0)


def check_file(
    file: UploadedFile, *, accepted: tuple = SCAN_TYPES, max_bytes: int | None = None
) -> CheckedFile:
    """Accept `file` if its content is one of `accepted` and within the size limit.

    Raises ValidationError with a Vietnamese message naming the file otherwise.
    """
    limit = max_bytes if max_bytes is not None else settings.XASO_UPLOAD_MAX_BYTES
    name = PurePath(file.name or "").name
    size = file.size or 0
    if size == 0:
        raise ValidationError(
            _("Tệp “%(name)s” rỗng (0 byte).") % {"name": name}, code="empty_upload"
        )
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="upload_too_large",
        )
    file.seek(0)
    head = file.read(16)
    match = next((entry for entry in accepted if head.startswith(entry[0])), None)
    if match is DOCX and not _is_docx(file):
        match = None
    if match is None:
        allowed = ", ".join(str(_LABELS[entry[2]]) for entry in accepted)
        raise ValidationError(
            _(
                "Tệp “%(name)s” không được nhận: nội dung thực của tệp là %(actual)s, dù tên "
                "tệp có thể ghi khác. Chỉ nhận: %(allowed)s."
            )
            % {"name": name, "actual": _describe(head), "allowed": allowed},
            code="upload_type",
        )
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stem = slugify(PurePath(name).stem)[:80] or "van-ban"
    file.name = f"{stem}.{match[2]}"
    file.content_type = match[1]
    return CheckedFile(
        file=file, content_type=match[1], extension=match[2], size=size, sha256=digest.hexdigest()
    )
