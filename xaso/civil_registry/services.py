"""Civil registry writes and scoped reads.

The flow (no field typed twice): the processing official opens the dossier's form,
pre-filled from the declared data and the applicant directory, checks it and saves it as
the prepared registration (`prepare_registration`, `prepare_correction`); the leader's
approval of the dossier (approval hook, `register_on_approval`) creates the register entry,
allocates its number, keeps version 1, links the people to the applicant directory and
records the dossier's result. Corrections add versions, never overwrite the original.
Extract copies (2.000635) get a gap-free serial per unit and year and a public
verification token when their dossier is approved.
"""

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.applicants.cccd import cccd_problems
from xaso.applicants.cccd import normalize_cccd
from xaso.applicants.models import Applicant
from xaso.civil_registry import kinds
from xaso.civil_registry import mapping
from xaso.civil_registry.kinds import KindSpec
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import CivilEntryVersion
from xaso.civil_registry.models import CivilRegister
from xaso.civil_registry.models import CivilRegistrySettings
from xaso.civil_registry.models import EntryPerson
from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.models import Kind
from xaso.civil_registry.models import PreparedRegistration
from xaso.civil_registry.models import RegisterProcedure
from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.i18n import official_text
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.search import apply_search
from xaso.core.search import normalize_search_text
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import Result
from xaso.dossiers.services.reception import RECEIVE_PERMISSION
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import fee_quote
from xaso.dossiers.services.reception import receive_dossier
from xaso.dossiers.services.results import requote_fee

REGISTER_PERMISSION = "civil_registry.register_civil_status"
VIEW_PERMISSION = "civil_registry.view_civil_registers"
SETTINGS_PERMISSION = "civil_registry.manage_civil_registry_settings"
MAX_ENTRIES_PER_BOOK = 5000
# States in which the processing official works on the dossier.
PROCESSING_STATUSES = (
    Dossier.Status.RECEIVED,
    Dossier.Status.IN_PROGRESS,
    Dossier.Status.WAITING_APPROVAL,
)
EXTRACT_SERIES = "civil_extract"


class NotACivilDossierError(DomainError):
    code = "not_civil_dossier"


class DossierNotInProcessingError(DomainError):
    code = "dossier_not_in_processing"


class AlreadyRegisteredError(DomainError):
    code = "already_registered"


# --- values -----------------------------------------------------------------------------------


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def clean_values(spec: KindSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The kind's fields only: dates as dates, text stripped."""
    dates = spec.date_fields
    return {
        name: _parse_date(data.get(name)) if name in dates else str(data.get(name) or "").strip()
        for name in spec.fields
    }


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in values.items()
    }


def from_json(spec: KindSpec, data: dict[str, Any]) -> dict[str, Any]:
    return clean_values(spec, data)


def validate(spec: KindSpec, values: dict[str, Any], *, registered_on: datetime.date) -> None:
    """The kind's legal checks; ValidationError by field with Vietnamese messages."""
    errors: dict[str, list[str]] = {}
    if spec.check is not None:
        spec.check(values, registered_on, errors)
    for role in spec.roles:
        number = normalize_cccd(values.get(role.id_field)) if role.id_field else ""
        if number and len(number) == 12 and cccd_problems(number):
            errors.setdefault(role.id_field, []).extend(cccd_problems(number))
    if errors:
        raise ValidationError(errors)


def entry_rows(spec: KindSpec, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) of every field, in form order: pages and certificates."""
    return [
        (spec.label(name), kinds.display_value(spec, name, data.get(name))) for name in spec.fields
    ]


# --- the unit's settings (its administrator) --------------------------------------------------


def unit_settings(unit_id: int) -> CivilRegistrySettings:
    """The unit's settings (defaults, unsaved, when the administrator never saved them)."""
    found = CivilRegistrySettings.objects.filter(unit_id=unit_id).first()
    return found or CivilRegistrySettings(unit_id=unit_id)


def settings_procedures(*, user: User) -> QuerySet[Procedure]:
    """The catalog procedures the administrator may map to a register kind."""
    return Procedure.objects.filter(unit_id=user.unit_id, is_active=True).order_by("code")


