"""Scans received with a dossier: PDF, JPEG or PNG only, judged by their content.

The file name and the browser's content type are whatever the sender's computer says
(an `.exe` renamed `giay-khai-sinh.pdf` arrives as application/pdf), so the type is read
from the first bytes (magic numbers) and the stored name gets the matching extension.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# (magic prefix, content type, extension) of the accepted types.
ACCEPTED = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)

# Known kinds of refused content, named in the message so the officer understands why.
_RECOGNISED_OTHERS = (
    (b"MZ", gettext_lazy("chương trình chạy trên Windows (.exe)")),
    (b"\x7fELF", gettext_lazy("chương trình máy tính")),
    (b"PK\x03\x04", gettext_lazy("tệp nén ZIP hoặc tài liệu Word/Excel")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("tài liệu Word/Excel đời cũ")),
    (b"Rar!", gettext_lazy("tệp nén RAR")),
    (b"GIF8", gettext_lazy("ảnh GIF")),
    (b"II*\x00", gettext_lazy("ảnh TIFF")),
    (b"MM\x00*", gettext_lazy("ảnh TIFF")),
    (b"<", gettext_lazy("trang web hoặc tệp XML")),
)

_HEAD_BYTES = 16


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted scan: the file (renamed to its real type), its type, size and digest."""

    file: UploadedFile
    content_type: str
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


def _safe_name(original: str, extension: str) -> str:
    stem = slugify(PurePath(original or "").stem)[:80] or "ban-quet"
    return f"{stem}.{extension}"


def check_upload(file: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """Accept `file` if it is a PDF, JPEG or PNG within the size limit.

    The limit is settings.XASO_UPLOAD_MAX_BYTES unless `max_bytes` is given (read at call
    time). Raises ValidationError with a Vietnamese message naming the file for an empty,
    oversized or disguised file. Reads the file once, in chunks, for its SHA-256.
    """
    limit = max_bytes if max_bytes is not None else settings.XASO_UPLOAD_MAX_BYTES
    name = PurePath(file.name or "").name
    size = file.size or 0
    if size == 0:
        raise ValidationError(
            _("Tệp “%(name)s” rỗng (0 byte). Hãy quét lại giấy tờ.") % {"name": name},
            code="empty_upload",
        )
    if size > limit:
        raise ValidationError(
            _(
                "Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s. "
                "Hãy quét với độ phân giải thấp hơn hoặc tách thành nhiều tệp."
            )
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="upload_too_large",
        )
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    match = next((entry for entry in ACCEPTED if head.startswith(entry[0])), None)
    if match is None:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải bản quét PDF, JPEG hoặc PNG: nội dung thực của tệp "
                "là %(actual)s, dù tên tệp có thể ghi khác. Hãy quét lại giấy tờ thành PDF "
                "hoặc ảnh."
            )
            % {"name": name, "actual": _describe(head)},
            code="upload_type",
        )
    content_type, extension = match[1], match[2]
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    file.name = _safe_name(name, extension)
    file.content_type = content_type
    return CheckedUpload(file=file, content_type=content_type, size=size, sha256=digest.hexdigest())
