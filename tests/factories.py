"""Factories for the catalogue and staff. Cases are filed through the services, so that
every case in a test has the codes, appointments and history a real one has."""

import factory
from django.contrib.auth.models import Group

from cases.models import Agency, FeeItem, Level, OnlineLevel, Procedure, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H38")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    level = Level.PROVINCE


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    level = Level.PROVINCE
    agency = factory.SubFactory(AgencyFactory)
    processing_time_value = 3
    required_documents = ["Tờ khai", "Bản sao CCCD"]
    online_level = OnlineLevel.PARTIAL  # filed online too (the model's default is not)


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    procedure = factory.SubFactory(ProcedureFactory)
    code = factory.Sequence(lambda n: f"LP{n:03d}")
    name = "Lệ phí"
    kind = FeeItem.Kind.CHARGE
    amount = 100_000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, roles, **kwargs):
        for role in roles or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])