@transaction.atomic
def save_unit_settings(
    *,
    actor: User,
    entries_per_book: int,
    kinds_by_procedure: dict[Procedure, str] | None = None,
) -> CivilRegistrySettings:
    """Save the unit's entries per book and, when given, its procedure → register kind map
    (every registering procedure of the unit; procedures left out register in no kind),
    with an audit row naming what changed."""
    if not actor.has_perm(SETTINGS_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied
    unit_id = actor.unit_id
    errors: dict[str, list[str]] = {}
    if not 1 <= entries_per_book <= MAX_ENTRIES_PER_BOOK:
        errors["entries_per_book"] = [
            _("Số việc mỗi quyển phải từ 1 đến %(max)s.") % {"max": MAX_ENTRIES_PER_BOOK}
        ]
    for procedure, kind in (kinds_by_procedure or {}).items():
        if procedure.unit_id != unit_id:
            raise PermissionDenied
        if kind not in Kind.values:
            errors.setdefault(f"kind_{procedure.pk}", []).append(
                _("Loại việc hộ tịch không hợp lệ.")
            )
    if errors:
        raise ValidationError(errors)
    current = CivilRegistrySettings.objects.select_for_update().filter(unit_id=unit_id).first()
    old_per_book = current.entries_per_book if current else unit_settings(unit_id).entries_per_book
    defaults: dict[str, Any] = {"entries_per_book": entries_per_book, "updated_by": actor}
    changes: dict[str, list[str]] = {}
    if kinds_by_procedure is not None:
        before = mapping.kinds_by_procedure(unit_id)
        after = {procedure.pk: kind for procedure, kind in kinds_by_procedure.items()}
        codes = dict(Procedure.objects.filter(unit_id=unit_id).values_list("pk", "code"))
        changes = {
            codes[pk]: [before.get(pk, ""), after.get(pk, "")]
            for pk in sorted(set(before) | set(after))
            if before.get(pk) != after.get(pk)
        }
        RegisterProcedure.objects.filter(unit_id=unit_id).delete()
        RegisterProcedure.objects.bulk_create(
            RegisterProcedure(unit_id=unit_id, kind=kind, procedure=procedure)
            for procedure, kind in kinds_by_procedure.items()
        )
        defaults["procedure_map_saved"] = True
    saved, _created = CivilRegistrySettings.objects.update_or_create(
        unit_id=unit_id, defaults=defaults
    )
    record_audit_event(
        action="civil_registry.settings_changed",
        actor=actor,
        target=saved,
        data={"entries_per_book": [old_per_book, entries_per_book], "procedures": changes},
    )
    return saved


# --- the form's initial values ---------------------------------------------------------------


def _directory_person(unit_id: int, id_number: str) -> Applicant | None:
    number = normalize_cccd(id_number)
    if not number:
        return None
    return Applicant.objects.filter(unit_id=unit_id, id_number=number).first()


def form_initial(*, dossier: Dossier) -> dict[str, Any]:
    """The registration form's initial values: the dossier's declared data, the applicant
    (declarant, the person asking for a marital-status paper, …) and the applicant
    directory (a person named by CCCD fills in their name and date of birth)."""
    kind = mapping.kind_for_procedure(dossier.procedure)
    if kind is None:
        return {}
    spec = kinds.spec_for(kind)
    declared = dossier.declared_data or {}
    initial: dict[str, Any] = {}
    for name in spec.fields:
        value = declared.get(name)
        if value in (None, ""):
            continue
        initial[name] = _parse_date(value) if name in spec.date_fields else value
    applicant = dossier.applicant
    for name, attribute in spec.from_applicant.items():
        value = getattr(applicant, attribute, "")
        if value not in (None, ""):
            initial.setdefault(name, value)
    for role in spec.roles:
        if not role.id_field or not initial.get(role.id_field):
            continue
        person = _directory_person(dossier.unit_id, str(initial[role.id_field]))
        if person is None:
            continue
        initial.setdefault(role.name_field, person.full_name)
        if role.dob_field and person.date_of_birth:
            initial.setdefault(role.dob_field, person.date_of_birth)
    for name in spec.fields:
        if name.endswith("nationality"):
            initial.setdefault(name, "Việt Nam")
    return initial


# --- preparing (the processing official) -----------------------------------------------------


def _check_actor(actor: User, unit_id: int) -> None:
    if not actor.has_perm(REGISTER_PERMISSION):
        raise PermissionDenied
    if actor.unit_id is None or actor.unit_id != unit_id:
        raise PermissionDenied


def _lock_dossier(dossier: Dossier, kind_wanted: str | None = None) -> tuple[Dossier, str]:
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "applicant")
        .get(pk=dossier.pk)
    )
    kind = mapping.kind_for_procedure(locked.procedure)
    if kind is None or (kind_wanted is not None and kind != kind_wanted):
        raise NotACivilDossierError(_("Hồ sơ này không thuộc thủ tục đăng ký hộ tịch phù hợp."))
    if CivilEntry.objects.filter(dossier=locked).exists():
        raise AlreadyRegisteredError(_("Hồ sơ này đã được ghi vào sổ hộ tịch."))
    if locked.status not in PROCESSING_STATUSES:
        raise DossierNotInProcessingError(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thể lập tờ đăng ký hộ tịch.")
            % {"status": locked.get_status_display()}
        )
    return locked, kind


