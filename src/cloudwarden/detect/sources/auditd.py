"""Linux audit logs (`/var/log/audit/audit.log`, raw or `log_format = ENRICHED`).

The kernel writes one event as several records sharing a `msg=audit(<epoch>:<serial>)` id
(SYSCALL, EXECVE, CWD, PATH, PROCTITLE, then EOE). Records are grouped by that id within a
small window of lines (a group closes at its EOE, or once `WINDOW` lines have passed without a
record of it), so memory stays constant while interleaved events still group. A group with an
EXECVE record is a process event (`linux.process`: action the program's base name,
`command_line` the decoded arguments); any other group is a `linux.auditd` event whose action
is its record type in lower case (`user_login`, `user_auth`, `syscall`...).

`fields` merges the group's records, the primary record's keys first (EXECVE's `a0`, `a1`...
win over SYSCALL's raw syscall arguments), `type` the primary type; `records` lists every record
of the group as parsed, for rules written against one record type.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import RECORD_ERRORS, Malformed, ParseStats, from_epoch
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input

__all__ = ["AUDITD", "PROCESS", "WINDOW", "parse_audit_record", "parse_auditd"]

AUDITD = "linux.auditd"
PROCESS = "linux.process"
#: lines after which a group without EOE is considered complete
WINDOW = 16
_UNSET_ID = "4294967295"

_HEADER = re.compile(
    r"(?:node=(?P<node>\S+) )?type=(?P<type>\S+) msg=audit\((?P<time>[\d.]+):(?P<serial>\d+)\): ?"
)
_PAIR = re.compile(r"""(?P<key>[\w\[\]-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<raw>\S*))""")
_HEX = re.compile(r"(?:[0-9A-F]{2})+")
_PRIMARY = ("EXECVE", "SYSCALL", "USER_LOGIN", "USER_AUTH", "USER_CMD")


@dataclass(slots=True)
class _Group:
    serial: str
    time: float
    node: str
    origin: str
    last_line: int
    records: list[dict[str, str]] = field(default_factory=list)


def parse_auditd(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    origin_name = input_name(data, name)
    pending: dict[str, _Group] = {}
    with open_input(data) as reader:
        for number, line in iter_lines(reader):
            origin = f"{origin_name}:{number}"
            if line is not None and not line.strip():
                continue
            stats.records += 1
            try:
                if line is None:
                    raise Malformed("line longer than the size limit")
                node, rtype, time, serial, record = parse_audit_record(
                    line.decode("utf-8", "replace")
                )
            except RECORD_ERRORS as exc:
                stats.problem(origin, f"{type(exc).__name__}: {exc}")
                continue
            group = pending.get(serial)
            if group is None:
                group = pending[serial] = _Group(serial, time, node, origin, number)
            group.records.append(record)
            group.last_line = number
            if rtype == "EOE":
                yield from _emit(pending.pop(serial), stats)
            while pending:
                oldest = next(iter(pending.values()))
                if oldest.last_line > number - WINDOW:
                    break
                yield from _emit(pending.pop(oldest.serial), stats)
    for group in pending.values():
        yield from _emit(group, stats)


def parse_audit_record(line: str) -> tuple[str, str, float, str, dict[str, str]]:
    """`(node, type, epoch, serial, fields)` of one audit record line; the enriched part
    after the `\\x1d` separator adds the translated names (`AUID`, `UID`, `SYSCALL`...)."""
    raw, _, enriched = line.partition("\x1d")
    header = _HEADER.match(raw)
    if header is None:
        raise Malformed("not an audit record")
    rtype = header["type"]
    record: dict[str, str] = {"type": rtype}
    for text in (raw[header.end() :], enriched):
        for m in _PAIR.finditer(text):
            key, value = m["key"], m["dq"] if m["dq"] is not None else m["sq"]
            if value is None:
                value = _unhex(m["raw"]) if _is_argument(rtype, key) else m["raw"]
            if key == "msg" and m["sq"] is not None:  # userspace records nest their fields
                for inner in _PAIR.finditer(m["sq"]):
                    ival = inner["dq"] if inner["dq"] is not None else inner["raw"] or ""
                    record.setdefault(inner["key"], ival)
                continue
            record[key] = value
    return header["node"] or "", rtype, float(header["time"]), header["serial"], record


def _is_argument(rtype: str, key: str) -> bool:
    """EXECVE arguments and PROCTITLE are written unquoted in hex when they hold spaces,
    quotes or control characters."""
    return (rtype == "EXECVE" and key[:1] == "a" and key[1:].isdigit()) or key == "proctitle"


def _unhex(value: str) -> str:
    if value and _HEX.fullmatch(value):
        return bytes.fromhex(value).decode("utf-8", "replace").replace("\x00", " ").strip()
    return value


def _emit(group: _Group, stats: ParseStats) -> Iterator[Event]:
    try:
        event = _event(group)
    except RECORD_ERRORS as exc:
        stats.problem(group.origin, f"{type(exc).__name__}: {exc}")
        return
    if event is None:
        stats.skipped += 1
        return
    stats.events += 1
    yield event


def _event(group: _Group) -> Event | None:
    by_type: dict[str, dict[str, str]] = {}
    for record in group.records:
        by_type.setdefault(record["type"], record)
    primary = next((t for t in _PRIMARY if t in by_type), group.records[0]["type"])
    if primary == "EOE":
        return None
    merged: dict[str, Any] = {}
    for record in [by_type[primary], *group.records]:
        for key, value in record.items():
            merged.setdefault(key, value)
    merged.update(type=primary, node=group.node, serial=group.serial, records=group.records)
    syscall = by_type.get("SYSCALL", {})
    execve = by_type.get("EXECVE")
    exe = merged.get("exe", "")
    if execve is not None:
        argc = int(execve.get("argc", "0"))
        args = [execve.get(f"a{i}", "") for i in range(argc)]
        command = " ".join(args)
        program = exe or (args[0] if args else "")
        action, source = os.path.basename(program) or "execve", PROCESS
    else:
        command = by_type.get("PROCTITLE", {}).get("proctitle", "")
        action, source = primary.lower(), AUDITD
    paths = tuple(r["name"] for r in group.records if r["type"] == "PATH" and r.get("name"))
    addr = merged.get("addr", "")
    return Event(
        time=from_epoch(group.time),
        source=source,
        action=action,
        outcome=_outcome(merged),
        actor=_actor(merged),
        actor_type="user",
        source_ip="" if addr in ("?", "") else addr,
        targets=paths,
        host=group.node,
        process=exe.strip('"') if exe else syscall.get("comm", ""),
        command_line=command,
        fields=merged,
        origin=group.origin,
    )


def _outcome(fields: dict[str, Any]) -> str:
    result = fields.get("success") or fields.get("res") or ""
    if result in ("yes", "success"):
        return "success"
    if result in ("no", "failed"):
        return "failure"
    return "unknown"


def _actor(fields: dict[str, Any]) -> str:
    """The login identity (audit uid survives `sudo` and `su`), by name when enriched."""
    if fields.get("auid") not in (None, _UNSET_ID):
        return str(fields.get("AUID") or fields["auid"])
    if fields.get("acct") not in (None, "?"):
        return str(fields["acct"])
    return str(fields.get("UID") or fields.get("uid", ""))
