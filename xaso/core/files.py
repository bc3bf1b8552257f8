"""Serving stored files (scans, results, document files) to staff, never by their storage URL.

Uploaded files hold personal data (identity cards, civil-status extracts): they are sent only
by views that first check the user's unit and role, never through /media/ (served only with
DEBUG on; a web server publishing it would make them public without a login). Files are
opened through the storage (`default_storage` or the field's own), never by a filesystem
path, so the S3-compatible storage of production (XASO_USE_S3) works the same.
"""

import mimetypes

from django.core.files.storage import Storage
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.http import Http404
from django.utils.http import content_disposition_header

# Types a browser may show in the page (PDF viewer, image). Anything else is sent as an
# attachment, so a stored file declaring text/html or SVG can never run script on our origin.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
DEFAULT_TYPE = "application/octet-stream"


def base_name(name: str) -> str:
    """The file's own name (as uploaded) without the storage folders."""
    return name.rsplit("/", 1)[-1]


def file_response(
    name: str,
    content_type: str,
    download_name: str,
    *,
    storage: Storage | None = None,
    as_attachment: bool = False,
) -> FileResponse:
    """The stored file `name` as a private download; 404 when missing.

    `content_type`: the type checked at upload (empty: guessed from the name). Headers: the
    original name (RFC 6266, Vietnamese names kept), nosniff, and no caching anywhere
    (personal data must not stay in a shared computer's browser cache or a proxy).
    """
    storage = storage or default_storage
    if not name or not storage.exists(name):
        raise Http404
    content_type = (content_type or mimetypes.guess_type(download_name)[0] or DEFAULT_TYPE).lower()
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as error:  # deleted between the two calls
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type)
    inline = not as_attachment and content_type in INLINE_TYPES
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(
    field_file: FieldFile,
    *,
    content_type: str = "",
    download_name: str = "",
    as_attachment: bool = False,
) -> FileResponse:
    """`file_response` for a model's file field, through that field's storage."""
    if not field_file:
        raise Http404
    return file_response(
        field_file.name,
        content_type,
        download_name or base_name(field_file.name),
        storage=field_file.storage,
        as_attachment=as_attachment,
    )