def _check_exemption(fee_exemption: str) -> str:
    category = (fee_exemption or "").strip()
    if category and category not in kinds.EXEMPT_CATEGORIES:
        raise ValidationError({"fee_exemption": [_("Diện miễn lệ phí không hợp lệ.")]})
    return category


@official_language  # the reason and basis are stored on the dossier and printed
def registration_fee(
    *,
    spec: KindSpec,
    values: dict[str, Any],
    procedure: Procedure,
    channel: str,
    registered_on: datetime.date,
    fee_exemption: str = "",
) -> tuple[int, str, str]:
    """(fee due, exemption reason, fee basis) of a registration, Luật Hộ tịch Đ11: the
    exempt categories and the free events (on-time birth and death, guardianship, marriage
    of Vietnamese citizens in Vietnam) pay nothing, with the reason; otherwise the catalog's
    rate (set by the provincial People's Council), e.g. the late-registration fee."""
    if fee_exemption:
        return 0, kinds.exemption_reason(fee_exemption), ""
    late = False
    if spec.timeliness is not None:
        late, free_reason = spec.timeliness(values, registered_on)
        if free_reason:
            return 0, free_reason, ""
    total = fee_quote(procedure, channel=channel).total
    basis = kinds.late_fee_basis(spec.kind) if late else kinds.catalog_fee_basis()
    return total, "", basis


def _requote(
    *,
    actor: User,
    dossier: Dossier,
    spec: KindSpec,
    values: dict[str, Any],
    registered_on: datetime.date,
    fee_exemption: str,
) -> tuple[int, str]:
    """Correct the dossier's fee quote to what the registration really costs."""
    due, reason, basis = registration_fee(
        spec=spec,
        values=values,
        procedure=dossier.procedure,
        channel=dossier.channel,
        registered_on=registered_on,
        fee_exemption=fee_exemption,
    )
    requote_fee(actor=actor, dossier=dossier, fee_due=due, fee_exemption=reason, fee_basis=basis)
    return due, reason


@transaction.atomic
def prepare_registration(
    *,
    actor: User,
    dossier: Dossier,
    data: dict[str, Any],
    fee_exemption: str = "",
    today: datetime.date | None = None,
) -> PreparedRegistration:
    """Check and save the registration the official completed on `dossier` (not yet in the
    register: the leader's approval of the dossier puts it there). The checked values are
    written back to the dossier's declared data, and the dossier's fee quote is corrected
    (Luật Hộ tịch Đ11; `fee_exemption`: an exempt category). Saving again replaces the
    earlier draft.

    Raises PermissionDenied, DomainError or ValidationError; nothing is written then.
    """
    _check_actor(actor, dossier.unit_id)
    locked, kind = _lock_dossier(dossier)
    if kind == Kind.CHANGE:
        raise NotACivilDossierError(_("Hồ sơ cải chính được lập trên trang thay đổi, cải chính."))
    spec = kinds.spec_for(kind)
    category = _check_exemption(fee_exemption)
    values = clean_values(spec, data)
    registered_on = today or timezone.localdate()
    validate(spec, values, registered_on=registered_on)
    prepared = _save_preparation(
        actor=actor, dossier=locked, kind=kind, data=to_json(values), fee_exemption=category
    )
    _requote(
        actor=actor,
        dossier=locked,
        spec=spec,
        values=values,
        registered_on=registered_on,
        fee_exemption=category,
    )
    # What the official checked becomes the dossier's declared data (typed once).
    locked.declared_data = {**(locked.declared_data or {}), **to_json(values)}
    locked.save(update_fields=["declared_data"])
    return prepared


def _save_preparation(
    *,
    actor: User,
    dossier: Dossier,
    kind: str,
    data: dict[str, Any],
    target: CivilEntry | None = None,
    change_type: str = "",
    reason: str = "",
    fee_exemption: str = "",
) -> PreparedRegistration:
    prepared, created = PreparedRegistration.objects.update_or_create(
        dossier=dossier,
        defaults={
            "unit_id": dossier.unit_id,
            "kind": kind,
            "data": data,
            "target": target,
            "change_type": change_type,
            "reason": reason,
            "fee_exemption": fee_exemption,
            "prepared_by": actor,
            "prepared_at": timezone.now(),
        },
    )
    record_audit_event(
        action="civil_registry.registration_prepared",
        actor=actor,
        target=dossier,
        data={"kind": kind, "first": created, "target_entry": target.pk if target else None},
    )
    return prepared


def changed_fields(spec: KindSpec, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in spec.fields if (before.get(name) or "") != (after.get(name) or "")]


