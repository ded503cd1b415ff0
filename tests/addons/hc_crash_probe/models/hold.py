"""Hold the worker at a named point until a test kills it.

Only a server started with ``HC_CRASH_PROBE_DIR`` in its environment (the
prefork server of bin/test) can be held; anywhere else ``hold`` returns at
once, without a query. The test writes the point's name into
``$HC_CRASH_PROBE_DIR/hold``. The first worker that reaches that point
flushes what its transaction wrote so far, creates
``$HC_CRASH_PROBE_DIR/<point>.pid`` with its process id and sleeps: the test
reads the file and kills the process with SIGKILL, in the middle of a
transaction that has written part of a document's effects. Any later pass
(the job run again after the crash, the request sent again) finds the file
and goes on.
"""

import logging
import os
import time
from pathlib import Path

_logger = logging.getLogger(__name__)

NEVER_KILLED = 90  # seconds: the test kills within a few


def hold(env, point):
    folder = os.environ.get("HC_CRASH_PROBE_DIR")
    if not folder:
        return
    try:
        wanted = (Path(folder) / "hold").read_text().strip()
    except FileNotFoundError:
        return
    if wanted != point:
        return
    # what the transaction wrote so far is in the database, uncommitted
    env.flush_all()
    try:
        marker = os.open(
            Path(folder) / f"{point}.pid", os.O_CREAT | os.O_EXCL | os.O_WRONLY
        )
    except FileExistsError:
        return  # held once already: this is the run after the crash
    os.write(marker, str(os.getpid()).encode())
    os.close(marker)
    _logger.warning("crash probe: worker %s held at %s", os.getpid(), point)
    time.sleep(NEVER_KILLED)
    raise RuntimeError(f"crash probe: held at {point} and never killed")
