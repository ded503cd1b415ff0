from lib import trace

VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_parse_and_format_round_trip():
    context = trace.parse(VALID)
    assert context.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert context.span_id == "00f067aa0ba902b7"
    assert context.traceparent == VALID
    assert trace.parse(VALID.upper()) == context


def test_invalid_values_are_ignored():
    for value in (
        None,
        "",
        "garbage",
        "00-" + "0" * 32 + "-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0" * 16 + "-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        VALID + "-extra",
    ):
        assert trace.parse(value) is None


def test_child_keeps_the_trace_with_a_new_span():
    parent = trace.parse(VALID)
    child = trace.child(parent)
    assert child.trace_id == parent.trace_id
    assert child.span_id != parent.span_id
    assert trace.parse(child.traceparent) == child
    assert len(trace.child(None).trace_id) == 32
