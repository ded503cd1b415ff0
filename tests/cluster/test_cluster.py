"""Two nodes, one database, a node lost under load: nothing lost, nothing twice.

One scenario (the ``outcome`` fixture) drives the cluster through HAProxy:
signed webhooks from a partner and outbound messages sent over JSON-RPC, at
a few per second, each retried with its idempotency key until answered (as
a partner and a client do when a connection breaks). A few seconds in, the
node whose job runner is active is killed with SIGKILL (every process of it).
A scheduled pull is made due several times, before and after, with the cron
workers of both nodes racing for it. The tests then check one promise each.
"""

import contextlib
import time

import pika
import pytest
import requests
from cluster_load import (
    BROKER,
    EVENTS_PER_SECOND,
    LOAD_SECONDS,
    SENDS_PER_SECOND,
    WEBHOOKS_PER_SECOND,
    Senders,
    amqp,
    answer_counts,
    queue_declared,
    run_schedules,
    scheduled_runs,
    write_timings,
)
from conftest import ERROR_RECOVERY_DELAY, FINAL, BalancedClient, wait_until
from partner_simulator import PartnerSimulator
from suite_support import broker_backend_values

HOOK_SECRET = "cluster-hook-secret"
KILL_AFTER = 5  # seconds of load before the active runner's node is killed
SCHEDULES_BEFORE, SCHEDULES_AFTER = 1, 1


@pytest.fixture(scope="module")
def partner():
    with PartnerSimulator(name="cluster", webhook_secret=HOOK_SECRET) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def flows(odoo, partner):
    code = f"cluster_{int(time.time() * 1000)}"
    backend_id = odoo.execute(
        "hc.backend",
        "create",
        {
            "name": f"Cluster partner {code}",
            "code": code,
            "base_url": partner.url,
            "auth_type": "api_key",
            "credential_secret": "cluster-api-key",
            "webhook_secret": HOOK_SECRET,
            "breaker_threshold": 0,
        },
    )

    # the partner's API wants OAuth2 bearer tokens (deliveries and feed
    # pulls): one token for the whole cluster
    oauth_backend_id = odoo.execute(
        "hc.backend",
        "create",
        {
            "name": f"Cluster OAuth2 partner {code}",
            "code": f"{code}_oauth",
            "base_url": partner.url,
            "auth_type": "oauth2",
            "username": "demo-client",
            "credential_secret": "demo-secret",
            "token_url": f"{partner.url}/oauth/token",
            "breaker_threshold": 0,
        },
    )
    partner.require_bearer = True

    def flow(values, backend=backend_id):
        return odoo.execute("hc.flow", "create", {"backend_id": backend, **values})

    partner.set_feed(
        "cluster",
        [{"id": n, "updated_at": f"2026-12-0{n}T08:00:00Z"} for n in range(1, 4)],
        page_size=2,
    )
    bus_code = f"{code}_bus"
    bus_id = odoo.execute(
        "hc.backend",
        "create",
        broker_backend_values(f"Cluster event bus {code}", bus_code),
    )
    bus_queue = f"hc.cluster.{code}.in"
    return {
        "backend": backend_id,
        "code": code,
        "bus_code": bus_code,
        "bus_queue": bus_queue,
        "bus_exchange": f"hc.cluster.{code}",
        "bus": flow(
            {
                "name": "Probe events over the broker",
                "code": "probe_bus",
                "flow_type_id": odoo.flow_type("cluster.probe_in"),
                "amqp_exchange": f"hc.cluster.{code}",
                "amqp_routing_key": "probe.#",
                "amqp_queue": bus_queue,
            },
            backend=bus_id,
        ),
        "in": flow(
            {
                "name": "Probe events",
                "code": "probe",
                "flow_type_id": odoo.flow_type("cluster.probe_in"),
            }
        ),
        "out": flow(
            {
                "name": "Orders out",
                "code": "out",
                "flow_type_id": odoo.flow_type("core.send"),
                "endpoint": "/api/orders",
                "max_attempts": 5,
                "backoff_base": 1,
                "backoff_max": 2,
            },
            backend=oauth_backend_id,
        ),
        "pull": flow(
            {
                "name": "Feed pull",
                "code": "feed",
                "flow_type_id": odoo.flow_type("core.receive_pull"),
                "endpoint": "/feeds/cluster",
                "batch_page_size": 2,
                # made due by the test only
                "batch_interval_minutes": 600,
            },
            backend=oauth_backend_id,
        ),
    }


def pause_seen_by_the_other_node(cluster, flows):
    """Pause the outbound flow on node a, send on node b: the job (on either
    node, whose workers both read the flow's settings already) holds it."""
    on_a, on_b = (BalancedClient(n.url, cluster.db) for n in cluster.nodes.values())
    on_a.execute("hc.flow", "action_pause", [flows["out"]])
    held = on_b.execute("hc.flow", "send", [flows["out"]], {"order": "PAUSED-1"})
    reason = wait_until(
        lambda: on_b.read_one("hc.message", held["id"], ["waiting_reason"])[
            "waiting_reason"
        ],
        60,
        "the job of a message sent while paused",
    )
    on_b.execute("hc.flow", "action_resume", [flows["out"]])
    done = on_a.wait_for("hc.message", held["id"], "state", FINAL)
    return reason, done["state"]


