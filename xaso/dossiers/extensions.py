"""Links from a dossier page to other apps' work on it (e.g. the civil-status register).

Other apps register their links in `AppConfig.ready()`; the one-stop app never imports
them (docs/architecture.md, import rules).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from xaso.core.models import User
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure


@dataclass(frozen=True)
class DossierLink:
    label: str | Promise
    url_name: str  # reversed with the dossier's pk
    # Or a callable giving them when the page is shown (codes from a setting); None: every
    # procedure (e.g. the electronic inter-level transfer).
    procedure_codes: frozenset[str] | Callable[[], frozenset[str]] | None
    permission: str
    # Extra condition, e.g. "not registered yet"; None means always while the dossier is open.
    condition: Callable[[Dossier], bool] | None = None


_LINKS: dict[str, DossierLink] = {}


def register_dossier_link(link: DossierLink) -> None:
    _LINKS[link.url_name] = link


def dossier_links_for(*, user: User, dossier: Dossier) -> list[dict[str, Any]]:
    """The links `user` may follow from `dossier` (own unit, open dossier, permission)."""
    if user.unit_id != dossier.unit_id or dossier.is_closed:
        return []
    links = []
    for link in _LINKS.values():
        codes = link.procedure_codes() if callable(link.procedure_codes) else link.procedure_codes
        if codes is not None and dossier.procedure.code not in codes:
            continue
        if not user.has_perm(link.permission):
            continue
        if link.condition is not None and not link.condition(dossier):
            continue
        links.append({"label": link.label, "url": reverse(link.url_name, args=[dossier.pk])})
    return links


# --- Approval hooks ---------------------------------------------------------------------------
#
# Another app's work that the leader's approval completes (e.g. the civil-status register
# entry is created, and its number allocated, when the leader approves the dossier). The hook
# runs inside the approval's transaction with the dossier row locked; a hook that raises
# ValidationError (or a DomainError) stops the approval with its message and nothing is saved.

ApprovalHook = Callable[[User, Dossier], None]


@dataclass(frozen=True)
class _RegisteredHook:
    # The procedure codes the hook applies to, or a callable giving them at approval time
    # (codes that come from a setting or the unit's catalog).
    procedure_codes: frozenset[str] | Callable[[], frozenset[str]]
    hook: ApprovalHook


_APPROVAL_HOOKS: dict[str, _RegisteredHook] = {}


def register_approval_hook(
    *,
    name: str,
    procedure_codes: frozenset[str] | Callable[[], frozenset[str]],
    hook: ApprovalHook,
) -> None:
    _APPROVAL_HOOKS[name] = _RegisteredHook(procedure_codes=procedure_codes, hook=hook)


def run_approval_hooks(*, actor: User, dossier: Dossier) -> None:
    """Call every hook registered for the dossier's procedure (inside the approval)."""
    code = dossier.procedure.code
    for registered in _APPROVAL_HOOKS.values():
        codes = registered.procedure_codes
        if callable(codes):
            codes = codes()
        if code in codes:
            registered.hook(actor, dossier)


# --- Transition hooks -------------------------------------------------------------------------
#
# Other apps told of every processing action once it is applied (e.g. the electronic
# inter-level transfer tells the commune that sent a dossier that it is now in progress or
# has its result). The hook runs inside the action's transaction, after the dossier event is
# written; what it sends must go out on commit. A hook that raises stops the action.


@dataclass(frozen=True)
class TransitionEvent:
    actor: User
    dossier: Dossier
    event: str  # DossierEvent.action, e.g. "claimed", "refused"
    from_status: str
    to_status: str
    note: str


TransitionHook = Callable[[TransitionEvent], None]

_TRANSITION_HOOKS: dict[str, TransitionHook] = {}


def register_transition_hook(*, name: str, hook: TransitionHook) -> None:
    _TRANSITION_HOOKS[name] = hook


def run_transition_hooks(event: TransitionEvent) -> None:
    for hook in _TRANSITION_HOOKS.values():
        hook(event)


# --- Reception fee quotes ---------------------------------------------------------------------
#
# Another app that knows what a procedure really costs (e.g. the civil-status register: Luật
# Hộ tịch Đ11 makes an on-time birth or death registration free) gives the counter form a
# few optional fields for the procedure and quotes the fee from them when the dossier is
# accepted. The quote runs inside the reception's transaction; a ValidationError (keyed by
# one of its fields) refuses the reception with its message and nothing is saved.


@dataclass(frozen=True)
class ReceptionFee:
    fee_due: int
    fee_exemption: str = ""  # why nothing is due (fee_due 0)
    fee_basis: str = ""  # on what ground the amount is due (or will be checked)
    # Values the dossier's declared data keeps (typed once at the counter).
    declared_data: dict[str, Any] | None = None


# (procedure) → the extra optional form fields, keyed by field name (names unique per app).
ReceptionFields = Callable[[Procedure], dict[str, Any]]
# (procedure, values of its fields, reception day, catalog total) → the quote, or None
# when the app has nothing to say on this procedure (the catalog rate then).
ReceptionQuote = Callable[[Procedure, dict[str, Any], datetime.date, int], ReceptionFee | None]


@dataclass(frozen=True)
class _ReceptionExtension:
    fields: ReceptionFields
    quote: ReceptionQuote


_RECEPTION_EXTENSIONS: dict[str, _ReceptionExtension] = {}


def register_reception_extension(
    *, name: str, fields: ReceptionFields, quote: ReceptionQuote
) -> None:
    _RECEPTION_EXTENSIONS[name] = _ReceptionExtension(fields=fields, quote=quote)


def reception_fields_for(procedure: Procedure) -> dict[str, Any]:
    """The extra (optional) counter-form fields other apps ask for `procedure`."""
    result: dict[str, Any] = {}
    for extension in _RECEPTION_EXTENSIONS.values():
        result |= extension.fields(procedure)
    return result


def reception_fee_for(
    procedure: Procedure, values: dict[str, Any], received_on: datetime.date, catalog_total: int
) -> ReceptionFee | None:
    """The first quote an app gives for `procedure`, or None (the catalog rate applies)."""
    for extension in _RECEPTION_EXTENSIONS.values():
        fee = extension.quote(procedure, values, received_on, catalog_total)
        if fee is not None:
            return fee
    return None
