"""The shared relationship page and every write on it. Views bind a form, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship.accounts.models import User
from mentorship.accounts.page_parts import Rendered, earliest, page_part
from mentorship.accounts.submissions import submitted_once
from mentorship.common.views import run_service
from relationships import selectors, services
from relationships.agreement_template import agreement_draft
from relationships.forms import (
    AdvocacyForm,
    AgreementForm,
    CommentForm,
    EndForm,
    FollowupForm,
    GoalForm,
    MilestoneForm,
    NoteForm,
    PauseForm,
    ReflectionForm,
)
from relationships.models import Milestone, Relationship, Side
from relationships.plugins import relationship_panels


def _back(relationship: Relationship, anchor: str = "") -> HttpResponse:
    return redirect(relationship.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _refuse(request: HttpRequest, relationship: Relationship, message: str, anchor: str) -> HttpResponse:
    """Send the person back with the reason; an ended relationship is the reason whoever asks."""
    if not relationship.is_open:
        message = _("This relationship has ended; it can be read but no longer changed.")
    messages.error(request, message)
    return _back(relationship, anchor)


@login_required
@require_GET
def relationship_list(request: HttpRequest) -> HttpResponse:
    return render(request, "relationships/list.html", {"relationships": selectors.relationships_of(user=request.user)})


@login_required
@require_GET
def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    body = page_part(
        request,
        key=selectors.page_key(relationship, side=side, viewer=request.user, path=request.get_full_path()),
        lifetime=PAGE_KEPT_FOR,
        build=lambda: _page_body(relationship, side, request.user),
    )
    return render(request, "relationships/detail.html", {"relationship": relationship, "body": body})


# The page's body is kept at most this long. A change to the pair shows at once (its revision is in the key); this
# bounds what the key does not name, such as a program's goal categories edited meanwhile.
PAGE_KEPT_FOR = 15 * 60


def _page_body(relationship: Relationship, side: str, viewer: User) -> Rendered:
    page = selectors.relationship_page(relationship=relationship, side=side, viewer=viewer)
    next_step = ""
    if side != Side.ADMIN:
        selectors.progress_from_page(relationship, page)
        next_step = selectors.next_step(relationship, viewer_id=viewer.pk)
    panels = [panel(relationship=relationship, side=side, viewer=viewer) for panel in relationship_panels]
    context = {
        "panels": panels,
        "next_step": next_step,
        "relationship": relationship,
        "side": side,
        "is_admin_view": side == Side.ADMIN,
        "page": page,
        "agreement_accepted_by_me": page.agreement.accepted_by(side) if page.agreement else False,
    }
    # Panels of higher apps say until when they hold (a meeting about to start changes the meetings panel).
    fresh_until = earliest(*(panel.get("fresh_until") for panel in panels))
    return Rendered(template="relationships/_detail_body.html", context=context, fresh_until=fresh_until)


# -- goals -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_id: int | None = None) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    goal = None
    if goal_id is not None:
        goal = relationship.goals.filter(pk=goal_id).first()
        if goal is None:
            raise Http404("No such goal")
    if side != Side.MENTEE or not relationship.is_open:
        message = _("Goals belong to the mentee; only they can add or change them.")
        return _refuse(request, relationship, message, "goals")
    form = GoalForm(request.POST or None, instance=goal, program=relationship.program)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in GoalForm.Meta.fields}
        saved = run_service(
            request,
            submitted_once(
                request,
                lambda: services.goal_save(
                    relationship=relationship, side=side, actor=request.user, goal=goal, **fields
                ),
            ),
            success=_("Goal saved."),
        )
        if saved:
            return _back(relationship, "goals")
    return render(request, "relationships/goal_form.html", {"relationship": relationship, "form": form, "goal": goal})


@login_required
@require_POST
def goal_comment(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    goal = relationship.goals.filter(pk=goal_id).first()
    if goal is None or side == Side.ADMIN:
        raise Http404("No such goal")
    form = CommentForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            submitted_once(
                request,
                lambda: services.goal_comment(goal=goal, side=side, actor=request.user, body=form.cleaned_data["body"]),
            ),
            success=_("Comment posted."),
        )
    else:
        messages.error(request, _("Write something before posting the comment."))
    return _back(relationship, f"goal-{goal.pk}")


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    goal = relationship.goals.filter(pk=goal_id).first()
    if goal is None or side == Side.ADMIN:
        raise Http404("No such goal")
    form = MilestoneForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            submitted_once(
                request,
                lambda: services.milestone_add(
                    goal=goal, side=side, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"]
                ),
            ),
            success=_("Milestone added."),
        )
    else:
        messages.error(request, _("A milestone needs a title (and a valid date, if you give one)."))
    return _back(relationship, f"goal-{goal.pk}")


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    milestone = Milestone.objects.filter(pk=milestone_id, goal__relationship=relationship).first()
    if milestone is None or side == Side.ADMIN:
        raise Http404("No such milestone")
    run_service(
        request, lambda: services.milestone_toggle(milestone=milestone, side=side), success=_("Milestone updated.")
    )
    return _back(relationship, f"goal-{milestone.goal_id}")


# -- agreement ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    if side == Side.ADMIN or not relationship.is_open:
        message = _("Only the two people in the relationship draft the agreement.")
        return _refuse(request, relationship, message, "agreement")
    current = relationship.agreements.first()
    base = current or agreement_draft(relationship)
    if current and current.has_acceptance:
        # Editing an accepted version starts from a copy; the saved result becomes the next version.
        base.pk = None
    form = AgreementForm(request.POST or None, instance=base)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AgreementForm.Meta.fields}
        fields["channels"] = form.cleaned_data["channels_text"]
        saved = run_service(
            request,
            submitted_once(
                request,
                lambda: services.agreement_save(relationship=relationship, side=side, actor=request.user, **fields),
            ),
            success=_("Agreement saved. It takes effect when you both accept it."),
        )
        if saved:
            return _back(relationship, "agreement")
    context = {"relationship": relationship, "form": form, "current": current}
    return render(request, "relationships/agreement_form.html", context)


@login_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    agreement = relationship.agreements.filter(version=version).first()
    if agreement is None:
        raise Http404("No such agreement")
    run_service(
        request,
        lambda: services.agreement_accept(agreement=agreement, side=side, actor=request.user),
        success=_("You accepted the agreement."),
    )
    return _back(relationship, "agreement")


@login_required
@require_GET
def agreement_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    if side == Side.ADMIN:
        raise Http404("Agreements are private to the pair")
    agreement = relationship.agreements.filter(version=version).first()
    if agreement is None:
        raise Http404("No such agreement")
    return render(
        request, "relationships/agreement_version.html", {"relationship": relationship, "agreement": agreement}
    )


# -- sponsorship advocacy ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def advocacy_edit(request: HttpRequest, pk: int, action_id: int | None = None) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    action = None
    if action_id is not None:
        action = relationship.advocacy.filter(pk=action_id).first()
        if action is None:
            raise Http404("No such action")
    if side != Side.MENTOR or not relationship.is_sponsorship or not relationship.is_open:
        return _refuse(request, relationship, _("Only the sponsor records advocacy."), "advocacy")
    form = AdvocacyForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            submitted_once(
                request,
                lambda: services.advocacy_save(
                    relationship=relationship,
                    side=side,
                    actor=request.user,
                    action=action,
                    **{name: form.cleaned_data[name] for name in AdvocacyForm.Meta.fields},
                ),
            ),
            success=_("Advocacy saved."),
        )
        if saved:
            return _back(relationship, "advocacy")
    return render(
        request, "relationships/advocacy_form.html", {"relationship": relationship, "form": form, "action": action}
    )


@login_required
@require_POST
def advocacy_followup(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    action = relationship.advocacy.filter(pk=action_id).first()
    if action is None or side == Side.ADMIN:
        raise Http404("No such action")
    form = FollowupForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.advocacy_followup(
                action=action, side=side, actor=request.user, text=form.cleaned_data["text"]
            ),
            success=_("Thank you, your note is added."),
        )
    else:
        messages.error(request, _("Write what followed before saving."))
    return _back(relationship, "advocacy")


# -- private notes -----------------------------------------------------------------------------------------


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            submitted_once(
                request,
                lambda: services.private_note_add(
                    relationship=relationship, side=side, actor=request.user, body=form.cleaned_data["body"]
                ),
            ),
            success=_("Private note saved."),
        )
    else:
        messages.error(request, _("The note is empty or too long."))
    return _back(relationship, "notes")


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    relationship, _side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    note = relationship.private_notes.filter(pk=note_id, author=request.user).first()
    if note is None:
        raise Http404("No such note")
    run_service(
        request, lambda: services.private_note_delete(note=note, actor=request.user), success=_("Note deleted.")
    )
    return _back(relationship, "notes")


# -- pause, resume, end, reflect ---------------------------------------------------------------------------


@login_required
@require_POST
def relationship_pause(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    form = PauseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request,
        lambda: services.relationship_pause(relationship=relationship, side=side, actor=request.user, reason=reason),
        success=_("The relationship is paused."),
    )
    return _back(relationship)


@login_required
@require_POST
def relationship_resume(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    run_service(
        request,
        lambda: services.relationship_resume(relationship=relationship, side=side, actor=request.user),
        success=_("Welcome back: the relationship is resumed."),
    )
    return _back(relationship)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    if not relationship.is_open:
        messages.info(request, _("This relationship has already ended."))
        return _back(relationship)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = run_service(
            request,
            lambda: services.relationship_end(
                relationship=relationship,
                side=side,
                actor=request.user,
                completed=form.cleaned_data["outcome"] == "completed",
                reason=form.cleaned_data["reason"],
            ),
            success=_("The relationship has ended."),
        )
        if ended:
            if side == Side.ADMIN:
                return _back(relationship)
            return redirect("relationships:reflect", pk=relationship.pk)
    return render(request, "relationships/end_form.html", {"relationship": relationship, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.get_relationship_for_user(user=request.user, pk=pk)
    if side == Side.ADMIN:
        raise Http404("Reflections are written by the pair")
    if relationship.is_open or relationship.reflections.filter(author=request.user).exists():
        return _back(relationship)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.ReflectionInput(**{name: form.cleaned_data[name] for name in ReflectionForm.Meta.fields})
        saved = run_service(
            request,
            lambda: services.reflection_save(relationship=relationship, side=side, actor=request.user, data=data),
            success=_("Thank you for your reflection."),
        )
        if saved:
            return _back(relationship)
    other = relationship.mentor if side == Side.MENTEE else relationship.mentee
    return render(
        request, "relationships/reflection_form.html", {"relationship": relationship, "form": form, "other": other}
    )
