"""Give the work calendar permissions to the positions that hold them (data, not code).

Every commune position sees the week and proposes events; the office (Văn phòng – Thống
kê) and the clerk compile it; the chairman and vice-chairmen approve and publish it; the
unit administrator and the office manage the TV screen's address.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

STAFF = [
    "clerk",
    "chairman",
    "vice_chairman",
    "office_statistics",
    "land_construction",
    "finance_accounting",
    "justice_civil_status",
    "culture_social",
    "counter_officer",
    "unit_admin",
]
VIEW_AND_PROPOSE = ["work_calendar.view_work_calendar", "work_calendar.propose_calendar_event"]
GRANTS = {code: list(VIEW_AND_PROPOSE) for code in STAFF}
GRANTS["office_statistics"] += [
    "work_calendar.compile_work_calendar",
    "work_calendar.manage_calendar_display",
]
GRANTS["clerk"] += ["work_calendar.compile_work_calendar"]
GRANTS["chairman"] += ["work_calendar.publish_work_calendar"]
GRANTS["vice_chairman"] += ["work_calendar.publish_work_calendar"]
GRANTS["unit_admin"] += ["work_calendar.manage_calendar_display"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("work_calendar")
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
        ("work_calendar", "0001_initial"),
        ("core", "0003_seed_positions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
