from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The groups a user belongs to; each is a Django auth Group of the same name."""

    COUNTER_STAFF = "counter_staff", _("Counter staff")
    OFFICER = "officer", _("Officer")
    SIGNER = "signer", _("Signer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A staff member (cán bộ) of one agency, or a citizen (công dân) with no agency."""

    agency = models.ForeignKey(
        "cases.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("agency"),
        help_text=_("The agency this staff member works for; empty for citizens."),
    )

    def get_full_name(self) -> str:
        """Vietnamese order: family name first (Nguyễn Thị Thu Trang)."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def roles(self) -> frozenset[str]:
        """Group names, cached on the instance: permission checks ask many times a request."""
        if not hasattr(self, "_roles"):
            self._roles = frozenset(self.groups.values_list("name", flat=True))
        return self._roles

    @property
    def is_staff_member(self) -> bool:
        return self.agency_id is not None and bool(self.roles)
