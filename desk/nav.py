"""Where each user works: their role's desk, and the links of the page header."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Role

# A user's desk is the first of these their roles give them.
DESKS = [
    (Role.COUNTER_STAFF, "counter-intake", _("Counter")),
    (Role.OFFICER, "officer-desk", _("My cases")),
    (Role.SIGNER, "signer-desk", _("To sign")),
    (Role.SUPERVISOR, "reports-dashboard", _("Reports")),
    (Role.ADMIN, "admin:index", _("Administration")),
]


def desk_url(user) -> str:
    """The page a user lands on after logging in."""
    if user.is_authenticated and user.is_staff_member:
        for role, name, _label in DESKS:
            if role in user.roles:
                return reverse(name)
    if user.is_authenticated and user.agency_id is None:
        return reverse("my-cases")
    return reverse("home")


def nav_links(request) -> dict:
    """Context processor: the header's links for this user (desks, queues, portal)."""
    user = getattr(request, "user", None)
    links = []
    if user is not None and user.is_authenticated and user.is_staff_member:
        links = [(reverse(name), label) for role, name, label in DESKS if role in user.roles]
        if Role.COUNTER_STAFF in user.roles:
            links.insert(1, (reverse("counter-submissions"), _("Online submissions")))
        if not any(url == reverse("work-queue") for url, _label in links):
            links.append((reverse("work-queue"), _("Work queue")))
        links.append((reverse("feedback-desk"), _("Feedback")))
        links.append((reverse("alerts"), _("Alerts")))
        if Role.ADMIN in user.roles and Role.SUPERVISOR not in user.roles:
            links.append((reverse("reports-dashboard"), _("Reports")))
    else:
        links = [
            (reverse("portal-procedures"), _("Procedures")),
            (reverse("home"), _("Check a case")),
            (reverse("feedback-lookup"), _("Feedback")),
        ]
        if user is not None and user.is_authenticated:
            links.append((reverse("my-cases"), _("My cases")))
    current = request.path
    return {
        "nav_links": [
            {
                "url": url,
                "label": label,
                "current": current == url or (url != "/" and current.startswith(url)),
            }
            for url, label in links
        ]
    }
