"""Matching pages: the admin's draft review, the mentor's answers, the mentee's recommended mentors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching import jobs, selectors, services
from matching.forms import MentorChoiceForm, ProposalReplyForm, PublishForm, ReviewActionForm
from matching.models import MatchProposal
from mentorship.common.views import run_service, show_form_errors
from programs.models import Enrollment, Program
from programs.selectors import get_program_for_admin, get_program_for_user

RULE_DONE = {
    "lock": gettext_lazy("Pair locked: re-runs keep it."),
    "forbid": gettext_lazy("Pair forbidden: it will not be proposed."),
    "clear": gettext_lazy("Rule removed."),
}


# -- administrators ----------------------------------------------------------------------------------------


def _review_post(request: HttpRequest, program: Program) -> HttpResponse | services.RunReport | None:
    """Carry out one button of the review page; a redirect, the report of a run, or None."""
    form = ReviewActionForm(request.POST)
    if not form.is_valid():
        if "action" in form.errors:
            raise Http404("Unknown action")
        show_form_errors(request, form)
        return None
    action = form.cleaned_data["action"]
    if action == "run":
        return _run(request, program)
    ruled = run_service(
        request,
        lambda: services.pair_rule_set(
            program=program,
            mentee_id=form.cleaned_data["mentee"],
            mentor_id=form.cleaned_data["mentor"],
            rule=form.rule,
            actor=request.user,
        ),
        success=str(RULE_DONE[action]),
    )
    # A refused rule changes nothing, so there is nothing to run again (and a refusal must not write).
    if not ruled or action == "clear":
        return None
    return _run(request, program)


def _run(request: HttpRequest, program: Program) -> HttpResponse | services.RunReport:
    """Run matching now, or on a worker for a big program (the answer is then its progress page)."""
    if jobs.runs_in_background(program):
        job = jobs.matching_run_start(program=program, actor=request.user)
        return redirect(job.get_absolute_url())
    report = services.matching_run(program=program, actor=request.user)
    messages.info(request, report.summary)
    return report


@login_required
@require_http_methods(["GET", "POST"])
def matching_review(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(user=request.user, slug=slug)
    report = None
    if request.method == "POST":
        answer = _review_post(request, program)
        if isinstance(answer, HttpResponse):
            return answer
        report = answer
    proposals = selectors.proposals_for_review(program)
    sort = request.GET.get("sort", "score")
    if sort == "mentee":
        proposals.sort(key=lambda p: str(p.mentee.user))
    elif sort == "mentor":
        proposals.sort(key=lambda p: str(p.mentor.user))
    query = request.GET.get("q", "").strip().casefold()
    if query:
        proposals = [
            p for p in proposals if query in str(p.mentee.user).casefold() or query in str(p.mentor.user).casefold()
        ]
    context = {
        "program": program,
        "drafts": [p for p in proposals if p.status == MatchProposal.Status.DRAFT],
        "waiting": [p for p in proposals if p.status == MatchProposal.Status.PROPOSED],
        "report": report,
        "rules": selectors.pair_rules(program),
        "mentees": selectors.approved(program, Enrollment.Role.MENTEE),
        "mentors": selectors.approved(program, program.helper_role),
        "sort": sort,
        "q": request.GET.get("q", ""),
    }
    return render(request, "matching/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def matching_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publishing asks first: how many proposals go to how many mentors, who stays unmatched, and by when."""
    program = get_program_for_admin(user=request.user, slug=slug)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
            return redirect("matching:publish", slug=program.slug)
        published = run_service(
            request,
            lambda: services.matching_publish(
                program=program, actor=request.user, expected=form.cleaned_data["expected"]
            ),
        )
        if published:
            messages.success(request, _("%(n)s proposals sent to the mentors.") % {"n": published.value})
        return redirect("matching:review", slug=program.slug)
    summary = selectors.publish_summary(program=program, now=timezone.now())
    if not summary.proposals:
        messages.info(request, _("There is no draft to publish. Run matching first."))
        return redirect("matching:review", slug=program.slug)
    return render(request, "matching/publish.html", {"program": program, "summary": summary})


# -- mentors -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    context = {
        "to_answer": selectors.pending_for_mentor(user=request.user),
        "mine": selectors.proposals_of_mentee(user=request.user),
    }
    return render(request, "matching/proposals.html", context)


@login_required
@require_POST
def proposal_respond(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = selectors.get_proposal_for_user(user=request.user, pk=pk)
    if action not in ProposalReplyForm.ACTIONS:
        raise Http404("Unknown action")
    form = ProposalReplyForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("matching:proposals")
    text = form.cleaned_data["text"]
    if action == "accept":
        accepted = run_service(
            request,
            lambda: services.proposal_accept(proposal=proposal, actor=request.user),
            success=_("You accepted. Your relationship page is ready: start with a hello."),
        )
        if accepted:
            return redirect(accepted.value)
    elif action == "decline":
        run_service(
            request,
            lambda: services.proposal_decline(proposal=proposal, actor=request.user, reason=text),
            success=_("Declined. Thank you for saying so; the mentee will be offered someone else."),
        )
    elif action == "ask":
        run_service(
            request,
            lambda: services.proposal_ask(proposal=proposal, actor=request.user, question=text),
            success=_("Your question is on its way."),
        )
    else:
        run_service(
            request,
            lambda: services.proposal_answer(proposal=proposal, actor=request.user, answer=text),
            success=_("Your answer is on its way."),
        )
    return redirect("matching:proposals")


# -- mentees -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose_mentor(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_user(user=request.user, slug=slug)
    mentee = program.enrollments.filter(
        user=request.user, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    ).first()
    if mentee is None or program.matching_mode != Program.MatchingMode.MENTEE_CHOOSES:
        raise Http404("Not available")
    if request.method == "POST":
        form = MentorChoiceForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                lambda: services.mentee_request(program=program, mentee=mentee, mentor_id=form.cleaned_data["mentor"]),
                success=_("Request sent. The mentor will answer within %(days)s days.")
                % {"days": program.mentor_response_days},
            )
        else:
            messages.error(request, _("That mentor cannot take you on in this program."))
        return redirect("matching:choose", slug=program.slug)
    context = {
        "program": program,
        "recommendations": selectors.recommendations(program=program, mentee=mentee),
        "requests": selectors.requests_of_mentee(mentee),
    }
    return render(request, "matching/choose_mentor.html", context)
