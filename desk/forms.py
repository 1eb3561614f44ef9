"""The forms of the desks (the applicant's part is the portal's too). Field rules are the
API's (same validators); business rules stay in the services, whose errors the views put
back on these forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import phones
from cases.api.serializers import ID_NUMBER
from cases.models import Agency, Channel, MessageLanguage, ReturnChannel, Role, User
from cases.selectors import agency_subtree_ids
from cases.workflow import USER_ACTIONS
from notifications.selectors import apology_draft


class PhoneField(forms.CharField):
    """A Vietnamese phone number in any common form, kept as `84…` (`cases.phones`)."""

    def to_python(self, value):
        return phones.normalise_phone(super().to_python(value))


# Kênh nhận thông báo: the orders a person picks from; the outbox falls back along them.
CHANNEL_ORDERS = {
    "": (_("Every contact given"), []),
    "zalo-sms-email": (_("Zalo, then SMS, then e-mail"), ["zalo", "sms", "email"]),
    "sms-email": (_("SMS, then e-mail"), ["sms", "email"]),
    "email": (_("E-mail only"), ["email"]),
}


class ApplicantForm(forms.Form):
    """Người nộp: the applicant's details, as on the CCCD."""

    required_css_class = "required"

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    id_number = forms.CharField(
        label=_("ID number (CCCD) or tax code"),
        max_length=20,
        validators=[ID_NUMBER],
        help_text=_("CCCD: 12 digits; tax code: 10 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    channels = forms.ChoiceField(
        label=_("Messages by"),
        required=False,
        choices=[(key, label) for key, (label, _order) in CHANNEL_ORDERS.items()],
        help_text=_("Where a message cannot reach the applicant, it goes by the next."),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        required=False,
        choices=[("", _("Vietnamese (default)")), *MessageLanguage.choices],
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def applicant(self) -> dict:
        fields = ("full_name", "id_number", "phone", "email", "address", "language")
        applicant = {name: self.cleaned_data[name] for name in fields}
        applicant["channels"] = CHANNEL_ORDERS[self.cleaned_data["channels"]][1]
        return applicant


class IntakeForm(ApplicantForm):
    """Tiếp nhận tại quầy: the applicant, the documents checked off the procedure's list."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents received"), required=False, widget=forms.CheckboxSelectMultiple
    )
    digitised = forms.MultipleChoiceField(
        label=_("Scanned (digitised)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_documents = forms.CharField(
        label=_("Other documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )

    field_order = ["full_name", "id_number", "phone", "email", "address", "channels", "language"]

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autofocus"] = True  # right after the procedure
        names = [(name, name) for name in procedure.required_documents]
        self.fields["documents"].choices = names
        self.fields["digitised"].choices = names
        self.fields["documents"].initial = [name for name, _label in names]

    def document_list(self) -> list[dict]:
        digitised = set(self.cleaned_data["digitised"])
        names = self.cleaned_data["documents"] + [
            line.strip() for line in self.cleaned_data["other_documents"].splitlines()
        ]
        return [{"name": n, "digitised": n in digitised} for n in names if n]

    def clean(self):
        data = super().clean()
        stray = set(data.get("digitised", [])) - set(data.get("documents", []))
        if stray:
            self.add_error("digitised", _("Only a document received can be scanned."))
        return data


# --- the actions of the case page: one form per action, fed to services.case_act ---------


class ReasonForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoBodyForm(forms.Form):
    pass


class AssignForm(forms.Form):
    required_css_class = "required"
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            groups__name=Role.OFFICER,
            is_active=True,
            agency_id__in=agency_subtree_ids(case.deciding_agency_id),
        ).order_by("last_name", "first_name")
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username


class RequestSupplementForm(ReasonForm):
    items = forms.CharField(
        label=_("Missing documents"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: list them all at once."),
    )
    field_order = ["items", "reason"]

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class TransferForm(ReasonForm):
    agency = forms.ModelChoiceField(
        label=_("To agency"), queryset=Agency.objects.order_by("code"), to_field_name="code"
    )
    field_order = ["agency", "reason"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(dissolved_on=None).exclude(
            pk=case.deciding_agency_id
        )


class SubmitResultForm(forms.Form):
    """Trình kết quả: a PDF the officer uploads, one generated from the procedure's template,
    or a paper result. The PDF itself is checked by `documents.services` (content, size)."""

    required_css_class = "required"
    result = forms.ChoiceField(
        label=_("Draft result"),
        choices=[
            ("generated", _("Generated from the procedure's template")),
            ("uploaded", _("Upload a PDF")),
            ("paper", _("Paper result")),
        ],
        initial="generated",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Result PDF"),
        required=False,
        help_text=_("When uploading: the result as a PDF, signed by the signer."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean(self):
        data = super().clean()
        uploading = data.get("result") == "uploaded"
        if uploading and not data.get("file"):
            self.add_error("file", _("Choose the PDF to upload."))
        elif data.get("file") and not uploading:
            self.add_error("file", _("Choose “Upload a PDF” to submit this file."))
        return data

    def action_params(self) -> dict:
        """The arguments of `documents.services.case_submit_result`."""
        if self.cleaned_data["result"] == "uploaded":
            return {"file": self.cleaned_data["file"]}
        return {"result": self.cleaned_data["result"]}


class ApologiseForm(ReasonForm):
    new_appointment_at = forms.DateTimeField(
        label=_("New appointment"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    field_order = ["new_appointment_at", "reason"]  # read in Vietnam time (TIME_ZONE)


class ReturnForm(forms.Form):
    required_css_class = "required"
    channel = forms.ChoiceField(
        label=_("Handed over"), choices=ReturnChannel.choices, widget=forms.RadioSelect
    )
    recipient = forms.CharField(
        label=_("Collected by"),
        max_length=255,
        required=False,
        help_text=_("At the counter: who collected the result."),
    )
    tracking_number = forms.CharField(
        label=_("Postal tracking number"), max_length=100, required=False
    )


ACTION_FORMS = {
    "accept": NoBodyForm,
    "reject": ReasonForm,
    "assign": AssignForm,
    "claim": NoBodyForm,
    "request-supplement": RequestSupplementForm,
    "supplement-received": NoBodyForm,
    "transfer": TransferForm,
    "submit-result": SubmitResultForm,
    "send-back": ReasonForm,
    "sign": NoBodyForm,
    "stop": ReasonForm,
    "withdraw": ReasonForm,
    "apologise": ApologiseForm,
    "return": ReturnForm,
}
assert ACTION_FORMS.keys() == set(USER_ACTIONS), "every action a person takes needs its form"
NEEDS_CASE = {AssignForm, TransferForm}


def action_form(action: str, case, data=None, files=None):
    form_class = ACTION_FORMS[action]
    kwargs = {"case": case} if form_class in NEEDS_CASE else {}
    if action == "apologise" and data is None:
        kwargs["initial"] = _apology_initial(case)
    return form_class(data, files, prefix=action, **kwargs)


def _apology_initial(case) -> dict:
    """Form 04 as the deadline watcher drafted it: the officer confirms or edits the date."""
    draft = apology_draft(case)
    if draft is None:
        return {}
    suggested = timezone.localtime(draft["suggested_appointment_at"])
    return {"new_appointment_at": suggested.replace(second=0, microsecond=0, tzinfo=None)}


def action_params(form) -> dict:
    """What a valid action form passes to `cases.actions.perform_action`."""
    if hasattr(form, "action_params"):
        return form.action_params()
    return form.cleaned_data
