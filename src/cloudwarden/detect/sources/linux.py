"""Linux `auth.log` / `secure` and syslog: RFC 3164 lines (`Mar  5 14:02:01 host sshd[811]:
...`, the year inferred), the RFC 3339-stamped lines of rsyslog's high-precision format, and
RFC 5424 (`<34>1 2024-03-05T14:02:01Z host app 811 ID47 [sd] msg`). Messages of sshd, sudo,
su, cron and the shadow utilities are recognised into actions (`ssh.login`, `sudo.command`,
`cron.exec`, `user.create`...); any other line is an event whose action is its program.

`fields` holds the parsed line: `timestamp`, `hostname`, `program`, `pid`, `message`, plus what
the message yields (`user`, `src_ip`, `port`, `method`, `command`, ...). A syslog time carries
no year and no zone: the year is the reference time's (the file's modification time, or now)
unless that lands more than a day after the reference, and the zone is `tz` (UTC by default).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, drive, parse_iso, to_utc
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input

__all__ = ["AUTH", "SYSLOG", "SyslogLine", "parse_auth_log", "parse_syslog", "parse_syslog_line"]

AUTH = "linux.auth"
SYSLOG = "linux.syslog"

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_RFC3164 = re.compile(
    r"(?:<(?P<pri>\d{1,3})>)?(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) "
    r"(?P<hms>\d\d:\d\d:\d\d) (?P<host>\S+) (?P<rest>.*)"
)
_RFC3339 = re.compile(
    r"(?:<(?P<pri>\d{1,3})>)?(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) "
    r"(?P<host>\S+) (?P<rest>.*)"
)
_RFC5424 = re.compile(
    r"<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+) "
    r"(?P<msgid>\S+) (?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (?P<msg>.*))?"
)
_TAG = re.compile(r"(?P<program>[^\s:\[]+)(?:\[(?P<pid>\d+)\])?: ?(?P<message>.*)")

SyslogLine = dict[str, Any]


def parse_auth_log(
    data: Input,
    stats: ParseStats | None = None,
    *,
    name: str | None = None,
    reference: datetime | None = None,
    tz: tzinfo = UTC,
) -> Iterator[Event]:
    yield from _parse(AUTH, data, stats, name, reference, tz)


def parse_syslog(
    data: Input,
    stats: ParseStats | None = None,
    *,
    name: str | None = None,
    reference: datetime | None = None,
    tz: tzinfo = UTC,
) -> Iterator[Event]:
    yield from _parse(SYSLOG, data, stats, name, reference, tz)


def _parse(
    source: str,
    data: Input,
    stats: ParseStats | None,
    name: str | None,
    reference: datetime | None,
    tz: tzinfo,
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    ref = reference or _reference(data)
    origin_name = input_name(data, name)

    def convert(line: bytes | None, origin: str) -> Event | None:
        if line is None:
            raise Malformed("line longer than the size limit")
        if not line.strip():
            return None
        return _event(source, parse_syslog_line(line.decode("utf-8", "replace"), ref, tz), origin)

    with open_input(data) as reader:
        lines = ((f"{origin_name}:{n}", line) for n, line in iter_lines(reader))
        yield from drive(lines, convert, stats)


def _reference(data: Input) -> datetime:
    if isinstance(data, str | os.PathLike):
        try:
            return datetime.fromtimestamp(os.stat(data).st_mtime, tz=UTC)
        except OSError:
            pass
    return datetime.now(UTC)


def parse_syslog_line(line: str, reference: datetime, tz: tzinfo = UTC) -> SyslogLine:
    """The header fields and the message of one syslog line, with its time as aware UTC."""
    if line.startswith("<") and (m5 := _RFC5424.match(line)):
        fields: SyslogLine = {
            "timestamp": parse_iso(m5["ts"].replace("Z", "+00:00")),
            "hostname": m5["host"],
            "program": "" if m5["app"] == "-" else m5["app"],
            "pid": "" if m5["procid"] == "-" else m5["procid"],
            "msgid": "" if m5["msgid"] == "-" else m5["msgid"],
            "structured_data": "" if m5["sd"] == "-" else m5["sd"],
            "message": (m5["msg"] or "").removeprefix("\ufeff"),
            "priority": int(m5["pri"]),
        }
        return fields
    if m := _RFC3339.match(line):
        time = parse_iso(m["ts"])
    elif m := _RFC3164.match(line):
        month = _MONTHS.get(m["mon"])
        if month is None:
            raise Malformed(f"bad month {m['mon']!r}")
        time = _with_year(month, int(m["day"]), m["hms"], reference, tz)
    else:
        raise Malformed("not a syslog line")
    fields = {"timestamp": time, "hostname": m["host"]}
    if m["pri"]:
        fields["priority"] = int(m["pri"])
    if tag := _TAG.match(m["rest"]):
        fields.update(program=tag["program"], pid=tag["pid"] or "", message=tag["message"])
    else:
        fields.update(program="", pid="", message=m["rest"])
    return fields


def _with_year(month: int, day: int, hms: str, reference: datetime, tz: tzinfo) -> datetime:
    hour, minute, second = (int(x) for x in hms.split(":"))
    year = reference.year
    value = to_utc(datetime(year, month, day, hour, minute, second), tz)
    if value > reference + timedelta(days=1):  # December lines read in January
        value = to_utc(datetime(year - 1, month, day, hour, minute, second), tz)
    return value


# --- messages -------------------------------------------------------------------------------

_SSH_ACCEPTED = re.compile(
    r"Accepted (?P<method>\S+) for (?P<user>\S+) from (?P<src_ip>\S+) port (?P<port>\d+)"
)
_SSH_FAILED = re.compile(
    r"Failed (?P<method>\S+) for (?P<invalid>invalid user )?(?P<user>\S*) from (?P<src_ip>\S+)"
    r" port (?P<port>\d+)"
)
_SSH_INVALID = re.compile(
    r"Invalid user (?P<user>\S*) from (?P<src_ip>\S+)(?: port (?P<port>\d+))?"
)
_SUDO = re.compile(
    r"\s*(?P<user>\S+) : (?:(?P<error>[^;]*?) ; )?TTY=(?P<tty>\S+) ; PWD=(?P<pwd>.*?) ; "
    r"USER=(?P<target_user>\S+) ;(?: .*?;)? COMMAND=(?P<command>.*)"
)
_SU = re.compile(r"(?P<result>Successful|FAILED) su for (?P<target_user>\S+) by (?P<user>\S+)")
_SU_PAM = re.compile(
    r"pam_unix\(su(?:-l)?:session\): session opened for user (?P<target_user>\S+?)"
    r"(?:\(uid=\d+\))? by (?P<user>\S*?)(?:\(uid=\d+\))?$"
)
_CRON = re.compile(r"\((?P<user>[^)]+)\) CMD \((?P<command>.*)\)\s*$")
_USERADD = re.compile(r"new user: name=(?P<target_user>[^,]+), UID=(?P<uid>\d+)")
_USERDEL = re.compile(r"delete user '(?P<target_user>[^']+)'")
_GROUPADD = re.compile(r"new group: name=(?P<target_group>[^,]+)")
_USERMOD_GROUP = re.compile(
    r"add '(?P<target_user>[^']+)' to (?:shadow )?group '(?P<target_group>[^']+)'"
)
_PASSWD = re.compile(r"password changed for (?P<target_user>\S+)")
_PAM_FAIL = re.compile(r"authentication failure;.*?rhost=(?P<src_ip>\S*)(?:\s+user=(?P<user>\S+))?")

# program -> [(pattern, action, outcome or None to read it from the match)]
_Rule = tuple[re.Pattern[str], str, str]
_RULES: dict[str, tuple[_Rule, ...]] = {
    "sshd": (
        (_SSH_ACCEPTED, "ssh.login", "success"),
        (_SSH_FAILED, "ssh.login", "failure"),
        (_SSH_INVALID, "ssh.invalid_user", "failure"),
        (_PAM_FAIL, "ssh.auth_failure", "failure"),
    ),
    "sudo": ((_SUDO, "sudo.command", ""), (_PAM_FAIL, "sudo.auth_failure", "failure")),
    "su": ((_SU, "su.session", ""), (_SU_PAM, "su.session", "success")),
    "CRON": ((_CRON, "cron.exec", "success"),),
    "cron": ((_CRON, "cron.exec", "success"),),
    "crond": ((_CRON, "cron.exec", "success"),),
    "useradd": ((_USERADD, "user.create", "success"), (_GROUPADD, "group.create", "success")),
    "adduser": ((_USERADD, "user.create", "success"),),
    "userdel": ((_USERDEL, "user.delete", "success"),),
    "groupadd": ((_GROUPADD, "group.create", "success"),),
    "usermod": ((_USERMOD_GROUP, "user.group_add", "success"),),
    "gpasswd": ((_USERMOD_GROUP, "user.group_add", "success"),),
    "passwd": ((_PASSWD, "user.password_change", "success"),),
    "chpasswd": ((_PASSWD, "user.password_change", "success"),),
}


def _classify(program: str, message: str) -> tuple[str, str, dict[str, str]]:
    for pattern, action, outcome in _RULES.get(program, ()):
        if m := pattern.search(message):
            found = {k: v for k, v in m.groupdict().items() if v}
            return action, outcome or _derived_outcome(found), found
    return program or "syslog", "unknown", {}


def _derived_outcome(found: dict[str, str]) -> str:
    if found.get("result") == "FAILED" or found.get("error"):
        return "failure"
    return "success"


def _event(source: str, fields: SyslogLine, origin: str) -> Event:
    action, outcome, found = _classify(fields["program"], fields["message"])
    fields.update(found)
    user = found.get("user", "")
    command = found.get("command", "")
    targets = tuple(found[k] for k in ("target_user", "target_group") if k in found)
    return Event(
        time=fields["timestamp"],
        source=source,
        action=action,
        outcome=outcome,
        actor=user,
        actor_type="user" if user else "",
        source_ip=found.get("src_ip", ""),
        targets=targets,
        host=fields["hostname"],
        process=fields["program"],
        command_line=command,
        fields=fields,
        origin=origin,
    )
