"""Feedback pages: the staff desk (/desk/feedback/) and the citizen's (/feedback/).

The feature owns its pages; the citizen's lookup page, their cases, the officer's desk and
the staff case page link here. A case proven on the home page is proven here too (one
session key, `cases.public_lookup.session_case`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Case
from cases.public_lookup import (
    LookupThrottled,
    case_public_lookup,
    remember_session_case,
    session_case,
)
from cases.selectors import cases_visible_to, due_soon_until
from onestop.clients import client_ip
from onestop.http import posted_ids, too_many_requests
from onestop.ratelimit import FEEDBACK_FILING, client_over_rate

from . import services
from .forms import (
    AnswerForm,
    AnswerRatingForm,
    DeskFilterForm,
    FeedbackForm,
    LookupForm,
    MyFeedbackForm,
    StaffFeedbackForm,
)
from .models import Subject
from .selectors import (
    alerts_for,
    feedback_by_reference,
    feedback_of_case,
    feedback_queue,
    feedback_subject,
    feedback_visible_to,
    may_answer,
    officer_of,
)


def _put_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _staff(request):
    if not request.user.is_staff_member:
        raise PermissionDenied


def _marked(feedback_list, user, now) -> list:
    """Each row with `overdue` / `due_soon` set, as the desk shows them."""
    soon = due_soon_until(user.agency, now)
    rows = list(feedback_list)
    for feedback in rows:
        feedback.overdue = feedback.is_overdue_at(now)
        feedback.due_soon = feedback.is_open and not feedback.overdue and feedback.due_at <= soon
    return rows


# --- the staff desk ----------------------------------------------------------------------


@login_required
def desk(request):
    """Phản ánh, kiến nghị: the feedback the user's agencies must answer, waiting answers
    first by deadline, and the user's unread alerts about them."""
    _staff(request)
    filters = DeskFilterForm(request.GET or {"state": "open"})
    filters.is_valid()
    rows = feedback_queue(request.user, **filters.cleaned_data)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "filters": filters,
        "page": page,
        "rows": _marked(page.object_list, request.user, now),
        "alerts": list(alerts_for(request.user).filter(read_at=None)[:20]),
    }
    return render(request, "feedback/desk.html", context)


@login_required
@require_POST
def alerts_read(request):
    _staff(request)
    services.alerts_read(user=request.user, alert_ids=posted_ids(request, "alert"))
    return redirect("feedback-desk")


