"""Django admin for platform superusers. Unit administrators use the account pages, which
apply the unit rules and write the audit trail; the admin is the operator's repair tool."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xaso.core.models import Position
from xaso.core.models import User


class AdminUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "unit")


class AdminUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ("username", "full_name", "unit", "email", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "positions", "unit__level")
    search_fields = ("username", "full_name", "email", "search_text")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)  # thousands of units: no select box
    filter_horizontal = ("positions", "user_permissions", "groups")
    ordering = ("full_name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "unit", "job_title", "email", "phone")}),
        (_("Chức danh"), {"fields": ("positions",)}),
        (
            _("Quyền của nền tảng"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "unit", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        # Keep the diacritics-free search copy in step with names edited here.
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_leader", "sort_order")
    ordering = ("sort_order", "name")
    filter_horizontal = ("permissions",)
    search_fields = ("name", "code")
