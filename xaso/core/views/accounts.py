"""Account management pages of the unit administrator (permission core.manage_accounts).

Every lookup goes through the actor's unit, so another unit's account answers 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.core.forms.accounts import AccountCreateForm
from xaso.core.forms.accounts import AccountFilterForm
from xaso.core.forms.accounts import AccountForm
from xaso.core.forms.accounts import add_service_errors
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.services.accounts import confirmed_totp_device
from xaso.core.services.accounts import create_account
from xaso.core.services.accounts import failed_login_count
from xaso.core.services.accounts import get_account_for
from xaso.core.services.accounts import is_locked_out
from xaso.core.services.accounts import list_accounts_for
from xaso.core.services.accounts import locked_usernames
from xaso.core.services.accounts import reset_two_factor
from xaso.core.services.accounts import send_password_setup_email
from xaso.core.services.accounts import set_account_active
from xaso.core.services.accounts import unlock_account
from xaso.core.services.accounts import update_account

PAGE_SIZE = 50


def manages_accounts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in without core.manage_accounts → 403."""

    @login_required
    @permission_required("core.manage_accounts", raise_exception=True)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@manages_accounts
def account_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filter_form = AccountFilterForm(request.GET or None, unit=actor.unit)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    accounts = list_accounts_for(
        actor=actor,
        query=filters.get("q", ""),
        position=filters.get("position", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filter_form,
        "page": page,
        "locked": locked_usernames(account.username for account in page),
        "query_string": _without_page(request),
    }
    template = (
        "core/accounts/_account_table.html" if request.htmx else "core/accounts/account_list.html"
    )
    return render(request, template, context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@manages_accounts
def account_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = AccountCreateForm(request.POST or None, unit=actor.unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        send_link = data["password_mode"] == AccountCreateForm.PasswordMode.EMAIL
        try:
            # One boundary: no account without its e-mail queued, and no e-mail without it.
            with transaction.atomic():
                account = create_account(
                    actor=actor,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    job_title=data["job_title"],
                    positions=data["positions"],
                    password=data["password1"] or None,
                )
                if send_link:
                    send_password_setup_email(
                        actor=actor,
                        user=account,
                        domain=request.get_host(),
                        use_https=request.is_secure(),
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if send_link:
                messages.success(
                    request,
                    _("Đã tạo tài khoản %(username)s và gửi e-mail đặt mật khẩu tới %(email)s.")
                    % {"username": account.username, "email": account.email},
                )
            else:
                messages.success(
                    request, _("Đã tạo tài khoản %(username)s.") % {"username": account.username}
                )
            return redirect("core:account_detail", pk=account.pk)
    return render(request, "core/accounts/account_form.html", {"form": form, "account": None})


@manages_accounts
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    account = get_account_for(actor=actor, pk=pk)
    history = AuditEvent.objects.filter(
        unit_id=actor.unit_id, target_type="core.user", target_id=str(account.pk)
    )[:20]
    return render(
        request,
        "core/accounts/account_detail.html",
        {
            "account": account,
            "positions": account.positions.all(),
            "is_self": account.pk == actor.pk,
            "locked": is_locked_out(account),
            "failed_logins": failed_login_count(account),
            "device": confirmed_totp_device(account),
            "history": history,
        },
    )


@manages_accounts
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    account = get_account_for(actor=actor, pk=pk)
    initial = {
        "full_name": account.full_name,
        "email": account.email,
        "phone": account.phone,
        "job_title": account.job_title,
        "positions": list(account.positions.all()),
    }
    form = AccountForm(request.POST or None, initial=initial, unit=actor.unit)
    if request.method == "POST" and form.is_valid():
        try:
            update_account(actor=actor, user=account, **form.cleaned_data)
        except ValidationError as error:
            account.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("core:account_detail", pk=account.pk)
    return render(request, "core/accounts/account_form.html", {"form": form, "account": account})


def _account_action(
    request: HttpRequest, pk: int, action: Callable[[User, User], str]
) -> HttpResponse:
    """Run one POST action on an account of the actor's unit; a refusal becomes an error message."""
    actor = _actor(request)
    account = get_account_for(actor=actor, pk=pk)
    try:
        message = action(actor, account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("core:account_detail", pk=account.pk)


@manages_accounts
@require_POST
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    def disable(actor: User, account: User) -> str:
        set_account_active(actor=actor, user=account, is_active=False)
        return _("Đã vô hiệu hóa tài khoản %(username)s.") % {"username": account.username}

    return _account_action(request, pk, disable)


@manages_accounts
@require_POST
def account_enable(request: HttpRequest, pk: int) -> HttpResponse:
    def enable(actor: User, account: User) -> str:
        set_account_active(actor=actor, user=account, is_active=True)
        return _("Đã kích hoạt lại tài khoản %(username)s.") % {"username": account.username}

    return _account_action(request, pk, enable)


@manages_accounts
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    def unlock(actor: User, account: User) -> str:
        unlock_account(actor=actor, user=account)
        return _("Đã mở khóa đăng nhập cho tài khoản %(username)s.") % {
            "username": account.username
        }

    return _account_action(request, pk, unlock)


@manages_accounts
@require_POST
def account_reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    def reset(actor: User, account: User) -> str:
        reset_two_factor(actor=actor, user=account)
        return _(
            "Đã đặt lại xác thực hai lớp của %(username)s: lần đăng nhập tới chỉ cần mật khẩu."
        ) % {"username": account.username}

    return _account_action(request, pk, reset)


@manages_accounts
@require_POST
def account_send_password_email(request: HttpRequest, pk: int) -> HttpResponse:
    def send(actor: User, account: User) -> str:
        send_password_setup_email(
            actor=actor, user=account, domain=request.get_host(), use_https=request.is_secure()
        )
        return _("Đã gửi e-mail đặt mật khẩu tới %(email)s.") % {"email": account.email}

    return _account_action(request, pk, send)
