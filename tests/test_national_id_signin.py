"""Citizens sign in with their national electronic identity (VNeID, through the national
portal's single sign-on): through the simulator, as they would through the portal."""

import time
from datetime import date

import pytest
from django import forms

from cases.models import Role, User
from nationalid import client as national_client
from nationalid.forms import prefill_applicant_form
from nationalid.models import IdentityConflict, NationalIdentity
from nationalid.simulator import keys

from .factories import UserFactory
from .national_identity import (
    HUNG,
    MAI,
    PAO,
    SAPA,
    at_provider,
    choose,
    query,
    sign_in,
    signed_in_user_id,
    start,
)

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # the factories'


def test_a_first_sign_in_makes_a_citizen_account_from_the_proven_claims(client, idp):
    response, _callback = sign_in(client, MAI, next_url="/procedures/")

    assert response.status_code == 302 and response["Location"] == "/procedures/"
    user = User.objects.get(national_identity__tech_id=MAI.tech_id)
    assert signed_in_user_id(client) == str(user.pk)
    assert (user.get_full_name(), user.email, user.proven_id_number) == (
        "Lò Thị Mai",
        "mai@example.vn",
        "010190001234",
    )
    assert not user.has_usable_password()  # it signs in with the national identity only
    identity = user.national_identity
    assert (identity.birth_date, identity.phone, identity.address, identity.loa) == (
        date(1990, 1, 15),
        "0912345678",
        "Thôn Phú Hải, xã Gia Phú, tỉnh Lào Cai",
        "LoA2",
    )
    assert (identity.account_type, identity.login_idp, identity.subject) == (1, "BCA", MAI.sub)


def test_the_authorization_request_carries_pkce_nonce_state_and_the_level_asked(client, idp):
    asked = query(start(client))

    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert asked["nonce"] and asked["state"] and asked["acr_values"] == "LoA2"
    assert asked["scope"] == "openid" and asked["client_id"] == "onestop"


def test_a_later_sign_in_refreshes_the_account_from_the_claims(client, idp):
    sign_in(client, MAI)
    identity = NationalIdentity.objects.get(tech_id=MAI.tech_id)
    NationalIdentity.objects.filter(pk=identity.pk).update(address="Địa chỉ cũ", phone="")
    User.objects.filter(pk=identity.user_id).update(last_name="Cũ", email="old@example.vn")
    client.logout()

    sign_in(client, MAI)

    identity.refresh_from_db()
    assert (identity.address, identity.phone) == (MAI.address, MAI.phone)
    assert identity.last_signed_in_at > identity.first_signed_in_at
    user = User.objects.get(pk=identity.user_id)
    assert (user.get_full_name(), user.email) == ("Lò Thị Mai", "mai@example.vn")
    assert User.objects.filter(national_identity__isnull=False).count() == 1


def test_a_business_account_files_as_its_organisation(client, idp):
    sign_in(client, SAPA)

    user = User.objects.get(national_identity__tech_id=SAPA.tech_id)
    assert (user.get_full_name(), user.proven_id_number) == (
        "Công ty TNHH Nông sản Sa Pa",
        SAPA.tax_code,
    )
    assert user.national_identity.account_type == 2


def test_below_the_required_level_of_assurance_the_id_number_is_not_proven(client, idp, settings):
    sign_in(client, PAO)  # LoA1: identity not verified in person

    user = User.objects.get(national_identity__tech_id=PAO.tech_id)
    assert signed_in_user_id(client) == str(user.pk)
    assert user.proven_id_number == ""
    assert user.national_identity.id_number == PAO.id_number

    settings.NATIONAL_ID_REQUIRED_LOA = "LoA1"  # a province that accepts level 1
    client.logout()
    sign_in(client, PAO)
    user.refresh_from_db()
    assert user.proven_id_number == PAO.id_number


