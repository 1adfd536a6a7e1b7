"""Keep a background process running (`make run`'s worker; SECURITY.md round three, item 6).

The procrastinate worker ends when it loses its database (a restart, a failover, an outage of a
few seconds: ``ConnectorException``). In production a supervisor (systemd ``Restart=always``,
README "Deploying") starts it again; in development `make run` does it with this: the process is
started again after it ends, after a pause that doubles from one second up to half a minute while
it keeps ending quickly, and is reset once it has run a minute.
"""

import subprocess
import sys
import threading
import time

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
RAN_LONG_ENOUGH = 60.0


class Supervised:
    def __init__(self, command: list[str], *, cwd=None, name: str = "worker", first_pause: float = FIRST_PAUSE,
                 env: dict | None = None):
        self.command = command
        self.cwd = cwd
        self.env = env
        self.name = name
        self.first_pause = first_pause
        self.starts = 0
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"supervise-{name}", daemon=True)

    def start(self) -> "Supervised":
        self._thread.start()
        return self

    def _run(self) -> None:
        pause = self.first_pause
        while not self._stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env)
            self.starts += 1
            code = self.process.wait()
            if self._stopping.is_set():
                return
            pause = self.first_pause if time.monotonic() - started >= RAN_LONG_ENOUGH else pause
            print(f"PSOP: the {self.name} ended (exit code {code}); starting it again in {pause:.0f} s", file=sys.stderr,
                  flush=True)
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, LONGEST_PAUSE)

    def stop(self, timeout: float = 20) -> None:
        """End the process (SIGTERM, then SIGKILL after ``timeout``) and do not start it again."""
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
        self._thread.join(timeout)