@transaction.atomic
def prepare_correction(
    *,
    actor: User,
    dossier: Dossier,
    target: CivilEntry,
    data: dict[str, Any],
    change_type: str,
    reason: str,
    fee_exemption: str = "",
) -> PreparedRegistration:
    """Save the change (thay đổi, cải chính, bổ sung, xác định lại dân tộc) of `target`
    asked for by a correction dossier; the approval applies it as a new version. The
    dossier's fee quote becomes the catalog's rate, or 0 for an exempt category."""
    _check_actor(actor, dossier.unit_id)
    category = _check_exemption(fee_exemption)
    if target.unit_id != dossier.unit_id:
        raise PermissionDenied
    locked, _kind = _lock_dossier(dossier, Kind.CHANGE)
    if target.kind == Kind.CHANGE:
        raise ValidationError(_("Không thể cải chính một việc ghi trong sổ thay đổi, cải chính."))
    errors: dict[str, list[str]] = {}
    if change_type not in {"change", "correction", "addition", "ethnicity"}:
        errors["change_type"] = [_("Hãy chọn loại việc thay đổi, cải chính.")]
    if not reason.strip():
        errors["reason"] = [_("Hãy nhập lý do thay đổi, cải chính.")]
    spec = kinds.spec_for(target.kind)
    values = to_json(clean_values(spec, {**from_json(spec, target.data), **data}))
    if not changed_fields(spec, target.data, values):
        errors.setdefault("__all__", []).append(_("Không có nội dung nào thay đổi."))
    if errors:
        raise ValidationError(errors)
    validate(spec, from_json(spec, values), registered_on=target.registered_on)
    prepared = _save_preparation(
        actor=actor,
        dossier=locked,
        kind=Kind.CHANGE,
        data=values,
        target=target,
        change_type=change_type,
        reason=reason.strip(),
        fee_exemption=category,
    )
    _requote(
        actor=actor,
        dossier=locked,
        spec=kinds.spec_for(Kind.CHANGE),
        values={},
        registered_on=timezone.localdate(),
        fee_exemption=category,
    )
    return prepared


# --- the leader's approval creates the entry ----------------------------------------------------


def _current_book(unit_id: int, kind: str, year: int) -> CivilRegister:
    """The book (quyển) the next entry of `kind` and `year` goes into: the latest one, or
    a new one when it holds the unit's entries-per-book. Called with the entry number's
    counter row locked, so parallel registrations see each other's entries here and a
    book never takes more than its share nor two books open at once."""
    latest = (
        CivilRegister.objects.filter(unit_id=unit_id, kind=kind, year=year)
        .order_by("-book_number")
        .first()
    )
    if latest is None:
        return CivilRegister.objects.create(unit_id=unit_id, kind=kind, year=year, book_number=1)
    if latest.entries.count() < unit_settings(unit_id).entries_per_book:
        return latest
    return CivilRegister.objects.create(
        unit_id=unit_id, kind=kind, year=year, book_number=latest.book_number + 1
    )


def _derived(spec: KindSpec, values: dict[str, Any]) -> dict[str, Any]:
    main_name = str(values.get(spec.main_name_field) or "")
    others = " ".join(str(values.get(name) or "") for name in spec.other_name_fields).strip()
    dob = values.get(spec.main_dob_field) if spec.main_dob_field else None
    return {
        "main_name": main_name,
        "main_date_of_birth": dob if isinstance(dob, datetime.date) else None,
        "other_names": others,
        "search_text": normalize_search_text(f"{main_name} {others}")[:900],
    }


def _link_people(entry: CivilEntry, spec: KindSpec, values: dict[str, Any], actor: User) -> None:
    """Link each person named with a valid CCCD to the unit's applicant directory (same CCCD
    → same person; a person not yet there is added). People without a CCCD stay names."""
    for role in spec.roles:
        name = str(values.get(role.name_field) or "").strip()
        number = normalize_cccd(values.get(role.id_field)) if role.id_field else ""
        if not name or not number or cccd_problems(number):
            continue
        person = Applicant.objects.filter(unit_id=entry.unit_id, id_number=number).first()
        if person is None:
            dob = values.get(role.dob_field) if role.dob_field else None
            person = Applicant(
                unit_id=entry.unit_id,
                full_name=name,
                id_number=number,
                date_of_birth=dob if isinstance(dob, datetime.date) else None,
                sex=role.sex,
                created_by=actor,
            )
            person.refresh_search_text()
            person.save()
        EntryPerson.objects.update_or_create(
            entry=entry, role=role.role, defaults={"unit_id": entry.unit_id, "applicant": person}
        )