def test_staff_never_sign_in_with_a_national_identity(client, idp, province):
    sign_in(client, HUNG)
    user = User.objects.get(national_identity__tech_id=HUNG.tech_id)
    user.agency = province["centre"]  # the citizen became a clerk of the centre
    user.save()
    user.groups.add(*UserFactory(roles=[Role.COUNTER_STAFF]).groups.all())
    client.logout()

    response, _callback = sign_in(client, HUNG)

    assert response.status_code == 403
    assert "Staff accounts never sign in" in response.content.decode() or (
        "Tài khoản cán bộ" in response.content.decode()
    )
    assert signed_in_user_id(client) is None


def test_staff_logged_in_cannot_link_a_national_identity(client, idp, staff):
    client.force_login(staff["counter"])

    response, _callback = sign_in(client, MAI)

    assert response.status_code == 403
    assert not NationalIdentity.objects.exists()
    assert signed_in_user_id(client) == str(staff["counter"].pk)  # still the clerk, nothing more


def test_an_id_number_linked_to_another_tech_id_is_refused_and_recorded(client, idp, admin_client):
    # Another national account already holds Mai's ID number.
    holder = NationalIdentity.objects.create(
        tech_id="another-tech-id",
        user=UserFactory(username="holder"),
        account_type=1,
        id_number=MAI.id_number,
        full_name="Lò Thị Mai",
    )

    response, _callback = sign_in(client, MAI)

    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(username__startswith="vneid-").exists()  # nothing merged
    conflict = IdentityConflict.objects.get()
    assert (conflict.tech_id, conflict.id_number, conflict.existing, conflict.resolved) == (
        MAI.tech_id,
        MAI.id_number,
        holder,
        False,
    )
    listing = admin_client.get("/admin/nationalid/identityconflict/")
    assert MAI.tech_id in listing.content.decode()


def test_a_local_account_is_linked_once_signed_in_with_both(client, idp):
    local = UserFactory(username="mai90", email="mai@example.vn")
    client.force_login(local)

    response, _callback = sign_in(client, MAI)
    assert response.status_code == 302 and response["Location"] == "/national-id/link/"
    assert "mai90" in client.get("/national-id/link/").content.decode()

    confirmed = client.post("/national-id/link/", {"choice": "link"})

    assert confirmed.status_code == 302
    local.refresh_from_db()
    assert local.national_identity.tech_id == MAI.tech_id
    assert (local.proven_id_number, local.get_full_name()) == (MAI.id_number, "Lò Thị Mai")
    assert signed_in_user_id(client) == str(local.pk)
    assert User.objects.count() == 1


def test_an_account_with_the_same_email_is_linked_only_after_its_password(client, idp):
    local = UserFactory(username="mai90", email="MAI@example.vn")

    response, _callback = sign_in(client, MAI)

    # Not merged on the e-mail alone: nobody is signed in until the account is proven too.
    assert response["Location"] == "/national-id/link/"
    assert signed_in_user_id(client) is None
    assert not NationalIdentity.objects.exists()
    assert client.post("/national-id/link/", {"choice": "link"}).status_code == 400
    assert not NationalIdentity.objects.exists()  # "link" means nothing without the account

    client.post("/login/", {"username": "mai90", "password": PASSWORD})
    assert signed_in_user_id(client) == str(local.pk)
    client.post("/national-id/link/", {"choice": "link"})

    local.refresh_from_db()
    assert local.national_identity.tech_id == MAI.tech_id and local.proven_id_number


def test_the_person_may_take_a_new_account_instead_of_linking(client, idp):
    local = UserFactory(username="mai90", email="mai@example.vn")
    sign_in(client, MAI)

    client.post("/national-id/link/", {"choice": "new"})

    user = User.objects.get(national_identity__tech_id=MAI.tech_id)
    assert user != local and signed_in_user_id(client) == str(user.pk)


def test_a_link_waits_ten_minutes_at_most(client, idp, time_machine):
    UserFactory(username="mai90", email="mai@example.vn")
    sign_in(client, MAI)

    time_machine.move_to(time.time() + 601)
    response = client.post("/national-id/link/", {"choice": "new"})

    assert response.status_code == 400
    assert not NationalIdentity.objects.exists()


