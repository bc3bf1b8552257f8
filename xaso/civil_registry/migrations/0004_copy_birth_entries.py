"""Copy the first slice's birth entries into the generic entry model."""

from django.db import migrations

from xaso.core.search import normalize_search_text

# The fields of the first slice's BirthEntry, now the birth kind's `data` (kinds.py).
BIRTH_FIELDS = [
    "child_full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality",
    "hometown", "personal_id_number", "mother_full_name", "mother_date_of_birth",
    "mother_ethnicity", "mother_nationality", "mother_residence", "mother_id_number",
    "father_full_name", "father_date_of_birth", "father_ethnicity", "father_nationality",
    "father_residence", "father_id_number", "declarant_name", "declarant_relation",
    "declarant_id_number", "signer_name",
]


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else (value or "")


def copy_births(apps, schema_editor):
    """Every birth registered by the first slice becomes a generic entry with its versions
    (numbers, registers, dossiers and the number counter "birth:{year}" are unchanged)."""
    BirthEntry = apps.get_model("civil_registry", "BirthEntry")
    BirthEntryVersion = apps.get_model("civil_registry", "BirthEntryVersion")
    CivilEntry = apps.get_model("civil_registry", "CivilEntry")
    CivilEntryVersion = apps.get_model("civil_registry", "CivilEntryVersion")
    for old in BirthEntry.objects.order_by("pk"):
        data = {name: _json(getattr(old, name)) for name in BIRTH_FIELDS}
        others = " ".join(n for n in (old.mother_full_name, old.father_full_name) if n)
        entry = CivilEntry.objects.create(
            unit_id=old.unit_id,
            register_id=old.register_id,
            kind="birth",
            entry_number=old.entry_number,
            dossier_id=old.dossier_id,
            data=data,
            main_name=old.child_full_name,
            main_date_of_birth=old.date_of_birth,
            other_names=others,
            search_text=normalize_search_text(f"{old.child_full_name} {others}"),
            registered_on=old.registered_on,
            registered_by_id=old.registered_by_id,
            is_late=old.is_late_registration,
            fee_exempt_reason=old.fee_exempt_reason,
            version=old.version,
        )
        for version in BirthEntryVersion.objects.filter(entry_id=old.pk).order_by("number"):
            CivilEntryVersion.objects.create(
                unit_id=version.unit_id,
                entry=entry,
                number=version.number,
                data=version.data,
                reason=version.reason,
                changed_by_id=version.changed_by_id,
                changed_at=version.changed_at,
            )


class Migration(migrations.Migration):
    dependencies = [("civil_registry", "0003_generic_entries")]

    operations = [migrations.RunPython(copy_births, migrations.RunPython.noop)]
