"""Drop the first slice's birth tables (their rows were copied by 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("civil_registry", "0004_copy_birth_entries")]

    operations = [
        migrations.DeleteModel(name="BirthEntryVersion"),
        migrations.DeleteModel(name="BirthEntry"),
    ]
