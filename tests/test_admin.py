"""The admin pages an administrator uses to keep the catalogue and read cases render."""

import pytest
from django.contrib import admin
from django.urls import reverse

from .conftest import vn
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, province):
    user = UserFactory(username="root", is_staff=True, is_superuser=True, agency=province["ubnd"])
    client.force_login(user)
    return client


def test_every_admin_list_and_add_page_renders(admin_client, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
    page = admin_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert case.code in page.content.decode()
    assert admin_client.get(reverse("admin:cases_procedure_add")).status_code == 200
