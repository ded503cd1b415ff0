"""Property tests: any input gives interchanges or an X12Error, never another
exception nor a hang; what parses and serializes parses back equal."""

import datetime as dt
import itertools
import random
import time
from pathlib import Path

from addon_lib import addon_lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lib import x12
from lib.x12 import Composite, Delimiters, Repetition, Segment, X12Error

x12_maps = addon_lib("procurement", "x12_maps")

DATA = Path(__file__).parent / "data" / "x12"
FIXTURES = [path.read_bytes() for path in sorted(DATA.glob("*.edi"))]
MAPS = {
    "850": x12_maps.map_850,
    "855": x12_maps.map_855,
    "856": x12_maps.map_856,
    "810": x12_maps.map_810,
}
DELIMITERS = b"*|^:>~{\n\r\x1d\x1e\x1f+"
# no example database: the suite leaves no .hypothesis directory behind
FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def use(interchanges):
    """Everything downstream of parse either works or raises X12Error."""
    for interchange in interchanges:
        try:
            assert x12.parse(x12.serialize(interchange)) == [interchange]
        except X12Error:
            pass
        for group in interchange.groups:
            results = x12.validate_group(group, supported=set(MAPS))
            try:
                x12.build_999(interchange, group, results, itertools.count(1))
            except X12Error:
                pass
            for transaction_set in group.transaction_sets:
                read = MAPS.get(transaction_set.id, x12.read_ack)
                try:
                    record = read(transaction_set)
                except X12Error:
                    continue
                if transaction_set.id == "856":
                    x12_maps.flatten_856(record)


def parse_or_error(data, strict=True):
    try:
        interchanges = x12.parse(data, strict=strict)
    except X12Error as error:
        assert error.reason
        return None
    use(interchanges)
    return interchanges


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes(data):
    parse_or_error(data)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(FIXTURES))
def test_random_bytes_after_a_valid_isa(tail, fixture):
    isa_end = fixture.index(b"GS")
    parse_or_error(fixture[:isa_end] + tail)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(FIXTURES)))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "copy"]))
        if action == "truncate":
            del data[position:]
        elif action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[position:position] = bytes([draw(st.sampled_from(DELIMITERS))])
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 20))]
        else:
            data[position:position] = data[
                position : position + draw(st.integers(1, 40))
            ]
    return bytes(data)


@FUZZ
@given(mutated(), st.booleans())
def test_mutations_of_valid_interchanges(data, strict):
    parse_or_error(data, strict)


# generated interchanges round-trip --------------------------------------------

TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=32, max_codepoint=255, blacklist_characters="*:^~|{\x7f"
    ),
    max_size=8,
)
SIMPLE = TEXT
COMPOSITE = st.lists(TEXT, min_size=2, max_size=3).map(Composite)
REPEATED = st.lists(st.one_of(TEXT, COMPOSITE), min_size=2, max_size=3).map(Repetition)
SEGMENT_ID = st.from_regex(r"[A-Z][A-Z0-9]{1,2}", fullmatch=True).filter(
    lambda sid: sid not in {"ISA", "IEA", "GS", "GE", "ST", "SE"}
)
SEGMENTS = st.lists(
    st.builds(
        Segment,
        SEGMENT_ID,
        st.lists(st.one_of(SIMPLE, SIMPLE, COMPOSITE, REPEATED), max_size=6).map(tuple),
    ),
    max_size=5,
)
SETS = st.lists(st.tuples(st.sampled_from(["850", "856", "810"]), SEGMENTS), max_size=3)


@FUZZ
@given(
    SETS,
    st.sampled_from(
        [
            Delimiters(),
            Delimiters("|", "^", "{", "~", "\r\n"),
            Delimiters("*", ":", "^", "\n"),
            Delimiters("\x1d", "\x1f", "\x1e", "\x1c"),
        ]
    ),
    st.datetimes(
        min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2049, 12, 31)
    ),
)
def test_generated_interchanges_round_trip(sets, delimiters, when):
    envelope = {"sender_id": "SENDER", "receiver_id": "RECEIVER", "when": when}
    interchange = x12.build_interchange(envelope, "PO", sets, itertools.count(1))
    data = x12.serialize(interchange, delimiters)
    assert x12.parse(data) == [interchange]
    assert x12.parse(data + data) == [interchange, interchange]


# 10,000 mutations through the whole receive path ----------------------------

MUTATIONS = 10_000
SLOWEST_S = 2.0


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(max(len(data), 1))
        action = rng.choice(("truncate", "flip", "insert", "delete", "copy"))
        if action == "truncate":
            del data[position:]
        elif action == "flip" and data:
            data[position] ^= rng.randint(1, 255)
        elif action == "insert":
            data[position:position] = bytes([rng.choice(DELIMITERS)])
        elif action == "delete":
            del data[position : position + rng.randint(1, 20)]
        else:
            data[position:position] = data[position : position + rng.randint(1, 40)]
    return bytes(data)


def receive(data: bytes) -> None:
    """What the runtime does with a received file: read each interchange, check
    and acknowledge each group, write each set back alone, map it."""
    for entry in x12.parse_each(data):
        if entry.interchange is None:
            assert isinstance(entry.error, X12Error)
            if entry.header is not None:
                x12.serialize(
                    x12.build_ta1(entry.header, entry.error, itertools.count(1)),
                    entry.header.delimiters,
                )
            continue
        interchange = entry.interchange
        # whatever parse accepts, serialize writes back
        x12.serialize(interchange)
        for group in interchange.groups:
            results = x12.validate_group(group, supported=set(MAPS))
            for build in (x12.build_997, x12.build_999):
                ack = build(interchange, group, results, itertools.count(1))
                x12.serialize(ack, interchange.delimiters)
            for transaction_set in group.transaction_sets:
                read = MAPS.get(transaction_set.id, x12.read_ack)
                try:
                    record = read(transaction_set)
                except X12Error:
                    continue
                if transaction_set.id == "856":
                    x12_maps.flatten_856(record)


def test_ten_thousand_mutations_through_parse_check_ack_serialize_map():
    rng = random.Random(23)
    slowest = 0.0
    for number in range(MUTATIONS):
        data = mutate(rng.choice(FIXTURES), rng)
        started = time.perf_counter()
        try:
            # maps may refuse a set (X12Error); nothing else may fail: reading,
            # checking, answering and writing back what was read
            receive(data)
        except Exception as exc:  # pragma: no cover - the failure to report
            raise AssertionError(f"mutation {number}: {exc!r} for {data!r}") from exc
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < SLOWEST_S
