"""Matching pages: the admin's draft review, the mentor's answers, the mentee's recommended mentors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs import match_services, selectors
from programs.match_selectors import helper_role, proposals_for_review
from programs.models import Enrollment, MatchProposal, PairRule, Program


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    try:
        result = action()
    except match_services.MatchingError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


# -- administrators ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def matching_review(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    report = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "run":
            report = match_services.matching_run(program=program, actor=request.user)
            messages.info(request, report.summary)
        elif action == "publish":
            count = match_services.matching_publish(program=program, actor=request.user)
            messages.success(request, _("%(n)s proposals sent to the mentors.") % {"n": count})
            return redirect("programs:matching", slug=program.slug)
        elif action in ("lock", "forbid", "clear"):
            rule = {"lock": PairRule.Rule.LOCK, "forbid": PairRule.Rule.FORBID, "clear": ""}[action]
            _attempt(
                request,
                lambda: match_services.pair_rule_set(
                    program=program,
                    mentee_id=_int(request.POST.get("mentee")),
                    mentor_id=_int(request.POST.get("mentor")),
                    rule=rule,
                    actor=request.user,
                ),
                {
                    "lock": _("Pair locked: re-runs keep it."),
                    "forbid": _("Pair forbidden: it will not be proposed."),
                    "clear": _("Rule removed."),
                }[action],
            )
            if action != "clear":
                report = match_services.matching_run(program=program, actor=request.user)
                messages.info(request, report.summary)
        else:
            raise Http404("Unknown action")
    proposals = proposals_for_review(program)
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
    rules = PairRule.objects.filter(program=program).select_related("mentee__user", "mentor__user")
    mentees = program.enrollments.filter(role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED).select_related(
        "user"
    )
    mentors = program.enrollments.filter(role=helper_role(program), status=Enrollment.Status.APPROVED).select_related(
        "user"
    )
    context = {
        "program": program,
        "drafts": [p for p in proposals if p.status == MatchProposal.Status.DRAFT],
        "waiting": [p for p in proposals if p.status == MatchProposal.Status.PROPOSED],
        "report": report,
        "rules": rules,
        "mentees": mentees,
        "mentors": mentors,
        "sort": sort,
        "q": request.GET.get("q", ""),
    }
    return render(request, "programs/manage/matching.html", context)


# -- mentors -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    context = {
        "to_answer": match_services.pending_for_mentor(user=request.user),
        "mine": match_services.proposals_of_mentee(user=request.user),
    }
    return render(request, "programs/proposals.html", context)


def _proposal(request: HttpRequest, pk: int) -> MatchProposal:
    proposal = (
        MatchProposal.objects.select_related("mentee__user", "mentor__user", "program")
        .filter(pk=pk)
        .exclude(status=MatchProposal.Status.DRAFT)
        .first()
    )
    if proposal is None or request.user.pk not in (proposal.mentee.user_id, proposal.mentor.user_id):
        raise Http404("No such proposal")
    return proposal


@login_required
@require_POST
def proposal_respond(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = _proposal(request, pk)
    text = request.POST.get("text", "")
    if action == "accept":
        relationship = _attempt(
            request,
            lambda: match_services.proposal_accept(proposal=proposal, actor=request.user),
            _("You accepted. Your relationship page is ready: start with a hello."),
        )
        if relationship is not None:
            return redirect(relationship)
    elif action == "decline":
        _attempt(
            request,
            lambda: match_services.proposal_decline(proposal=proposal, actor=request.user, reason=text),
            _("Declined. Thank you for saying so; the mentee will be offered someone else."),
        )
    elif action == "ask":
        _attempt(
            request,
            lambda: match_services.proposal_ask(proposal=proposal, actor=request.user, question=text),
            _("Your question is on its way."),
        )
    elif action == "answer":
        _attempt(
            request,
            lambda: match_services.proposal_answer(proposal=proposal, actor=request.user, answer=text),
            _("Your answer is on its way."),
        )
    else:
        raise Http404("Unknown action")
    return redirect("programs:proposals")


# -- mentees -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose_mentor(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    mentee = program.enrollments.filter(
        user=request.user, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    ).first()
    if mentee is None or program.matching_mode != Program.MatchingMode.MENTEE_CHOOSES:
        raise Http404("Not available")
    if request.method == "POST":
        _attempt(
            request,
            lambda: match_services.mentee_request(
                program=program, mentee=mentee, mentor_id=_int(request.POST.get("mentor"))
            ),
            _("Request sent. The mentor will answer within %(days)s days.") % {"days": program.mentor_response_days},
        )
        return redirect("programs:choose", slug=program.slug)
    context = {
        "program": program,
        "recommendations": match_services.recommendations(program=program, mentee=mentee),
        "requests": MatchProposal.objects.filter(mentee=mentee)
        .exclude(status=MatchProposal.Status.DRAFT)
        .select_related("mentor__user")
        .order_by("-created_at"),
    }
    return render(request, "programs/choose_mentor.html", context)
