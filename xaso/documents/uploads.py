"""Files of documents, judged by their content (as the one-stop desk's scans are).

Incoming documents: PDF (electronic or scanned) or a JPEG/PNG scan. Drafts and results:
PDF or Word (DOCX). The name and the browser's content type say whatever the sender's
computer says, so the type is read from the first bytes and the stored name gets the
matching extension (xaso.core.uploads).
"""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from xaso.core.uploads import DOCX
from xaso.core.uploads import JPEG
from xaso.core.uploads import PDF
from xaso.core.uploads import PNG
from xaso.core.uploads import CheckedFile
from xaso.core.uploads import FileType
from xaso.core.uploads import RefusalMessages
from xaso.core.uploads import check_content

__all__ = ["DRAFT_TYPES", "RESULT_TYPES", "SCAN_TYPES", "CheckedFile", "check_file"]

SCAN_TYPES = (PDF, JPEG, PNG)
DRAFT_TYPES = (PDF, DOCX)
RESULT_TYPES = (PDF, DOCX, JPEG, PNG)

_MESSAGES = RefusalMessages(
    empty=gettext_lazy("Tệp “%(name)s” rỗng (0 byte)."),
    too_large=gettext_lazy("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s."),
    wrong_type=gettext_lazy(
        "Tệp “%(name)s” không được nhận: nội dung thực của tệp là %(actual)s, dù tên "
        "tệp có thể ghi khác. Chỉ nhận: %(allowed)s."
    ),
)

# Word is accepted here as DOCX, so any other ZIP is just an archive.
_RECOGNISED = (
    (b"PK\x03\x04", gettext_lazy("tệp nén ZIP")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("tài liệu Word/Excel đời cũ (.doc, .xls)")),
)


def check_file(
    file: UploadedFile, *, accepted: tuple[FileType, ...] = SCAN_TYPES, max_bytes: int | None = None
) -> CheckedFile:
    """Accept `file` if its content is one of `accepted` and within the size limit.

    Raises ValidationError with a Vietnamese message naming the file otherwise.
    """
    return check_content(
        file,
        accepted=accepted,
        messages=_MESSAGES,
        default_stem="van-ban",
        recognised=_RECOGNISED,
        max_bytes=max_bytes,
    )
