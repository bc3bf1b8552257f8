"""Uploaded files judged by their content: size, real type from the first bytes, digest.

The file name and the browser's content type are whatever the sender's computer says
(an `.exe` renamed `giay-khai-sinh.pdf` arrives as application/pdf), so the type is read
from the first bytes (magic numbers) and the stored name gets the matching extension.
Each app states which types it accepts and words its own refusals (a one-stop scan and a
document draft call for different advice); the checks themselves live here once.
"""

import hashlib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_HEAD_BYTES = 16


class FileType(NamedTuple):
    """An accepted type: magic prefix, content type, stored extension, name in messages."""

    magic: bytes
    content_type: str
    extension: str
    label: str | Promise


PDF = FileType(b"%PDF-", "application/pdf", "pdf", gettext_lazy("PDF"))
JPEG = FileType(b"\xff\xd8\xff", "image/jpeg", "jpg", gettext_lazy("ảnh JPEG"))
PNG = FileType(b"\x89PNG\r\n\x1a\n", "image/png", "png", gettext_lazy("ảnh PNG"))
# A DOCX is a ZIP archive; it is only taken for one if it holds word/document.xml.
DOCX = FileType(
    b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    gettext_lazy("Word (.docx)"),
)

# Known kinds of refused content, named in the message so the officer understands why.
# ZIP and old Office files are named by each app (`recognised`), as what they most likely
# are depends on what the app accepts.
_RECOGNISED_OTHERS: tuple[tuple[bytes, str | Promise], ...] = (
    (b"MZ", gettext_lazy("chương trình chạy trên Windows (.exe)")),
    (b"\x7fELF", gettext_lazy("chương trình máy tính")),
    (b"Rar!", gettext_lazy("tệp nén RAR")),
    (b"GIF8", gettext_lazy("ảnh GIF")),
    (b"II*\x00", gettext_lazy("ảnh TIFF")),
    (b"MM\x00*", gettext_lazy("ảnh TIFF")),
    (b"<", gettext_lazy("trang web hoặc tệp XML")),
)


@dataclass(frozen=True)
class RefusalMessages:
    """An app's wording of the three refusals.

    Placeholders: `empty` %(name)s; `too_large` %(name)s, %(size)s, %(limit)s;
    `wrong_type` %(name)s, %(actual)s (what the content really is), %(allowed)s.
    """

    empty: str | Promise
    too_large: str | Promise
    wrong_type: str | Promise


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file (renamed to its real type), its type, extension, size and digest."""

    file: UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str


def _describe(head: bytes, recognised: Sequence[tuple[bytes, str | Promise]]) -> str:
    for magic, label in (*recognised, *_RECOGNISED_OTHERS):
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


def check_content(
    file: UploadedFile,
    *,
    accepted: Sequence[FileType],
    messages: RefusalMessages,
    default_stem: str,
    recognised: Sequence[tuple[bytes, str | Promise]] = (),
    max_bytes: int | None = None,
) -> CheckedFile:
    """Accept `file` if its content is one of `accepted` and within the size limit.

    The limit is settings.XASO_UPLOAD_MAX_BYTES unless `max_bytes` is given (read at call
    time). The stored name becomes the slug of the original stem (or `default_stem`) with
    the real extension. Raises ValidationError (codes empty_upload, upload_too_large,
    upload_type) with the app's message naming the file. Reads the file once, in chunks,
    for its SHA-256.
    """
    limit = max_bytes if max_bytes is not None else settings.XASO_UPLOAD_MAX_BYTES
    name = PurePath(file.name or "").name
    size = file.size or 0
    if size == 0:
        raise ValidationError(str(messages.empty) % {"name": name}, code="empty_upload")
    if size > limit:
        raise ValidationError(
            str(messages.too_large)
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="upload_too_large",
        )
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    match = next((entry for entry in accepted if head.startswith(entry.magic)), None)
    if match is not None and match.extension == DOCX.extension and not _is_docx(file):
        match = None
    if match is None:
        allowed = ", ".join(str(entry.label) for entry in accepted)
        raise ValidationError(
            str(messages.wrong_type)
            % {"name": name, "actual": _describe(head, recognised), "allowed": allowed},
            code="upload_type",
        )
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stem = slugify(PurePath(name).stem)[:80] or default_stem
    file.name = f"{stem}.{match.extension}"
    file.content_type = match.content_type
    return CheckedFile(
        file=file,
        content_type=match.content_type,
        extension=match.extension,
        size=size,
        sha256=digest.hexdigest(),
    )
