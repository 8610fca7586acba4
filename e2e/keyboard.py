"""Keyboard helpers for journeys: move focus with Tab only and check that focus can be seen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

_MAX_TABS = 40

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    classes: el.className && el.className.baseVal === undefined ? el.className : "",
  };
}"""

# Visible focus, as GOV.UK Frontend draws it: a solid, non-transparent outline of some width, or a box shadow
# (links and buttons use a yellow background plus a black underline shadow; inputs a yellow outline).
_FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outlineWidth = parseFloat(s.outlineWidth) || 0;
  const transparent = (c) => c === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(c);
  return {
    outline: s.outlineStyle !== "none" && outlineWidth > 0 && !transparent(s.outlineColor),
    boxShadow: s.boxShadow && s.boxShadow !== "none",
    description: `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow: ${s.boxShadow}`,
  };
}"""


def focused(page: Page) -> dict[str, Any] | None:
    """What has focus: its tag, id, text and classes; None when nothing does."""
    return page.evaluate(_FOCUSED)


def tab_to(page: Page, selector: str, *, shift: bool = False) -> None:
    """Press Tab (or Shift+Tab) until an element matching `selector` has focus; fail if none ever does.

    `selector` is any Playwright selector, such as "button:has-text('Save')".
    """
    key = "Shift+Tab" if shift else "Tab"
    seen = []
    for _ in range(_MAX_TABS):
        page.keyboard.press(key)
        if page.locator(selector).evaluate_all("(els) => els.includes(document.activeElement)"):
            return
        seen.append(focused(page))
    raise AssertionError(f"{selector!r} never received focus with {key}; focus went through: {seen}")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (outline or box shadow)."""
    style = page.evaluate(_FOCUS_STYLE)
    assert style is not None, "nothing has focus"
    assert style["outline"] or style["boxShadow"], (
        f"focus is not visible on {focused(page)}: {style['description']}"
    )
