"""Citizens sign in with their national electronic identity (VNeID, through the national
portal's single sign-on): through the simulator, as they would through the portal."""

import pytest

from cases.models import User

from .national_identity import MAI, sign_in

pytestmark = pytest.mark.django_db


def test_a_first_sign_in_makes_a_citizen_account_from_the_proven_claims(client, idp):
    response, _callback = sign_in(client, MAI)

    assert response.status_code == 302
    user = User.objects.get(national_identity__tech_id=MAI.tech_id)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.get_full_name(), user.email, user.proven_id_number) == (
        "Lò Thị Mai",
        "mai@example.vn",
        "010190001234",
    )
    assert not user.has_usable_password()
