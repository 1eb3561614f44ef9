import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from cases import selectors
from cases.models import Agency, Case, Level, OnlineLevel, Procedure, Status


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, not even built when a list is asked for with no filter."""

    def filter_queryset(self, request, queryset, view):
        if not request.query_params.keys() - {"page", "page_size"}:
            return queryset
        return super().filter_queryset(request, queryset, view)


class ProcedureFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        help_text=_(
            "Code or name: every word, with or without its diacritics; the exact code first."
        ),
    )
    level = django_filters.ChoiceFilter(choices=Level.choices)
    agency = django_filters.CharFilter(field_name="agency__code", help_text=_("Agency code."))
    online_level = django_filters.ChoiceFilter(choices=OnlineLevel.choices)

    class Meta:
        model = Procedure
        fields = ["search", "level", "agency", "online_level"]

    def filter_search(self, queryset, name, value):
        return selectors.procedures_matching(queryset, value)


class AgencyFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices)
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Agency
        fields = ["level", "parent"]


@extend_schema_field({"type": "string", "enum": ["me"]})
class MeFilter(django_filters.ChoiceFilter):
    """`me` only: the caller's own cases."""


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    agency = django_filters.CharFilter(
        method="filter_agency", help_text=_("Receiving or deciding agency code.")
    )
    procedure = django_filters.CharFilter(field_name="procedure__code")
    assigned_to = MeFilter(
        choices=[("me", "me")], method="filter_assigned_to", help_text=_("`me`: my cases.")
    )
    due = django_filters.ChoiceFilter(
        choices=[("soon", "soon"), ("overdue", "overdue")], method="filter_due"
    )
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    search = django_filters.CharFilter(
        method="filter_search",
        help_text=_(
            "Case code, reference, applicant name (with or without its diacritics) or ID number."
        ),
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        help_text=_(
            "`true`: my own cases: those I filed and, once I signed in with my national "
            "identity (VNeID), every case filed under my proven ID number, whatever the channel."
        ),
    )

    class Meta:
        model = Case
        fields = []

    def filter_agency(self, queryset, name, value):
        return queryset.filter(Q(receiving_agency__code=value) | Q(deciding_agency__code=value))

    def filter_assigned_to(self, queryset, name, value):
        return queryset.filter(assigned_to=self.request.user)

    def filter_due(self, queryset, name, value):
        return selectors.cases_due(queryset, due=value, agency=self.request.user.agency)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(selectors.mine_q(self.request.user)) if value else queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value)
            | Q(reference__iexact=value)
            | selectors.name_matches("applicant_full_name", value)
            | Q(applicant_id_number=value)
        )
