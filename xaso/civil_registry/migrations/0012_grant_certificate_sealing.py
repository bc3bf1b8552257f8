"""The justice–civil status official adds the organisation's digital signature to the
certificates and extract copies he issues (ND 30/2020 Đ5: the competent person's signature
and the organisation's): he may sign with the organisation's key. What is signed is decided
by the civil registry permission (register_civil_status); this only lets the key be used."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

GRANTS = {"justice_civil_status": ["signatures.sign_documents"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("signatures")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    Position = apps.get_model("core", "Position")
    Permission = apps.get_model("auth", "Permission")
    for code, perms in GRANTS.items():
        position = Position.objects.filter(code=code).first()
        if position is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            position.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("civil_registry", "0011_signed_documents"),
        ("signatures", "0002_grant_signature_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
