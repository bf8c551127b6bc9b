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

A record's pairs are what the pattern `_PAIR` finds in it. Reading is the hot path of a
detection run (two or more records per event), so they are read by splitting into words, which
finds the same pairs whenever each word is one whole pair (a whole `_PAIR` key, a double-quoted
value closing at the word's end) and single-quoted values open right after their `key=`; a
record where that does not hold is read by `_PAIR` itself. Words repeat from record to record
(`arch=c000003e`, `uid=0`, `exe="/usr/bin/curl"`...), so the pair a word holds is remembered.
The first, regex-only reader is kept in the tests as the reference this one must match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import RECORD_ERRORS, Malformed, ParseStats
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
_KEY = re.compile(r"[\w\[\]-]+")
_HEX = re.compile(r"(?:[0-9A-F]{2})+")
_PRIMARY = ("EXECVE", "SYSCALL", "USER_LOGIN", "USER_AUTH", "USER_CMD")

#: keys seen to be whole `_PAIR` keys (learnt as read, up to `_MAX_KEYS`)
_KEYS: set[str] = {"type"}
_MAX_KEYS = 4096
#: words read as one whole pair, by the pair: audit records repeat most of their words (arch,
#: syscall, the uid and gid fields, comm, exe, key...); up to `_MAX_WORDS`, then started again
_WORDS: dict[str, tuple[str, str]] = {}
_EXECVE_WORDS: dict[str, tuple[str, str]] = {}
_MAX_WORDS = 8192
#: EXECVE's `argc` arguments are `a0`, `a1`...: the first ones named once
_ARGS = tuple(f"a{i}" for i in range(64))
_NO_ARGS = ("",) * 64


@dataclass(slots=True)
class _Group:
    serial: str
    time: str  # the first record's epoch as written, and as a number
    epoch: float
    node: str
    line: int  # the first record's line number
    last_line: int
    records: list[dict[str, str]] = field(default_factory=list)


def parse_auditd(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    origin_name = input_name(data, name)
    pending: dict[str, _Group] = {}
    # no pending group is complete before this line (the oldest one's last line + WINDOW when
    # it was last looked at: its last line only grows; an EOE may remove it, which resets it)
    expiry = 0
    header = _HEADER.match
    with open_input(data) as reader:
        for number, line in iter_lines(reader):
            if line is None:
                stats.records += 1
                stats.problem(
                    f"{origin_name}:{number}", "Malformed: line longer than the size limit"
                )
                continue
            if not line or line.isspace():
                continue
            stats.records += 1
            text, _, enriched = line.decode("utf-8", "replace").partition("\x1d")
            m = header(text)
            if m is None:
                stats.problem(f"{origin_name}:{number}", "Malformed: not an audit record")
                continue
            node, rtype, time, serial = m.group(1, 2, 3, 4)
            group = pending.get(serial)
            if group is None or time != group.time:
                try:
                    epoch = float(time)  # a bad epoch makes the record malformed
                except ValueError as exc:
                    stats.problem(f"{origin_name}:{number}", f"ValueError: {exc}")
                    continue
                if group is None:
                    group = pending[serial] = _Group(serial, time, epoch, node or "", number, 0)
            group.records.append(_record(rtype, text[m.end() :], enriched))
            group.last_line = number
            if rtype == "EOE":
                expiry = 0  # the oldest group may be this one
                event = _emit(pending.pop(serial), origin_name, stats)
                if event is not None:
                    yield event
            if number < expiry:
                continue
            while pending:
                oldest = next(iter(pending.values()))
                if oldest.last_line > number - WINDOW:
                    expiry = oldest.last_line + WINDOW
                    break
                event = _emit(pending.pop(oldest.serial), origin_name, stats)
                if event is not None:
                    yield event
    for group in pending.values():
        event = _emit(group, origin_name, stats)
        if event is not None:
            yield event


def parse_audit_record(line: str) -> tuple[str, str, float, str, dict[str, str]]:
    """`(node, type, epoch, serial, fields)` of one audit record line; the enriched part
    after the `\\x1d` separator adds the translated names (`AUID`, `UID`, `SYSCALL`...)."""
    raw, _, enriched = line.partition("\x1d")
    header = _HEADER.match(raw)
    if header is None:
        raise Malformed("not an audit record")
    node, rtype, time, serial = header.group(1, 2, 3, 4)
    epoch = float(time)
    return node or "", rtype, epoch, serial, _record(rtype, raw[header.end() :], enriched)


def _record(rtype: str, body: str, enriched: str) -> dict[str, str]:
    """The fields of a record: its type, then the pairs of its body and its enriched part."""
    record = {"type": rtype}
    execve = rtype == "EXECVE"
    if (_words(body, execve, record) if "'" not in body else _read(body, execve, record)) and (
        not enriched or _read(enriched, execve, record)
    ):
        return record
    record = {"type": rtype}
    for text in (body, enriched):
        for m in _PAIR.finditer(text):
            key, dq, sq, raw = m.group(1, 2, 3, 4)
            if dq is not None:
                value = dq
            elif sq is not None:
                if key == "msg":  # userspace records nest their fields
                    for inner in _PAIR.finditer(sq):
                        ival = inner["dq"] if inner["dq"] is not None else inner["raw"] or ""
                        record.setdefault(inner["key"], ival)
                    continue
                value = sq
            elif (execve and key[:1] == "a" and key[1:].isdigit()) or key == "proctitle":
                value = _unhex(raw)  # EXECVE arguments and PROCTITLE are hex when they hold
            else:  # spaces, quotes or control characters
                value = raw
            record[key] = value
    return record


def _is_key(key: str) -> bool:
    """Whether `_PAIR` reads `key` whole (remembered for the next records)."""
    if key in _KEYS:
        return True
    if _KEY.fullmatch(key) is None:
        return False
    if len(_KEYS) < _MAX_KEYS:
        _KEYS.add(key)
    return True


def _read(text: str, execve: bool, record: dict[str, str]) -> bool:
    """Add the pairs of `text` to `record` word by word; False where a word does not hold one
    whole pair (the caller then reads the record with `_PAIR`). A value in single quotes
    (`msg='op=... res=success'` of userspace records) may hold spaces: the text is read around
    it."""
    while (quote := text.find("'")) >= 0:
        close = text.find("'", quote + 1)
        head = text[:quote]
        if close < 0 or head[-1:] != "=":
            return False  # the quote does not open a value right after `key=`
        key = head.rsplit(None, 1)[-1][:-1]
        if not _words(head[: len(head) - len(key) - 1], execve, record):
            return False
        value = text[quote + 1 : close]
        if key != "msg":
            if not _is_key(key):
                return False
            record[key] = value
        elif not _nested(value, record):  # userspace records nest their fields
            return False
        text = text[close + 1 :]
    return _words(text, execve, record)


def _words(text: str, execve: bool, record: dict[str, str]) -> bool:
    """The pairs of a text without single quotes. A word without `=` holds no pair; a value
    with a double quote must be one quoted string (a quote elsewhere is left to `_PAIR`); a
    plain value of EXECVE's `aN` or of `proctitle` is hex when it holds spaces, quotes or
    control characters."""
    seen = _EXECVE_WORDS if execve else _WORDS
    for word in text.split():
        pair = seen.get(word)
        if pair is None:
            key, eq, value = word.partition("=")
            if not eq:
                continue
            if not _is_key(key):
                return False
            if '"' in value:
                inner = _quoted(value)
                if inner is None:
                    return False
                pair = (key, inner)
            elif key == "proctitle" or (execve and key[:1] == "a" and key[1:].isdigit()):
                pair = (key, _unhex(value))
            else:
                pair = (key, value)
            if len(seen) >= _MAX_WORDS:
                seen.clear()
            seen[word] = pair
        record[pair[0]] = pair[1]
    return True


def _quoted(value: str) -> str | None:
    """The inside of a value that is one whole double-quoted string; None for a quote inside
    a plain value, or one not closing at the end (left to `_PAIR`)."""
    inner = value[1:-1]
    if value[0] != '"' or value[-1] != '"' or '"' in inner or value == '"':
        return None
    return inner


def _nested(text: str, record: dict[str, str]) -> bool:
    """The pairs inside `msg='...'`, added where their key is new; never hex."""
    for word in text.split():
        key, eq, value = word.partition("=")
        if not eq:
            continue
        if not _is_key(key):
            return False
        if '"' in value:
            inner = _quoted(value)
            if inner is None:
                return False
            record.setdefault(key, inner)
        else:
            record.setdefault(key, value)
    return True


def _unhex(value: str) -> str:
    if value and _HEX.fullmatch(value):
        return bytes.fromhex(value).decode("utf-8", "replace").replace("\x00", " ").strip()
    return value


def _emit(group: _Group, origin_name: str, stats: ParseStats) -> Event | None:
    origin = f"{origin_name}:{group.line}"
    try:
        event = _event(group, origin)
    except RECORD_ERRORS as exc:
        stats.problem(origin, f"{type(exc).__name__}: {exc}")
        return None
    if event is None:
        stats.skipped += 1
        return None
    stats.events += 1
    return event


def _event(group: _Group, origin: str) -> Event | None:
    records = group.records
    if len(records) == 2:  # the usual SYSCALL + EXECVE, without their CWD, PATH... records
        by_type = {records[1]["type"]: records[1], records[0]["type"]: records[0]}
    else:
        by_type = {}
        for record in reversed(records):  # the first record of each type
            by_type[record["type"]] = record
    for primary in _PRIMARY:
        if primary in by_type:
            break
    else:
        primary = records[0]["type"]
        if primary == "EOE":
            return None
    first = by_type[primary]
    # the primary record's keys first, then the others' in order, each with its first value:
    # updates in order place the keys, then in reverse order set the first values
    fields: dict[str, Any] = dict(first)
    if len(records) == 2:
        fields.update(records[1] if records[0] is first else records[0])
        fields.update(first)
    elif len(records) > 2:
        others = [r for r in records if r is not first]
        for record in others:
            fields.update(record)
        for record in others[-2::-1]:
            fields.update(record)
        fields.update(first)
    fields["type"] = primary
    fields["node"] = group.node
    fields["serial"] = group.serial
    fields["records"] = records
    exe = fields.get("exe", "")
    execve = by_type.get("EXECVE")
    if execve is not None:
        argc = int(execve.get("argc", "0"))
        get = execve.get
        args = list(map(get, _ARGS[:argc], _NO_ARGS[:argc])) if argc > 0 else []
        if argc > 64:
            args += [get(f"a{i}", "") for i in range(64, argc)]
        command = " ".join(args)
        program = exe or (args[0] if args else "")
        action, source = program.rpartition("/")[2] or "execve", PROCESS
    else:
        proctitle = by_type.get("PROCTITLE")
        command = proctitle.get("proctitle", "") if proctitle is not None else ""
        action, source = primary.lower(), AUDITD
    if "PATH" in by_type:
        paths = tuple(r["name"] for r in records if r["type"] == "PATH" and r.get("name"))
    else:
        paths = ()
    addr = fields.get("addr", "")
    if exe:
        process = exe.strip('"')
    else:
        syscall = by_type.get("SYSCALL")
        process = syscall.get("comm", "") if syscall is not None else ""
    result = fields.get("success") or fields.get("res") or ""
    if result == "yes" or result == "success":
        outcome = "success"
    elif result == "no" or result == "failed":
        outcome = "failure"
    else:
        outcome = "unknown"
    auid = fields.get("auid")
    if auid is not None and auid != _UNSET_ID:  # the login identity survives `sudo` and `su`
        actor = str(fields.get("AUID") or auid)  # by name when enriched
    elif (acct := fields.get("acct")) is not None and acct != "?":
        actor = str(acct)
    else:
        actor = str(fields.get("UID") or fields.get("uid", ""))
    return Event(
        datetime.fromtimestamp(group.epoch, UTC),
        source,
        action,
        outcome,
        actor,
        "user",
        "" if addr == "?" or addr == "" else addr,
        "",
        paths,
        "",
        "",
        group.node,
        process,
        command,
        "",
        fields,
        origin,
    )
