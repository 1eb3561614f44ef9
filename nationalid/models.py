"""National identities (tài khoản định danh điện tử) linked to accounts, and the sign-ins
refused because an ID number was already linked to another national account."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountType(models.IntegerChoices):
    """LoaiTaiKhoan."""

    CITIZEN = 1, _("Citizen")
    BUSINESS = 2, _("Business")


class NationalIdentity(models.Model):
    """A national account (VNeID / the National Public Service Portal) linked to one of ours.

    Keyed by `TechID`, the provider's stable account key; its details are refreshed at every
    sign-in. A citizen's ID number, or a business's tax code, belongs to one national
    account only (a second one claiming it is refused and recorded as a conflict).
    """

    tech_id = models.CharField(
        "TechID", max_length=100, unique=True, help_text=_("The national account's stable key.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="national_identity",
        verbose_name=_("account"),
    )
    subject = models.CharField(_("subject (sub)"), max_length=255, blank=True)
    account_type = models.PositiveSmallIntegerField(
        _("account type"), choices=AccountType.choices, help_text="LoaiTaiKhoan"
    )
    id_number = models.CharField(
        _("ID number or tax code"),
        max_length=20,
        unique=True,
        help_text=_("SoDinhDanh for a citizen; MaSoThue / MaSoDoanhNghiep for a business."),
    )
    full_name = models.CharField(_("name"), max_length=255, help_text="HoVaTen / TenDoanhNghiep")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True, help_text="GioiTinh")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    loa = models.CharField(
        _("level of assurance"), max_length=50, blank=True, help_text=_("loAs at the last sign-in.")
    )
    login_idp = models.CharField(
        _("signed in through"), max_length=20, blank=True, help_text=_('loginIdp; "BCA" = VNeID.')
    )
    first_signed_in_at = models.DateTimeField(_("first sign-in"), default=timezone.now)
    last_signed_in_at = models.DateTimeField(_("last sign-in"), default=timezone.now)

    class Meta:
        verbose_name = _("national identity")
        verbose_name_plural = _("national identities")

    def __str__(self):
        return f"{self.full_name} ({self.id_number})"


class IdentityConflict(models.Model):
    """A sign-in refused: its ID number is already linked to another national account.

    Never merged silently: an administrator looks into it (a changed TechID, a mistake at
    the provider, or an impersonation) and marks it resolved.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)
    tech_id = models.CharField(_("TechID signing in"), max_length=100)
    id_number = models.CharField(_("ID number or tax code"), max_length=20)
    full_name = models.CharField(_("name given"), max_length=255, blank=True)
    existing = models.ForeignKey(
        NationalIdentity,
        null=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
        verbose_name=_("already linked to"),
    )
    resolved = models.BooleanField(_("resolved"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("identity conflict")
        verbose_name_plural = _("identity conflicts")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.id_number}: {self.tech_id} ({self.at:%Y-%m-%d %H:%M})"
