"""Births registered by the first slice survive the move to the generic entry model."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.services import search_entries

BEFORE = [("civil_registry", "0002_grant_civil_registry_permissions")]


@pytest.mark.django_db(transaction=True)
def test_first_slice_birth_entries_and_versions_are_copied(commune, justice_official, chairman):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    register = old.get_model("civil_registry", "CivilRegister").objects.create(
        unit_id=commune.pk, kind="birth", year=2026, book_number=1
    )
    birth = old.get_model("civil_registry", "BirthEntry").objects.create(
        unit_id=commune.pk,
        register=register,
        entry_number=7,
        child_full_name="Nguyễn Thị An",
        sex="female",
        date_of_birth=datetime.date(2026, 11, 1),
        place_of_birth="Trạm Y tế xã Quỳ Châu",
        mother_full_name="Lê Thị Hoà",
        father_full_name="Nguyễn Văn Đức",
        declarant_name="Nguyễn Văn Đức",
        declarant_relation="Cha",
        signer_name="Trần Văn Chủ",
        registered_on=datetime.date(2026, 11, 20),
        registered_by_id=justice_official.pk,
        fee_exempt_reason="Đăng ký khai sinh đúng hạn (Điều 11 Luật Hộ tịch)",
        version=2,
    )
    versions = old.get_model("civil_registry", "BirthEntryVersion").objects
    for number, name in ((1, "Nguyễn Thị An"), (2, "Nguyễn Thị Ân")):
        versions.create(
            unit_id=commune.pk,
            entry=birth,
            number=number,
            data={"child_full_name": name},
            reason="" if number == 1 else "Sai dấu",
            changed_by_id=justice_official.pk,
            changed_at=timezone.now(),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    entry = CivilEntry.objects.get()
    assert (entry.kind, entry.entry_number, entry.register_id) == ("birth", 7, register.pk)
    assert entry.main_name == "Nguyễn Thị An"
    assert entry.main_date_of_birth == datetime.date(2026, 11, 1)
    assert entry.data["date_of_birth"] == "2026-11-01"
    assert entry.data["mother_full_name"] == "Lê Thị Hoà"
    assert entry.data["signer_name"] == "Trần Văn Chủ"
    assert entry.version == 2
    assert [(v.number, v.data["child_full_name"], v.reason) for v in entry.versions.all()] == [
        (1, "Nguyễn Thị An", ""),
        (2, "Nguyễn Thị Ân", "Sai dấu"),
    ]
    assert list(search_entries(user=chairman, query="le thi hoa")) == [entry]
