"""Give the signature permissions to the positions that hold them (data, not code).

ND 30/2020: the competent person (chairman, vice-chairmen) signs; the clerk (văn thư)
adds the organisation's signature; staff who receive documents or results verify them.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

VERIFY = "signatures.verify_signatures"
SIGN = "signatures.sign_documents"
GRANTS = {
    "unit_admin": ["signatures.manage_trust_anchors", VERIFY],
    "chairman": [SIGN, VERIFY],
    "vice_chairman": [SIGN, VERIFY],
    "clerk": [SIGN, VERIFY],
    "office_statistics": [VERIFY],
    "justice_civil_status": [VERIFY],
    "counter_officer": [VERIFY],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("signatures")
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
        ("signatures", "0001_initial"),
        ("core", "0003_seed_positions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
