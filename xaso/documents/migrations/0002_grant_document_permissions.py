"""Give the documents permissions to the positions that hold them (data, not code).

Văn thư registers and releases; chairman and vice-chairmen assign, approve and sign;
the office (Văn phòng – Thống kê) reads the registers and follows up; every official
handles what they are given and drafts outgoing documents.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

HANDLE = "documents.handle_documents"
VIEW = "documents.view_document_registers"

GRANTS = {
    "clerk": ["documents.register_documents", VIEW, HANDLE],
    "chairman": [
        VIEW,
        HANDLE,
        "documents.assign_documents",
        "documents.approve_documents",
        "documents.manage_document_settings",
    ],
    "vice_chairman": [VIEW, HANDLE, "documents.assign_documents", "documents.approve_documents"],
    "office_statistics": [VIEW, HANDLE],
    "land_construction": [HANDLE],
    "finance_accounting": [HANDLE],
    "justice_civil_status": [HANDLE],
    "culture_social": [HANDLE],
    "counter_officer": [HANDLE],
    "unit_admin": ["documents.manage_document_settings"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("documents")
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
        ("documents", "0001_initial"),
        ("core", "0003_seed_positions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
