from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.cases import plan_pdf as plan_pdf_module
from lotse.cases import queries, services
from lotse.cases.forms import (
    AgreementForm,
    AssessmentForm,
    CloseForm,
    ExtendForm,
    GoalForm,
    GoalStatusForm,
    OpenCaseForm,
    PhaseForm,
    ReassignForm,
    ReopenForm,
    ReviewForm,
    StepForm,
    StepStatusForm,
)
from lotse.cases.models import Case, Goal, Phase, Step
from lotse.clients import queries as client_queries
from lotse.clients.services import record_access, record_listing
from lotse.core import access, paper
from lotse.core.access import Capability
from lotse.core.forms import apply_error, save_posted
from lotse.organisations.queries import office_staff

PERSONAL = Capability.PERSONAL_DATA


@access.requires(PERSONAL)
def open_case(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Open a case; the programme's eligibility check is shown with its reasons. "Check
    eligibility" posts the form too (a GET would put the CSRF token into the address)
    and opens nothing."""
    client = client_queries.get_client_for(request.user, client_pk)
    user = access.acting_user(request)
    form = OpenCaseForm(request.POST or request.GET or None, case_office=client.office, user=user)
    check = None
    programme = None
    chosen = form.data.get("programme") or form.initial.get("programme")
    if chosen:
        try:  # the form's own field: only a programme of the office, whatever was sent
            programme = form.fields["programme"].clean(chosen)
        except ValidationError:
            programme = None
    if programme is not None:
        check = services.check_eligibility(client, programme)
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                user,
                client,
                data["programme"],
                counsellor=data["counsellor"],
                deputy=data["deputy"],
                justification=data["override_justification"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect("cases:detail", case_pk=case.pk)
    record_access(request.user, client, "open-case")
    return render(
        request,
        "cases/open.html",
        {"client": client, "form": form, "check": check, "programme": programme},
    )


def _case_context(request: HttpRequest, case: Case, **forms: BaseForm) -> dict[str, Any]:
    versioned = {"version": case.version}
    goals = list(case.goals.select_related("field_of_action").prefetch_related("steps", "reviews"))
    revisions = list(case.revisions.select_related("author"))
    return {
        "case": case,
        "client": case.client,
        "today": timezone.localdate(),
        "goals": goals,
        "revisions": revisions,
        "agreements": list(case.agreements.select_related("revision")),
        "next_review": case.next_review_due(
            max((r.on for g in goals for r in g.reviews.all()), default=None)
        ),
        "goal_form": forms.get("goal_form") or GoalForm(prefix="goal", initial=versioned),
        "step_form": forms.get("step_form")
        or StepForm(prefix="step", initial=versioned, case=case),
        "phase_form": forms.get("phase_form")
        or PhaseForm(prefix="phase", initial={"phase": case.phase}),
        "extend_form": forms.get("extend_form") or ExtendForm(prefix="extend"),
        "agreement_form": forms.get("agreement_form") or AgreementForm(prefix="agreement"),
        "review_form": forms.get("review_form") or ReviewForm(prefix="review", case=case),
        "close_form": forms.get("close_form") or CloseForm(prefix="close", instance=case),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "conflict": getattr(request, "plan_conflict", None),
        "pdf_languages": paper.LANGUAGES.items(),
        "pdf_language": plan_pdf_module.client_language(case),
        "can_reassign": access.holds_in_office(
            request.user, Capability.MANAGE_TEAM, case.office_id
        ),
        "goal_statuses": Goal.Status.choices,
        "step_statuses": Step.Status.choices,
    }


@access.requires(PERSONAL)
def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = queries.get_case_for(request.user, case_pk)
    record_access(request.user, case.client, "case")
    return render(request, "cases/detail.html", _case_context(request, case))


def _post_to_case(
    request: HttpRequest,
    case_pk: int,
    form_key: str,
    make_form: Callable[[Case], BaseForm],
    save: Callable[[Case, BaseForm], object],
    done: str,
) -> HttpResponse:
    """A form posted from the case page: saved, or the page again with errors (422)."""
    case = queries.get_case_for(request.user, case_pk)
    if request.method != "POST":
        return redirect("cases:detail", case_pk=case.pk)
    form = make_form(case)
    try:
        if save_posted(request, form, lambda: save(case, form), done):
            return redirect("cases:detail", case_pk=case.pk)
    except services.PlanConflict as conflict:
        request.plan_conflict = conflict  # type: ignore[attr-defined]
        case.refresh_from_db()
    context = _case_context(request, case, **{form_key: form})
    return render(request, "cases/detail.html", context, status=422 if form.errors else 409)


def _version(form: BaseForm) -> int:
    return int(form.cleaned_data["version"])


def _unsaved(form: BaseForm) -> Any:
    """The model instance a valid ModelForm built, not yet saved."""
    return form.instance  # type: ignore[attr-defined]


@access.requires(PERSONAL)
def goal_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "goal_form",
        lambda case: GoalForm(request.POST, prefix="goal"),
        lambda case, form: services.save_goal(request.user, case, _version(form), _unsaved(form)),
        _("The goal has been added to the plan."),
    )


@access.requires(PERSONAL)
def step_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "step_form",
        lambda case: StepForm(request.POST, prefix="step", case=case),
        lambda case, form: services.save_step(request.user, case, _version(form), _unsaved(form)),
        _("The step has been added."),
    )


def _goal(case: Case, pk: int) -> Goal:
    return access.get_or_404(case.goals.all(), pk=pk)


@access.requires(PERSONAL)
def goal_status(request: HttpRequest, case_pk: int, goal_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "goal_form",
        lambda case: GoalStatusForm(request.POST, instance=_goal(case, goal_pk)),
        lambda case, form: services.save_goal(request.user, case, _version(form), form.instance),  # type: ignore[attr-defined]
        _("The plan has been saved."),
    )


@access.requires(PERSONAL)
def step_status(request: HttpRequest, case_pk: int, step_pk: int) -> HttpResponse:
    def make(case: Case) -> BaseForm:
        step = access.get_or_404(Step.objects.filter(goal__case=case), pk=step_pk)
        return StepStatusForm(request.POST, instance=step)

    return _post_to_case(
        request,
        case_pk,
        "step_form",
        make,
        lambda case, form: services.save_step(request.user, case, _version(form), form.instance),  # type: ignore[attr-defined]
        _("The plan has been saved."),
    )


@access.requires(PERSONAL)
def phase(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "phase_form",
        lambda case: PhaseForm(request.POST, prefix="phase"),
        lambda case, form: services.set_phase(request.user, case, form.cleaned_data["phase"]),
        _("The phase has been changed."),
    )


@access.requires(PERSONAL)
def extend(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "extend_form",
        lambda case: ExtendForm(request.POST, prefix="extend"),
        lambda case, form: services.extend_time_limit(
            request.user, case, form.cleaned_data["justification"]
        ),
        _("The time limit has been extended."),
    )


@access.requires(PERSONAL)
def agreement(request: HttpRequest, case_pk: int) -> HttpResponse:
    def save(case: Case, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.record_agreement(
            access.acting_user(request),
            case,
            on=data["on"],
            how=data["how"],
            copy_handed_over=data["copy_handed_over"],
        )

    return _post_to_case(
        request,
        case_pk,
        "agreement_form",
        lambda case: AgreementForm(request.POST, prefix="agreement"),
        save,
        _("The agreement has been recorded."),
    )


@access.requires(PERSONAL)
def review(request: HttpRequest, case_pk: int) -> HttpResponse:
    def save(case: Case, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.record_review(
            access.acting_user(request),
            case,
            data["goal"],
            on=data["on"],
            counsellor_score=data["counsellor_score"],
            client_score=data["client_score"],
            comment=data["comment"],
            at_closure=data["at_closure"],
        )

    return _post_to_case(
        request,
        case_pk,
        "review_form",
        lambda case: ReviewForm(request.POST, prefix="review", case=case),
        save,
        _("The review has been recorded."),
    )


@access.requires(PERSONAL)
def close(request: HttpRequest, case_pk: int) -> HttpResponse:
    def save(case: Case, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.close_case(
            request.user, case, reason=data["closure_reason"], summary=data["closure_summary"]
        )

    return _post_to_case(
        request,
        case_pk,
        "close_form",
        lambda case: CloseForm(request.POST, prefix="close", instance=Case.objects.get(pk=case.pk)),
        save,
        _("The case has been closed."),
    )


@access.requires(PERSONAL)
def reopen(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _post_to_case(
        request,
        case_pk,
        "reopen_form",
        lambda case: ReopenForm(request.POST, prefix="reopen"),
        lambda case, form: services.reopen_case(request.user, case, form.cleaned_data["why"]),
        _("The case has been reopened."),
    )


@access.requires(PERSONAL)
def assessment(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = queries.get_case_for(request.user, case_pk)
    form = AssessmentForm(request.POST or None, instance=case.assessment)
    if request.method == "POST" and form.is_valid():
        services.save_assessment(request.user, form.instance)
        messages.success(request, _("The profile has been saved."))
        return redirect("cases:detail", case_pk=case.pk)
    record_access(request.user, case.client, "assessment")
    return render(request, "cases/assessment.html", {"case": case, "form": form})


@access.requires(PERSONAL)
def revisions(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Two plan revisions side by side as the lines that changed."""
    case = queries.get_case_for(request.user, case_pk)
    numbers = sorted(case.revisions.values_list("number", flat=True))
    chosen = {}
    for key, default in (
        ("a", numbers[-2] if len(numbers) > 1 else 0),
        ("b", numbers[-1] if numbers else 0),
    ):
        try:
            chosen[key] = int(request.GET.get(key, default))
        except ValueError:
            chosen[key] = default
    snapshots = {r.number: r.snapshot for r in case.revisions.filter(number__in=chosen.values())}
    changes = services.compare(snapshots.get(chosen["a"], {}), snapshots.get(chosen["b"], {}))
    record_access(request.user, case.client, "plan-revisions")
    return render(
        request,
        "cases/revisions.html",
        {
            "case": case,
            "numbers": numbers,
            "a": chosen["a"],
            "b": chosen["b"],
            "changes": changes,
            "revisions": case.revisions.select_related("author"),
        },
    )


@access.requires(PERSONAL)
def plan_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The plan on paper, labels in German and the client's (or a chosen) language."""
    case = queries.get_case_for(request.user, case_pk)
    language = request.GET.get("language") or plan_pdf_module.client_language(case)
    if language not in paper.LANGUAGES:
        raise Http404
    record_access(request.user, case.client, "plan-pdf")
    response = HttpResponse(plan_pdf_module.render(case, language), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="integrationsplan-{case.pk}-{language}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@access.requires(PERSONAL)
def plan_print(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The same plan as the PDF, as a page to print from the browser."""
    case = queries.get_case_for(request.user, case_pk)
    language = request.GET.get("language") or plan_pdf_module.client_language(case)
    if language not in paper.LANGUAGES:
        raise Http404
    record_access(request.user, case.client, "plan-print")
    voluntary = paper.label(plan_pdf_module.VOLUNTARY, language)
    signatures = [paper.both(t, language) for t in plan_pdf_module.SIGNATURES]
    return render(
        request,
        "cases/plan_print.html",
        {
            "case": case,
            "language": language,
            "rtl": language in paper.RIGHT_TO_LEFT,
            "sections": plan_pdf_module.sections(case, language),
            "agreement": paper.both("Agreement", language),
            "voluntary": voluntary,
            "signatures": signatures,
        },
    )


@access.requires(Capability.MANAGE_TEAM)
def team(request: HttpRequest) -> HttpResponse:
    """Caseload per counsellor and programme against the programme's staffing ratio."""
    offices = access.offices_for(request.user, Capability.MANAGE_TEAM).order_by("name")
    office = (
        access.get_or_404(offices, pk=request.GET["office"])
        if request.GET.get("office")
        else offices.first()
    )
    if office is None:
        raise Http404
    user = access.acting_user(request)
    # Who holds which case is shown to those who may see the office's clients, one
    # counsellor at a time: an office's open cases run into the hundreds, and a team
    # lead reassigning someone's cases needs theirs, not everybody's.
    cases, chosen = None, None
    if access.holds_in_office(user, PERSONAL, office.pk):
        cases = []
        if request.GET.get("counsellor"):
            chosen = access.get_or_404(office_staff(office), pk=request.GET["counsellor"])
            cases = list(
                queries.cases_for(user)
                .filter(office=office, counsellor=chosen)
                .exclude(phase=Phase.CLOSED)
                .select_related("client", "programme", "deputy")
                .order_by("programme__short_name", "opened_on")
            )
            record_listing(user, [c.client for c in cases], "team")
    return render(
        request,
        "cases/team.html",
        {
            "office": office,
            "offices": offices,
            "caseload": queries.caseload(office),
            "cases": cases,
            "chosen": chosen,
        },
    )


@access.requires(Capability.MANAGE_TEAM)
def reassign(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = queries.get_case_for(request.user, case_pk)
    if not access.holds_in_office(request.user, Capability.MANAGE_TEAM, case.office_id):
        raise Http404
    form = ReassignForm(request.POST or None, case=case)
    holder = case.counsellor_id  # back to their cases: the lead may move several

    def save() -> object:
        data = form.cleaned_data
        return services.reassign_case(
            request.user, case, data["counsellor"], data["deputy"], data["why"]
        )

    if request.method == "POST" and save_posted(
        request, form, save, _("The case has been reassigned.")
    ):
        back = reverse("cases:team")
        return redirect(f"{back}?office={case.office_id}&counsellor={holder}")
    record_access(request.user, case.client, "reassign")
    return render(request, "cases/reassign.html", {"case": case, "form": form})
