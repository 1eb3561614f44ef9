"""With DEBUG off, none of the repository's published secrets and no simulator (issue 19: a
callback signed with the simulator's PayGov secret, which anyone can read here, was applied
in production).

At start-up (`migrate`, which the web container runs first, `runserver`, `check`): a
published secret set with DEBUG off, or a simulator switched on, is an error. With
`check --deploy`: also a gateway or a key file without its secret.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# What the repository publishes for the embedded mode and the tests to run with.
PUBLISHED = {
    "PAYGOV_SECRET": "onestop-paygov-simulator-secret",
    "SIGNING_PKCS12_PASSPHRASE": "onestop-dev",
    "ZALO_WEBHOOK_SECRET": "simulator-oa-secret",
}
SIMULATORS = [
    "PAYGOV_SIMULATOR",
    "NATIONAL_ID_SIMULATOR",
    "DVCQG_SIMULATOR",
    "MESSAGING_SIMULATORS",
]
PKCS12_BACKEND = "documents.signing.Pkcs12Backend"


@register(Tags.security)
def no_published_secret_nor_simulator(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = [
        Error(
            f"{name} is the value published in Onestop's repository; with DEBUG off set "
            "your own secret.",
            id="onestop.E001",
        )
        for name, value in PUBLISHED.items()
        if getattr(settings, name) == value
    ]
    errors += [
        Error(
            f"{name} is on with DEBUG off: a simulator acts without the real service "
            "(fees paid without money, anyone signed in). Turn it off.",
            id="onestop.E002",
        )
        for name in SIMULATORS
        if getattr(settings, name)
    ]
    return errors


@register(Tags.security, deploy=True)
def secrets_of_what_is_used(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.PAYGOV_URL and not settings.PAYGOV_SECRET:
        errors.append(
            Error("PAYGOV_URL is set without PAYGOV_SECRET: no callback would verify.",
                  id="onestop.E003")
        )  # fmt: skip
    if settings.SIGNING_KEY_BACKEND == PKCS12_BACKEND and not settings.SIGNING_PKCS12_PASSPHRASE:
        errors.append(
            Error("SIGNING_PKCS12_PASSPHRASE is not set: the agencies' keys need a passphrase.",
                  id="onestop.E004")
        )  # fmt: skip
    return errors
