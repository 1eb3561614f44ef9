"""The demo province grown to the seed's size for `generate_cases`: the commune procedures
copied to every ward and commune (~3,000 procedures), staff for each; and the catalogue as
the generator draws from it."""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from cases import working_time
from cases.catalogue import forget_catalogue
from cases.models import Agency, FeeItem, Level, Procedure, Role, User
from cases.selectors import default_calendar
from cases.user_context import forget_everyone
from demo import build, province
from demo.people import _person_name

# How often a case picks a procedure of each level, per procedure copy.
LEVEL_WEIGHT = {Level.PROVINCE: 40.0, Level.COMMUNE: 1.0}

# --- the catalogue ---------------------------------------------------------------------


def build_province() -> dict:
    """The demo province with its commune procedures in every commune, and its staff."""
    with transaction.atomic():
        agencies = build.build_catalogue()
        build.build_users(agencies)
        _copy_local_procedures()
        _local_staff()
        # Written in bulk, past the signals: running workers re-read what they keep.
        forget_everyone()
        forget_catalogue()
    return agencies


def _copy_local_procedures():
    """Each commune procedure for every ward and commune."""
    templates = Procedure.objects.filter(level=Level.COMMUNE)
    templates = templates.exclude(code__contains="-").prefetch_related("fees")  # not the copies
    have = set(Procedure.objects.values_list("code", flat=True))
    copies, fees = [], []
    for agency in Agency.objects.filter(level=Level.COMMUNE):
        suffix = "".join(agency.code.split(".")[1:3])
        for template in templates:
            code = f"{template.code.split('-')[0]}-{suffix}"
            if template.agency_id == agency.pk or code in have:
                continue
            have.add(code)
            copy = Procedure(
                code=code,
                name=template.name,
                level=Level.COMMUNE,
                agency=agency,
                processing_time_value=template.processing_time_value,
                processing_time_unit=template.processing_time_unit,
                online_level=template.online_level,
                collection=template.collection,
                supplement_clock=template.supplement_clock,
                required_documents=template.required_documents,
                written_result=template.written_result,
                pays_online=template.pays_online,
                decision_ref=template.decision_ref,
                decision_effective_on=template.decision_effective_on,
                published_on=template.published_on,
                updated_on=template.updated_on,
            )
            copies.append(copy)
            fees += [(copy, f) for f in template.fees.all()]
    Procedure.objects.bulk_create(copies, batch_size=2000)
    FeeItem.objects.bulk_create(
        [
            FeeItem(procedure=p, code=f.code, name=f.name, kind=f.kind, amount=f.amount)
            for p, f in fees
        ],
        batch_size=2000,
    )


def _local_staff():
    """A counter, an officer and a signer for every agency that decides cases and has none."""
    password = make_password(province.DEMO_PASSWORD)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    deciding = Agency.objects.filter(procedures__isnull=False).distinct()
    have = set(User.objects.values_list("username", flat=True))
    users = []
    for agency in deciding:
        for role in (Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER):
            username = f"{province.STAFF_PREFIXES[role]}.{agency.code}"
            if username not in have:
                users.append((User(username=username, password=password, agency=agency), role))
    User.objects.bulk_create([u for u, _ in users], batch_size=1000)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=u.pk, group_id=groups[role].pk) for u, role in users], batch_size=2000
    )


@dataclass
class Catalogue:
    procedures: list
    weights: list
    centre_id: int
    fee_bearing: set
    staff: dict  # agency id → {role: user id}
    transfer_to: dict  # agency id → another agency of its level
    codes: dict  # agency id → code
    usernames: dict  # staff user id → username
    fees: dict  # fee-bearing procedure id → its FeeItems, by code (as `fees_due` lists them)
    calendar: working_time.WorkCalendar
    names: list = field(default_factory=list)


def catalogue() -> Catalogue:
    procedures = list(Procedure.objects.filter(is_active=True).order_by("pk"))
    staff: dict = {}
    for user_id, agency_id, role in (
        User.objects.filter(
            agency__isnull=False, groups__name__in=[Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER]
        )
        .values_list("pk", "agency_id", "groups__name")
        .order_by("pk")
    ):
        staff.setdefault(agency_id, {}).setdefault(role, user_id)
    by_level: dict = {}
    for agency_id, level in Agency.objects.values_list("pk", "level").order_by("pk"):
        by_level.setdefault(level, []).append(agency_id)
    deciders = {p.agency_id for p in procedures}
    transfer_to = {}
    for ids in by_level.values():
        ids = [i for i in ids if i in deciders]
        for i, agency_id in enumerate(ids):
            transfer_to[agency_id] = ids[(i + 1) % len(ids)]
    fee_bearing = set(FeeItem.objects.costing().values_list("procedure_id", flat=True))
    fees: dict = {}
    for item in FeeItem.objects.filter(procedure_id__in=fee_bearing).order_by("code", "pk"):
        fees.setdefault(item.procedure_id, []).append(item)
    rng = random.Random("names")
    return Catalogue(
        procedures=procedures,
        weights=[LEVEL_WEIGHT[p.level] for p in procedures],
        centre_id=Agency.objects.get(code=province.CENTRE[1]).pk,
        fee_bearing=fee_bearing,
        staff=staff,
        transfer_to=transfer_to,
        codes=dict(Agency.objects.values_list("pk", "code")),
        usernames=dict(User.objects.filter(agency__isnull=False).values_list("pk", "username")),
        fees=fees,
        calendar=default_calendar(),
        names=[_person_name(rng)[0] for _ in range(5000)],
    )