def _create_entry(
    *,
    actor: User,
    approver: User | None,
    dossier: Dossier | None,
    spec: KindSpec,
    values: dict[str, Any],
    registered_on: datetime.date,
    target: CivilEntry | None = None,
    fee_exempt_reason: str | None = None,
) -> CivilEntry:
    unit = dossier.unit if dossier else actor.unit
    year = registered_on.year
    # The yearly number first (it locks the kind's counter), then its book: numbers run on
    # across books within the year, with no repeat and no gap.
    entry_number = allocate_number(unit=unit, register=f"{spec.kind}:{year}", period=str(year))
    register = _current_book(unit.pk, spec.kind, year)
    is_late, exempt = False, ""
    if spec.timeliness is not None:
        is_late, exempt = spec.timeliness(values, registered_on)
    if fee_exempt_reason is not None:
        exempt = fee_exempt_reason
    entry = CivilEntry(
        unit_id=register.unit_id,
        register=register,
        kind=spec.kind,
        dossier=dossier,
        data=to_json(values),
        target=target,
        registered_on=registered_on,
        registered_by=actor,
        approved_by=approver,
        is_late=is_late,
        fee_exempt_reason=exempt,
        **_derived(spec, values),
    )
    entry.entry_number = entry_number
    entry.save(force_insert=True)
    CivilEntryVersion.objects.create(
        unit_id=entry.unit_id,
        entry=entry,
        number=1,
        data=entry.data,
        dossier=dossier,
        changed_by=actor,
        changed_at=timezone.now(),
    )
    _link_people(entry, spec, values, actor)
    return entry


def _record_result(
    *, approver: User, dossier: Dossier, number: str, summary: str, day: datetime.date
) -> None:
    """The dossier's result is the register entry: its number, the approving leader as signer."""
    Result.objects.update_or_create(
        dossier=dossier,
        defaults={
            "kind": Result.Kind.GRANTED,
            "number": number,
            "issued_on": day,
            "signer_name": approver.full_name or str(approver),
            "summary": summary,
            "recorded_at": timezone.now(),
            "recorded_by": approver,
        },
    )


def register_on_approval(approver: User, dossier: Dossier) -> None:
    """Approval hook of the hộ tịch procedures: the prepared registration becomes the
    register entry (number allocated now) or, for a correction, a new version of the
    target entry plus an entry in the change register. Runs inside the approval."""
    if CivilEntry.objects.filter(dossier=dossier).exists():
        return
    if mapping.kind_for_procedure(dossier.procedure) is None:
        return  # the same code maps to a register in another unit, not in this one
    prepared = (
        PreparedRegistration.objects.select_related("prepared_by", "target")
        .filter(dossier=dossier)
        .first()
    )
    if prepared is None:
        raise ValidationError(
            _(
                "Chưa lập tờ đăng ký hộ tịch cho hồ sơ này: công chức tư pháp – hộ tịch cần "
                "kiểm tra và lưu tờ đăng ký trước khi phê duyệt."
            )
        )
    today = timezone.localdate()
    if prepared.kind == Kind.CHANGE:
        _requote(
            actor=approver,
            dossier=dossier,
            spec=kinds.spec_for(Kind.CHANGE),
            values={},
            registered_on=today,
            fee_exemption=prepared.fee_exemption,
        )
        entry = _apply_correction(approver=approver, prepared=prepared, dossier=dossier, day=today)
        with official_text():  # stored as the dossier's result
            summary = _("Trích lục thay đổi, cải chính hộ tịch của %(name)s") % {
                "name": entry.main_name
            }
    else:
        spec = kinds.spec_for(prepared.kind)
        values = from_json(spec, prepared.data)
        validate(spec, values, registered_on=today)
        # Registered today: the fee follows today's date (an on-time window may have passed
        # since the official saved the form).
        _due, exempt = _requote(
            actor=approver,
            dossier=dossier,
            spec=spec,
            values=values,
            registered_on=today,
            fee_exemption=prepared.fee_exemption,
        )
        entry = _create_entry(
            actor=prepared.prepared_by,
            approver=approver,
            dossier=dossier,
            spec=spec,
            values=values,
            registered_on=today,
            fee_exempt_reason=exempt,
        )
        with official_text():  # stored as the dossier's result
            summary = _("%(title)s của %(name)s") % {"title": spec.title, "name": entry.main_name}
    record_audit_event(
        action="civil_registry.entry_registered",
        actor=approver,
        target=entry,
        data={
            "dossier": dossier.code,
            "kind": entry.kind,
            "year": entry.register.year,
            "book_number": entry.register.book_number,
            "entry_number": entry.entry_number,
            "is_late": entry.is_late,
            "prepared_by": prepared.prepared_by.username,
        },
    )
    with official_text():  # stored as the dossier's result
        number = _("Số %(number)s, quyển số %(book)s/%(year)s") % {
            "number": entry.entry_number,
            "book": entry.register.book_number,
            "year": entry.register.year,
        }
    _record_result(approver=approver, dossier=dossier, number=number, summary=summary, day=today)


