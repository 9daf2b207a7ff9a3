"""Every URL of the project, once: sample arguments, the rightful user, who else may use it, where its forms are.

One entry per URL name. The access matrix (tests/access/test_every_url.py) requests each URL as anonymous, as
strangers and as the rightful user; the bad-input sweep (tests/sweep/test_every_form.py) opens the pages that
show the URL's forms and sends them bad input. Both walk the URL map and fail for a URL without an entry here,
so a new URL needs this one registration and nothing else.

The personas are the people of the sweep's organisation (tests/sweep/world.py): ``mentee`` and ``mentor`` of
the main pair, ``admin`` who runs the programs, ``operator`` (a superuser), ``outsider`` (an employee with no part
in anything), ``other_admin`` (who runs another program) and the others named there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mentorship.accounts.tests.factories import PASSWORD
from programs.forms import SETUP_STEPS
from tests.sweep.world import ZOOM, World

PROJECT_PACKAGES = ("mentorship", "programs", "relationships", "meetings", "matching", "insights")

Arg = Callable[[World], Any]
Visit = tuple[str, Callable[[World], str]]  # (persona, the page's path)


class Audience:
    """Who besides the rightful user may use a URL. Everyone else signed in gets 404, anonymous the login page."""

    PUBLIC = "public"  # anyone, signed in or not (the health check)
    TOKEN = "token"  # whoever holds the secret in the URL, signed in or not; a made-up secret is 404
    SIGNED_IN = "signed in"  # every signed-in person, each about their own things (home, profile, preferences)
    ADMINS = "program administrators"  # anyone with the role, each seeing the programs they run
    PARTIES = "parties"  # the rightful user and those named in ``allowed`` (the other side of a pair...)


# The strangers every guarded URL refuses: an employee with no part in anything, and the administrator of another
# program (who runs a program, but not this one).
STRANGERS = ("outsider", "other_admin")


@dataclass(frozen=True)
class Url:
    """One URL name: how to build a sample path, who may use it, and what the sweep needs to reach its forms.

    ``refused`` adds personas who must get ``refused_with`` besides the strangers: the other side of a pair where
    the URL is one person's own (a private note), a participant for a program's management pages.
    ``form_on`` are the pages that show the forms posting to this URL (the URL itself when empty); ``base`` fills
    fields those pages leave empty; ``writes`` says whether the form as filled in saves something; ``has_form``
    is False for a URL that takes no form (a download, a list); ``status`` is what the rightful user's GET answers.
    """

    who: str
    args: tuple[Arg, ...] = ()
    audience: str = Audience.PARTIES
    allowed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    refused_with: int = 404
    readable_by_strangers: bool = False  # strangers may GET it (and are refused a POST with refused_with)
    form_on: tuple[Visit, ...] = ()
    base: dict[str, Any] = field(default_factory=dict)  # a value may be a function of the world
    writes: bool = True
    has_form: bool = True
    status: int = 200

    def path(self, name: str, world: World) -> str:
        return reverse(name, args=[arg(world) for arg in self.args])

    def strangers(self) -> tuple[str, ...]:
        """Signed-in personas who must be refused."""
        if self.audience in (Audience.PUBLIC, Audience.TOKEN, Audience.SIGNED_IN):
            return self.refused
        if self.audience == Audience.ADMINS:
            return ("outsider", *self.refused)
        return tuple(dict.fromkeys(person for person in (*STRANGERS, *self.refused) if person not in self.allowed))


def page(persona: str, name: str, *args: Arg) -> Visit:
    return persona, lambda w: reverse(name, args=[arg(w) for arg in args])


def only(who: str, *args: Arg, **more: Any) -> Url:
    """A URL that takes no form: a page, a list, a download."""
    return Url(who, args, has_form=False, **more)


REL = lambda w: w.relationship.pk  # noqa: E731
SPONSOR = lambda w: w.sponsorship.pk  # noqa: E731
PAUSED = lambda w: w.paused.pk  # noqa: E731
ENDED = lambda w: w.ended.pk  # noqa: E731
GOAL = lambda w: w.goal.pk  # noqa: E731
MILESTONE = lambda w: w.milestone.pk  # noqa: E731
NOTE = lambda w: w.note.pk  # noqa: E731
MEETING = lambda w: w.meeting.pk  # noqa: E731
STARTED = lambda w: w.started.pk  # noqa: E731
SERIES = lambda w: w.series.pk  # noqa: E731
PROGRAM = lambda w: w.program.slug  # noqa: E731
APPLICATIONS = lambda w: w.applications.slug  # noqa: E731
CHOOSING = lambda w: w.chooser_program.slug  # noqa: E731
DRAFT = lambda w: w.draft.slug  # noqa: E731
ADVOCACY = lambda w: w.advocacy.pk  # noqa: E731
VERSION = lambda w: w.relationship.agreements.first().version  # noqa: E731
PROPOSAL = lambda w: w.proposal.pk  # noqa: E731
DETAIL = page("mentee", "relationships:detail", REL)
MEETING_PAGE = page("mentee", "meetings:detail", MEETING)
PAIR_PAGE = page("admin", "insights:pair", REL)
PAIR = ("mentor",)  # the other side of the main pair, who may use what both share
# A program's participant who does not run it: its management pages do not exist for them.
PARTICIPANT = ("mentee",)
# What only operators (superusers) may open: program administrators are not operators.
NOT_OPERATORS = ("admin", "mentee")


def _const(value: Any) -> Arg:
    return lambda w: value


URLS: dict[str, Url] = {
    "home": only("mentee", audience=Audience.SIGNED_IN),
    "healthz": only("anonymous", audience=Audience.PUBLIC),
    "favicon": only("anonymous", audience=Audience.PUBLIC),
    "profile_detail": only("mentee", audience=Audience.SIGNED_IN),
    # Saving the same values again at a frozen clock changes no row, so edit forms change one thing.
    "profile_edit": Url("mentee", audience=Audience.SIGNED_IN, base={"location": "Lisbon"}),
    "skill_suggestions": only("mentee", audience=Audience.SIGNED_IN),
    # The page shows the default week ticked, so sending it as filled in saves the person's first hours.
    "availability_edit": Url("mentee", audience=Audience.SIGNED_IN),
    "calendar_feed": only("anonymous", lambda w: w.feed_token, audience=Audience.TOKEN),
    # matching
    "matching:proposals": only("busy_mentor", audience=Audience.SIGNED_IN),
    "matching:proposal_respond": Url(
        "busy_mentor",
        (PROPOSAL, _const("decline")),
        allowed=("waiting_mentee",),
        refused=("spare_mentor",),
        form_on=(page("busy_mentor", "matching:proposals"), page("waiting_mentee", "matching:proposals")),
        base={"text": "Not this quarter"},
    ),
    "matching:review": Url("admin", (PROGRAM,), refused=PARTICIPANT),
    "matching:publish": Url("admin", (PROGRAM,), refused=PARTICIPANT),
    "matching:relationships": Url("admin", (PROGRAM,), refused=PARTICIPANT),
    "matching:choose": Url("chooser", (CHOOSING,), refused=("mentee",)),
    # programs
    "programs:list": only("mentee", audience=Audience.SIGNED_IN),
    "programs:manage_list": only("admin", audience=Audience.ADMINS, refused=PARTICIPANT),
    "programs:create": Url("admin", audience=Audience.ADMINS, refused=PARTICIPANT, base={"name": "A new program"}),
    "programs:setup_new": Url(
        "admin", audience=Audience.ADMINS, refused=PARTICIPANT, base={"name": "A set-up program"}
    ),
    # Each step saves its part; saving the page's own values again changes nothing, so no write is expected.
    "programs:setup": Url(
        "admin",
        (DRAFT, _const("basics")),
        refused=PARTICIPANT,
        writes=False,
        form_on=tuple(page("admin", "programs:setup", DRAFT, _const(step)) for step, _label in SETUP_STEPS),
    ),
    # Whoever holds the link may read whose invitation it is; only the invited account may accept (403 for the
    # others: the link already told them the invitation exists).
    "programs:invitation": Url(
        "invitee",
        (lambda w: w.invitation_token,),
        audience=Audience.TOKEN,
        refused=("outsider",),
        refused_with=403,
        readable_by_strangers=True,
    ),
    # An open program: any employee may read about it and apply.
    "programs:detail": only("mentee", APPLICATIONS, audience=Audience.SIGNED_IN),
    "programs:apply": Url(
        "mentee", (APPLICATIONS, _const("mentee")), audience=Audience.SIGNED_IN, base={"goal_categories": "skills"}
    ),
    "programs:withdraw": Url(
        "applicant",
        (APPLICATIONS, lambda w: w.enrollment.pk),
        refused=("mentee",),
        form_on=(page("applicant", "programs:detail", APPLICATIONS),),
    ),
    "programs:manage": only("admin", PROGRAM, refused=PARTICIPANT),
    "programs:edit": Url("admin", (PROGRAM,), refused=PARTICIPANT, base={"description": "Changed."}),
    "programs:status": Url(
        "admin", (PROGRAM,), refused=PARTICIPANT, form_on=(page("admin", "programs:manage", PROGRAM),)
    ),
    "programs:questions": Url(
        "admin", (APPLICATIONS,), refused=("applicant",), base={"questions-4-prompt": "One more question?"}
    ),
    "programs:invite": Url(
        "admin", (APPLICATIONS,), refused=("applicant",), base={"addresses": "new.person@example.com"}
    ),
    "programs:invitations": Url("admin", (APPLICATIONS,), refused=("applicant",), writes=False),
    "programs:roster": Url("admin", (APPLICATIONS,), refused=("applicant",), writes=False),
    "programs:decide": Url(
        "admin",
        (APPLICATIONS,),
        refused=("applicant",),
        base={"selected": lambda w: [str(w.enrollment.pk)]},
        form_on=(page("admin", "programs:roster", APPLICATIONS),),
    ),
    # A job is shown only to the administrator who started it.
    "programs:job": only("admin", PROGRAM, lambda w: w.job_running.pk, refused=PARTICIPANT),
    "programs:job_status": only("admin", PROGRAM, lambda w: w.job_running.pk, refused=PARTICIPANT),
    "programs:job_result": only("admin", PROGRAM, lambda w: w.job_done.pk, refused=PARTICIPANT),
    # relationships
    "relationships:list": only("mentee", audience=Audience.SIGNED_IN),
    "relationships:detail": only("mentee", REL, allowed=PAIR),
    "relationships:goal_new": Url("mentee", (REL,), allowed=PAIR),
    "relationships:goal_edit": Url("mentee", (REL, GOAL), allowed=PAIR),
    "relationships:goal_comment": Url("mentee", (REL, GOAL), allowed=PAIR, form_on=(DETAIL,)),
    "relationships:milestone_add": Url("mentee", (REL, GOAL), allowed=PAIR, form_on=(DETAIL,)),
    "relationships:milestone_toggle": Url("mentee", (REL, MILESTONE), allowed=PAIR, form_on=(DETAIL,)),
    "relationships:agreement_edit": Url("mentee", (REL,), allowed=PAIR),
    "relationships:agreement_version": only("mentee", REL, VERSION, allowed=PAIR),
    "relationships:agreement_accept": Url("mentee", (REL, VERSION), allowed=PAIR, form_on=(DETAIL,)),
    "relationships:advocacy_new": Url("mentor", (SPONSOR,), allowed=("mentee",)),
    "relationships:advocacy_edit": Url("mentor", (SPONSOR, ADVOCACY), allowed=("mentee",)),
    "relationships:advocacy_followup": Url(
        "mentee", (SPONSOR, ADVOCACY), allowed=PAIR, form_on=(page("mentee", "relationships:detail", SPONSOR),)
    ),
    "relationships:note_add": Url("mentee", (REL,), allowed=PAIR, form_on=(DETAIL,)),
    # A private note is its author's alone: the other side of the pair gets 404 like a stranger.
    "relationships:note_delete": Url("mentee", (REL, NOTE), refused=PAIR, form_on=(DETAIL,)),
    "relationships:pause": Url("mentee", (REL,), allowed=PAIR, form_on=(DETAIL,)),
    "relationships:resume": Url(
        "paused_mentee",
        (PAUSED,),
        allowed=("paused_mentor",),
        refused=("mentee",),
        form_on=(page("paused_mentee", "relationships:detail", PAUSED),),
    ),
    "relationships:end": Url("mentee", (REL,), allowed=PAIR, base={"outcome": "completed"}),
    "relationships:reflect": Url("ended_mentee", (ENDED,), allowed=("ended_mentor",), refused=("mentee",)),
    # meetings
    "meetings:schedule": Url("mentee", (REL,), allowed=PAIR, base={"location": ZOOM}),
    "meetings:series_edit": Url("mentee", (SERIES,), allowed=PAIR),
    "meetings:series_end": Url(
        "mentee", (SERIES,), allowed=PAIR, form_on=(page("mentee", "meetings:series_edit", SERIES),)
    ),
    "meetings:series_ics": only("mentee", SERIES, allowed=PAIR),
    "meetings:detail": only("mentee", MEETING, allowed=PAIR),
    "meetings:ics": only("mentee", MEETING, allowed=PAIR),
    "meetings:edit": Url("mentee", (MEETING,), allowed=PAIR),
    "meetings:cancel": Url("mentee", (MEETING,), allowed=PAIR, form_on=(MEETING_PAGE,)),
    "meetings:agenda_add": Url("mentee", (MEETING,), allowed=PAIR, form_on=(MEETING_PAGE,)),
    "meetings:agenda_change": Url(
        "mentee", (lambda w: w.agenda_item.pk, _const("extra")), allowed=PAIR, form_on=(MEETING_PAGE,)
    ),
    # The meeting is still to come, so it can only have been cancelled.
    # The wrap-up opens once the meeting has started.
    "meetings:wrap_up": Url("mentee", (STARTED,), allowed=PAIR),
    "meetings:action_item_add": Url("mentee", (REL,), allowed=PAIR),
    "meetings:action_item_status": Url("mentee", (lambda w: w.action_item.pk,), allowed=PAIR, form_on=(DETAIL,)),
    "meetings:calendar_settings": Url("mentee", audience=Audience.SIGNED_IN),
    # notifications
    "notifications:list": only("mentee", audience=Audience.SIGNED_IN),
    # A notice is its addressee's alone.
    "notifications:open": Url(
        "mentee", (lambda w: w.notice.pk,), refused=PAIR, form_on=(page("mentee", "notifications:list"),)
    ),
    "notifications:read_all": Url(
        "mentee", audience=Audience.SIGNED_IN, form_on=(page("mentee", "notifications:list"),)
    ),
    "notifications:preferences": Url("mentee", audience=Audience.SIGNED_IN),
    "notifications:unsubscribe": Url("anonymous", (lambda w: w.unsubscribe_token,), audience=Audience.TOKEN),
    # insights. Downloads write only to the audit log, which the unchanged-state checks leave out.
    "insights:overview": only("admin", audience=Audience.ADMINS, refused=PARTICIPANT),
    "insights:at_risk": Url("admin", audience=Audience.ADMINS, refused=PARTICIPANT, writes=False),
    "insights:at_risk_csv": Url(
        "admin",
        audience=Audience.ADMINS,
        refused=PARTICIPANT,
        writes=False,
        form_on=(page("admin", "insights:at_risk"),),
    ),
    "insights:dashboard": only("admin", PROGRAM, refused=PARTICIPANT),
    "insights:relationships_csv": Url(
        "admin", (PROGRAM,), refused=PARTICIPANT, writes=False, form_on=(page("admin", "insights:dashboard", PROGRAM),)
    ),
    "insights:funnel_csv": Url(
        "admin", (PROGRAM,), refused=PARTICIPANT, writes=False, form_on=(page("admin", "insights:dashboard", PROGRAM),)
    ),
    "insights:pair": only("admin", REL, refused=PARTICIPANT),
    "insights:pair_nudge": Url("admin", (REL,), refused=PARTICIPANT, form_on=(PAIR_PAGE,)),
    "insights:pair_pause": Url("admin", (REL,), refused=PARTICIPANT, form_on=(PAIR_PAGE,)),
    "insights:pair_end": Url("admin", (REL,), refused=PARTICIPANT, form_on=(PAIR_PAGE,)),
    "insights:pair_rematch": Url("admin", (REL,), refused=PARTICIPANT, form_on=(PAIR_PAGE,)),
    # personal data: each person's own
    "privacy:my_data": only("mentee", audience=Audience.SIGNED_IN),
    "privacy:download": Url(
        "mentee", audience=Audience.SIGNED_IN, writes=False, form_on=(page("mentee", "privacy:my_data"),)
    ),
    "privacy:erasure_request": Url(
        "mentee", audience=Audience.SIGNED_IN, base={"password": PASSWORD}, form_on=(page("mentee", "privacy:my_data"),)
    ),
    "privacy:erasure_withdraw": Url(
        "leaver", audience=Audience.SIGNED_IN, form_on=(page("leaver", "privacy:my_data"),)
    ),
    # operators (superusers)
    "privacy:queue": only("operator", refused=NOT_OPERATORS),
    "privacy:confirm": Url(
        "operator",
        (lambda w: w.deletion_request.pk,),
        refused=NOT_OPERATORS,
        form_on=(page("operator", "privacy:queue"),),
    ),
    "audit:log": Url("operator", refused=NOT_OPERATORS, writes=False),
    "audit:export": Url("operator", refused=NOT_OPERATORS, writes=False, form_on=(page("operator", "audit:log"),)),
    # The admin's own login and password pages only send people on to allauth's.
    "admin:login": only("operator", refused=NOT_OPERATORS, status=302),
    "admin:password_change": only("operator", refused=NOT_OPERATORS, status=302),
    "admin:password_change_done": only("operator", refused=NOT_OPERATORS, status=302),
}


def project_url_names() -> set[str]:
    """Every named URL whose view lives in the project (the admin's and allauth's are theirs to test)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in PROJECT_PACKAGES:
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def missing_and_gone() -> tuple[list[str], list[str]]:
    """URL names without an entry, and entries naming URLs that no longer exist."""
    names = project_url_names()
    return sorted(names - set(URLS)), sorted(set(URLS) - names)
