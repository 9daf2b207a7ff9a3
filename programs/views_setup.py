"""Setting a program up in steps: basics, enrollment and questions, matching, meeting cadence, then invitations.

The first step creates the program as a draft that only its administrators see; each later step saves its part
at once, so nothing typed is lost and any step can be taken again. Every view past the first fetches the program
through get_program_for_admin, so only its administrators get in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorship.common.views import run_service
from programs import selectors, services
from programs.forms import SETUP_STEPS, ProgramStepForm, QuestionFormSet, questions_of
from programs.models import Program
from programs.selectors import LIVE_STATUSES
from programs.views_manage import program_admin_required

STEP_NAMES = [name for name, _label in SETUP_STEPS]
FORM_TEMPLATE = "programs/manage/setup.html"


def _following(step: str) -> str:
    return STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]


def _context(program: Program | None, step: str, **extra: Any) -> dict[str, Any]:
    return {
        "program": program,
        "step": step,
        "steps": SETUP_STEPS,
        "step_number": STEP_NAMES.index(step) + 1,
        "step_label": dict(SETUP_STEPS)[step],
        **extra,
    }


@program_admin_required
@require_http_methods(["GET", "POST"])
def setup_new(request: HttpRequest) -> HttpResponse:
    """The first step: the basics. Saving them creates the draft the next steps fill in."""
    form = ProgramStepForm(request.POST or None, step="basics", actor=request.user)
    if request.method == "POST" and form.is_valid():
        program = services.program_create(
            created_by=request.user,
            administrators=form.cleaned_data["administrators"],
            once=True,
            **form.program_fields(),
        )
        messages.success(request, _("Program created as a draft that only its administrators see. Next: who can join."))
        return redirect("programs:setup", slug=program.slug, step=_following("basics"))
    return render(request, FORM_TEMPLATE, _context(None, "basics", form=form))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    if step not in STEP_NAMES:
        raise Http404("No such step")
    if step == "invite":
        return _invite_step(request, program)
    form = ProgramStepForm(request.POST or None, instance=program, step=step, actor=request.user)
    formset = None
    if step == "enrollment":
        formset = QuestionFormSet(request.POST or None, queryset=program.questions.all(), prefix="questions")
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        saved = run_service(
            request,
            lambda: services.program_update(
                program=program,
                administrators=form.cleaned_data["administrators"] if "administrators" in form.fields else None,
                questions=questions_of(formset) if formset is not None else None,
                **form.program_fields(),
            ),
            form=form,
        )
        if saved:
            messages.success(request, _("%(step)s saved.") % {"step": dict(SETUP_STEPS)[step]})
            return redirect("programs:setup", slug=program.slug, step=_following(step))
    return render(request, FORM_TEMPLATE, _context(program, step, form=form, formset=formset))


def _invite_step(request: HttpRequest, program: Program) -> HttpResponse:
    """The last step: open enrollment (a draft cannot take anyone in), then invite people."""
    if request.method == "POST":
        opened = run_service(request, lambda: services.program_set_status(program=program, status=Program.Status.OPEN))
        if not opened:
            return redirect("programs:setup", slug=program.slug, step="invite")
        messages.success(request, _("Enrollment is open. Invite the first people."))
        return redirect("programs:invite", slug=program.slug)
    context = _context(
        program,
        "invite",
        is_live=program.status in LIVE_STATUSES,
        questions=program.questions.count(),
    )
    return render(request, "programs/manage/setup_invite.html", context)
