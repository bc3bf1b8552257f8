"""What waits for the organisation's digital signature (the văn thư's queue).

The competent person's signature comes first (ND 30/2020 Đ13.7), then the văn thư adds the
organisation's (Đ14.3, Đ17.2). The files to seal live in other apps (one-stop results,
civil-status certificates) that this app must not import, so each of them registers a
source from its `AppConfig.ready()`: a function listing the actor's unit's items signed by
the leader and not yet sealed. The seal itself is posted to the owning app's view, which
checks and stores it; `after_seal` sends the văn thư back here when he came from here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise

from xaso.core.models import User
from xaso.signatures.services import SEAL_PERMISSION

# The hidden field the queue's forms post, so the owning app's view returns here.
FROM_QUEUE_FIELD = "from"
FROM_QUEUE_VALUE = "seal_queue"


@dataclass(frozen=True)
class PendingSeal:
    """One signed file waiting for the organisation's signature."""

    key: str  # unique on the page (HTML ids): "<source>-<pk>"
    kind: str | Promise  # "Kết quả giải quyết hồ sơ", "Giấy tờ hộ tịch"
    reference: str  # the dossier code, the register entry
    what: str  # the document: result number and summary, certificate title
    signed_by: str
    signed_at: datetime.datetime
    pdf_url: str  # the signed PDF, served to who may seal
    seal_url: str  # where the seal form posts (the owning app's view)


SealSource = Callable[[User], list[PendingSeal]]

_SOURCES: dict[str, SealSource] = {}


def register_seal_source(name: str, source: SealSource) -> None:
    _SOURCES[name] = source


def may_seal(user: User) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.has_perm(SEAL_PERMISSION))


def pending_seals(user: User) -> list[PendingSeal]:
    """Items of `user`'s unit waiting for the organisation's signature, oldest first; none
    for who may not seal. Each source scopes its own query to `user.unit_id`."""
    if not may_seal(user):
        return []
    items = [item for source in _SOURCES.values() for item in source(user)]
    return sorted(items, key=lambda item: (item.signed_at, item.key))


def after_seal(
    request: HttpRequest, fallback: HttpResponse, *, may_open_fallback: bool = True
) -> HttpResponse:
    """Back to the queue when the form was posted from it, or when the user may not open
    `fallback` (the record's page: a văn thư without access to the dossier or the
    registers); else to `fallback`."""
    if request.POST.get(FROM_QUEUE_FIELD) == FROM_QUEUE_VALUE or not may_open_fallback:
        return redirect("signatures:seal_queue")
    return fallback
