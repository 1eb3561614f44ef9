"""A stand-in for the national identity provider (the National Public Service Portal's
single sign-on, VNeID), for the embedded mode and the tests: a real OpenID Connect provider
(Authlib's authorization server) under `/idp-sim/`, on only with `NATIONAL_ID_SIMULATOR`
(default: DEBUG). Its page lists a few demo people and a business to sign in as, and can
answer wrongly on purpose (a forged or expired ID token...), as the payments simulator can.
"""
