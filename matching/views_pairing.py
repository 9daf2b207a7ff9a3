"""HR's view of a program's relationships: health in counts, the list, and pairing people by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from matching import services
from matching.forms import PairForm
from matching.selectors import pair_check, pairing_candidates
from mentorship.common.views import run_service
from programs.selectors import get_program_for_admin
from relationships import selectors as relationship_selectors
from relationships.models import Relationship

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def program_relationships(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(user=request.user, slug=slug)
    mentees, mentors = pairing_candidates(program=program)
    form = PairForm(request.POST or None, mentees=mentees, mentors=mentors)
    check = None
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "check":
        # Show the score and the matching rules for this pair before committing to it.
        check = pair_check(
            program=program, mentee_user=form.cleaned_data["mentee"], mentor_user=form.cleaned_data["mentor"]
        )
    elif request.method == "POST" and form.is_valid():
        paired = run_service(
            request,
            lambda: services.pair_by_hand(
                program=program,
                mentee=form.cleaned_data["mentee"],
                mentor=form.cleaned_data["mentor"],
                actor=request.user,
            ),
            form=form,
        )
        if paired:
            messages.success(request, _("Paired: %(pair)s. Both have been told.") % {"pair": paired.value})
            return redirect("matching:relationships", slug=program.slug)
    status = request.GET.get("status", "")
    if status not in Relationship.Status.values:
        status = ""
    page = Paginator(relationship_selectors.program_relationships(program=program, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    health = relationship_selectors.program_health(program=program)
    context = {
        "status_counts": [
            (value, label, health.by_status.get(value, 0)) for value, label in Relationship.Status.choices
        ],
        "program": program,
        "form": form,
        "page": page,
        "status": status,
        "statuses": Relationship.Status.choices,
        "health": health,
        "check": check,
    }
    return render(request, "matching/program_relationships.html", context)
