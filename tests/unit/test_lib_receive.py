"""The receive service's database-free parts: requests, limits, signatures."""

import io

import pytest
from lib import inbound, receive, signing
from lib.refusals import RefusalCounter
from lib.signing import SignatureError

SECRET = "s3cret"
NOW = 1_700_000_000


def _verify(headers, body, key=None, **kwargs):
    signing.verify_signature(
        SECRET,
        headers[signing.TIMESTAMP_HEADER],
        headers[signing.SIGNATURE_HEADER],
        body,
        now=NOW,
        idempotency_key=key,
        **kwargs,
    )


# ---------------------------------------------------------------- structure


def test_json_within_the_depth_limit_passes():
    assert receive.check_structure(b'{"a": [[{"b": 1}]]}', "json") is None


def test_json_deeper_than_the_limit_is_refused_without_recursion():
    body = b"[" * 100_000 + b"]" * 100_000
    code, reason = receive.check_structure(body, "fhir_json")
    assert (code, "deeper than 100" in reason) == ("too_deep", True)


def test_brackets_inside_strings_do_not_count():
    body = b'{"text": "' + b"[" * 500 + b'\\" [[["}'
    assert receive.check_structure(body, "json") is None


def test_many_shallow_objects_pass():
    body = b"[" + b",".join([b'{"a": [1]}'] * 5000) + b"]"
    assert receive.check_structure(body, "json") is None


def test_xml_with_entities_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
    )
    assert receive.check_structure(bomb, "xml")[0] == "bad_xml"


def test_xml_with_an_external_entity_is_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
        b'"file:///etc/passwd">]><r>&x;</r>'
    )
    code, reason = receive.check_structure(xxe, "xml")
    assert code == "bad_xml" and "DTD" in reason


def test_deep_xml_is_refused_and_malformed_xml_left_to_validation():
    deep = b"<a>" * 300 + b"</a>" * 300
    assert receive.check_structure(deep, "xml")[0] == "too_deep"
    assert receive.check_structure(b"<a>" * 150 + b"</a>" * 150, "xml")[0] == "too_deep"
    assert receive.check_structure(b"<a><b></a>", "xml") is None


def test_text_formats_have_no_structure_limit():
    assert receive.check_structure(b"ISA*00*~" * 100, "x12") is None


# ---------------------------------------------------------------- requests


def test_only_declared_methods_apply_a_body():
    request = receive.InboundRequest(door="webhook", method="OPTIONS")
    assert request.method not in request.allowed_methods


def test_broker_headers_in_bytes_read_as_text():
    request = receive.InboundRequest(door="broker", headers={"X-A": b"v"})
    assert request.header("X-A") == "v"
    assert request.header("X-B") is None


def test_body_declared_over_the_limit_is_not_read():
    reads = []
    with pytest.raises(inbound.RequestRefused) as info:
        inbound.read_bounded(lambda: reads.append(1) or b"", 10, 11, False)
    assert info.value.status == 413
    assert not reads


def test_body_without_a_length_is_refused_with_411():
    with pytest.raises(inbound.RequestRefused) as info:
        inbound.read_bounded(io.BytesIO(b"x").read, 10, None, True)
    assert info.value.status == 411


def test_body_within_its_declared_length_is_read():
    assert inbound.read_bounded(io.BytesIO(b"abc").read, 10, 3, False) == b"abc"


# ---------------------------------------------------------------- signatures


def test_key_covering_signature_binds_the_key():
    body = b'{"id": 1}'
    headers = signing.signed_headers(SECRET, body, now=NOW, idempotency_key="k1")
    assert headers["Idempotency-Key"] == "k1"
    assert headers[signing.SIGNATURE_HEADER].startswith("sha256k=")
    _verify(headers, body, key="k1", key_required=True)
    with pytest.raises(SignatureError):
        _verify(headers, body, key="k2")
    with pytest.raises(SignatureError):
        _verify(headers, body, key=None)


def test_body_only_signature_is_refused_where_the_key_is_required():
    body = b"{}"
    headers = signing.signed_headers(SECRET, body, now=NOW)
    _verify(headers, body, key="any")
    with pytest.raises(SignatureError, match="Idempotency-Key"):
        _verify(headers, body, key="any", key_required=True)


# ---------------------------------------------------------------- refusal counts


def test_counts_given_back_are_kept_with_new_ones():
    counter = RefusalCounter()
    key = ("ehr", "demand", "unauthenticated", 401)
    for n in range(5):
        counter.add(key, "no signature", {"n": n})
    taken = counter.take()
    assert counter.pending() == 0
    counter.add(key, "no signature", {"n": 5})
    counter.restore(taken)  # the write failed: nothing is lost
    assert counter.pending() == 6
    [bucket] = counter.take().values()
    assert bucket.count == 6
    assert len(bucket.examples) == 3
