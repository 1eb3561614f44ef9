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
    """Nộp hồ sơ trực tuyến: the applicant and one scan per required document."""

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_fields = []
        for index, name in enumerate(procedure.required_documents):
            field_name = f"document_{index}"
            self.fields[field_name] = forms.FileField(
                label=name,
                validators=[_check_upload],
                help_text=_("A PDF, JPEG or PNG scan, at most 20 MB."),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            self.document_fields.append((field_name, name))

    def document_list(self) -> list[dict]:
        return [
            {"name": name, "digitised": True, "file": self.cleaned_data[field_name]}
            for field_name, name in self.document_fields
        ]


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
