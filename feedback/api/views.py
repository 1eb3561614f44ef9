"""Feedback API: a citizen with the case's PIN (like the rating), a signed-in citizen, and
the staff desk. Thin: validate, call one service or selector, render."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.throttles import ClientRateThrottle
from cases.api.views import public_case_or_404
from onestop.ratelimit import FEEDBACK_FILING

from .. import services
from ..models import Feedback, Subject
from ..selectors import (
    feedback_by_reference,
    feedback_of_case,
    feedback_queue,
    feedback_subject,
    feedback_visible_to,
    officer_of,
)
from . import serializers as s

PIN = OpenApiParameter("pin", OpenApiTypes.STR, required=True, description="The receipt's PIN.")


class FeedbackFilingThrottle(ClientRateThrottle):
    """Filing without staff: limited per client, as online filing is."""

    scope, rate_setting = FEEDBACK_FILING


def _about_case(case, about: str) -> dict:
    """The officer of a case the feedback is about, if it is about the officer."""
    return {"officer": officer_of(case)} if about == Subject.OFFICER else {}


class PublicCaseFeedbackView(APIView):
    """Feedback on a case, with its receipt's PIN: the case's feedback and their answers
    (GET), or file feedback about the case, its procedure or its officer (POST)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    error_statuses = {429}

    def get_throttles(self):
        return [FeedbackFilingThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        parameters=[PIN],
        responses={
            200: s.FeedbackSerializer(many=True),
            404: OpenApiResponse(description="No case with this code and PIN."),
        },
    )
    def get(self, request, code):
        case = public_case_or_404(request, code)
        return Response(s.FeedbackSerializer(feedback_of_case(case), many=True).data)

    @extend_schema(
        parameters=[PIN],
        request=s.FeedbackInSerializer,
        responses={
            201: s.FeedbackSerializer,
            404: OpenApiResponse(description="No case with this code and PIN."),
        },
    )
    def post(self, request, code):
        body = s.FeedbackInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = public_case_or_404(request, code)
        data = body.validated_data
        feedback = services.feedback_file(
            kind=data["kind"],
            subject=data["about"],
            text=data["text"],
            citizen_name=data.get("citizen_name") or case.applicant_full_name,
            citizen_phone=data.get("citizen_phone", case.applicant_phone),
            citizen_email=data.get("citizen_email", case.applicant_email),
            case=case,
            **_about_case(case, data["about"]),
        )
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class PublicFeedbackRatingView(APIView):
    """The citizen rates the answer to feedback on their case, once, with the case's PIN."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    error_statuses = {409, 429}

    @extend_schema(
        parameters=[PIN],
        request=s.AnswerRatingInSerializer,
        responses={
            200: s.FeedbackSerializer,
            404: OpenApiResponse(description="No such feedback on a case with this PIN."),
        },
    )
    def post(self, request, code, reference):
        body = s.AnswerRatingInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = public_case_or_404(request, code)
        feedback = feedback_by_reference(feedback_of_case(case), reference)
        if feedback is None:
            raise Http404
        feedback = services.feedback_rate(
            feedback=feedback,
            rating=body.validated_data["rating"],
            comment=body.validated_data.get("comment", ""),
        )
        return Response(s.FeedbackSerializer(feedback).data)


class FeedbackListView(GenericAPIView):
    """Staff: the feedback their agencies must answer (and what they filed), waiting
    answers first by deadline. A signed-in citizen: their own. POST files feedback: counter
    staff on a citizen's behalf, or a signed-in citizen about their case or a procedure."""

    queryset = Feedback.objects.none()  # for the schema: the rows come from the selectors

    def get_serializer_class(self):
        user = self.request.user
        staff = user.is_authenticated and user.is_staff_member
        return s.FeedbackStaffSerializer if staff else s.FeedbackSerializer

    def get_throttles(self):
        user = self.request.user
        if self.request.method == "POST" and not (user.is_authenticated and user.is_staff_member):
            return [FeedbackFilingThrottle()]
        return []

    @property
    def error_statuses(self):
        return {429} if self.request and self.request.method == "POST" else set()

    @extend_schema(
        operation_id="v1_feedback_list",
        parameters=[s.FeedbackQuerySerializer],
        responses={200: s.FeedbackStaffSerializer(many=True)},
    )
    def get(self, request):
        query = s.FeedbackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = feedback_queue(request.user, **query.validated_data)
        page = self.paginate_queryset(rows.prefetch_related("events__actor"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.FeedbackCreateSerializer,
        responses={201: s.FeedbackStaffSerializer},
        description="A citizen's answer leaves out the staff fields (as FeedbackSerializer).",
    )
    def post(self, request):
        body = s.FeedbackCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        staff = user.is_staff_member
        about = feedback_subject(
            user,
            about=data["about"],
            case=data.get("case", ""),
            procedure=data.get("procedure", ""),
            officer=data.get("officer", ""),
        )
        case = about.get("case")
        name = data.get("citizen_name") or (case.applicant_full_name if case else "")
        if not staff and not name:
            name = user.get_full_name() or user.username
        feedback = services.feedback_file(
            kind=data["kind"],
            subject=data["about"],
            text=data["text"],
            citizen_name=name,
            citizen_phone=data.get("citizen_phone", ""),
            citizen_email=data.get("citizen_email", ""),
            citizen_user=None if staff else user,
            filed_by=user if staff else None,
            **about,
        )
        serializer = self.get_serializer_class()
        return Response(serializer(feedback).data, status=status.HTTP_201_CREATED)


class FeedbackDetailView(GenericAPIView):
    """One piece of feedback, with its history for staff."""

    queryset = Feedback.objects.none()

    def get_serializer_class(self):
        user = self.request.user
        staff = user.is_authenticated and user.is_staff_member
        return s.FeedbackStaffSerializer if staff else s.FeedbackSerializer

    def get_object(self):
        feedback = feedback_by_reference(
            feedback_visible_to(self.request.user).prefetch_related("events__actor"),
            self.kwargs["reference"],
        )
        if feedback is None:
            raise Http404
        return feedback

    @extend_schema(responses={200: s.FeedbackStaffSerializer})
    def get(self, request, reference):
        return Response(self.get_serializer(self.get_object()).data)


class FeedbackAnswerView(FeedbackDetailView):
    """Staff of the answering agency answer, once (409 after)."""

    error_statuses = {409}

    @extend_schema(request=s.AnswerInSerializer, responses={200: s.FeedbackStaffSerializer})
    def post(self, request, reference):
        body = s.AnswerInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        feedback = services.feedback_answer(
            feedback=self.get_object(), answer=body.validated_data["answer"], by=request.user
        )
        return Response(s.FeedbackStaffSerializer(feedback).data)


class FeedbackRatingView(FeedbackDetailView):
    """A signed-in citizen rates the answer to their feedback, once (409 after)."""

    error_statuses = {409}

    @extend_schema(request=s.AnswerRatingInSerializer, responses={200: s.FeedbackSerializer})
    def post(self, request, reference):
        body = s.AnswerRatingInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        feedback = self.get_object()
        if request.user.is_staff_member:
            raise Http404  # the citizen's own word: staff never rate
        feedback = services.feedback_rate(
            feedback=feedback,
            rating=body.validated_data["rating"],
            comment=body.validated_data.get("comment", ""),
            by=request.user,
        )
        return Response(s.FeedbackSerializer(feedback).data)
