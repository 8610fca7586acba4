from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from safeguard.people.mfa import normalise_recovery_code


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def clean_email(self) -> str:
        # One spelling per address, so that lockout counts "Pat@X" and "pat@x" as the same username.
        return self.cleaned_data["email"].strip().lower()


class TOTPCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code shown in the app, for example 123456",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError("The code must be 6 digits, like 123456")
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you saved when you set up two-factor authentication",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
        error_messages={"required": "Enter a recovery code"},
    )

    def clean_code(self) -> str:
        code = normalise_recovery_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError("Enter a recovery code")
        return code


# GOV.UK wording for Django's password validators, keyed by their error codes.
def _password_message(error: ValidationError) -> str:
    params: dict[str, Any] = error.params or {}
    messages = {
        "password_too_short": f"Your new password must be {params.get('min_length', 12)} characters or more",
        "password_too_common": "Your new password is too easy to guess. Choose a different one",
        "password_too_similar": "Your new password must not be like your name or email address",
        "password_entirely_numeric": "Your new password must not be only numbers",
    }
    return messages.get(error.code or "", " ".join(error.messages))


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    new_password = forms.CharField(
        label="New password",
        help_text=(
            "Use 12 characters or more. A few unrelated words make a password that is easy to remember "
            "and hard to guess."
        ),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    confirm_password = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your new password again"},
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError("Your current password is incorrect")
        return password

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        try:
            password_validation.validate_password(password, self.user)
        except ValidationError as invalid:
            raise ValidationError([_password_message(e) for e in invalid.error_list]) from invalid
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, confirm = cleaned.get("new_password"), cleaned.get("confirm_password")
        if new and confirm and new != confirm:
            self.add_error("confirm_password", "The passwords do not match. Enter your new password again")
        return cleaned
