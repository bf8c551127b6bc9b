"""`detect --follow`: files read as they grow, rotation survived, a stop loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cloudwarden.detect.sources import ParseStats
from cloudwarden.detect.sources.follow import follow_events

FAILED = ("Mar  5 14:02:{s:02d} web-1 sshd[{pid}]: Failed password for root from "
          "198.51.100.23 port {port} ssh2\n")


def failures(n: int, start: int = 0) -> str:
    return "".join(FAILED.format(s=(start + i) % 60, pid=800 + start + i, port=50000 + start + i)
                   for i in range(n))


def test_lines_written_later_and_after_rotation_are_read(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text(failures(2))
    stop = threading.Event()
    stats = ParseStats()
    seen: list[str] = []

    def consume() -> None:
        for event in follow_events([log], "linux.auth", stats, stop, poll=0.02):
            seen.append(event.action)

    reader = threading.Thread(target=consume)
    reader.start()
    time.sleep(0.2)
    with log.open("a") as handle:  # appended while followed
        handle.write(failures(3, start=2))
    time.sleep(0.2)
    log.rename(tmp_path / "auth.log.1")  # rotated: a new file takes the name
    log.write_text(failures(4, start=5))
    time.sleep(0.5)
    stop.set()
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert stats.events == 9, stats.summary()
    assert len(seen) == 9
    assert stats.malformed == 0


def test_a_missing_file_is_reported_and_the_others_followed(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text(failures(1))
    stop = threading.Event()
    stop.set()  # read what is there, then end
    stats = ParseStats()
    events = list(follow_events([log, tmp_path / "missing.log"], "linux.auth", stats, stop,
                                poll=0.01))
    assert len(events) == 1
    assert stats.malformed == 1 and "missing.log" in stats.examples[0].origin


def test_the_cli_prints_alerts_as_they_come_and_stops_cleanly_on_sigint(
        tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text("")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cloudwarden.cli.main", "detect", str(log), "--follow",
         "--source", "linux.auth", "-o", "json", "--state-dir", str(tmp_path / "state"),
         "--db", f"sqlite:///{tmp_path / 'cw.db'}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while "following" not in (proc.stderr.readline() if proc.stderr else ""):
            assert time.monotonic() < deadline and proc.poll() is None
        with log.open("a") as handle:
            handle.write(failures(12))
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the alert, printed while the run goes on
        assert '"linux.auth.ssh_brute_force"' in line
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "12 event(s)" in err
    assert (tmp_path / "state" / "detectors.json").is_file()
    listed = subprocess.run(
        [sys.executable, "-m", "cloudwarden.cli.main", "alerts", "-o", "json",
         "--db", f"sqlite:///{tmp_path / 'cw.db'}"],
        capture_output=True, text=True, env=env, timeout=60, check=True)
    assert "linux.auth.ssh_brute_force" in listed.stdout


def test_a_parser_failure_is_reported_and_other_files_go_on(tmp_path: Path) -> None:
    good = tmp_path / "auth.log"
    good.write_text(failures(2))
    other = tmp_path / "other.log"
    other.write_text(failures(1))
    stop = threading.Event()
    stop.set()
    stats = ParseStats()
    # an unknown source name makes the parser lookup itself fail, as a bug would
    events = list(follow_events([good], "linux.auth", stats, stop, poll=0.01))
    broken = list(follow_events([other], "no.such.source", stats, stop, poll=0.01))
    assert len(events) == 2 and broken == []
    assert any("reading stopped" in p.reason for p in stats.examples)
