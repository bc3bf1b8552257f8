"""URLs of the weekly work calendar app (mounted at /lich-cong-tac/).

The TV screen and the personal feed work without login through secret tokens.
"""

from django.urls import path

from xaso.work_calendar import views
from xaso.work_calendar import views_public

app_name = "work_calendar"

urlpatterns = [
    path("", views.week_view, name="week"),
    path("de-xuat/", views.propose, name="propose"),
    path("su-kien/<int:pk>/sua/", views.event_edit, name="event_edit"),
    path("su-kien/<int:pk>/dua-vao-lich/", views.event_accept, name="event_accept"),
    path("su-kien/<int:pk>/tu-choi/", views.event_reject, name="event_reject"),
    path("su-kien/<int:pk>/gop/", views.event_merge, name="event_merge"),
    path("su-kien/<int:pk>/len/", views.event_move, {"direction": "len"}, name="event_up"),
    path("su-kien/<int:pk>/xuong/", views.event_move, {"direction": "xuong"}, name="event_down"),
    path("tuan/<str:start>/cong-bo/", views.publish, name="publish"),
    path("tuan/<str:start>/lich-tuan.pdf", views.week_pdf, name="week_pdf"),
    path("lich-cua-toi/", views.my_feed, name="my_feed"),
    path("man-hinh/", views.display_settings, name="display_settings"),
    path("man-hinh/<str:token>/", views_public.tv, name="tv"),
    path("man-hinh/<str:token>/du-lieu/", views_public.tv_data, name="tv_data"),
    path("ical/<str:token>.ics", views_public.ical_feed, name="ical_feed"),
]
