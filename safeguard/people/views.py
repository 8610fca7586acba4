from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from markupsafe import Markup

from safeguard.people import mfa, services
from safeguard.people.forms import PasswordChangeForm, RecoveryCodeForm, SignInForm, TOTPCodeForm

BAD_CREDENTIALS = "Enter a correct email address and password"
# Recovery codes wait here between the POST that creates them and the one page that shows them.
PENDING_CODES_KEY = "sg_recovery_codes_to_show"


def _posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated (and show its errors).
    return request.POST if request.method == "POST" else None


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _complete_second_factor(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new session id for the raised privilege, as login() does for the password step.
    request.session.cycle_key()


def _code_error(result: mfa.Verification, *, recovery: bool = False) -> str:
    if result.outcome is mfa.Outcome.REUSED:
        return "This code has already been used. Wait for your app to show a new code and enter that"
    if result.outcome is mfa.Outcome.THROTTLED:
        seconds = result.wait_seconds
        return f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''} and try again"
    if recovery:
        return "The recovery code is not correct or has already been used"
    return "The code is not correct. Check your authenticator app and enter the code it shows now"


# --- Sign in and out -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method != "POST":
        return redirect(_next_url(request))
    form = SignInForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # The request and the "email" key are what django-axes reads to count failures and lock the address.
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            services.record_sign_in_failed(email=email)
            form.add_error(None, BAD_CREDENTIALS)
        else:
            login(request, user)
            next_url = _next_url(request)
            if mfa.has_second_factor(user):
                services.record_signed_in(user=user, second_factor="pending")
                return redirect(_with_next("people:verify", next_url))
            services.record_signed_in(user=user, second_factor="none")
            if settings.SAFEGUARD_REQUIRE_MFA:
                return redirect(_with_next("people:enrol", next_url))
            return redirect(next_url)
    return render(request, "people/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_signed_out(user=request.user)
    logout(request)
    messages.info(request, "You have signed out")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response. The same for an address that has an account and one that has not."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "people/locked_out.html", {"cooloff_minutes": minutes}, status=429)


# --- Second factor: verification after the password -----------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not mfa.has_second_factor(user):  # type: ignore[arg-type]
        return redirect(_with_next("people:enrol", next_url))
    form = TOTPCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result = mfa.verify_totp(user=user, token=form.cleaned_data["code"])  # type: ignore[arg-type]
        if result.ok:
            _complete_second_factor(request, result.device)
            return redirect(next_url)
        form.add_error("code", _code_error(result))
    return render(request, "people/verify.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def verify_recovery(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not mfa.has_second_factor(user):  # type: ignore[arg-type]
        return redirect(_with_next("people:enrol", next_url))
    form = RecoveryCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result = mfa.verify_recovery_code(user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        if result.ok:
            _complete_second_factor(request, result.device)
            left = mfa.recovery_codes_left(user)  # type: ignore[arg-type]
            messages.warning(
                request,
                f"You used a recovery code. You have {left} left. "
                "Create new recovery codes from your account page if you are running low",
            )
            return redirect(next_url)
        form.add_error("code", _code_error(result, recovery=True))
    return render(request, "people/verify_recovery.html", {"form": form, "next": next_url})


# --- Second factor: enrolment and recovery codes ---------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if mfa.has_second_factor(user):  # type: ignore[arg-type]
        # Replacing an app must not be a way round verifying with the current one.
        if not user.is_verified():  # type: ignore[union-attr]
            return redirect(_with_next("people:verify", next_url))
        messages.info(request, "Two-factor authentication is already set up")
        return redirect("people:account")
    device = mfa.pending_totp_device(user)  # type: ignore[arg-type]
    form = TOTPCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result, codes = mfa.confirm_totp_device(user=user, token=form.cleaned_data["code"])  # type: ignore[arg-type]
        if result.ok:
            _complete_second_factor(request, result.device)
            request.session[PENDING_CODES_KEY] = codes
            return redirect(_with_next("people:recovery_codes", next_url))
        form.add_error("code", _code_error(result))
    context = {
        "form": form,
        "next": next_url,
        # The SVG is generated by the qrcode package from the device's own address, not from user input.
        "qr_svg": Markup(mfa.qr_code_svg(device)),  # noqa: S704
        "secret": mfa.secret_for_display(device),
    }
    return render(request, "people/enrol.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not mfa.has_second_factor(user):  # type: ignore[arg-type]
        return redirect("people:account")
    if request.method == "POST":
        request.session[PENDING_CODES_KEY] = mfa.regenerate_recovery_codes(user=user)  # type: ignore[arg-type]
        return redirect("people:recovery_codes")
    # Shown once: a reload, or a later visit, shows how many are left instead of the codes themselves.
    codes = request.session.pop(PENDING_CODES_KEY, None)
    context = {
        "codes": codes,
        "codes_left": mfa.recovery_codes_left(user),  # type: ignore[arg-type]
        "next": _next_url(request),
    }
    return render(request, "people/recovery_codes.html", context)


# --- Account -------------------------------------------------------------------------------------------


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_mfa = mfa.has_second_factor(user)  # type: ignore[arg-type]
    context = {
        "has_mfa": has_mfa,
        "codes_left": mfa.recovery_codes_left(user) if has_mfa else 0,  # type: ignore[arg-type]
        "mfa_required": settings.SAFEGUARD_REQUIRE_MFA,
    }
    return render(request, "people/account.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        user = services.change_password(
            actor=request.user,  # type: ignore[arg-type]
            user=request.user,  # type: ignore[arg-type]
            new_password=form.cleaned_data["new_password"],
            keep_session_key=request.session.session_key,
        )
        # The new password changes the session auth hash: keep this session, the others are ended.
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed. You have been signed out everywhere else")
        return redirect("people:account")
    return render(request, "people/change_password.html", {"form": form})
