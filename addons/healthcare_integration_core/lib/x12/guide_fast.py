"""A fast path for the element checks of ``guide_check``: one regular
expression per segment definition that matches only segments whose simple
elements all follow the guide (presence, lengths, types, codes).

It is stricter than the full check, never looser: a date with day 30 or 31,
a decimal near its maximum length or a composite element is left to the
full check, which then decides. Syntax notes are checked apart
(``guide_check._relations_hold``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SEPARATOR = "\x1f"
_NOT_SEPARATOR = "[^\x1f]"


def _value(kind: str, low: int, high: int, codes) -> str | None:
    if codes is not None:
        return "(?:" + "|".join(map(re.escape, sorted(codes))) + ")"
    if kind in ("AN", "ID"):
        return f"{_NOT_SEPARATOR}{{{low},{high}}}"
    if kind == "R":
        # at most ``high`` characters in all: never more digits than allowed
        return (
            rf"(?=[-0-9.]{{1,{high}}}(?:\x1f|$))" r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
        )
    if kind[0] == "N":
        return f"-?[0-9]{{{max(low, 1)},{high}}}"
    if kind == "DT" and low == high == 8:
        # days 01-29 are in every month; 30 and 31 go to the full check
        return "(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-9])"
    if kind == "TM":
        return (
            rf"(?=[0-9]{{{low},{high}}}(?:\x1f|$))"
            "(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?"
        )
    return None  # composites and others: the full check


def compile_definition(specs: Sequence[tuple]) -> re.Pattern | None:
    """The fast-path pattern of a segment definition (``guide_check``
    tuples: required, kind, min, max, reference, codes), or None."""
    tokens = []
    for required, kind, low, high, _reference, codes in specs:
        value = _value(kind, low, high, codes)
        if value is None:
            if required:
                return None
            value = "(?!)"  # an optional composite: only when empty
        tokens.append(value if required else f"(?:{value})?")
    # trailing elements may be left out only when none of them is mandatory
    pattern = ""
    for index in range(len(tokens) - 1, -1, -1):
        element = ("" if index == 0 else SEPARATOR) + tokens[index]
        later_required = any(spec[0] for spec in specs[index:])
        pattern = element + pattern if later_required else f"(?:{element}{pattern})?"
    return re.compile(pattern + r"\Z")
