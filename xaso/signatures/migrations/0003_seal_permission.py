"""The organisation's digital signature becomes a permission of its own, given to the clerk.

ND 30/2020 Đ14.3, Đ17.2: after the competent person signs, the văn thư adds the
organisation's signature. Until now sealing needed a domain permission (one-stop return,
civil registry) together with the right to sign, which no standard position held together.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

SEAL = "seal_for_organisation"
GRANTED_TO = ["clerk"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("signatures")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    Position = apps.get_model("core", "Position")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="signatures", codename=SEAL)
    for position in Position.objects.filter(code__in=GRANTED_TO):
        position.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="signatures", codename=SEAL).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0002_grant_signature_permissions"),
        ("core", "0003_seed_positions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="usercertificate",
            options={
                "ordering": ["-not_after"],
                "permissions": [
                    ("sign_documents", "Ký số văn bản"),
                    ("seal_for_organisation", "Ký số của cơ quan, tổ chức (văn thư)"),
                ],
                "verbose_name": "chứng thư số của cán bộ",
                "verbose_name_plural": "chứng thư số của cán bộ",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
