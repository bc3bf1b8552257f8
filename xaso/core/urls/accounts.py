"""URLs: accounts (see xaso/core/urls/__init__.py)."""

from django.urls import path

from xaso.core.views import accounts

urlpatterns = [
    path("tai-khoan/", accounts.account_list, name="account_list"),
    path("tai-khoan/them/", accounts.account_create, name="account_create"),
    path("tai-khoan/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("tai-khoan/<int:pk>/sua/", accounts.account_edit, name="account_edit"),
    path("tai-khoan/<int:pk>/vo-hieu-hoa/", accounts.account_disable, name="account_disable"),
    path("tai-khoan/<int:pk>/kich-hoat/", accounts.account_enable, name="account_enable"),
    path("tai-khoan/<int:pk>/mo-khoa/", accounts.account_unlock, name="account_unlock"),
    path("tai-khoan/<int:pk>/dat-lai-2fa/", accounts.account_reset_2fa, name="account_reset_2fa"),
    path(
        "tai-khoan/<int:pk>/gui-email-mat-khau/",
        accounts.account_send_password_email,
        name="account_send_password_email",
    ),
]
