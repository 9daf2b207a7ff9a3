"""Driving the searchable pickers (static/js/pickers.js) as a keyboard user does."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def pick(page: Page, label: str, typed: str) -> None:
    """Focus the picker, type until one choice is left, take it with Enter and move on with Tab."""
    picker = page.get_by_role("combobox", name=label)
    picker.focus()
    expect(picker).to_have_attribute("aria-expanded", "true")  # the list is open: typing now filters it
    page.keyboard.type(typed)
    expect(page.get_by_role("listbox", name=label).get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
