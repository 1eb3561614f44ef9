"""Who is asking: the user of an API token or a web session with their roles and agencies,
kept in each worker.

Every staff request needs the user, their roles (auth groups), the agencies under theirs and
those of their province: four queries, two of them recursive. A worker keeps them in memory
per token and checks them on each request with one cache round trip that reads two stamps:
the user's (renewed when the user, their groups or their tokens change) and the agency
tree's (renewed when any agency or group changes). The receivers below renew a stamp at once
and again after commit, so a revoked token, a removed role or a moved officer takes effect
at the next request in every worker, never after a timeout. (An entry is also rebuilt after
`kept.MAX_AGE_SECONDS`: a backstop for a renewal lost while the cache was unreachable.)

Writes that bypass the model signals (`QuerySet.update()`, raw SQL, fixtures loaded raw) on
users, groups, tokens or agencies must call `forget_user(user_id)` or `forget_everyone()`.
"""

import copy

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .kept import Kept, current_stamps, renew_stamp, shared_stamp
from .models import Agency, User
from .selectors import province_agency_ids, user_agency_ids

TREE_KEY = shared_stamp("user-context:tree")

# What ModelBackend caches on a user: a permission change renews no stamp, so never kept.
PERMISSION_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def _user_key(user_id: int) -> str:
    return f"user-context:user:{user_id}"


def _stamp_keys(user_id: int) -> list[str]:
    """What a user's context depends on: the agency tree and the user."""
    return [TREE_KEY, _user_key(user_id)]


def _current_stamps(user_id: int) -> tuple | None:
    return current_stamps(_stamp_keys(user_id))


def forget_user(user_id: int) -> None:
    renew_stamp(_user_key(user_id))


def forget_everyone() -> None:
    renew_stamp(TREE_KEY)


def load_context(user: User) -> User:
    """Read the user's agency, roles and agency ids onto the user (see `selectors`)."""
    user.agency  # noqa: B018 - loads it now, not in a later request
    user.roles  # noqa: B018
    if user.agency_id is not None:
        user_agency_ids(user)
        province_agency_ids(user)
    return user


def _request_copy(user: User) -> User:
    """The kept user for one request, which may note things on it; without the permissions
    ModelBackend caches on a user, which no stamp covers (a group's permissions)."""
    user = copy.copy(user)
    for name in PERMISSION_CACHES:
        user.__dict__.pop(name, None)
    return user


# token key -> the token, its user and context
_tokens = Kept(lambda token: _stamp_keys(token.user_id))
_session_users = Kept(lambda user: _stamp_keys(user.pk))  # user id -> the user and context


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with the user's context kept per worker (see above)."""

    def authenticate_credentials(self, key):
        token = _tokens.get(key)
        if token is not None:
            return _request_copy(token.user), token
        user_id = Token.objects.filter(key=key).values_list("user_id", flat=True).first()
        if user_id is None:
            _tokens.forget(key)
            return super().authenticate_credentials(key)  # DRF's answer to a bad token
        current = _current_stamps(user_id)  # before reading what it stamps
        user, token = super().authenticate_credentials(key)
        load_context(user)
        _tokens.keep(key, current, token)
        return _request_copy(user), token


class CachedModelBackend(ModelBackend):
    """Django's model backend, with a session's user and context kept per worker (see above).

    A password change saves the user and so renews their stamp: the session hash is then
    checked against the new password, as without the cache.
    """

    def get_user(self, user_id):
        user = _session_users.get(user_id)
        if user is not None:
            return _request_copy(user)
        current = _current_stamps(user_id)  # before reading what it stamps
        user = super().get_user(user_id)
        if user is None:
            _session_users.forget(user_id)
            return None
        load_context(user)
        _session_users.keep(user_id, current, user)
        return _request_copy(user)


# --- what renews the stamps ------------------------------------------------------------


@receiver([post_save, post_delete], sender=User)
def _user_changed(sender, instance, **kwargs):
    forget_user(instance.pk)


@receiver([post_save, post_delete], sender=Token)
def _token_changed(sender, instance, **kwargs):
    forget_user(instance.user_id)


@receiver(m2m_changed, sender=User.groups.through)
def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add/remove/clear
        forget_user(instance.pk)
    elif pk_set:  # group.user_set.add/remove
        for user_id in pk_set:
            forget_user(user_id)
    else:  # group.user_set.clear(): who was in it is gone
        forget_everyone()


@receiver([post_save, post_delete], sender=Group)
@receiver([post_save, post_delete], sender=Agency)
def _tree_changed(sender, **kwargs):
    forget_everyone()
