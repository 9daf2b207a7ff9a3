"""The signed-in home page: what needs the person now, their first steps, and what they have going on.

It sits in the project package because it gathers from every app; each app supplies its part through
its selectors, and a section without data explains honestly what will appear there. The page leads: its one
primary button is the most urgent thing waiting for the person, or else their next first step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from matching.models import MatchProposal
from matching.selectors import proposals_of_mentee
from meetings.selectors import meetings_change_on_their_own, open_action_items, upcoming_meetings
from mentorship.accounts.models import Profile, User
from mentorship.accounts.page_parts import Rendered, earliest, page_part, part_key
from mentorship.accounts.selectors import Completeness, has_saved_hours, profile_completeness
from mentorship.accounts.services import profile_ensure
from mentorship.needs_you import ROWS_FRESH_FOR, Need, needs_you_for_request
from mentorship.notifications.plugins import bell_version
from programs.models import Enrollment, Program
from programs.selectors import LIVE_STATUSES, my_enrollments, programs_administered_by, programs_run_by
from relationships.models import Relationship, Side
from relationships.selectors import AgreementState, relationships_of, revisions_of


@dataclass
class HomeSection:
    key: str
    title: str
    empty_text: str
    items: list[Any] = field(default_factory=list)
    template: str = ""


def home_sections(
    *, user: User, enrollments: list[Enrollment], relationships: list[Relationship], administered: list[Program]
) -> list[HomeSection]:
    sections = []
    if user.is_program_admin:
        sections.append(
            HomeSection(
                key="administered",
                title=gettext_lazy("Programs you run"),
                empty_text=gettext_lazy("You do not run a program yet. Create one from Manage programs."),
                items=administered,
                template="programs/_home_administered.html",
            )
        )
    return [
        *sections,
        HomeSection(
            key="programs",
            title=gettext_lazy("My programs"),
            empty_text=gettext_lazy(
                "You have not joined a program yet. Browse the open programs to find one that fits."
            ),
            items=enrollments,
            template="programs/_home_enrollments.html",
        ),
        HomeSection(
            key="relationships",
            title=gettext_lazy("My relationships"),
            empty_text=gettext_lazy(
                "Once you are matched with a mentor, mentee or sponsor, the relationship appears here."
            ),
            items=relationships,
            template="relationships/_home_relationships.html",
        ),
        HomeSection(
            key="meetings",
            title=gettext_lazy("Upcoming meetings"),
            empty_text=gettext_lazy("No meetings scheduled. Meetings you plan with your match will be listed here."),
            items=upcoming_meetings(user=user),
            template="meetings/_home_meetings.html",
        ),
        HomeSection(
            key="actions",
            title=gettext_lazy("Open action items"),
            empty_text=gettext_lazy(
                "Nothing to follow up on. Action items agreed in meetings show up here, overdue first."
            ),
            items=open_action_items(user=user),
            template="meetings/_action_items.html",
        ),
    ]


# -- first steps ---------------------------------------------------------------------------------------------


# Compared by identity: the page marks one step, the next one, as its primary action.
@dataclass(frozen=True, eq=False)
class Step:
    """One first step: done or not, a word on where it stands, and the link that moves it on (if any)."""

    title: str
    done: bool
    hint: str = ""
    action: str = ""
    url: str = ""


@dataclass(frozen=True)
class Checklist:
    heading: str
    steps: list[Step]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)


@dataclass(frozen=True)
class FirstSteps:
    """A short checklist per role the person has, with how complete their profile is; gone once all is done."""

    completeness: Completeness
    checklists: list[Checklist]

    @property
    def visible(self) -> bool:
        return any(not checklist.done for checklist in self.checklists)

    @property
    def next_step(self) -> Step | None:
        steps = (step for checklist in self.checklists for step in checklist.steps)
        return next((step for step in steps if not step.done and step.action), None)


_CLOSED = (Enrollment.Status.WITHDRAWN, Enrollment.Status.DECLINED)


def _profile_step(profile: Profile) -> Step:
    # Not "complete your profile": the words would stay on the page after it is done.
    return Step(
        title=_("Fill in your profile"),
        done=profile.is_complete,
        hint=_("Matching reads it: your name, job title, team and seniority at least."),
        action=_("Fill in your profile"),
        url=reverse("profile_edit"),
    )


def _invited(enrollments: list[Enrollment]) -> Enrollment | None:
    return next((e for e in enrollments if e.status == Enrollment.Status.INVITED), None)


def _apply_url(enrollment: Enrollment) -> str:
    return reverse("programs:apply", args=[enrollment.program.slug, enrollment.role])


def _match_step(enrollments: list[Enrollment], matched: bool, requests: list[MatchProposal]) -> Step:
    title = _("Join a program and find your mentor")
    if matched:
        return Step(title=title, done=True)
    invited = _invited(enrollments)
    if invited:
        return Step(title=title, done=False, action=_("Accept the invitation"), url=_apply_url(invited))
    approved = [e for e in enrollments if e.status == Enrollment.Status.APPROVED]
    waiting = {p.program_id for p in requests if p.status == MatchProposal.Status.PROPOSED}
    for enrollment in approved:
        if enrollment.program.matching_mode == Program.MatchingMode.MENTEE_CHOOSES:
            if enrollment.program_id in waiting:
                return Step(title=title, done=False, hint=_("Your request waits for the mentor's answer."))
            url = reverse("matching:choose", args=[enrollment.program.slug])
            return Step(title=title, done=False, action=_("Choose your mentor"), url=url)
    if approved:
        return Step(title=title, done=False, hint=_("You are in. The program team is finding your match."))
    if enrollments:
        return Step(title=title, done=False, hint=_("Your application waits for a decision."))
    return Step(title=title, done=False, action=_("Find a program"), url=reverse("programs:list"))


def _goals_step(relationship: Relationship | None, user: User) -> Step:
    title = _("Agree your goals and your agreement")
    if relationship is None:
        return Step(title=title, done=False, hint=_("Once you are matched."))
    state = relationship.agreement_state
    if relationship.has_goals and state == AgreementState.BOTH:
        return Step(title=title, done=True)
    if not relationship.has_goals:
        url = reverse("relationships:goal_new", args=[relationship.pk])
        return Step(title=title, done=False, action=_("Add your goals"), url=url)
    if state is None:
        url = reverse("relationships:agreement_edit", args=[relationship.pk])
        return Step(title=title, done=False, action=_("Draft the agreement"), url=url)
    if not AgreementState.accepted_by(state, Side.MENTEE):
        url = relationship.get_absolute_url() + "#agreement"
        return Step(title=title, done=False, action=_("Accept the agreement"), url=url)
    other = relationship.other_person(user.pk).display_name
    return Step(title=title, done=False, hint=_("Waiting for %(name)s to accept the agreement.") % {"name": other})


def _meeting_step(relationship: Relationship | None) -> Step:
    title = _("Plan your first meeting")
    if relationship is not None and relationship.has_meetings:
        return Step(title=title, done=True)
    if relationship is None or not relationship.is_open:
        return Step(title=title, done=False, hint=_("Once you are matched."))
    url = reverse("meetings:schedule", args=[relationship.pk])
    return Step(title=title, done=False, action=_("Schedule your first meeting"), url=url)


def _mentee_checklist(
    user: User, profile: Profile, enrollments: list[Enrollment], relationships: list[Relationship]
) -> Checklist:
    mine = [r for r in relationships if r.mentee_id == user.pk]
    current = next((r for r in mine if r.is_open), mine[0] if mine else None)
    requests = proposals_of_mentee(user=user) if not mine else []
    return Checklist(
        heading=_("As a mentee"),
        steps=[
            _profile_step(profile),
            _match_step(enrollments, bool(mine), requests),
            _goals_step(current, user),
            _meeting_step(current),
        ],
    )


def _mentor_checklist(
    user: User,
    profile: Profile,
    enrollments: list[Enrollment],
    relationships: list[Relationship],
    needs: Sequence[Need],
) -> Checklist:
    answered = any(r.mentor_id == user.pk for r in relationships)
    signed_up = any(e.status in (Enrollment.Status.APPLIED, Enrollment.Status.APPROVED) for e in enrollments)
    invited = _invited(enrollments)
    capacity = Step(title=_("Say how many people you can take on"), done=signed_up)
    if not signed_up:
        capacity = (
            Step(capacity.title, False, action=_("Accept the invitation"), url=_apply_url(invited))
            if invited
            else Step(capacity.title, False, action=_("Volunteer in a program"), url=reverse("programs:list"))
        )
    waiting = any(need.kind in ("proposal", "mentee_request") for need in needs)
    return Checklist(
        heading=_("As a mentor or sponsor"),
        steps=[
            _profile_step(profile),
            capacity,
            Step(
                title=_("Tell people when you can meet"),
                done=has_saved_hours(user),
                action=_("Set your availability"),
                url=reverse("availability_edit"),
            ),
            Step(
                title=_("Answer the pairs proposed to you"),
                done=answered,
                hint="" if waiting else _("Nothing waits yet; you will hear as soon as someone is proposed."),
                action=_("Answer") if waiting else "",
                url=reverse("matching:proposals") if waiting else "",
            ),
        ],
    )


def _admin_checklist(profile: Profile, administered: QuerySet[Program]) -> Checklist:
    programs = list(administered.order_by("-created_at")[:20])
    draft = next((p for p in programs if p.status == Program.Status.DRAFT), None)
    live = next((p for p in programs if p.status in LIVE_STATUSES), None)
    paired = (
        Relationship.objects.filter(program__in=administered).exists()
        or MatchProposal.objects.filter(program__in=administered).exclude(status=MatchProposal.Status.DRAFT).exists()
    )
    invite = Step(title=_("Open enrollment and invite people"), done=live is not None)
    if live is None and draft is not None:
        invite = Step(
            invite.title, False, action=_("Open enrollment"), url=reverse("programs:setup", args=[draft.slug, "invite"])
        )
    match = Step(title=_("Review the applications and match people"), done=paired)
    if not paired and live is not None:
        match = Step(match.title, False, action=_("Go to matching"), url=reverse("matching:review", args=[live.slug]))
    return Checklist(
        heading=_("As a program administrator"),
        steps=[
            _profile_step(profile),
            Step(
                title=_("Create a program, one step at a time"),
                done=bool(programs),
                action=_("Create a program"),
                url=reverse("programs:setup_new"),
            ),
            invite,
            match,
        ],
    )


def first_steps(
    *,
    user: User,
    profile: Profile,
    enrollments: list[Enrollment],
    relationships: list[Relationship],
    needs: Sequence[Need],
) -> FirstSteps:
    current = [e for e in enrollments if e.status not in _CLOSED]
    as_mentee = [e for e in current if e.role == Enrollment.Role.MENTEE]
    as_helper = [e for e in current if e.offers_help]
    checklists = []
    if user.is_program_admin:
        checklists.append(_admin_checklist(profile, programs_run_by(user)))
    if as_helper or any(r.mentor_id == user.pk for r in relationships):
        checklists.append(_mentor_checklist(user, profile, as_helper, relationships, needs))
    if as_mentee or any(r.mentee_id == user.pk for r in relationships) or not checklists:
        checklists.append(_mentee_checklist(user, profile, as_mentee, relationships))
    return FirstSteps(completeness=profile_completeness(profile=profile), checklists=checklists)


# The home page's body is kept as long as the "needs you" list it leads with (your own forms and any notice to you
# renew it at once, as does any change to one of your relationships).
HOME_KEPT_FOR = ROWS_FRESH_FOR


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    user = request.user
    key = part_key(
        "home",
        request.get_full_path(),  # the forms of the list send people back to it
        user.pk,
        bell_version(user.pk),
        revisions_of(user=user),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    body = page_part(request, key=key, lifetime=HOME_KEPT_FOR, build=lambda: _home_body(request))
    return render(request, "home.html", {"body": body})


def _home_body(request: HttpRequest) -> Rendered:
    user = request.user
    profile = profile_ensure(user=user)
    enrollments = list(my_enrollments(user=user))
    relationships = relationships_of(user=user)
    administered = list(programs_administered_by(user)[:10]) if user.is_program_admin else []
    needs = needs_you_for_request(request)
    steps = first_steps(user=user, profile=profile, enrollments=enrollments, relationships=relationships, needs=needs)
    sections = home_sections(user=user, enrollments=enrollments, relationships=relationships, administered=administered)
    meetings = next(section.items for section in sections if section.key == "meetings")
    now = timezone.now()
    context = {
        "profile": profile,
        "needs": needs,
        "first_steps": steps,
        # The page's one primary button: the most urgent thing waiting, or else the next first step.
        "next_step": None if needs else steps.next_step,
        "sections": sections,
    }
    # Until the next meeting opens or ends, the day ends, or a deadline in the list passes.
    deadlines = (need.deadline for need in needs if need.deadline and need.deadline > now)
    fresh_until = earliest(meetings_change_on_their_own(meetings), *deadlines)
    return Rendered(template="_home_body.html", context=context, fresh_until=fresh_until)
