"""The demo registers load through the real path and only once."""

import io

import pytest
from django.core.management import call_command

from xaso.civil_registry.models import CivilEntry
from xaso.dossiers.models import Result


@pytest.mark.django_db
def test_demo_registers_load_once():
    call_command("load_demo_commune", stdout=io.StringIO())
    call_command("load_procedures", unit=16777, stdout=io.StringIO())

    call_command("load_demo_civil_registry", stdout=io.StringIO())
    call_command("load_demo_civil_registry", stdout=io.StringIO())

    entries = CivilEntry.objects.order_by("kind", "entry_number")
    assert [(e.kind, e.entry_number, e.main_name) for e in entries] == [
        ("birth", 1, "Lương Minh Khôi"),
        ("birth", 2, "Vi Thị Ngọc"),
        ("birth", 3, "Hà Gia Bảo"),
        ("marriage", 1, "Trần Văn Nam"),
    ]
    assert [e.is_late for e in entries] == [False, False, True, False]
    assert Result.objects.filter(approved_by__username="chutich").count() == 4
