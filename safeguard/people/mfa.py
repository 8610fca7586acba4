"""The second factor: a TOTP authenticator app, with single-use recovery codes as the fallback.

A user has the second factor once they hold a *confirmed* TOTP device. Enrolment creates an unconfirmed
device, shows its secret (QR code and text) and confirms it only when the user proves their app produces
the right code. Recovery codes are django-otp static tokens: each one is deleted when it is used. The
token column holds only a keyed digest of each code (`recovery_code_digest`), never the code itself, so a
copy of the database does not hold working codes.

Every verification locks the device row, so two requests racing with the same code cannot both pass, and
django-otp's throttling (1, 2, 4, 8 ... seconds after successive failures) slows guessing down.
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import qrcode
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.timezone import now
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from safeguard.core.audit import record_event

if TYPE_CHECKING:
    from safeguard.people.models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class Outcome(Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    REUSED = "reused"
    THROTTLED = "throttled"
    NO_DEVICE = "no_device"


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VERIFIED


# --- Reads ---------------------------------------------------------------------------------------------


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan the QR code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code: no image request, no inline style."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


# --- Enrolment -----------------------------------------------------------------------------------------


@transaction.atomic
def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, created on first visit and kept so the QR code stays stable."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, user: User, token: str) -> tuple[Verification, list[str]]:
    """Confirm the pending device if `token` is its current code; returns the new recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return Verification(Outcome.NO_DEVICE), []
    result = _verify_totp(device, token)
    if not result.ok:
        return result, []
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per user: an older confirmed device or a half-finished enrolment goes.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _replace_recovery_codes(user)
    record_event(actor=user, action="user.mfa_enrolled", target=user, changes={"method": "totp"})
    return result, codes


# --- Recovery codes ------------------------------------------------------------------------------------


# django-otp's token column holds 16 characters: 64 bits of an HMAC keyed by SECRET_KEY. Without the key
# a stolen digest says nothing; with it, each guess still costs an HMAC. Rotating SECRET_KEY therefore
# voids recovery codes: users create new ones from their account page (their authenticator still works).
RECOVERY_DIGEST_LENGTH = 16


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed digest of its normalised form."""
    value = normalise_recovery_code(code)
    return salted_hmac("safeguard.people.recovery-code", value, algorithm="sha256").hexdigest()[
        :RECOVERY_DIGEST_LENGTH
    ]


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return sorted(codes)


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace every recovery code (used or not) with ten new ones. The old ones stop working at once."""
    if not has_second_factor(user):
        raise ValueError("Recovery codes need a confirmed authenticator app.")
    codes = _replace_recovery_codes(user)
    record_event(actor=user, action="user.recovery_codes_regenerated", target=user)
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()


# --- Verification --------------------------------------------------------------------------------------


def _wait_seconds(device: TOTPDevice | StaticDevice) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return 0
    return max(1, int((details["locked_until"] - now()).total_seconds() + 0.999))


def _verify_totp(device: TOTPDevice, token: str) -> Verification:
    wait = _wait_seconds(device)
    if wait:
        return Verification(Outcome.THROTTLED, device, wait)
    if device.verify_token(token):
        return Verification(Outcome.VERIFIED, device)
    if _was_already_used(device, token):
        return Verification(Outcome.REUSED, device)
    return Verification(Outcome.WRONG, device)


def _was_already_used(device: TOTPDevice, token: str) -> bool:
    """True when `token` is valid for this moment but at or before the last time step already accepted."""
    try:
        value = int(token)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return bool(totp.verify(value, device.tolerance)) and totp.t() <= device.last_t


@transaction.atomic
def verify_totp(*, user: User, token: str) -> Verification:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return Verification(Outcome.NO_DEVICE)
    result = _verify_totp(device, token)
    if result.ok:
        record_event(actor=user, action="user.mfa_verified", target=user, changes={"method": "totp"})
    return result


@transaction.atomic
def verify_recovery_code(*, user: User, code: str) -> Verification:
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not has_second_factor(user):
        return Verification(Outcome.NO_DEVICE)
    wait = _wait_seconds(device)
    if wait:
        return Verification(Outcome.THROTTLED, device, wait)
    if not device.verify_token(recovery_code_digest(code)):
        return Verification(Outcome.WRONG, device)
    record_event(
        actor=user,
        action="user.mfa_verified",
        target=user,
        changes={"method": "recovery_code", "recovery_codes_left": device.token_set.count()},
    )
    return Verification(Outcome.VERIFIED, device)
