"""Credentials at rest: Fernet (the `cryptography` package) with the key from the settings.

`AFTERSALES_CONNECTOR_KEYS` holds one or more Fernet keys, comma separated: the first encrypts,
all of them decrypt (MultiFernet), so a key is rotated by putting the new one first and running
`aftersales connector rotate-keys`.  With nothing set, a key is made once per installation and
kept beside the database (like the secret key), readable by its owner only.

Secrets are a small dict ({"app_secret": ..., "access_token": ...}); they are decrypted only where
a signature is checked or a request signed, never logged, and shown back as a hint: the last four
characters.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from aftersales.errors import ValidationFailed


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.CONNECTOR_KEYS])


def seal(secrets: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ValidationFailed("the connector's secrets cannot be decrypted with the configured keys "
                               "(AFTERSALES_CONNECTOR_KEYS)") from None


def rotate(token: str) -> str:
    """Re-encrypt with the first key (after a new key was put first)."""
    return _fernet().rotate(token.encode()).decode() if token else token


def mask(value: str) -> str:
    """"••••3f9a": enough to recognise a secret, never enough to use it."""
    value = value or ""
    return "••••" + value[-4:] if len(value) > 8 else "••••"


def hint(secrets: dict[str, str]) -> str:
    return ", ".join(f"{name} {mask(value)}" for name, value in sorted(secrets.items()) if value)[:200]


def set_secrets(connection, secrets: dict[str, str]) -> None:
    """Store `secrets` on the connection (not saved): the sealed token and the masked hint."""
    clean = {k: str(v) for k, v in secrets.items() if v}
    connection.secrets_encrypted = seal(clean)
    connection.secrets_hint = hint(clean)


def secrets_of(connection) -> dict[str, str]:
    return unseal(connection.secrets_encrypted)
