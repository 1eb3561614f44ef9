"""The citizen portal (cổng dịch vụ công): find a procedure, file it online, follow one's cases."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases import catalogue, selectors, services
from cases.exceptions import ActionForbidden
from cases.models import OnlineLevel, Procedure
from desk.common import paginate, pin_for, put_errors, remember_pin
from nationalid.forms import prefill_applicant_form
from onestop import once
from onestop.bodies import body_limit
from onestop.http import too_many_requests
from onestop.ratelimit import ONLINE_FILING, client_over_rate

from .forms import OnlineSubmissionForm, ProcedureSearchForm

PROCEDURES_PER_PAGE = 20


def procedures(request):
    """Tra cứu thủ tục: by name or code, agency and level, with documents, time and fees."""
    form = ProcedureSearchForm(request.GET or None)
    found = selectors.procedure_search()
    if form.is_valid():
        found = selectors.procedure_search(
            text=form.cleaned_data["q"],
            level=form.cleaned_data["level"],
            agency=form.cleaned_data["agency"],
        )
    page = paginate(request, found.prefetch_related("fees"))
    return render(request, "portal/procedures.html", {"form": form, "page": page})


def _filing_limit(request, code) -> int:
    """One scan per required document (the form's fields), each at most DOCUMENT_MAX_BYTES."""
    procedure = catalogue.active_procedure(code)
    documents = len(procedure.required_documents) if procedure else 0
    return max(documents, 1) * settings.DOCUMENT_MAX_BYTES


@body_limit(_filing_limit)
def submit(request, code):
    """Nộp hồ sơ trực tuyến: the applicant's details and a scan of each document."""
    procedure = get_object_or_404(
        Procedure.objects.select_related("agency"), code=code, is_active=True
    )
    if procedure.online_level == OnlineLevel.NONE:
        raise Http404
    staff = request.user.is_authenticated and request.user.is_staff_member
    if request.method == "POST" and not staff:
        # One limit per client with the API's online filing (ONLINE_FILING_RATE).
        wait = client_over_rate(request, *ONLINE_FILING)
        if wait is not None:
            return too_many_requests(request, wait)
    if request.method == "POST":
        form = OnlineSubmissionForm(request.POST, request.FILES, procedure=procedure)
        # From the national identity: the proven ID number is not the form's to change.
        prefill_applicant_form(form, request.user)
        if form.is_valid():
            reference = _file_online(request, form, procedure)
            if reference:
                return redirect("portal-submitted", reference=reference)
    else:
        form = OnlineSubmissionForm(procedure=procedure, initial=_initial(request))
        prefill_applicant_form(form, request.user)
    status = 400 if form.errors else 200
    proven = request.user.is_authenticated and bool(request.user.proven_id_number)
    context = {
        "procedure": procedure,
        "form": form,
        "needs_identity": procedure.requires_verified_identity and not proven,
    }
    return render(request, "portal/submit.html", context, status=status)


def _initial(request) -> dict:
    initial = {"token": once.new_token()}
    if request.user.is_authenticated and not request.user.is_staff_member:
        initial["full_name"] = request.user.get_full_name()
        initial["email"] = request.user.email
    return initial


def _file_online(request, form, procedure) -> str | None:
    def work():
        case = services.case_file(
            procedure=procedure,
            applicant=form.applicant(),
            channel="online",
            documents=form.document_list(),
            by=request.user,
        )
        remember_pin(request, case)
        return case.reference

    try:
        # The session identifies an anonymous citizen's form as well as a logged-in one's.
        if not request.session.session_key:
            request.session.save()
        scope = f"online:{request.session.session_key}"
        return once.run_once(scope=scope, token=form.cleaned_data["token"], work=work)
    except ValidationError as error:
        put_errors(form, error)
    except ActionForbidden as error:
        form.add_error(None, str(error))
    except once.StillRunning:
        form.add_error(None, _("This form is already being sent; please wait a moment."))
    return None


def submitted(request, reference):
    """The reference (and PIN) to keep: the citizen follows the submission with them."""
    case = selectors.case_by_code(selectors.submissions(), reference)
    if case is None:
        raise Http404
    pin = pin_for(request, case)
    mine = request.user.is_authenticated and case.applicant_user_id == request.user.pk
    if not pin and not mine:
        raise Http404  # only the browser that filed it, or its owner, sees this page
    return render(request, "portal/submitted.html", {"case": case, "pin": pin})


@login_required
def my_cases(request):
    """Every case the logged-in citizen filed, newest first."""
    cases = selectors.cases_visible_to(request.user).order_by("-submitted_at", "-id")
    return render(request, "portal/my_cases.html", {"page": paginate(request, cases)})