def _apply_correction(
    *, approver: User, prepared: PreparedRegistration, dossier: Dossier, day: datetime.date
) -> CivilEntry:
    target = (
        CivilEntry.objects.select_for_update().select_related("register").get(pk=prepared.target_id)
    )
    spec = kinds.spec_for(target.kind)
    before = dict(target.data)
    after = to_json(clean_values(spec, prepared.data))
    fields = changed_fields(spec, before, after)
    if not fields:
        raise ValidationError(_("Không có nội dung nào thay đổi so với sổ hộ tịch hiện tại."))
    validate(spec, from_json(spec, after), registered_on=target.registered_on)
    change_spec = kinds.spec_for(Kind.CHANGE)
    # Written into the change register, the entry's version and the audit log (and printed):
    # field labels and values in Vietnamese, whatever the approver's screen language.
    with official_text():
        change_type_label = kinds.display_value(change_spec, "change_type", prepared.change_type)
        changes = [
            f"{spec.label(name)}: {kinds.display_value(spec, name, before.get(name)) or '—'}"
            f" → {kinds.display_value(spec, name, after.get(name)) or '—'}"
            for name in fields
        ]
        changes_text = "; ".join(changes)
        target_label = _("%(kind)s số %(number)s, quyển số %(book)s/%(year)s") % {
            "kind": target.get_kind_display(),
            "number": target.entry_number,
            "book": target.register.book_number,
            "year": target.register.year,
        }
    change_entry = _create_entry(
        actor=prepared.prepared_by,
        approver=approver,
        dossier=dossier,
        spec=change_spec,
        values={
            "change_type": prepared.change_type,
            "target_label": target_label,
            "person_name": target.main_name,
            "changes_text": changes_text,
            "reason": prepared.reason,
        },
        registered_on=day,
        target=target,
    )
    target.data = after
    for name, value in _derived(spec, from_json(spec, after)).items():
        setattr(target, name, value)
    target.version += 1
    target.save()
    CivilEntryVersion.objects.create(
        unit_id=target.unit_id,
        entry=target,
        number=target.version,
        data=after,
        reason=f"{change_type_label}: {prepared.reason}",
        dossier=dossier,
        change_entry=change_entry,
        changed_by=approver,
        changed_at=timezone.now(),
    )
    _link_people(target, spec, from_json(spec, after), approver)
    record_audit_event(
        action="civil_registry.entry_corrected",
        actor=approver,
        target=target,
        data={
            "version": target.version,
            "fields": fields,
            "before": {name: before.get(name) for name in fields},
            "after": {name: after.get(name) for name in fields},
            # Readable on the audit page: the field's label, old → new value.
            "changes": changes,
            "reason": prepared.reason,
            "change_type": prepared.change_type,
            "dossier": dossier.code,
            "prepared_by": prepared.prepared_by.username,
        },
    )
    return change_entry


# --- extract copies (2.000635) --------------------------------------------------------------


def extract_procedure_for(unit_id: int) -> Procedure:
    procedure = Procedure.objects.filter(
        unit_id=unit_id, code=kinds.EXTRACT_PROCEDURE_CODE, is_active=True
    ).first()
    if procedure is None:
        raise ValidationError(
            _(
                "Danh mục thủ tục của đơn vị chưa có thủ tục 2.000635 (Cấp bản sao trích lục "
                "hộ tịch) đang áp dụng."
            )
        )
    return procedure


def extract_fee(*, unit_id: int, copies: int) -> int:
    """The catalog's fee for `copies` extract copies (the rate is set by the provincial
    People's Council; the unit administrator enters it in the catalog)."""
    quote = fee_quote(extract_procedure_for(unit_id), channel="direct", copies=copies)
    return quote.total


