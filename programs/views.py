"""Employee pages: browse programs, read one, apply, withdraw, and take up an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship.accounts.services import profile_ensure
from mentorship.common.caching import private_no_store
from mentorship.common.views import run_service
from programs import selectors, services
from programs.forms import ApplicationForm
from programs.models import Enrollment
from programs.plugins import links_for


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    programs = selectors.browse_programs(user=request.user)
    return render(request, "programs/program_list.html", {"programs": programs})


@login_required
@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    enrollments = {e.role: e for e in program.enrollments.filter(user=request.user)}
    for enrollment in enrollments.values():
        enrollment.links = links_for(enrollment)
    today = timezone.localdate()
    role_options = []
    for role in program.roles:
        problem = services.application_problem(program=program, user=request.user, role=role, today=today)
        role_options.append({"role": role, "label": Enrollment.Role(role).label, "problem": problem})
    context = {
        "program": program,
        "enrollments": list(enrollments.values()),
        "role_options": role_options,
        "is_admin": selectors.user_administers(user=request.user, program=program),
    }
    return render(request, "programs/program_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_apply(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    if role not in program.roles:
        raise Http404("No such role in this program")
    problem = services.application_problem(program=program, user=request.user, role=role, today=timezone.localdate())
    if problem:
        messages.error(request, problem)
        return redirect(program)
    form = ApplicationForm(request.POST or None, program=program, role=role, profile=profile_ensure(user=request.user))
    if request.method == "POST" and form.is_valid():
        applied = run_service(
            request,
            lambda: services.enrollment_apply(
                program=program, user=request.user, role=role, application=form.application()
            ),
        )
        if not applied:
            return redirect(program)
        enrollment = applied.value
        if enrollment.status == Enrollment.Status.APPROVED:
            messages.success(
                request, _("You are in! You joined as %(role)s.") % {"role": enrollment.get_role_display().lower()}
            )
        else:
            messages.success(request, _("Application sent. The program administrators will review it."))
        return redirect(program)
    return render(
        request,
        "programs/program_apply.html",
        {"program": program, "form": form, "role_label": Enrollment.Role(role).label},
    )


@login_required
@require_POST
def enrollment_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    enrollment = selectors.get_enrollment_for_owner(user=request.user, pk=pk)
    if enrollment.program.slug != slug:
        raise Http404("No such enrollment")
    run_service(
        request,
        lambda: services.enrollment_withdraw(enrollment=enrollment),
        success=_("You withdrew from %(program)s.") % {"program": enrollment.program.name},
    )
    return redirect(enrollment.program)


@private_no_store
@require_http_methods(["GET", "POST"])
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Reading it changes nothing; the invited person accepts with a POST.

    Someone not signed in is offered to sign up or sign in with this page as where to come back: the token
    travels in that ``next`` link and nothing is stored until they act. Only the account that owns the invited
    address may accept; anyone else is told whose invitation it is.
    """
    invitation = services.invitation_for_token(token=token)
    if invitation is None:
        raise Http404("No such invitation")
    context = {"invitation": invitation, "here": request.path}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return render(request, "programs/invitation_landing.html", context)
    context["problem"] = services.invitation_problem(invitation=invitation, user=request.user)
    if request.method == "GET" or context["problem"]:
        status = 403 if request.method == "POST" else 200
        return render(request, "programs/invitation_landing.html", context, status=status)
    accepted = run_service(request, lambda: services.invitation_accept(invitation=invitation, user=request.user))
    if not accepted:
        return redirect(request.path)
    messages.info(
        request,
        _("You are invited as %(role)s. Answer the questions below to accept.")
        % {"role": invitation.get_role_display().lower()},
    )
    return redirect("programs:apply", slug=invitation.program.slug, role=invitation.role)
