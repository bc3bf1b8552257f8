"""Load the 34 provinces and 3,321 communes (post-1-July-2025 list, GSO codes).

Data from the `vietnam-provinces` package (GSO source). Idempotent: existing units keep
their local edits (hosting, office hours) and only get their names refreshed.
"""

import json
from importlib import resources

from django.db import migrations


def load_units(apps, schema_editor):
    Unit = apps.get_model("core", "AdministrativeUnit")
    data = json.loads(
        resources.files("vietnam_provinces").joinpath("data/nested-divisions.json").read_text("utf-8")
    )
    existing = {(u.level, u.code): u for u in Unit.objects.all()}
    for province in data:
        key = ("province", province["code"])
        unit = existing.get(key)
        if unit is None:
            unit = Unit.objects.create(
                level="province",
                code=province["code"],
                name=province["name"],
                division_type=province["division_type"],
                codename=province["codename"],
            )
        new_communes = []
        for ward in province["wards"]:
            if ("commune", ward["code"]) in existing:
                continue
            new_communes.append(
                Unit(
                    level="commune",
                    code=ward["code"],
                    name=ward["name"],
                    division_type=ward["division_type"],
                    codename=ward["codename"],
                    parent=unit,
                )
            )
        Unit.objects.bulk_create(new_communes, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load_units, migrations.RunPython.noop, elidable=False)]