FORKED_AUDIT_LINKS = """
    SELECT count(*) FROM (
        SELECT id, prev_hash, lag(entry_hash) OVER (ORDER BY id) AS before
          FROM hc_audit_log) chain
     WHERE id > {since} AND prev_hash <> before
"""


@pytest.fixture(scope="module")
def outcome(cluster, odoo, partner, flows):
    audit_since = int(
        cluster.run_sql("SELECT coalesce(max(id), 0) FROM hc_audit_log").strip()
    )
    cron_id = odoo.read_one("hc.flow", flows["pull"], ["cron_id"])["cron_id"][0]
    for node in cluster.nodes.values():
        node.start_consumer(flows["bus_code"])
    wait_until(lambda: queue_declared(flows["bus_queue"]), 120, "the consumers' queue")
    warm = odoo.execute("hc.flow", "send", [flows["out"]], {"order": "WARM-1"})
    odoo.wait_for("hc.message", warm["id"], "state", FINAL)
    paused = pause_seen_by_the_other_node(cluster, flows)
    # a new scheduled flow is due at once: its first run is the baseline
    wait_until(lambda: scheduled_runs(odoo, flows), 90, "the first scheduled run")
    run_schedules(odoo, flows, cron_id, SCHEDULES_BEFORE)
    senders = Senders(cluster, partner, flows)
    started = time.monotonic()
    senders.start()
    time.sleep(KILL_AFTER)
    victim = cluster.runner_holder()
    assert victim, "no active runner before the kill"
    # kill while the victim runs a job, so that a job is cut off mid-way
    with contextlib.suppress(AssertionError):
        wait_until(lambda: cluster.jobs_running_on(victim), 10, "a job running", 0.1)
    survivor = next(name for name in cluster.nodes if name != victim)
    killed_at = time.monotonic()
    cluster.nodes[victim].kill()
    wait_until(
        lambda: cluster.runner_holder() == survivor,
        ERROR_RECOVERY_DELAY * 6,
        "the standby runner taking over",
        interval=0.2,
    )
    takeover = time.monotonic() - killed_at
    run_schedules(odoo, flows, cron_id, SCHEDULES_AFTER)
    senders.join()
    load_seconds = time.monotonic() - started

    def all_final():
        messages = odoo.execute(
            "hc.message",
            "search_read",
            [("flow_id", "in", [flows["in"], flows["out"], flows["bus"]])],
            ["state", "flow_id", "idempotency_key"],
        )
        runs = scheduled_runs(odoo, flows)
        done = all(m["state"] in FINAL for m in messages) and all(
            r["state"] in FINAL for r in runs
        )
        events = keyed(messages, flows["bus"])
        return done and len(events) >= len(senders.events) and messages

    messages = wait_until(all_final, 180, "every message final", interval=2)
    # queue_job counts a job's starts: a job cut off by the kill started again
    restarted = odoo.execute(
        "queue.job",
        "search_count",
        [
            ("uuid", "in", job_uuids(odoo, flows)),
            ("retry", ">", 1),
        ],
    )
    write_timings(
        {
            "takeover": takeover,
            "load_and_schedules": load_seconds,
            "until_all_final": time.monotonic() - started,
            "jobs_cut_off_and_run_again": restarted,
            "answers": {
                "webhooks": answer_counts(senders.webhooks),
                "sends": answer_counts(senders.sends),
            },
        }
    )
    return {
        "victim": victim,
        "survivor": survivor,
        "takeover": takeover,
        "load_seconds": load_seconds,
        "senders": senders,
        "messages": messages,
        "runs": scheduled_runs(odoo, flows),
        "restarted": restarted,
        "paused": paused,
        "forked_audit_links": int(
            cluster.run_sql(FORKED_AUDIT_LINKS.format(since=audit_since)).strip()
        ),
    }


@pytest.fixture(scope="module", autouse=True)
def broker_names(flows):
    """The test's exchange and queues are deleted at its end."""
    yield
    connection = pika.BlockingConnection(
        amqp.connection_parameters(BROKER, "cluster-test")
    )
    spec = amqp.QueueSpec(flows["bus_queue"], exchange=flows["bus_exchange"])
    amqp.delete_queue(connection.channel(), spec, exchange=True)
    amqp.close_quietly(connection)


def job_uuids(odoo, flows):
    """The queue jobs of the messages and of the attempts' messages."""
    messages = odoo.execute(
        "hc.message",
        "search_read",
        [("flow_id", "in", [flows["in"], flows["out"], flows["bus"]])],
        ["job_uuid"],
    )
    return [m["job_uuid"] for m in messages if m["job_uuid"]]


