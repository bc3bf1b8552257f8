"""URLs: auth (see xaso/core/urls/__init__.py)."""

from django.urls import path

from xaso.core.views import auth

urlpatterns = [
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-nhap/xac-thuc/", auth.login_otp, name="login_otp"),
    path("dang-xuat/", auth.LogoutView.as_view(), name="logout"),
    path("tai-khoan-cua-toi/", auth.profile, name="profile"),
    path(
        "tai-khoan-cua-toi/khoa-api/<int:pk>/thu-hoi/",
        auth.api_token_revoke,
        name="api_token_revoke",
    ),
    path("xac-thuc-hai-lop/", auth.otp_setup, name="otp_setup"),
    path("doi-mat-khau/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/hoan-tat/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
