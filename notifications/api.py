"""The API of staff alerts and apology drafts (thin views over selectors and services)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import visible_case_or_404

from . import selectors, services
from .models import StaffAlert, Threshold


class IsStaffMember(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.is_staff_member


class StaffAlertSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="code", read_only=True)
    threshold = serializers.SerializerMethodField(help_text=_("due_soon, overdue or escalated"))
    appointment_at = serializers.DateTimeField(source="crossing.appointment_at", read_only=True)

    class Meta:
        model = StaffAlert
        fields = ["id", "case", "threshold", "audience", "appointment_at", "created_at", "read_at"]

    def get_threshold(self, alert) -> str:
        return Threshold(alert.threshold).name.lower()


class StaffAlertList(generics.ListAPIView):
    """The caller's deadline alerts, newest first; `count` is the number listed.

    `?unread=true` lists only the unread ones (the badge in the staff pages).
    """

    permission_classes = [IsStaffMember]
    serializer_class = StaffAlertSerializer
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool)],
        responses={200: StaffAlertSerializer(many=True), 403: None},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        alerts = selectors.alerts_for(self.request.user).select_related("crossing")
        if self.request.query_params.get("unread") in ("true", "1"):
            alerts = alerts.filter(read_at=None)
        return alerts


class StaffAlertRead(APIView):
    """Mark one alert read. 404 for an alert that is not the caller's."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=None, responses={200: StaffAlertSerializer, 403: None, 404: None})
    def post(self, request, pk):
        alerts = selectors.alerts_for(request.user).select_related("crossing")
        get_object_or_404(alerts, pk=pk)
        services.staff_alerts_mark_read(alerts=alerts.filter(pk=pk))
        return Response(StaffAlertSerializer(alerts.get(pk=pk)).data)


class ApologyDraftSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.code")
    appointment_at = serializers.DateTimeField(help_text=_("The appointment that was missed."))
    drafted_at = serializers.DateTimeField(help_text=_("When the case turned overdue."))
    suggested_appointment_at = serializers.DateTimeField(
        help_text=_(
            "The remaining processing time counted from now (at least the due-soon window). "
            "Confirm or change it with the apologise action."
        )
    )


class ApologyDraftView(APIView):
    """The apology letter (form 04) drafted for a late case, with a suggested new date.

    404 when the case is not visible, not late, or already has its letter.
    """

    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: ApologyDraftSerializer, 403: None, 404: None})
    def get(self, request, code):
        draft = selectors.apology_draft(visible_case_or_404(request.user, code))
        if draft is None:
            raise Http404
        return Response(ApologyDraftSerializer(draft).data)
