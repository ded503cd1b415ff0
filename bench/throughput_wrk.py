"""HTTP load for ``bench_throughput``: ``wrk`` (off the Python interpreter)
sending requests prepared up front (``bench/wrk_requests.lua``: every webhook
signed with its own key and timestamp), rounds alternating kinds of request,
and the statements per request read off the server's log.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from harness import ROOT, log
from throughput_harness import SECRET, sign

QUERIES_RE = re.compile(r'"POST (\S+) HTTP/1.1" (\d+) - (\d+) ')
WRK_SCRIPT = ROOT / "bench" / "wrk_requests.lua"
WRK_RE = re.compile(r"^BENCH-WRK (.*)$", re.MULTILINE)


def wrk_lines(kind, count):
    """``count`` requests for ``bench/wrk_requests.lua``, one a line: each
    webhook with its own key, timestamp and signature."""
    timestamp = str(int(time.time()))
    lines = []
    for n in range(count):
        if kind == "bare":
            body = json.dumps({"n": n}).encode()
            lines.append(["/hc_bench/bare", body, "Content-Type: application/json"])
            continue
        body = json.dumps({"event": "supply-demand", "n": n, "qty": 3}).encode()
        lines.append(
            [
                "/hc/webhook/bench/receive",
                body,
                "Content-Type: application/json",
                f"X-HC-Timestamp: {timestamp}",
                f"X-HC-Signature: {sign(SECRET, timestamp, body)}",
                f"Idempotency-Key: bench-{timestamp}-{n}-{time.monotonic_ns()}",
            ]
        )
    return "".join(
        "\t".join([path, body.decode(), *headers]) + "\n"
        for path, body, *headers in lines
    )


def wrk(url, kind, seconds, connections=8, threads=2):
    """One wrk run of ``seconds``: requests per second, latency percentiles
    and statuses. Each request is prepared for it (wrk_lines), enough that
    none is sent twice at 3,000 requests per second."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as lines:
        lines.write(wrk_lines(kind, int(3000 * seconds) + 1000))
    try:
        result = subprocess.run(
            [
                shutil.which("wrk") or "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=60s",
                "-s",
                str(WRK_SCRIPT),
                url,
                "--",
                lines.name,
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(lines.name)
    measured = json.loads(WRK_RE.search(result.stdout).group(1))
    measured["requests_per_s"] = round(measured["requests"] / measured["duration_s"], 1)
    return measured


def alternating(url, sides, rounds, seconds):
    """wrk rounds alternating the ``sides`` (kinds of request) on one server,
    after one short warm-up of each: per side its rounds, the median and the
    range of its rate, and the median p95 latency."""
    for kind in sides:
        wrk(url, kind, 2)
    runs = {kind: [] for kind in sides}
    for number in range(1, rounds + 1):
        for kind in sides:
            runs[kind].append(wrk(url, kind, seconds))
            log(f"round {number} {kind}: {runs[kind][-1]['requests_per_s']} req/s")
    return {
        kind: {
            "rounds": measured,
            "requests_per_s": statistics.median(m["requests_per_s"] for m in measured),
            "range_per_s": [
                min(m["requests_per_s"] for m in measured),
                max(m["requests_per_s"] for m in measured),
            ],
            "p95_ms": statistics.median(m["p95_ms"] for m in measured),
        }
        for kind, measured in runs.items()
    }


def queries_per_request(log_path, path):
    counts = [
        int(m.group(3))
        for m in QUERIES_RE.finditer(Path(log_path).read_text(errors="replace"))
        if m.group(1).startswith(path)
    ]
    return round(statistics.median(counts), 1) if counts else None
