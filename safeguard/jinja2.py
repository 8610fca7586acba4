"""The Jinja2 environment for every page: Django's helpers plus the GOV.UK Frontend macros."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from safeguard.core.govuk_forms import error_summary_items, field_params


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    app_loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [app_loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - autoescape is set on in settings.TEMPLATES
    env.globals.update(
        {
            "static": staticfiles_storage.url,
            "url": url,
            "get_messages": messages.get_messages,
            "govuk_field": field_params,
            "govuk_error_items": error_summary_items,
        }
    )
    return env