def keyed(messages, flow_id):
    found = {}
    for message in messages:
        if message["flow_id"][0] == flow_id:
            found.setdefault(message["idempotency_key"], []).append(message)
    return found


def test_the_standby_runner_takes_over_within_queue_jobs_delay(outcome):
    # the dead node's connections close with it, and with them its lock; the
    # standby tries again every ERROR_RECOVERY_DELAY seconds (one more for a
    # loaded machine)
    assert outcome["takeover"] <= 2 * ERROR_RECOVERY_DELAY, outcome["takeover"]


def test_the_kill_cut_off_jobs_that_ran_again_elsewhere(outcome):
    # without this, the promises below would hold trivially
    assert outcome["restarted"] >= 1


def test_every_accepted_webhook_is_stored_and_processed_once(outcome, odoo, flows):
    webhooks = outcome["senders"].webhooks
    assert len(webhooks) == LOAD_SECONDS * WEBHOOKS_PER_SECOND
    unanswered = [key for key, log in webhooks.items() if not log["id"]]
    assert not unanswered, f"never accepted: {unanswered}"
    stored = keyed(outcome["messages"], flows["in"])
    effects = odoo.execute(
        "hc.cluster.effect",
        "search_read",
        [("message_id.flow_id", "=", flows["in"])],
        ["key", "message_id"],
    )
    applied = {}
    for effect in effects:
        applied.setdefault(effect["key"], []).append(effect["message_id"][0])
    for key, log in webhooks.items():
        [message] = stored[key]
        assert message["id"] == log["id"], f"{key} answered another message"
        assert message["state"] == "done", f"{key}: {message['state']}"
        assert applied.get(key) == [message["id"]], f"{key} applied {applied.get(key)}"
    assert len(effects) == len(webhooks)


def test_every_broker_event_is_stored_and_processed_once(outcome, odoo, flows):
    events = outcome["senders"].events
    assert len(events) == LOAD_SECONDS * EVENTS_PER_SECOND, "all confirmed"
    stored = keyed(outcome["messages"], flows["bus"])
    assert sorted(stored) == sorted(events)
    effects = odoo.execute(
        "hc.cluster.effect",
        "search_read",
        [("message_id.flow_id", "=", flows["bus"])],
        ["key", "message_id"],
    )
    applied = {}
    for effect in effects:
        applied.setdefault(effect["key"], []).append(effect["message_id"][0])
    for key in events:
        [message] = stored[key]
        assert message["state"] == "done", f"{key}: {message['state']}"
        assert applied.get(key) == [message["id"]], f"{key} applied {applied.get(key)}"


def test_every_outbound_message_is_delivered_once(outcome, partner, flows):
    sends = outcome["senders"].sends
    assert len(sends) == LOAD_SECONDS * SENDS_PER_SECOND
    stored = keyed(outcome["messages"], flows["out"])
    for key, log in sends.items():
        assert log["id"], f"{key} never accepted: {log['answers']}"
        [message] = stored[key]
        assert message["id"] == log["id"]
        assert message["state"] == "done", f"{key}: {message['state']}"
        assert partner.deliveries(key) == 1, partner.delivery_counts(key)


def test_the_oauth2_token_is_fetched_once_for_the_cluster(outcome, partner):
    assert partner.tokens_issued == 1


def test_a_flow_paused_on_one_node_is_paused_on_the_other(outcome):
    reason, state = outcome["paused"]
    assert reason == "flow or backend paused"
    assert state == "done", "delivered once resumed"


def test_the_audit_chain_is_not_forked_by_two_nodes(outcome):
    # each entry links to the one before it, whichever node wrote them
    assert outcome["forked_audit_links"] == 0


def test_no_scheduled_run_is_duplicated(outcome):
    runs = outcome["runs"]
    assert len(runs) == 1 + SCHEDULES_BEFORE + SCHEDULES_AFTER, runs
    assert {run["state"] for run in runs} == {"done"}, runs


def test_the_load_balancer_moved_to_the_surviving_node(outcome, cluster):
    states = cluster.haproxy.server_states()
    assert states[outcome["victim"]].startswith("DOWN"), states
    assert states[outcome["survivor"]] == "UP", states


def test_the_surviving_node_serves_the_ui(outcome, cluster):
    browser = requests.Session()
    login_page = browser.get(f"{cluster.url}/web/login", timeout=30)
    assert login_page.status_code == 200
    token = login_page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = browser.post(
        f"{cluster.url}/web/login",
        data={"login": "admin", "password": "admin", "csrf_token": token},
        timeout=30,
    )
    assert answer.status_code == 200
    assert "/web/login" not in answer.url, "login refused"
    client = browser.get(f"{cluster.url}/web", timeout=60)
    assert client.status_code == 200
    assert "odoo.__session_info__" in client.text or "web.webclient" in client.text
    health = requests.get(f"{cluster.url}/websocket/health", timeout=30)
    assert health.json() == {"status": "pass"}
