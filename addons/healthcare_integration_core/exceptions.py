# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors a handler raises to tell the runtime what became of a message.

Anything a handler did before raising is rolled back: a message is applied
whole or not at all.
"""

from odoo.exceptions import UserError


class HcBusinessError(UserError):
    """A message that cannot be processed as it is; retrying will not help.

    The message fails as a business exception of ``kind`` (e.g. ``"mapping"``,
    ``"duplicate_invoice"``) for the flow's business owner, who gets an
    activity on each of ``records`` (after the rollback), e.g.::

        raise HcBusinessError(
            _("Two partners match supplier %s", vat),
            kind="supplier_conflict",
            records=partners,
        )

    Once the cause is fixed, replaying the message processes it again.
    """

    def __init__(self, message, kind="business", records=None):
        super().__init__(message)
        self.kind = kind
        self.records = records


class HcMappingError(HcBusinessError):
    """Codes of a message have no crosswalk entry.

    ``codes`` are of crosswalk ``domain``; a document whose unknown codes are
    of several domains names each pair in ``missing``, so that the message's
    *Add mapping* offers every code in its own domain::

        raise HcMappingError(
            text, missing=[("cost_center", "CC-9999"), ("product", "NEW-7")]
        )
    """

    def __init__(self, message, domain=None, codes=None, missing=None):
        super().__init__(message, kind="mapping")
        self.missing = list(missing or [(domain, code) for code in codes or []])
        self.domain = domain or (self.missing[0][0] if self.missing else None)
        self.codes = list(codes or [code for _domain, code in self.missing])


class HcRetryableError(Exception):
    """Not now, maybe later: the message is retried after ``seconds`` at least
    (the flow's backoff decides once it grows longer, up to its maximum).

    For what another message or system will fix soon, e.g. a transfer that
    arrived before the hire it refers to::

        raise HcRetryableError(_("Waiting for the hire of %s", ref), seconds=60)

    Each retry spends an attempt; the message fails once they are spent.
    """

    def __init__(self, message, seconds=60):
        super().__init__(message)
        self.seconds = seconds


class PayloadIntegrityError(Exception):
    """A stored payload does not match the checksum recorded when it was stored."""
