"""Zipped attachments of received packages: some senders zip the files before base64
(documents.md §9.2, seen in vendor SDKs). A `.zip` attachment is unpacked in memory, each
file becoming a file of its own; nothing is ever written under a name taken from the
archive.

Hostile archives are refused as a whole, with a reason the sender can act on: too many
entries, a file or the total too large once unpacked (read against the limit, whatever the
archive's headers declare: zip bombs), paths leaving the archive (`../`, absolute, drive
letters), links, encrypted entries, damaged data. A zip inside the zip is not unpacked
again; it is refused by the type check of the files taken in.
"""

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from xaso.core.exceptions import DomainError
from xaso.interop.edxml import types as t

ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with files / an empty one
# Entries of one archive (directories included).
MAX_ENTRIES = 100
_CHUNK = 64 * 1024


class ZipRefusedError(DomainError):
    code = "zip_refused"


@dataclass(frozen=True)
class Entry:
    name: str  # the file's own name, without the archive's folders
    data: bytes


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int


def default_limits() -> ZipLimits:
    """A file: as large as a scan uploaded at the desk; all files: no more than a whole
    package may carry (read at call time, so settings overrides apply)."""
    return ZipLimits(
        max_entries=MAX_ENTRIES,
        max_entry_bytes=settings.XASO_UPLOAD_MAX_BYTES,
        max_total_bytes=settings.XASO_EDXML_MAX_PACKAGE_BYTES,
    )


def is_zip(attachment: t.Attachment) -> bool:
    """Declared a ZIP archive by its name or type. Office files (.docx, .xlsx) are ZIPs
    inside too: they are files, never unpacked."""
    return attachment.name.lower().endswith(".zip") or attachment.content_type.lower() in ZIP_TYPES


def _unsafe_path(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")):
        return True
    parts = name.replace("\\", "/").split("/")
    return ".." in parts or (len(parts[0]) >= 2 and parts[0][1] == ":")  # C:\…


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The entry's bytes, read in chunks and stopped one byte past `limit`: the size its
    header declares is not trusted."""
    chunks, size = [], 0
    with archive.open(info) as handle:
        while size <= limit:
            chunk = handle.read(min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


def _too_big(archive_name: str, entry_name: str, limit: int, limits: ZipLimits) -> str:
    if limit == limits.max_entry_bytes:
        return _(
            "Tệp “%(entry)s” trong tệp nén “%(name)s” quá lớn sau khi giải nén "
            "(tối đa %(max)s MB một tệp)."
        ) % {
            "entry": entry_name[:200],
            "name": archive_name,
            "max": max(1, limits.max_entry_bytes // (1024 * 1024)),
        }
    return _("Tệp nén “%(name)s” quá lớn sau khi giải nén (tổng tối đa %(max)s MB).") % {
        "name": archive_name,
        "max": max(1, limits.max_total_bytes // (1024 * 1024)),
    }


def unpack(attachment: t.Attachment, *, limits: ZipLimits | None = None) -> list[Entry]:
    """The files of the ZIP `attachment`; ZipRefusedError (nothing returned) otherwise."""
    limits = limits or default_limits()
    archive_name = attachment.name
    if not attachment.data.startswith(ZIP_MAGIC):
        raise ZipRefusedError(_("Tệp “%(name)s” không phải tệp nén ZIP.") % {"name": archive_name})
    entries: list[Entry] = []
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(attachment.data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_entries:
                raise ZipRefusedError(
                    _("Tệp nén “%(name)s” có %(count)s mục, vượt quá giới hạn %(max)s mục.")
                    % {"name": archive_name, "count": len(infos), "max": limits.max_entries}
                )
            for info in infos:
                entry_name = info.filename
                if _unsafe_path(entry_name):
                    raise ZipRefusedError(
                        _(
                            "Tệp nén “%(name)s” chứa đường dẫn không an toàn “%(entry)s” "
                            "(ra ngoài thư mục của tệp nén)."
                        )
                        % {"name": archive_name, "entry": entry_name[:200]}
                    )
                if info.is_dir():
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise ZipRefusedError(
                        _("Tệp nén “%(name)s” chứa liên kết “%(entry)s”, không phải tệp.")
                        % {"name": archive_name, "entry": entry_name[:200]}
                    )
                if info.flag_bits & 0x1:
                    raise ZipRefusedError(
                        _("Tệp nén “%(name)s” được đặt mật khẩu; hãy gửi tệp không mã hóa.")
                        % {"name": archive_name}
                    )
                limit = min(limits.max_entry_bytes, limits.max_total_bytes - total)
                data = _read(archive, info, limit)
                if len(data) > limit:
                    raise ZipRefusedError(_too_big(archive_name, entry_name, limit, limits))
                total += len(data)
                name = PurePosixPath(entry_name.replace("\\", "/")).name
                entries.append(Entry(name=name, data=data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, zlib.error, EOFError):
        raise ZipRefusedError(
            _("Tệp nén “%(name)s” bị hỏng hoặc dùng cách nén không hỗ trợ.")
            % {"name": archive_name}
        ) from None
    except RuntimeError:  # zipfile: an encrypted entry (flag bit not set by some tools)
        raise ZipRefusedError(
            _("Tệp nén “%(name)s” được đặt mật khẩu; hãy gửi tệp không mã hóa.")
            % {"name": archive_name}
        ) from None
    if not entries:
        raise ZipRefusedError(_("Tệp nén “%(name)s” không chứa tệp nào.") % {"name": archive_name})
    return entries
