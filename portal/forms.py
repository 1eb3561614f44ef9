"""The citizen portal's forms: online filing with its scans, a local account, the search of
procedures. The applicant's details are the desks' `ApplicantForm`."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import Agency, Level, User
from desk.forms import ApplicantForm


def _check_upload(file):
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    if services.scan_extension(file) is None:  # the content decides, not the declared type
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."))


class OnlineSubmissionForm(ApplicantForm):
    """Nộp hồ sơ trực tuyến: the applicant and a scan of each document the catalogue asks
    for: a required one always; a conditional one where the filer says its condition holds;
    of alternatives, the one the filer chooses."""

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = procedure.documents
        self.document_fields = []  # (file field, document) in the catalogue's order
        for index, document in enumerate(self.documents):
            if document.conditional:
                self.fields[f"applies_{index}"] = forms.BooleanField(
                    label=_("%(name)s: needed only if %(condition)s. Does it apply to you?")
                    % {"name": document.name, "condition": document.condition},
                    required=False,
                )
            if document.alternatives:
                self.fields[f"which_{index}"] = forms.ChoiceField(
                    label=_("%(name)s: which one do you hand in?") % {"name": document.name},
                    choices=[(name, name) for name in document.alternatives],
                    widget=forms.RadioSelect,
                )
            field_name = f"document_{index}"
            self.fields[field_name] = forms.FileField(
                label=document.name,
                required=not document.conditional,
                validators=[_check_upload],
                help_text=_("A PDF, JPEG or PNG scan, at most 20 MB.")
                + " "
                + _("Hand in: %(what)s.") % {"what": document.describe()},
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            self.document_fields.append((field_name, document))

    def clean(self):
        data = super().clean()
        for index, (field_name, document) in enumerate(self.document_fields):
            if not document.conditional:
                continue
            applies, scan = data.get(f"applies_{index}"), data.get(field_name)
            if applies and not scan:
                self.add_error(field_name, _("You said it applies: add its scan."))
            elif scan and not applies:
                self.add_error(
                    f"applies_{index}", _("Tick this if it applies, or leave the file out.")
                )
        return data

    def document_list(self) -> list[dict]:
        """The documents handed in, each under the name of what it is."""
        handed = []
        for index, (field_name, document) in enumerate(self.document_fields):
            scan = self.cleaned_data.get(field_name)
            if not scan:
                continue  # a conditional document that does not apply
            name = self.cleaned_data.get(f"which_{index}") or document.name
            handed.append({"name": name, "digitised": True, "file": scan})
        return handed


class SignupForm(UserCreationForm):
    """A citizen account: to file online and follow every case filed with it."""

    email = forms.EmailField(label=_("Email"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=200)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        required=False,
        queryset=Agency.objects.filter(procedures__is_active=True).distinct().order_by("name"),
        to_field_name="code",
        empty_label=_("All agencies"),
    )