@transaction.atomic
def start_extract_dossier(
    *,
    actor: User,
    entry: CivilEntry,
    applicant: Applicant,
    copies: int = 1,
    fee_exemption: str = "",
) -> Dossier:
    """Receive a 2.000635 dossier at the counter for a copy of `entry`, in one click:
    the applicant and the entry are filled in, the fee comes from the catalog."""
    if not (actor.has_perm(RECEIVE_PERMISSION) and can_view_registers(actor)):
        raise PermissionDenied
    if (
        actor.unit_id is None
        or entry.unit_id != actor.unit_id
        or applicant.unit_id != actor.unit_id
    ):
        raise PermissionDenied
    if copies < 1 or copies > 20:
        raise ValidationError({"copies": [_("Số bản sao phải từ 1 đến 20.")]})
    procedure = extract_procedure_for(actor.unit_id)
    quote = fee_quote(procedure, channel="direct", copies=copies)
    # Luật Hộ tịch Đ11: people exempt from every hộ tịch fee pay nothing (reason kept).
    exemption = (fee_exemption or "").strip()[:300]
    with official_text():  # the dossier's note, stored
        note = _("Bản sao trích lục %(kind)s số %(number)s/%(year)s của %(name)s") % {
            "kind": entry.get_kind_display().lower(),
            "number": entry.entry_number,
            "year": entry.register.year,
            "name": entry.main_name,
        }
    dossier = receive_dossier(
        actor=actor,
        data=ReceptionData(
            procedure=procedure,
            applicant=applicant,
            channel="direct",
            delivery_method="desk",
            copies=1,
            note=note,
            declared_data={
                "civil_entry_id": entry.pk,
                "civil_entry_kind": entry.kind,
                "register_year": entry.register.year,
                "book_number": entry.register.book_number,
                "entry_number": entry.entry_number,
                "person_name": entry.main_name,
                "extract_copies": copies,
            },
            fee_due=0 if exemption else quote.total,
            fee_exemption=exemption,
        ),
    )
    record_audit_event(
        action="civil_registry.extract_requested",
        actor=actor,
        target=entry,
        data={"dossier": dossier.code, "copies": copies, "fee_due": dossier.fee_due},
    )
    return dossier


def issue_extract_on_approval(approver: User, dossier: Dossier) -> None:
    """Approval hook of 2.000635: issue the copy (serial number, verification token).
    A dossier not linked to an entry of XãSố's registers (e.g. a copy from an older
    paper register) is approved as before, without a serial number here."""
    entry_id = (dossier.declared_data or {}).get("civil_entry_id")
    if not entry_id or ExtractCopy.objects.filter(dossier=dossier).exists():
        return
    entry = CivilEntry.objects.filter(pk=entry_id, unit_id=dossier.unit_id).first()
    if entry is None:
        raise ValidationError(_("Không tìm thấy việc hộ tịch cần cấp bản sao trích lục."))
    copy = _issue_copy(approver=approver, entry=entry, dossier=dossier)
    with official_text():  # stored as the dossier's result
        number = _("Số trích lục %(serial)s/%(year)s") % {
            "serial": copy.serial_number,
            "year": copy.year,
        }
        summary = _("Bản sao trích lục %(title)s của %(name)s") % {
            "title": kinds.spec_for(entry.kind).title,
            "name": entry.main_name,
        }
    _record_result(
        approver=approver, dossier=dossier, number=number, summary=summary, day=copy.issued_on
    )


def _issue_copy(*, approver: User, entry: CivilEntry, dossier: Dossier | None) -> ExtractCopy:
    today = timezone.localdate()
    copies = int((dossier.declared_data or {}).get("extract_copies") or 1) if dossier else 1
    copy = ExtractCopy(
        unit_id=entry.unit_id,
        entry=entry,
        dossier=dossier,
        year=today.year,
        copies=max(copies, 1),
        issued_on=today,
        issued_by=approver,
        token=secrets.token_urlsafe(32),
        entry_version=entry.version,
    )
    copy.serial_number = allocate_number(
        unit=entry.unit, register=f"{EXTRACT_SERIES}:{today.year}", period=str(today.year)
    )
    copy.save(force_insert=True)
    record_audit_event(
        action="civil_registry.extract_issued",
        actor=approver,
        target=entry,
        data={
            "serial_number": copy.serial_number,
            "year": copy.year,
            "dossier": dossier.code if dossier else "",
        },
    )
    return copy


# --- selectors ------------------------------------------------------------------------------


def can_view_registers(user: User) -> bool:
    return user.has_perm(VIEW_PERMISSION) or user.has_perm(REGISTER_PERMISSION)


def entries_for(*, user: User) -> QuerySet[CivilEntry]:
    """Entries of the units `user` may read (none without the view permission)."""
    if not can_view_registers(user):
        return CivilEntry.objects.none()
    return CivilEntry.objects.readable_by(user).select_related("register", "dossier", "unit")


_CCCD_QUERY = re.compile(r"^\d{12}$")
_NUMBER_QUERY = re.compile(r"^(?:s[oố]\s*)?(\d{1,7})\s*/\s*(\d{4})$", re.IGNORECASE)