def test_logout_ends_the_national_session_too(client, idp):
    sign_in(client, MAI)
    authorize_url = start(client)
    path, host = at_provider(authorize_url)
    assert "Lò Thị Mai" in client.get(path, **host).content.decode()  # the provider remembers

    response = client.post("/national-id/logout/")

    assert signed_in_user_id(client) is None
    to_provider = query(response["Location"])
    assert response["Location"].startswith(f"{idp}/logout?")
    assert to_provider["post_logout_redirect_uri"] == "http://testserver/national-id/signed-out/"
    assert to_provider["id_token_hint"].count(".") == 2
    path, host = at_provider(response["Location"])
    back = client.get(path, **host)
    assert back.status_code == 302 and back["Location"].startswith(
        "http://testserver/national-id/signed-out/"
    )
    assert client.cookies["idp_sim_person"].value == ""  # the provider's session is over
    path, host = at_provider(authorize_url)
    assert "Tiếp tục" not in client.get(path, **host).content.decode()


def test_a_rotated_signing_key_is_fetched_and_trusted(client, idp):
    sign_in(client, MAI)
    client.logout()
    rp = national_client.client_for(idp)
    known = {key["kid"] for key in rp.server_metadata["jwks"]["keys"]}

    new_key = keys.rotate()
    response, _callback = sign_in(client, MAI)

    assert response.status_code == 302 and signed_in_user_id(client)
    assert new_key.kid not in known
    assert new_key.kid in {key["kid"] for key in rp.server_metadata["jwks"]["keys"]}


def test_a_provider_without_a_discovery_document_is_configured_by_its_endpoints(
    client, idp, settings
):
    settings.NATIONAL_ID_AUTHORIZE_URL = f"{idp}/authorize"
    settings.NATIONAL_ID_TOKEN_URL = f"{idp}/token"
    settings.NATIONAL_ID_USERINFO_URL = f"{idp}/userinfo"
    settings.NATIONAL_ID_JWKS_URL = f"{idp}/jwks"
    settings.NATIONAL_ID_END_SESSION_URL = f"{idp}/logout"

    response, _callback = sign_in(client, HUNG)

    assert response.status_code == 302 and signed_in_user_id(client)
    assert "_loaded_at" not in national_client.client_for(idp).server_metadata  # no discovery


class ApplicantForm(forms.Form):
    full_name = forms.CharField()
    id_number = forms.CharField()
    phone = forms.CharField(required=False)
    email = forms.EmailField(required=False)
    address = forms.CharField(required=False)


def test_the_applicant_form_is_prefilled_and_the_proven_id_number_locked(client, idp):
    sign_in(client, MAI)
    user = User.objects.get(national_identity__tech_id=MAI.tech_id)

    blank = ApplicantForm()
    prefill_applicant_form(blank, user)
    posted = ApplicantForm({"full_name": "Lò Thị Mai", "id_number": "999999999999"})
    prefill_applicant_form(posted, user)

    assert blank.initial == {
        "full_name": "Lò Thị Mai",
        "id_number": MAI.id_number,
        "phone": MAI.phone,
        "email": MAI.email,
        "address": MAI.address,
    }
    assert posted.is_valid() and posted.cleaned_data["id_number"] == MAI.id_number


def test_an_unproven_id_number_is_prefilled_but_left_editable(client, idp):
    sign_in(client, PAO)
    user = User.objects.get(national_identity__tech_id=PAO.tech_id)

    posted = ApplicantForm({"full_name": "Giàng A Páo", "id_number": "010201000000"})
    prefill_applicant_form(posted, user)

    assert posted.is_valid() and posted.cleaned_data["id_number"] == "010201000000"


def test_the_account_page_shows_the_identity(client, idp):
    sign_in(client, MAI)

    page = client.get("/national-id/").content.decode()

    assert MAI.id_number in page and "Lò Thị Mai" in page


def test_choose_is_what_the_person_does_at_the_provider(client, idp):
    callback = choose(client, start(client), MAI)

    assert callback.startswith("http://testserver/national-id/callback/?code=")