@login_required
@require_http_methods(["GET", "POST"])
def desk_new(request):
    """Counter staff file feedback on a citizen's behalf."""
    _staff(request)
    form = StaffFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            about = feedback_subject(
                request.user,
                about=data["about"],
                case=data["case"],
                procedure=data["procedure"],
                officer=data["officer"],
            )
            feedback = services.feedback_file(
                kind=data["kind"],
                subject=data["about"],
                text=data["text"],
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                citizen_email=data["citizen_email"],
                filed_by=request.user,
                **about,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Feedback %s filed.") % feedback.reference)
            return redirect("feedback-desk-detail", reference=feedback.reference)
    status = 400 if form.errors else 200
    return render(request, "feedback/desk_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def desk_detail(request, reference):
    """One piece of feedback, its history, and the answer form while it waits."""
    _staff(request)
    feedback = feedback_by_reference(
        feedback_visible_to(request.user).prefetch_related("events__actor"), reference
    )
    if feedback is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_answer(
                    feedback=feedback, answer=form.cleaned_data["answer"], by=request.user
                )
            except (InvalidTransition, ActionForbidden) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Your answer has been recorded."))
            return redirect("feedback-desk-detail", reference=reference)
        status = 400
    context = {
        "feedback": feedback,
        "form": form,
        "may_answer": feedback.answered_at is None and may_answer(request.user, feedback),
        "overdue": feedback.is_overdue_at(timezone.now()),
    }
    return render(request, "feedback/desk_detail.html", context, status=status)


# --- the citizen's pages -----------------------------------------------------------------


def _proven_case(request) -> Case | None:
    """The case this browser proved the PIN of, here or on the home page (one session key)."""
    return session_case(request)


@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    """Phản ánh, kiến nghị: a citizen proves their case with its code and receipt PIN (or
    signs in), then files feedback and rates the answers."""
    data = request.POST if request.method == "POST" else None
    form = LookupForm(data, initial={"code": request.GET.get("code", "")})
    status = 200
    if form.is_valid():
        try:
            case = case_public_lookup(
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                client=client_ip(request),
            )
        except LookupThrottled as throttled:
            form.add_error(None, _("Too many failed lookups; try again later."))
            response = render(request, "feedback/lookup.html", {"form": form}, status=429)
            response["Retry-After"] = str(throttled.wait)
            return response
        if case is not None:
            remember_session_case(request, case)
            if not request.user.is_authenticated:
                request.session.set_expiry(0)
            return redirect("feedback-case")
        form.add_error(None, _("No case with this code and PIN."))
        status = 404
    elif data is not None:
        status = 400
    return render(request, "feedback/lookup.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def case_page(request):
    """The proven case's feedback with their answers; file more."""
    case = _proven_case(request)
    if case is None:
        return redirect("feedback-lookup")
    if request.method == "POST":
        wait = client_over_rate(request, *FEEDBACK_FILING)  # one limit with the API's
        if wait is not None:
            return too_many_requests(request, wait)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_file(
                kind=data["kind"],
                subject=data["about"],
                text=data["text"],
                citizen_name=case.applicant_full_name,
                citizen_phone=data["citizen_phone"] or case.applicant_phone,
                citizen_email=data["citizen_email"] or case.applicant_email,
                citizen_user=request.user if request.user.is_authenticated else None,
                case=case,
                officer=officer_of(case) if data["about"] == Subject.OFFICER else None,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Thank you: your feedback has been sent."))
            return redirect("feedback-case")
    context = {
        "case": case,
        "form": form,
        "feedback_list": feedback_of_case(case),
        "rating_form": AnswerRatingForm(),
        "rate_url": "feedback-case-rate",
    }
    return render(request, "feedback/citizen.html", context, status=400 if form.errors else 200)


@require_POST
def case_rate(request, reference):
    case = _proven_case(request)
    if case is None:
        return redirect("feedback-lookup")
    _rate(request, feedback_by_reference(feedback_of_case(case), reference))
    return redirect("feedback-case")


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """A signed-in citizen's feedback (theirs and on their cases); file more about one of
    their cases or a procedure."""
    if request.user.is_staff_member:
        return redirect("feedback-desk")
    cases = list(cases_visible_to(request.user).exclude(code=None).order_by("-received_at")[:100])
    form = MyFeedbackForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            about = feedback_subject(
                request.user, about=data["about"], case=data["case"], procedure=data["procedure"]
            )
            services.feedback_file(
                kind=data["kind"],
                subject=data["about"],
                text=data["text"],
                citizen_name=request.user.get_full_name() or request.user.username,
                citizen_phone=data["citizen_phone"],
                citizen_email=data["citizen_email"] or request.user.email,
                citizen_user=request.user,
                **about,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Thank you: your feedback has been sent."))
            return redirect("feedback-mine")
    context = {
        "form": form,
        "feedback_list": feedback_visible_to(request.user).order_by("-filed_at"),
        "rating_form": AnswerRatingForm(),
        "rate_url": "feedback-mine-rate",
    }
    return render(request, "feedback/citizen.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def mine_rate(request, reference):
    feedback = None
    if not request.user.is_staff_member:
        feedback = feedback_by_reference(feedback_visible_to(request.user), reference)
    _rate(request, feedback)
    return redirect("feedback-mine")


def _rate(request, feedback) -> None:
    if feedback is None:
        raise Http404
    form = AnswerRatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the three ratings."))
        return
    try:
        services.feedback_rate(
            feedback=feedback,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: your rating has been recorded."))
