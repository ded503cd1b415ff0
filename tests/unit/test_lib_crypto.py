import pytest
from cryptography.fernet import Fernet
from lib import crypto
from lib.crypto import CryptoConfigError, SecretBox, SecretDecryptError


@pytest.fixture
def keys():
    return [crypto.generate_key(), crypto.generate_key()]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        (" , ,\n", []),
        ("a", ["a"]),
        ("new, old", ["new", "old"]),
        ("new\n  old,,third\t", ["new", "old", "third"]),
    ],
)
def test_parse_keys(value, expected):
    assert crypto.parse_keys(value) == expected


def test_generate_key_is_a_usable_fernet_key():
    key = crypto.generate_key()
    assert isinstance(key, str)
    Fernet(key.encode())


def test_no_key_is_a_configuration_error():
    with pytest.raises(CryptoConfigError) as info:
        SecretBox([])
    assert "hc_secret_keys" in str(info.value)
    assert "HC_SECRET_KEYS" in str(info.value)


@pytest.mark.parametrize("bad", ["not-a-key", "c2hvcnQ=", "é" * 44])
def test_invalid_key_is_reported_without_its_value(keys, bad):
    with pytest.raises(CryptoConfigError) as info:
        SecretBox([keys[0], bad])
    message = str(info.value)
    assert "#2" in message
    assert bad not in message
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_round_trip_unicode(keys):
    box = SecretBox(keys)
    token = box.encrypt("pässwörd ✓")
    assert "pässwörd" not in token
    assert box.decrypt(token) == "pässwörd ✓"
    assert box.encrypt("x") != box.encrypt("x")


def test_tampered_token_does_not_decrypt(keys):
    box = SecretBox(keys)
    token = box.encrypt("secret-value")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(SecretDecryptError) as info:
        box.decrypt(tampered)
    assert "secret-value" not in str(info.value)
    with pytest.raises(SecretDecryptError):
        box.decrypt("garbage")


def test_unknown_key_does_not_decrypt(keys):
    token = SecretBox([keys[0]]).encrypt("x")
    with pytest.raises(SecretDecryptError):
        SecretBox([keys[1]]).decrypt(token)


def test_key_rotation(keys):
    new_key, old_key = keys
    old_token = SecretBox([old_key]).encrypt("api-key-123")

    box = SecretBox([new_key, old_key])
    assert box.decrypt(old_token) == "api-key-123"
    assert not box.is_current(old_token)

    rotated = box.rotate(old_token)
    assert box.is_current(rotated)
    assert box.decrypt(rotated) == "api-key-123"

    new_only = SecretBox([new_key])
    assert new_only.decrypt(rotated) == "api-key-123"
    with pytest.raises(SecretDecryptError):
        new_only.decrypt(old_token)


def test_new_encryption_uses_newest_key(keys):
    box = SecretBox(keys)
    assert box.is_current(box.encrypt("x"))
    assert SecretBox([keys[0]]).decrypt(box.encrypt("x")) == "x"


def test_rotate_unknown_token_fails(keys):
    with pytest.raises(SecretDecryptError):
        SecretBox(keys).rotate("garbage")
    assert not SecretBox(keys).is_current("garbage")


def test_mask_headers():
    headers = {
        "authorization": "Bearer abc",
        "Proxy-Authorization": "Basic x",
        "COOKIE": "sid=1",
        "X-HC-Signature": "sha256=00",
        "x-api-key": "k",
        "X-Custom-Token": "t",
        "Content-Type": "application/json",
    }
    masked = crypto.mask_headers(headers, ["x-custom-token"])
    assert masked == {
        "authorization": "***",
        "Proxy-Authorization": "***",
        "COOKIE": "***",
        "X-HC-Signature": "***",
        "x-api-key": "***",
        "X-Custom-Token": "***",
        "Content-Type": "application/json",
    }
    assert headers["authorization"] == "Bearer abc"
    assert crypto.mask_headers({"Content-Type": "text/xml"}, []) == {
        "Content-Type": "text/xml"
    }
