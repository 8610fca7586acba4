"""Extension points that let apps plug into core without core importing them.

Apps register in their AppConfig.ready(): an inbox provider returns the My work items due from a user;
a navigation provider returns the menu entries a user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    order: int = 100


NavProvider = Callable[[Any], Iterable[NavItem]]
_nav_providers: list[NavProvider] = []


def register_navigation(provider: NavProvider) -> NavProvider:
    if provider not in _nav_providers:
        _nav_providers.append(provider)
    return provider


def navigation_for(request: HttpRequest) -> list[NavItem]:
    items: list[NavItem] = []
    for provider in _nav_providers:
        items.extend(provider(request.user))
    return sorted(items, key=lambda item: (item.order, item.text))
