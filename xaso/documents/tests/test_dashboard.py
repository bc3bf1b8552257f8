"""Home-page widgets: my documents; waiting per person, overdue, average time, e-share."""

import datetime

import pytest
from django.urls import reverse

from xaso.documents import dashboard_widgets
from xaso.documents.services import handling
from xaso.documents.tests.conftest import VN


@pytest.fixture
def clock(time_machine):
    def move(moment):
        time_machine.move_to(moment, tick=False)

    move(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN))
    return move


def test_widgets_show_real_figures(client_as, register, chairman, official, clerk, clock):
    from xaso.documents.services import incoming as incoming_service
    from xaso.documents.tests.conftest import sample_pdf
    from xaso.documents.tests.conftest import upload
    from xaso.documents.uploads import check_file

    staged, _token = incoming_service.stage_file(
        actor=clerk, checked=check_file(upload(sample_pdf()))
    )
    done = register(code_number="1", medium="electronic", file=staged)
    late = register(code_number="2")
    register(code_number="3")
    register(code_number="4")
    for document, days in ((done, 5), (late, 1)):
        handling.assign(
            actor=chairman,
            document=document,
            data=handling.AssignmentData(lead=official, deadline_days=days),
        )
    clock(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=VN))  # registered two days ago
    handling.record_progress(actor=official, document=done, note="Xong", completes=True)
    clock(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=VN))

    mine = dashboard_widgets.build_my_documents(official)
    assert mine == {"counts": {"to_handle": 1, "overdue": 1, "to_assign": 0, "to_sign": 0}}
    overview = dashboard_widgets.build_document_overview(chairman)
    stats = overview["stats"]
    assert (stats.incoming_total, stats.open, stats.overdue) == (4, 3, 1)
    assert stats.electronic_share == 25.0
    assert stats.average_days == 2.0
    assert [(load.name, load.open, load.overdue) for load in overview["loads"]] == [
        ("Ngô Thị Văn Phòng", 1, 1)
    ]

    home = client_as(chairman).get(reverse("core:home")).content.decode()
    assert 'id="widget-documents-overview"' in home
    assert "25,0 %" in home  # Vietnamese decimal comma
    assert (
        'id="widget-documents-mine"'
        in client_as(official).get(reverse("core:home")).content.decode()
    )


def test_widgets_hide_when_there_is_nothing(official, chairman):
    assert dashboard_widgets.build_my_documents(official) is None
    assert dashboard_widgets.build_document_overview(chairman) is None
