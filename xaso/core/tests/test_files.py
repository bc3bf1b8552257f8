"""The shared private download of stored files (xaso/core/files.py); the views using it
(unit and role checks) are tested in each app."""

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.core.files.storage import Storage
from django.http import Http404

from xaso.core.files import file_response


class BucketLikeStorage(Storage):
    """Like S3Storage (production with XASO_USE_S3): files only reachable through the
    storage API; `path()` is Storage's, which raises NotImplementedError."""

    def __init__(self) -> None:
        self._bucket = InMemoryStorage()

    def _open(self, name: str, mode: str = "rb") -> File:
        return self._bucket.open(name, mode)

    def _save(self, name: str, content: File) -> str:
        return self._bucket.save(name, content)

    def exists(self, name: str) -> bool:
        return self._bucket.exists(name)

    def delete(self, name: str) -> None:
        self._bucket.delete(name)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_file_is_read_through_the_storage_without_a_filesystem_path():
    storage = BucketLikeStorage()
    name = storage.save("dossiers/2026/12/cccd.pdf", ContentFile(b"%PDF-1.7 scan"))

    response = file_response(name, "application/pdf", "cccd.pdf", storage=storage)

    assert _body(response) == b"%PDF-1.7 scan"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="cccd.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_unknown_or_unsafe_types_are_attachments_and_the_type_is_guessed_when_missing():
    storage = BucketLikeStorage()
    svg = storage.save("x/anh.svg", ContentFile(b"<svg onload='alert(1)'/>"))
    blob = storage.save("x/du-lieu", ContentFile(b"\x00\x01"))
    png = storage.save("x/anh.png", ContentFile(b"\x89PNG\r\n\x1a\n"))

    as_svg = file_response(svg, "", "ảnh.svg", storage=storage)
    as_blob = file_response(blob, "", "du-lieu", storage=storage)
    as_png = file_response(png, "", "anh.png", storage=storage)
    forced = file_response(png, "image/png", "anh.png", storage=storage, as_attachment=True)

    assert as_svg["Content-Type"] == "image/svg+xml"
    assert as_svg["Content-Disposition"] == "attachment; filename*=utf-8''%E1%BA%A3nh.svg"
    assert as_blob["Content-Type"] == "application/octet-stream"
    assert as_blob["Content-Disposition"].startswith("attachment;")
    assert as_png["Content-Type"] == "image/png"
    assert as_png["Content-Disposition"].startswith("inline;")
    assert forced["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("name", ["", "x/khong-co.pdf"])
def test_a_missing_file_is_not_found(name):
    with pytest.raises(Http404):
        file_response(name, "application/pdf", "a.pdf", storage=BucketLikeStorage())
