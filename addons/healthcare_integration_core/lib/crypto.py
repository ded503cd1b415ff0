"""Authenticated encryption of secrets at rest (Fernet with key rotation)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from . import signing

MASK = "***"
ALWAYS_SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        signing.SIGNATURE_HEADER.lower(),
        "x-api-key",
    }
)
NO_KEY_MESSAGE = (
    "No encryption key configured: set hc_secret_keys in the Odoo configuration "
    "or HC_SECRET_KEYS in the environment"
)

_KEY_SEPARATORS = re.compile(r"[\s,]+")


class CryptoConfigError(Exception):
    """The encryption keys are missing or unusable."""


class SecretDecryptError(Exception):
    """A stored secret cannot be decrypted with the configured keys."""


def parse_keys(value: str | None) -> list[str]:
    """Split a key list (comma or whitespace separated, newest first)."""
    return [key for key in _KEY_SEPARATORS.split(value or "") if key]


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet(key: str, position: int) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, TypeError, UnicodeError):
        # "from None": the underlying error could echo part of the key.
        raise CryptoConfigError(
            f"Encryption key #{position} is invalid: expected a url-safe base64 "
            "encoded 32-byte Fernet key (see generate_key())"
        ) from None


class SecretBox:
    def __init__(self, keys: list[str]):
        if not keys:
            raise CryptoConfigError(NO_KEY_MESSAGE)
        self._fernets = [_fernet(key, pos) for pos, key in enumerate(keys, 1)]
        self._multi = MultiFernet(self._fernets)

    def encrypt(self, plaintext: str) -> str:
        return self._multi.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(_token_bytes(token)).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError):
            raise SecretDecryptError(
                "Cannot decrypt secret: it was encrypted with an unknown key "
                "or has been altered"
            ) from None

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key."""
        try:
            return self._multi.rotate(_token_bytes(token)).decode("ascii")
        except InvalidToken:
            raise SecretDecryptError(
                "Cannot rotate secret: it was encrypted with an unknown key "
                "or has been altered"
            ) from None

    def is_current(self, token: str) -> bool:
        """Whether the newest key alone decrypts ``token``."""
        try:
            self._fernets[0].decrypt(_token_bytes(token))
        except InvalidToken:
            return False
        return True


def _token_bytes(token: str) -> bytes:
    return token.encode("utf-8") if isinstance(token, str) else bytes(token)


def mask_headers(
    headers: Mapping[str, str], sensitive: Iterable[str] = ()
) -> dict[str, str]:
    """Copy of ``headers`` with the values of sensitive headers masked."""
    names = ALWAYS_SENSITIVE_HEADERS | {name.lower() for name in sensitive}
    return {
        key: MASK if key.lower() in names else value for key, value in headers.items()
    }
