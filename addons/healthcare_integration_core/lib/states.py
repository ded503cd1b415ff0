"""Message states and error classes, named once for the whole runtime."""

NEW = "new"
QUEUED = "queued"
RUNNING = "running"
RETRYING = "retrying"
DONE = "done"
DEAD = "dead"
CANCELLED = "cancelled"
DUPLICATE = "duplicate"

STATES = [
    (NEW, "New"),
    (QUEUED, "Queued"),
    (RUNNING, "Running"),
    (DONE, "Done"),
    (RETRYING, "Retrying"),
    (DEAD, "Dead"),
    (CANCELLED, "Cancelled"),
    (DUPLICATE, "Duplicate"),
]
# what a message's screens show: a dead message whose error is a business
# one (a mapping exception, a price variance) waits for a decision, which
# a technical give-up does not; its state stays dead (counts, replays)
EXCEPTION = "exception"
STATUSES = [
    *STATES[:5],
    (EXCEPTION, "Business exception"),
    *STATES[5:],
]
# waiting for a job (or running one)
PENDING = (NEW, QUEUED, RETRYING, RUNNING)
# waiting for a job, not running
WAITING = (QUEUED, RETRYING)
# nothing more happens without a person
FINAL = (DONE, DEAD, CANCELLED, DUPLICATE)
# final and applied (or deliberately dropped): never blocks an ordering key
SETTLED = (DONE, CANCELLED, DUPLICATE)

RUN_STATES = [
    (RUNNING, "Running"),
    (DONE, "Done"),
    (DEAD, "Failed"),
]

ATTEMPT_STARTED = "started"
ATTEMPT_DONE = "done"
ATTEMPT_RETRY = "retry"
ATTEMPT_FAILED = "failed"
ATTEMPT_INTERRUPTED = "interrupted"
ATTEMPT_OUTCOMES = [
    (ATTEMPT_STARTED, "In flight"),
    (ATTEMPT_DONE, "Done"),
    (ATTEMPT_RETRY, "Will retry"),
    (ATTEMPT_FAILED, "Failed"),
    (ATTEMPT_INTERRUPTED, "Interrupted"),
]
