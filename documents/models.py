"""Result documents (kết quả giải quyết) and the per-procedure templates they come from."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultTemplate(models.Model):
    """The text of a procedure's result, filled in from the case when an officer generates it.

    `body` is a Django template; the case is `case`, e.g. "{{ case.applicant_full_name }}".
    """

    procedure = models.OneToOneField(
        "cases.Procedure",
        on_delete=models.CASCADE,
        related_name="result_template",
        verbose_name=_("procedure"),
    )
    title = models.CharField(_("title"), max_length=255, help_text=_("e.g. QUYẾT ĐỊNH"))
    body = models.TextField(
        _("body"),
        help_text=_(
            "Paragraphs separated by a blank line; Django template syntax, the case is "
            "{{ case }} (e.g. {{ case.applicant_full_name }}, {{ case.code }})."
        ),
    )

    class Meta:
        verbose_name = _("result template")
        verbose_name_plural = _("result templates")

    def __str__(self):
        return f"{self.procedure.code}: {self.title}"


class ResultDocument(models.Model):
    """The electronic result of a case: a draft PDF, then the signed PDF (PAdES).

    Once signed it never changes: the signed file is written once, with its SHA-256, and a
    new draft cannot be attached to a case that has a signed result.
    """

    class Origin(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded by the officer")
        GENERATED = "generated", _("Generated from the procedure's template")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="results", verbose_name=_("case")
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    draft = models.FileField(_("draft"), upload_to="results/drafts/%Y/%m/")
    draft_sha256 = models.CharField(_("draft SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    signed = models.FileField(_("signed PDF"), upload_to="results/signed/%Y/%m/", blank=True)
    signed_sha256 = models.CharField(_("signed SHA-256"), max_length=64, blank=True, db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    certificate_subject = models.CharField(
        _("certificate"), max_length=500, blank=True, help_text=_("Who the signature names.")
    )
    first_downloaded_at = models.DateTimeField(
        _("first downloaded at"),
        null=True,
        blank=True,
        help_text=_("When the applicant first downloaded the signed result."),
    )

    class Meta:
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")
        ordering = ["submitted_at"]
        constraints = [
            # At most one signed result per case: a signed result is never replaced.
            models.UniqueConstraint(
                fields=["case"],
                condition=~models.Q(signed_sha256=""),
                name="result_one_signed_per_case",
            )
        ]

    def __str__(self):
        return f"{self.case}: {self.get_origin_display()}{' (signed)' if self.is_signed else ''}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_sha256)
