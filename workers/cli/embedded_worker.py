"""The worker `narrator serve` runs beside the API: started with it, stopped with it, never left behind.

The worker runs in its own process group, so a Ctrl-C at the terminal reaches
only `narrator serve`, which then stops the worker and its pool in bounded
time: SIGTERM first, which this worker (`narrator worker --parent`) takes as
a prompt cold shutdown (the running task is given up and, as tasks are
acknowledged late, its message goes back to the queue for the next start;
see worker_shutdown.py), SIGKILL to the whole group at the deadline. On Linux
the worker also gets SIGTERM if `narrator serve` dies without a chance to
stop it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("narrator.serve")


class EmbeddedWorker:
    """`python -m workers.cli worker` as a child process; `stop` ends it and everything it started."""

    def __init__(self, *, quiet: bool) -> None:
        command = [sys.executable, "-m", "workers.cli", "worker", "--parent", str(os.getpid())]
        if quiet:
            command.append("--quiet")
        self._stopping = threading.Event()
        self._stopped = False
        self.process = subprocess.Popen(command, env=os.environ.copy(), process_group=0)
        threading.Thread(target=self._watch, name="worker-watch", daemon=True).start()

    def _watch(self) -> None:
        """Say so when the worker ends on its own: narrations would wait forever, silently."""
        code = self.process.wait()
        if not self._stopping.is_set():
            log.error("the worker exited with status %s; narrations wait until `narrator serve` is restarted", code)

    def begin_stop(self) -> None:
        """Ask the worker for its prompt cold shutdown (once: a second signal would cut it short); returns at once."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self.process.poll() is None:
            self._send(signal.SIGTERM)

    def stop(self, deadline: float) -> None:
        """Stop the worker (if not already asked) and wait until `deadline` (time.monotonic()); then kill its group."""
        if self._stopped:
            return
        self.begin_stop()
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("the worker did not stop in time; killing it")
        # The pool's processes are in the worker's group: none survives its main process.
        self._send(signal.SIGKILL)
        self.process.wait()
        self._stopped = True

    def _send(self, signum: int) -> None:
        """SIGKILL to the worker's whole process group, any other signal to its main process."""
        try:
            if signum == signal.SIGKILL:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
        except ProcessLookupError:
            pass
