"""The simulator's signing keys, in `NATIONAL_ID_SIMULATOR_DIR/jwks.json` (private: never
served), made at first use. `rotate()` puts a new key first, which signs from then on; the
previous one stays published, as a provider keeps it while its tokens may still be checked.
"""

import json
import os
import tempfile
import threading
import uuid
from pathlib import Path

from django.conf import settings
from joserfc.jwk import KeySet, RSAKey

_lock = threading.Lock()


def _path() -> Path:
    return Path(settings.NATIONAL_ID_SIMULATOR_DIR) / "jwks.json"


def new_key() -> RSAKey:
    kid = uuid.uuid4().hex[:16]
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True
    )


def _write(keys: list[RSAKey], *, replace: bool) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"keys": [key.as_dict(private=True) for key in keys]})
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as tmp:
        tmp.write(data)
    try:
        if replace:
            os.replace(tmp.name, path)
        else:
            os.link(tmp.name, path)  # only if no other process made one meanwhile
    except FileExistsError:
        pass
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)


def private_keys() -> KeySet:
    """The simulator's keys, the signing one first."""
    path = _path()
    if not path.exists():
        with _lock:
            if not path.exists():
                _write([new_key()], replace=False)
    return KeySet.import_key_set(json.loads(path.read_text()))


def signing_key() -> RSAKey:
    return private_keys().keys[0]


def public_jwks() -> dict:
    return {"keys": [key.as_dict(private=False) for key in private_keys().keys]}


def rotate() -> RSAKey:
    """A new signing key; the previous one stays published."""
    with _lock:
        key = new_key()
        _write([key, *private_keys().keys[:1]], replace=True)
        return key
