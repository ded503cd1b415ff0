"""Speed of screening and validating inbound FHIR Bundles (healthcare_integration_ehr).

    .venv/bin/python bench/bench_ehr.py [--entries 100] [--rounds 20]

Builds a transaction Bundle of SupplyRequests, each with a contained Patient
(name, birth date, address, MR identifier) to tokenize and drop, then times
what every received payload goes through before it is stored: screening
(``fhir_screen``) and validation with the ``fhir.resources`` models
(``fhir_validate``). Writes bench/results/ehr.json (measures, targets, met)
and exits 1 when a target is missed.
"""

import argparse
import datetime as dt
import sys
import time

from harness import addon_lib, write_result

# minimum SupplyRequests screened and validated per second, on 2 cores
TARGETS = {"screen_resources_per_s": 2000, "screen_and_validate_resources_per_s": 200}


def bundle(entries):
    resources = []
    for index in range(entries):
        resources.append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
                "request": {"method": "POST", "url": "SupplyRequest"},
                "resource": {
                    "resourceType": "SupplyRequest",
                    "id": f"sr-{index}",
                    "meta": {"versionId": "1"},
                    "contained": [
                        {
                            "resourceType": "Patient",
                            "id": "p",
                            "identifier": [
                                {
                                    "type": {"coding": [{"code": "MR"}]},
                                    "system": "urn:oid:1.2.3",
                                    "value": f"MRN{index}",
                                }
                            ],
                            "name": [{"family": "Doe", "given": ["Jane"]}],
                            "birthDate": "1970-01-01",
                            "address": [{"line": ["1 Main St"]}],
                        }
                    ],
                    "status": "active",
                    "priority": "routine",
                    "itemCodeableConcept": {"coding": [{"code": f"ITEM-{index}"}]},
                    "quantity": {"value": 2, "code": "1"},
                    "occurrenceDateTime": "2030-01-01T08:00:00Z",
                    "deliverTo": {"reference": "#p"},
                },
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": resources}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    fhir_screen = addon_lib("ehr", "fhir_screen")
    fhir_validate = addon_lib("ehr", "fhir_validate")
    document = bundle(args.entries)
    screener = fhir_screen.Screener(b"k" * 32)
    screener.screen(document)  # warm up
    started = time.perf_counter()
    for _round in range(args.rounds):
        screened = screener.screen(document)
    screen_s = time.perf_counter() - started
    fhir_validate.check(screened.document, ("SupplyRequest",))  # warm up
    started = time.perf_counter()
    for _round in range(args.rounds):
        screened = screener.screen(document)
        issues = fhir_validate.check(screened.document, ("SupplyRequest",))
    both_s = time.perf_counter() - started
    assert not issues, issues
    total = args.entries * args.rounds
    measures = {
        "screen_resources_per_s": round(total / screen_s),
        "screen_and_validate_resources_per_s": round(total / both_s),
    }
    met = {name: measures[name] >= target for name, target in TARGETS.items()}
    result = {
        "bench": "ehr",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "entries": args.entries,
        "rounds": args.rounds,
        "measures": measures,
        "targets": TARGETS,
        "met": met,
    }
    write_result("ehr", result, indent=1)
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
