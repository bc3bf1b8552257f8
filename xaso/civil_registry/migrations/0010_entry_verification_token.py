"""Every register entry gets a verification token (the QR on its certificate); entries
registered before get theirs here."""

import secrets

from django.db import migrations
from django.db import models

import xaso.civil_registry.models


def fill_tokens(apps, schema_editor):
    CivilEntry = apps.get_model("civil_registry", "CivilEntry")
    for entry in CivilEntry.objects.filter(token="").only("pk"):
        CivilEntry.objects.filter(pk=entry.pk).update(token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("civil_registry", "0009_prepared_fee_exemption"),
    ]

    operations = [
        migrations.AddField(
            model_name="civilentry",
            name="token",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="civilentry",
            name="token",
            field=models.CharField(
                default=xaso.civil_registry.models.new_token,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
