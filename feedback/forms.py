"""The feedback forms of the desk and of the citizen's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnswerRating, Kind, Subject


class FeedbackForm(forms.Form):
    """What a citizen writes (on a case they proved, or signed in)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    about = forms.ChoiceField(label=_("About"), choices=Subject.choices, initial=Subject.CASE)
    text = forms.CharField(
        label=_("Your feedback"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    citizen_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    citizen_email = forms.EmailField(label=_("Email"), required=False)


class MyFeedbackForm(FeedbackForm):
    """A signed-in citizen: about one of their cases, or a procedure by its code."""

    case = forms.ChoiceField(label=_("Case"), required=False)
    procedure = forms.CharField(
        label=_("Procedure code"), max_length=30, required=False, help_text=_("e.g. 1.011443")
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "—")] + [
            (case.code, f"{case.code} · {case.procedure.name}") for case in cases if case.code
        ]


class StaffFeedbackForm(FeedbackForm):
    """Counter staff file feedback on a citizen's behalf."""

    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=255)
    case = forms.CharField(label=_("Case code"), max_length=64, required=False)
    procedure = forms.CharField(label=_("Procedure code"), max_length=30, required=False)
    officer = forms.CharField(label=_("Officer (username)"), max_length=150, required=False)
    field_order = ["citizen_name", "citizen_phone", "citizen_email", "kind", "about", "case",
                   "procedure", "officer", "text"]  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class AnswerRatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=AnswerRating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Case code"), max_length=40)
    pin = forms.CharField(label=_("PIN"), max_length=20, help_text=_("8 characters."))


class DeskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", _("Waiting for an answer")), ("answered", _("Answered")), ("", _("All"))],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due soon"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices]
    )
