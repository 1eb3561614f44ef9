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
    proven_id_number = models.CharField(
        _("proven ID number"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text=_(
            "The citizen ID (CCCD) or tax code this citizen proved with their national "
            "electronic identity (định danh điện tử, VNeID) at the level of assurance required; "
            "set only by a verified sign-in. Their account sees every case filed under it."
        ),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per proven identity: two accounts never see each other's cases.
            models.UniqueConstraint(
                fields=["proven_id_number"],
                condition=~models.Q(proven_id_number=""),
                name="user_proven_id_number_unique",
            )
        ]

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
