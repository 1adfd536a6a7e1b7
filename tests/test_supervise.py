"""psop.supervise: `make run` starts its worker again when it ends (SECURITY.md round three, item 6)."""

import sys
import time

from psop.supervise import Supervised


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_supervised__a_process_that_dies__started_again_until_stopped(tmp_path):
    runs = tmp_path / "runs"
    command = [sys.executable, "-c", f"open({str(runs)!r}, 'a').write('x'); raise SystemExit(1)"]
    supervised = Supervised(command, name="test", first_pause=0.05).start()
    try:
        assert wait_for(lambda: runs.exists() and len(runs.read_text()) >= 3)
    finally:
        supervised.stop()
    ended_at = len(runs.read_text())
    time.sleep(0.5)
    assert len(runs.read_text()) == ended_at  # stopped: not started again
    assert supervised.starts >= 3


def test_supervised__stop__ends_a_running_process():
    supervised = Supervised([sys.executable, "-c", "import time; time.sleep(60)"], name="test").start()
    assert wait_for(lambda: supervised.process is not None)
    supervised.stop(timeout=5)
    assert supervised.process.poll() is not None and supervised.starts == 1
