"""A scan killed half way leaves the store consistent, for real: a child process is SIGKILLed
while its results transaction is open, then the store is reopened and inspected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.store import ScanStatus, Store
from cloudwarden.store._schema import scans

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

# Runs in the child: writes a large batch, then announces it (atomically, via a rename) from
# inside the commit hook, i.e. after every row was sent and before COMMIT, and waits to die.
KILLED_WRITER = r"""
import sys, time
from pathlib import Path
from sqlalchemy import event
from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.store import Store

url, ready = sys.argv[1], Path(sys.argv[2])
store = Store.open(url)
scan_id = store.begin_scan("aws", {"run": "killed"})
refs = [AssetRef("aws", "111122223333", "eu-west-1", "aws.s3.bucket", f"killed-{i}")
        for i in range(5000)]
inventory = Inventory(Asset(r, r.id, {"i": i}) for i, r in enumerate(refs))
results = [Finding("aws.s3.rule", r, Status.FAIL, Severity.HIGH, "bad") for r in refs]

def hold_commit(conn):
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(scan_id)
    tmp.rename(ready)
    time.sleep(600)

event.listen(store._engine, "commit", hold_commit)
store.save_results(scan_id, inventory, results)
"""

EXITS_WITHOUT_FINISHING = r"""
import sys
from cloudwarden.store import Store
with Store.open(sys.argv[1]) as store:
    print(store.begin_scan("aws", {}))
"""


def completed_scan(store: Store) -> tuple[str, list[Finding]]:
    r = AssetRef("aws", "111122223333", "eu-west-1", "aws.s3.bucket", "kept")
    scan_id = store.begin_scan("aws", {"run": "kept"})
    stored = store.save_results(scan_id, Inventory([Asset(r, "kept", {"ok": True})]),
                                [Finding("aws.s3.rule", r, Status.PASS, Severity.HIGH, "ok")])
    store.finish_scan(scan_id)
    return scan_id, stored


def wait_for(path: Path, child: subprocess.Popen[bytes], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if child.poll() is not None:
            _, err = child.communicate()
            pytest.fail(f"child exited early ({child.returncode}): {err.decode()}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("child never reached its commit")
        time.sleep(0.05)
    return path.read_text()


def test_scan_killed_mid_transaction_leaves_no_trace(store_url: str, tmp_path: Path) -> None:
    with Store.open(store_url) as store:
        kept_id, kept_findings = completed_scan(store)

    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, store_url, str(ready)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        killed_id = wait_for(ready, child)
        # While the child holds its open transaction, readers see none of it, and its scan is
        # left alone because its process is alive.
        with Store.open(store_url) as store:
            assert store.findings(killed_id) == []
            assert [s.status for s in store.list_scans() if s.id == killed_id] == [
                ScanStatus.RUNNING]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL

    with Store.open(store_url) as store:
        scans = {s.id: s for s in store.list_scans()}
        assert scans[killed_id].status is ScanStatus.INTERRUPTED
        assert scans[killed_id].finished_at is not None
        assert scans[killed_id].asset_count == 0  # the counts were in the lost transaction
        assert store.findings(killed_id) == []
        assert len(store.inventory(killed_id)) == 0
        latest = store.latest_scan()
        assert latest is not None and latest.id == kept_id
        assert store.findings() == kept_findings
        assert [a.ref.id for a in store.inventory()] == ["kept"]
        # The store is writable again and history continues from the completed scan.
        _, again = completed_scan(store)
        assert again[0].first_seen == kept_findings[0].first_seen


def test_scan_of_a_process_that_exited_is_interrupted(store_url: str) -> None:
    done = subprocess.run([sys.executable, "-c", EXITS_WITHOUT_FINISHING, store_url],
                          capture_output=True, check=True, timeout=60)
    orphan = done.stdout.decode().strip()
    with Store.open(store_url) as store:
        assert [s.status for s in store.list_scans()] == [ScanStatus.INTERRUPTED]
        assert store.list_scans()[0].id == orphan


def test_live_scan_is_kept_running_until_it_is_too_old(store_url: str) -> None:
    with Store.open(store_url) as store:
        scan_id = store.begin_scan("aws", {})
    with Store.open(store_url) as store:  # our own process is alive: not abandoned
        assert store.list_scans()[0].status is ScanStatus.RUNNING
    with Store.open(store_url, stale_after=timedelta(0)) as store:
        record = store.list_scans()[0]
        assert (record.id, record.status) == (scan_id, ScanStatus.INTERRUPTED)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_scan_whose_pid_was_reused_is_interrupted(store_url: str) -> None:
    with Store.open(store_url) as store:
        scan_id = store.begin_scan("aws", {})
    # Our pid is alive, but the scan says it was started by an earlier process with that pid.
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(update(scans).where(scans.c.id == scan_id).values(process_start="1"))
    engine.dispose()
    with Store.open(store_url) as store:
        assert store.list_scans()[0].status is ScanStatus.INTERRUPTED
