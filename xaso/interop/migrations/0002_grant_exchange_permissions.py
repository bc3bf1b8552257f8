"""Give the exchange permissions to the positions that hold them (data, not code)."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

GRANTS = {
    "clerk": ["interop.view_exchange", "interop.retry_delivery"],
    "office_statistics": ["interop.view_exchange", "interop.retry_delivery"],
    "unit_admin": ["interop.view_exchange", "interop.retry_delivery"],
    "chairman": ["interop.view_exchange"],
    "vice_chairman": ["interop.view_exchange"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("interop")
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
        ("interop", "0001_initial"),
        ("core", "0003_seed_positions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
