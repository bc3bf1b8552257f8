"""Scans received with a dossier: PDF, JPEG or PNG only, judged by their content.

The file name and the browser's content type are whatever the sender's computer says
(an `.exe` renamed `giay-khai-sinh.pdf` arrives as application/pdf), so the type is read
from the first bytes (magic numbers) and the stored name gets the matching extension
(xaso.core.uploads).
"""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from xaso.core.uploads import JPEG
from xaso.core.uploads import PDF
from xaso.core.uploads import PNG
from xaso.core.uploads import CheckedFile
from xaso.core.uploads import RefusalMessages
from xaso.core.uploads import check_content

ACCEPTED = (PDF, JPEG, PNG)

# An accepted scan: the file (renamed to its real type), its type, size and digest.
CheckedUpload = CheckedFile

_MESSAGES = RefusalMessages(
    empty=gettext_lazy("Tệp “%(name)s” rỗng (0 byte). Hãy quét lại giấy tờ."),
    too_large=gettext_lazy(
        "Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s. "
        "Hãy quét với độ phân giải thấp hơn hoặc tách thành nhiều tệp."
    ),
    wrong_type=gettext_lazy(
        "Tệp “%(name)s” không phải bản quét PDF, JPEG hoặc PNG: nội dung thực của tệp "
        "là %(actual)s, dù tên tệp có thể ghi khác. Hãy quét lại giấy tờ thành PDF "
        "hoặc ảnh."
    ),
)

# No Word file is accepted here, so a ZIP may well be a .docx sent instead of a scan.
_RECOGNISED = (
    (b"PK\x03\x04", gettext_lazy("tệp nén ZIP hoặc tài liệu Word/Excel")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("tài liệu Word/Excel đời cũ")),
)


def check_upload(file: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """Accept `file` if it is a PDF, JPEG or PNG within the size limit.

    The limit is settings.XASO_UPLOAD_MAX_BYTES unless `max_bytes` is given (read at call
    time). Raises ValidationError with a Vietnamese message naming the file for an empty,
    oversized or disguised file. Reads the file once, in chunks, for its SHA-256.
    """
    return check_content(
        file,
        accepted=ACCEPTED,
        messages=_MESSAGES,
        default_stem="ban-quet",
        recognised=_RECOGNISED,
        max_bytes=max_bytes,
    )
