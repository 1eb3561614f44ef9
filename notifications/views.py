"""Staff pages for alerts."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestop.http import posted_ids

from . import selectors, services


def _staff_alerts(request):
    if not request.user.is_staff_member:
        raise Http404
    return selectors.alerts_for(request.user)


@login_required
def alerts_page(request):
    """Cảnh báo: the staff member's unread deadline alerts, newest first."""
    alerts = _staff_alerts(request).filter(read_at=None).select_related("crossing")[:200]
    return render(request, "notifications/alerts.html", {"alerts": alerts})


@login_required
@require_POST
def alerts_mark_read(request):
    alerts = _staff_alerts(request)
    ids = posted_ids(request, "alert")
    services.staff_alerts_mark_read(alerts=alerts.filter(pk__in=ids) if ids else alerts)
    return redirect("alerts")
