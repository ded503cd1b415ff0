"""The Peppol BIS 3 rules a supplier's Order Response (T76, or T116 of
Advanced Ordering) and Despatch Advice (T16) must keep before anything of
them is applied, in our own words. Each problem names the element and the
rule, e.g. ``cbc:ProfileID: must be urn:fdc:peppol.eu:poacc:bis:ordering:3
for an order response (Peppol T76 data model)``.

These are the rules the product relies on (which document, from whom, for
which lines); the complete official validation stays the access point's.
"""

from __future__ import annotations

from lxml import etree

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
TRNS = "urn:fdc:peppol.eu:poacc:trns:"
BIS = "urn:fdc:peppol.eu:poacc:bis:"

# customization -> (profile, transaction, rule of the customization)
ORDER_RESPONSES = {
    f"{TRNS}order_response_advanced:3": (
        f"{BIS}advanced_ordering:3",
        "T116",
        "PEPPOL-T116-R006",
    ),
    f"{TRNS}order_response:3": (f"{BIS}ordering:3", "T76", "PEPPOL-T76-R006"),
}
# response codes that answer for the whole order, without lines
WHOLE_ORDER_RULES = {"AP": "R008", "RE": "R009", "AB": "R010"}
DESPATCH_ADVICES = {
    f"{TRNS}despatch_advice:3": (
        f"{BIS}despatch_advice:3",
        "T16",
        "PEPPOL-T16-R011",
    ),
}


def _text(node, path: str) -> str:
    return (node.findtext(path, namespaces=NS) or "").strip()


def _transaction(root, known: dict, what: str, problems: list) -> str | None:
    customization = _text(root, "cbc:CustomizationID")
    match = next((c for c in known if customization.startswith(c)), None)
    if match is None:
        expected = " or ".join(known)
        rules = ", ".join(rule for _p, _t, rule in known.values())
        problems.append(
            f"cbc:CustomizationID: {customization or 'missing'}; {what} must start "
            f"with {expected} ({rules})"
        )
        return None
    profile, transaction, _rule = known[match]
    if _text(root, "cbc:ProfileID") != profile:
        problems.append(
            f"cbc:ProfileID: must be {profile} for this {what} "
            f"(Peppol {transaction} data model)"
        )
    return transaction


def _endpoints(root, parties, transaction, problems):
    for party in parties:
        node = root.find(f"cac:{party}/cac:Party/cbc:EndpointID", NS)
        if node is None or not (node.text or "").strip():
            problems.append(
                f"cac:{party}/cac:Party/cbc:EndpointID: the party's Peppol address "
                f"is mandatory (Peppol {transaction} data model)"
            )
        elif not node.get("schemeID"):
            problems.append(
                f"cac:{party}/cac:Party/cbc:EndpointID: schemeID (the EAS code) is "
                f"mandatory (Peppol {transaction} data model)"
            )


def order_response(root: etree._Element) -> list[str]:
    """Problems of an Order Response; empty when it can be applied."""
    problems: list[str] = []
    transaction = _transaction(root, ORDER_RESPONSES, "order response", problems)
    transaction = transaction or "T76"
    _endpoints(
        root, ("SellerSupplierParty", "BuyerCustomerParty"), transaction, problems
    )
    code = _text(root, "cbc:OrderResponseCode")
    lines = root.findall("cac:OrderLine", NS)
    if code in WHOLE_ORDER_RULES and lines:
        problems.append(
            f"cac:OrderLine: an order response with code {code} answers for the "
            f"whole order and has no lines "
            f"(PEPPOL-{transaction}-{WHOLE_ORDER_RULES[code]})"
        )
    if code == "CA" and not lines:
        problems.append(
            "cac:OrderLine: an order response accepted with changes (CA) gives "
            f"the lines that changed (PEPPOL-{transaction}-R007)"
        )
    if transaction == "T116":
        for line in lines:
            if not _text(line, "cac:LineItem/cbc:LineStatusCode"):
                number = _text(line, "cac:LineItem/cbc:ID") or "?"
                problems.append(
                    f"line {number} cbc:LineStatusCode: mandatory in an advanced "
                    "order response (Peppol T116 data model)"
                )
    return problems


def despatch_advice(root: etree._Element) -> list[str]:
    """Problems of a Despatch Advice; empty when it can be applied."""
    problems: list[str] = []
    transaction = _transaction(root, DESPATCH_ADVICES, "despatch advice", problems)
    _endpoints(
        root,
        ("DespatchSupplierParty", "DeliveryCustomerParty"),
        transaction or "T16",
        problems,
    )
    for line in root.findall("cac:DespatchLine", NS):
        number = _text(line, "cbc:ID") or "?"
        if not _text(line, "cac:OrderLineReference/cbc:LineID"):
            problems.append(
                f"despatch line {number} cac:OrderLineReference/cbc:LineID: the "
                "order line despatched is mandatory (Peppol T16 data model)"
            )
    return problems
