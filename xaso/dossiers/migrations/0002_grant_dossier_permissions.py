"""Give the one-stop permissions to the positions that hold them (data, not code)."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

OFFICIALS = [
    "office_statistics",
    "land_construction",
    "finance_accounting",
    "justice_civil_status",
    "culture_social",
]

GRANTS = {
    "counter_officer": [
        "dossiers.receive_dossier",
        "dossiers.return_result",
        "applicants.manage_applicants",
    ],
    "chairman": [
        "dossiers.approve_dossier",
        "dossiers.process_dossier",
        "dossiers.view_all_dossiers",
    ],
    "vice_chairman": [
        "dossiers.approve_dossier",
        "dossiers.process_dossier",
        "dossiers.view_all_dossiers",
    ],
    "unit_admin": ["dossiers.manage_catalog", "dossiers.view_all_dossiers"],
    "province_supervisor": ["dossiers.view_all_dossiers"],
    **{code: ["dossiers.process_dossier"] for code in OFFICIALS},
}
# The office–statistics official compiles the one-stop statistics.
GRANTS["office_statistics"] = ["dossiers.process_dossier", "dossiers.view_all_dossiers"]


def grant(apps, schema_editor):
    for label in ("applicants", "dossiers"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
    Position = apps.get_model("core", "Position")
    Permission = apps.get_model("auth", "Permission")
    for code, perms in GRANTS.items():
        position = Position.objects.get(code=code)
        for perm in perms:
            app_label, codename = perm.split(".")
            position.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("applicants", "0001_initial"),
        ("core", "0003_seed_positions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