def search_entries(
    *, user: User, query: str = "", kind: str = "", year: int | None = None
) -> QuerySet[CivilEntry]:
    """Entries matching `query`, across kinds unless `kind` is given: the main person's or
    the other people's names (diacritics-insensitive word prefixes), an exact date of birth
    (dd/mm/yyyy or yyyy-mm-dd), an entry number "N/YYYY" or the 12-digit CCCD of a person
    linked to the entry in the applicant directory."""
    entries = entries_for(user=user)
    if kind:
        entries = entries.filter(kind=kind)
    if year is not None:
        entries = entries.filter(register__year=year)
    text = (query or "").strip()
    born = _parse_query_date(text)
    if born is not None:
        return entries.filter(main_date_of_birth=born)
    number = _NUMBER_QUERY.match(text)
    if number is not None:
        return entries.filter(
            entry_number=int(number.group(1)), register__year=int(number.group(2))
        )
    if _CCCD_QUERY.match(text):
        # A person's CCCD: the entries they are linked to (child, parent, spouse, …).
        return entries.filter(people__applicant__id_number=text).distinct()
    return apply_search(entries, text)


def _parse_query_date(text: str) -> datetime.date | None:
    # A date only (no time of day), so no time zone is involved.
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def get_entry_for(*, user: User, pk: int) -> CivilEntry:
    """One entry the user may read; 404 for another unit's entry."""
    try:
        return entries_for(user=user).get(pk=pk)
    except CivilEntry.DoesNotExist as exc:
        raise Http404 from exc


def register_entries(*, user: User, kind: str, year: int) -> QuerySet[CivilEntry]:
    """One register kind and year of the user's unit, in number order (print, export)."""
    return (
        entries_for(user=user)
        .filter(kind=kind, register__year=year, unit_id=user.unit_id)
        .order_by("register__book_number", "entry_number")
    )


def register_books(*, user: User, kind: str, year: int) -> QuerySet[CivilRegister]:
    """The books (quyển) of one register kind and year of the user's unit."""
    if not can_view_registers(user) or user.unit_id is None:
        return CivilRegister.objects.none()
    return CivilRegister.objects.filter(unit_id=user.unit_id, kind=kind, year=year).order_by(
        "book_number"
    )


def extract_copies_for(*, user: User) -> QuerySet[ExtractCopy]:
    if not can_view_registers(user):
        return ExtractCopy.objects.none()
    return ExtractCopy.objects.readable_by(user).select_related("entry", "entry__register", "unit")


def get_extract_copy_for(*, user: User, pk: int) -> ExtractCopy:
    try:
        return extract_copies_for(user=user).get(pk=pk)
    except ExtractCopy.DoesNotExist as exc:
        raise Http404 from exc


def verification_url(token: str) -> str:
    """The public address a copy's QR code points to (XASO_PUBLIC_BASE_URL + path)."""
    path = reverse("civil_registry:verify_extract", args=[token])
    return settings.XASO_PUBLIC_BASE_URL.rstrip("/") + path


def certificate_verification_url(token: str) -> str:
    """The public address a certificate's QR code points to."""
    path = reverse("civil_registry:verify_certificate", args=[token])
    return settings.XASO_PUBLIC_BASE_URL.rstrip("/") + path


def get_public_entry(*, token: str) -> CivilEntry:
    """The entry a certificate's QR names (public: the page shows no personal data)."""
    entry = CivilEntry.objects.select_related("unit", "register").filter(token=token).first()
    if entry is None or not token:
        raise Http404
    return entry


def get_public_extract(*, token: str) -> ExtractCopy:
    """The copy a verification QR names (public: the page shows no personal data)."""
    copy = ExtractCopy.objects.select_related("unit").filter(token=token).first()
    if copy is None or not token:
        raise Http404
    return copy


def prepared_for(*, dossier: Dossier) -> PreparedRegistration | None:
    return PreparedRegistration.objects.filter(dossier=dossier).select_related("target").first()


def correction_targets(*, user: User, query: str) -> QuerySet[CivilEntry]:
    if not (query or "").strip():
        return CivilEntry.objects.none()
    return search_entries(user=user, query=query).filter(~Q(kind=Kind.CHANGE))


def people_rows(entry: CivilEntry) -> list[tuple[str, Applicant]]:
    """(role label, directory person) of the entry's linked people."""
    labels = {role.role: role.label for role in kinds.spec_for(entry.kind).roles}
    return [
        (str(labels.get(person.role, person.role)), person.applicant)
        for person in entry.people.select_related("applicant").order_by("pk")
    ]


def version_rows(entry: CivilEntry) -> list[dict[str, Any]]:
    """The entry's versions, newest first, each with what it changed from the previous."""
    spec = kinds.spec_for(entry.kind)
    versions = list(entry.versions.select_related("changed_by").order_by("number"))
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        changes = [
            {
                "label": spec.label(name),
                "old": kinds.display_value(spec, name, previous.get(name)),
                "new": kinds.display_value(spec, name, version.data.get(name)),
            }
            for name in (changed_fields(spec, previous, version.data) if previous else [])
        ]
        rows.append({"version": version, "changes": changes})
        previous = version.data
    return list(reversed(rows))
