"""Create the legal positions and give them the kernel's permissions.

Later apps add their permissions to positions in their own data migrations.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

POSITIONS = [
    # code, name, is_leader, sort order
    ("chairman", "Chủ tịch UBND", True, 1),
    ("vice_chairman", "Phó Chủ tịch UBND", True, 2),
    ("clerk", "Văn thư", False, 3),
    ("office_statistics", "Công chức Văn phòng – Thống kê", False, 4),
    ("land_construction", "Công chức Địa chính – Xây dựng – Nông nghiệp – Môi trường", False, 5),
    ("finance_accounting", "Công chức Tài chính – Kế toán", False, 6),
    ("justice_civil_status", "Công chức Tư pháp – Hộ tịch", False, 7),
    ("culture_social", "Công chức Văn hóa – Xã hội", False, 8),
    ("counter_officer", "Cán bộ Một cửa", False, 9),
    ("unit_admin", "Quản trị hệ thống của đơn vị", False, 10),
    ("province_supervisor", "Cán bộ giám sát cấp tỉnh", False, 11),
]

PERMISSIONS = {
    "unit_admin": [
        "core.manage_accounts",
        "core.manage_unit",
        "core.manage_calendar",
        "core.view_audit_trail",
    ],
    "chairman": ["core.view_audit_trail"],
    "province_supervisor": ["core.supervise_communes"],
}


def seed(apps, schema_editor):
    # Permissions are normally created after migrate; create them now to link them.
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    Position = apps.get_model("core", "Position")
    Permission = apps.get_model("auth", "Permission")
    for code, name, is_leader, order in POSITIONS:
        Position.objects.update_or_create(
            code=code, defaults={"name": name, "is_leader": is_leader, "sort_order": order}
        )
    for code, perms in PERMISSIONS.items():
        position = Position.objects.get(code=code)
        for perm in perms:
            app_label, codename = perm.split(".")
            position.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_load_administrative_units"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
