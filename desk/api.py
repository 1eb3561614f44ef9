"""The API's `GET /api/v1/me/`: who is logged in, and the desk page they work from."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Role, User
from cases.user_context import CachedTokenAuthentication

from .nav import desk_url


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.CharField(read_only=True, help_text=_("Empty when none was given."))
    roles = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    is_staff_member = serializers.BooleanField(read_only=True)
    desk = serializers.SerializerMethodField(help_text=_("The web page this user works from."))

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "roles", "is_staff_member", "agency", "desk"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, user):
        return sorted(user.roles)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_agency(self, user):
        if user.agency is None:
            return None
        return {"code": user.agency.code, "name": user.agency.name, "level": user.agency.level}

    def get_desk(self, user) -> str:
        return desk_url(user)


class MeView(APIView):
    """Who is logged in: username, roles, agency, and the page they work from.

    401 without credentials (session or token).
    """

    # Token first: an anonymous caller gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]

    @extend_schema(
        responses={200: MeSerializer, 401: OpenApiResponse(description="Not logged in.")}
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)
