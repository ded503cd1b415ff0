"""Speed and memory of the integration runtime; numbers go to bench/results/.

    .venv/bin/python bench/bench_runtime.py lib
        database-free modules: signing, encryption, classification, schema
        validation and redaction, in operations per second and peak memory.
    .venv/bin/python bench/bench_runtime.py webhook --url http://127.0.0.1:8069 \\
        --backend demo_partner --flow event_in --secret demo-webhook-secret
        signed webhook ingestion on a running server (bin/start): latency and
        throughput of the 202 answers.

Each run writes bench/results/<name>.json with the measures, the targets and
whether each target was met; the exit status is 1 when one was missed.
"""

import argparse
import json
import statistics
import sys
import time
import tracemalloc
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addons" / "healthcare_integration_core"))
sys.path.insert(0, str(ROOT / "tests" / "simulators"))

from harness import measured_report, write_result  # noqa: E402
from lib import crypto, redact, retry, schema, signing  # noqa: E402

# targets: minimum operations per second, maximum peak MiB, latency ceilings
LIB_TARGETS = {
    "sign_verify_per_s": 20000,
    "encrypt_decrypt_per_s": 5000,
    "classify_per_s": 50000,
    "validate_1000_lines_per_s": 20,
    "redact_5mb_peak_mib": 150,
}
WEBHOOK_TARGETS = {"p95_ms": 1000, "per_s": 10}


def rate(func, seconds=1.0):
    """Calls of ``func`` per second over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        func()
        count += 1
    return count / (time.perf_counter() - start)


def order_document(lines):
    return {
        "order": "PO-1",
        "patient": {"name": "Jane Doe", "mrn": "123"},
        "lines": [
            {"item": f"ITEM-{n}", "qty": n % 7 + 1, "uom": "BX"} for n in range(lines)
        ],
    }


ORDER_SCHEMA = {
    "type": "object",
    "required": ["order", "lines"],
    "properties": {
        "order": {"type": "string"},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["item", "qty"],
                "properties": {"item": {"type": "string"}, "qty": {"type": "integer"}},
            },
        },
    },
}


def bench_lib():
    body = json.dumps(order_document(10)).encode()
    box = crypto.SecretBox([crypto.generate_key()])
    headers = signing.signed_headers("secret", body)
    big = json.dumps(order_document(1000)).encode()
    huge = json.dumps(order_document(110000)).encode()

    def sign_verify():
        signing.verify_signature(
            "secret", headers["X-HC-Timestamp"], headers["X-HC-Signature"], body
        )

    tracemalloc.start()
    redact.redact_payload("json", huge, [("$.patient.name", "drop")])
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "sign_verify_per_s": rate(sign_verify),
        "encrypt_decrypt_per_s": rate(lambda: box.decrypt(box.encrypt("s3cr3t"))),
        "classify_per_s": rate(
            lambda: retry.classify_status(503, {"Retry-After": "2"})
        ),
        "validate_1000_lines_per_s": rate(
            lambda: schema.validate_payload("json", json.dumps(ORDER_SCHEMA), big)
        ),
        "redact_5mb_peak_mib": peak,
        "redact_5mb_payload_mib": len(huge) / 2**20,
    }


def bench_webhook(args):
    from partner_simulator import PartnerSimulator

    sim = PartnerSimulator(name="bench")
    url = f"{args.url}/hc/webhook/{args.backend}/{args.flow}"

    def post(_n):
        start = time.perf_counter()
        status, _body = sim.call_webhook(
            url,
            {"event": "bench", "n": _n},
            secret=args.secret,
            idempotency_key=str(uuid.uuid4()),
        )
        return status, (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        results = list(pool.map(post, range(args.count)))
    elapsed = time.perf_counter() - start
    latencies = sorted(ms for _status, ms in results)
    return {
        "requests": args.count,
        "accepted": sum(1 for status, _ms in results if status == 202),
        "per_s": args.count / elapsed,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
    }


def verdict(measures, targets):
    met = {}
    for key, target in targets.items():
        value = measures[key]
        lower_is_better = key.endswith(("_ms", "_mib"))
        met[key] = value <= target if lower_is_better else value >= target
    return met


def write(name, measures, targets):
    met = verdict(measures, targets)
    write_result(name, measured_report(measures, targets, met, digits=2))
    return all(met.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("lib")
    hook = sub.add_parser("webhook")
    hook.add_argument("--url", default="http://127.0.0.1:8069")
    hook.add_argument("--backend", default="demo_partner")
    hook.add_argument("--flow", default="event_in")
    hook.add_argument("--secret", default="demo-webhook-secret")
    hook.add_argument("--count", type=int, default=200)
    hook.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if args.what == "lib":
        ok = write("lib", bench_lib(), LIB_TARGETS)
    else:
        ok = write("webhook", bench_webhook(args), WEBHOOK_TARGETS)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
