"""The agreement and the meeting schedule, completed with the keyboard alone: Tab, Shift+Tab, typing, Space, Enter.

No click and no fill(): every value is typed or chosen with keys into the element that has the focus, as someone
who cannot use a mouse would. Each control the focus stops on must show the house focus ring (a solid outline
of 2px or more in its computed style, see static/css/app.css). The skip link is the first Tab stop of a page,
shows itself when focused, and Enter takes the focus to the main content.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meetings.models import MeetingSeries
from meetings.tests import factories
from relationships.models import Agreement, Relationship
from tests.browser.conftest import signed_in_context

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"
MOST_TAB_STOPS = 80

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A searchable picker (Tom Select) draws the ring around its whole control, not around its inner text box.
  const picked = el.closest('.ts-wrapper.focus');
  const style = getComputedStyle(picked ? picked.querySelector('.ts-control') : el);
  // The house ring: a solid outline at least 2px wide (Bootstrap's faint 25% blue glow alone is too weak to see).
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const box = el.getBoundingClientRect();
  // The calendar or clock button inside a date or time field is a Tab stop of its own, inside the browser's
  // part of the field: the field no longer matches :focus, and the browser draws its own outline around the
  // button, which page styles cannot reach.
  const picker = ['date', 'time'].includes(el.type) && !el.matches(':focus');
  return {
    tag: el.tagName.toLowerCase(), name: el.name || '', id: el.id || '', text: (el.innerText || el.value || '').trim(),
    type: el.type || '', ring: Boolean(outline || picker), width: box.width, height: box.height,
    skip: el.classList.contains('skip-link'),
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED) or {}


def tab_to(page: Page, wanted: Any, *, key: str = "Tab") -> dict[str, Any]:
    """Press Tab until the focused element is the wanted one; every stop on the way must show its focus."""
    for _stop in range(MOST_TAB_STOPS):
        page.keyboard.press(key)
        now = focused(page)
        assert now, "the focus left the page"
        assert now["ring"], f"no visible focus on {now}"
        if wanted(now):
            return now
    raise AssertionError(f"no Tab stop matched within {MOST_TAB_STOPS} presses; the last was {focused(page)}")


def named(name: str) -> Any:
    return lambda element: element["name"] == name


def button(label: str) -> Any:
    return lambda element: element["tag"] == "button" and element["text"].startswith(label)


def type_over(page: Page, text: str) -> None:
    """Select what the field holds (a suggestion the page filled in), then type over it."""
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def us_date(day: datetime.date) -> str:
    """What one types into a date field in an en-US browser: month, day, year."""
    return day.strftime("%m%d%Y")


@pytest.fixture
def pair(make_user: Any, program_admin: Any) -> Relationship:
    mentee = make_user(email="kim.mentee@example.com", full_name="Kim Mentee")
    mentor = make_user(email="lou.mentor@example.com", full_name="Lou Mentor")
    return factories.pair(
        factories.running_program(program_admin, "Keyboard Pilot"), mentee, mentor, created_by=program_admin
    )


@pytest.fixture
def keyboard_page(browser: Browser, live_server: Any, pair: Relationship) -> Any:
    context = signed_in_context(browser, live_server.url, pair.mentee, locale="en-US", timezone_id="Europe/Berlin")
    yield context.new_page()
    context.close()


def skip_to_main(page: Page) -> None:
    """The first Tab stop is the skip link; it shows itself, and Enter puts the focus on the main content."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert first.get("skip"), f"the first Tab stop is {first}, not the skip link"
    assert first["width"] > 20 and first["height"] > 10, f"the focused skip link is not visible: {first}"
    assert first["ring"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert focused(page)["id"] == "main", f"Enter on the skip link left the focus on {focused(page)}"


def test_the_agreement_with_the_keyboard_alone(keyboard_page: Page, pair: Relationship) -> None:
    page = keyboard_page
    page.goto(f"/relationships/{pair.pk}/agreement/edit/")
    skip_to_main(page)

    tab_to(page, named("cadence"))
    page.keyboard.type("Every two")  # a closed list picks the option whose label starts with what is typed
    assert page.evaluate("document.activeElement.value") == "biweekly"
    tab_to(page, named("meeting_minutes"))
    for _step in range(3):
        page.keyboard.press("ArrowUp")  # 60, in steps of 5
    tab_to(page, named("mentee_responsibilities"))
    type_over(page, "Bring the topics and the notes")
    # One step on and back: Shift+Tab returns to the field just left, with what was typed.
    page.keyboard.press("Tab")
    tab_to(page, named("mentee_responsibilities"), key="Shift+Tab")
    assert page.evaluate("document.activeElement.value") == "Bring the topics and the notes"
    tab_to(page, named("mentor_responsibilities"))
    type_over(page, "Listen, ask, open doors")
    tab_to(page, named("desired_outcomes"))
    type_over(page, "Lead a design review by spring")
    tab_to(page, named("confidentiality"))
    type_over(page, "What we say stays between us")
    review = timezone.localdate() + datetime.timedelta(days=90)
    tab_to(page, named("review_on"))
    page.keyboard.type(us_date(review))
    tab_to(page, named("channels_text"))
    type_over(page, "Chat: quick questions")
    tab_to(page, lambda element: element["tag"] == "button" or element["type"] == "submit")
    page.keyboard.press("Space")
    expect(page.get_by_text("Agreement saved.")).to_be_visible()

    agreement = Agreement.objects.get(relationship=pair)
    assert agreement.cadence == "biweekly"
    assert agreement.meeting_minutes == 75
    assert agreement.mentee_responsibilities == "Bring the topics and the notes"
    assert agreement.mentor_responsibilities == "Listen, ask, open doors"
    assert agreement.confidentiality == "What we say stays between us"
    assert agreement.review_on == review
    assert agreement.desired_outcomes == "Lead a design review by spring"
    assert "quick questions" in str(agreement.channels)


def test_the_schedule_with_the_keyboard_alone(keyboard_page: Page, pair: Relationship) -> None:
    page = keyboard_page
    page.goto(f"/meetings/schedule/{pair.pk}/")
    skip_to_main(page)

    # The schedule form's own cadence, not the one above the proposed times (which only changes the proposals).
    tab_to(page, lambda element: element["id"] == "id_frequency")
    page.keyboard.type("Every week")
    assert page.evaluate("document.activeElement.value") == "weekly"
    first = timezone.localdate() + datetime.timedelta(days=7)
    tab_to(page, named("first_date"))
    page.keyboard.type(us_date(first))
    tab_to(page, named("start_time"))
    page.keyboard.type("0930AM")
    tab_to(page, named("provider"))
    page.keyboard.type("Zoom")
    tab_to(page, named("location"))
    type_over(page, ZOOM)
    tab_to(page, button("Schedule"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()

    series = MeetingSeries.objects.get(relationship=pair)
    assert "FREQ=WEEKLY" in series.rrule
    assert (series.first_date, series.start_time, series.provider) == (first, datetime.time(9, 30), "zoom")
    assert series.location == ZOOM
    assert series.meetings.exists()
