"""auditd: the fast reader gives exactly what the first, regex-only reader gave.

`_reference_*` below is that first reader, kept verbatim as the specification: every test here
feeds both the same lines (real formats, then the same lines mangled at random: quotes, spaces,
separators, bad epochs, bytes that are not UTF-8) and compares every event, every record and the
parse statistics.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.core.events import Event
from cloudwarden.detect.sources import ParseStats, auditd, parse_auditd
from cloudwarden.detect.sources._base import RECORD_ERRORS, Malformed, from_epoch
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input
from cloudwarden.detect.sources.auditd import parse_audit_record

# --- the first reader, verbatim ---------------------------------------------------------------

_WINDOW = 16
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


def _reference_parse(data: Input, stats: ParseStats, name: str | None = None) -> Iterator[Event]:
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
                node, rtype, time, serial, record = _reference_record(
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
                yield from _reference_emit(pending.pop(serial), stats)
            while pending:
                oldest = next(iter(pending.values()))
                if oldest.last_line > number - _WINDOW:
                    break
                yield from _reference_emit(pending.pop(oldest.serial), stats)
    for group in pending.values():
        yield from _reference_emit(group, stats)


def _reference_record(line: str) -> tuple[str, str, float, str, dict[str, str]]:
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
            if key == "msg" and m["sq"] is not None:
                for inner in _PAIR.finditer(m["sq"]):
                    ival = inner["dq"] if inner["dq"] is not None else inner["raw"] or ""
                    record.setdefault(inner["key"], ival)
                continue
            record[key] = value
    return header["node"] or "", rtype, float(header["time"]), header["serial"], record


def _is_argument(rtype: str, key: str) -> bool:
    return (rtype == "EXECVE" and key[:1] == "a" and key[1:].isdigit()) or key == "proctitle"


def _unhex(value: str) -> str:
    if value and _HEX.fullmatch(value):
        return bytes.fromhex(value).decode("utf-8", "replace").replace("\x00", " ").strip()
    return value


def _reference_emit(group: _Group, stats: ParseStats) -> Iterator[Event]:
    try:
        event = _reference_event(group)
    except RECORD_ERRORS as exc:
        stats.problem(group.origin, f"{type(exc).__name__}: {exc}")
        return
    if event is None:
        stats.skipped += 1
        return
    stats.events += 1
    yield event


def _reference_event(group: _Group) -> Event | None:
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
        action, source = os.path.basename(program) or "execve", "linux.process"
    else:
        command = by_type.get("PROCTITLE", {}).get("proctitle", "")
        action, source = primary.lower(), "linux.auditd"
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
    if fields.get("auid") not in (None, _UNSET_ID):
        return str(fields.get("AUID") or fields["auid"])
    if fields.get("acct") not in (None, "?"):
        return str(fields["acct"])
    return str(fields.get("UID") or fields.get("uid", ""))


# --- lines as auditd writes them --------------------------------------------------------------

_PROGRAMS = ["/usr/bin/curl", "/usr/bin/bash", "/usr/sbin/sshd", "/tmp/my prog", "/bin/sh"]
_WORDS = ["-s", "-o", "/tmp/my file", 'say "hi"', "x=1", "it's", "naïve", "", "a\tb", "--"]


def _hex(text: str) -> str:
    return text.encode().hex().upper()


def _value(text: str) -> str:
    """As auditd writes a string: quoted, or hex when it holds spaces, quotes or controls."""
    if any(c in text for c in " \"'\t") or not text.isascii():
        return _hex(text)
    return f'"{text}"'


def _event_lines(rng: random.Random, serial: int) -> list[str]:
    stamp = f"msg=audit({1709647321 + serial // 7}.{rng.randrange(1000):03d}:{serial})"
    node = rng.choice(["", "", "node=web-1 ", "node=db.example.com "])
    exe = rng.choice(_PROGRAMS)
    kind = rng.randrange(4)
    lines: list[str] = []
    if kind < 2:
        argv = [exe.rsplit("/", 1)[1], *rng.sample(_WORDS, rng.randrange(5))]
        key = rng.choice(["(null)", '"exec"'])
        enriched = (
            '\x1dARCH=x86_64 SYSCALL=execve AUID="alice" UID="root" GID="root"'
            if rng.random() < 0.3
            else ""
        )
        lines.append(
            f"{node}type=SYSCALL {stamp}: arch=c000003e syscall=59 "
            f"success={rng.choice(['yes', 'no'])} exit=0 a0=55d1 a1=55d2 items=2 ppid=1 "
            f"pid={serial} auid={rng.choice(['1000', '4294967295'])} uid=0 gid=0 tty=pts0 "
            f"ses=3 comm={_value(argv[0])} exe={_value(exe)} subj=unconfined "
            f"key={key}{enriched}"
        )
        args = " ".join(f"a{i}={_value(a)}" for i, a in enumerate(argv))
        argc = len(argv) + rng.choice([0, 0, 0, 1, -1])
        lines.append(f"{node}type=EXECVE {stamp}: argc={argc} {args}")
        if rng.random() < 0.2:
            lines.append(f"{node}type=EXECVE {stamp}: argc=1 a0_len=8 a0[0]=41424344")
        lines.append(f"{node}type=CWD {stamp}: cwd={_value(rng.choice(['/tmp', '/my dir']))}")
        for item, name in enumerate(rng.sample([exe, "/lib64/ld.so", "(null)"], 2)):
            lines.append(
                f"{node}type=PATH {stamp}: item={item} name={_value(name)} inode=99 "
                f"dev=08:01 mode=0100755 nametype=NORMAL"
            )
        lines.append(f"{node}type=PROCTITLE {stamp}: proctitle={_hex(chr(0).join(argv))}")
    elif kind == 2 and rng.random() < 0.3:
        lines.append(
            f"{node}type=USER_CMD {stamp}: pid={serial} uid=1000 auid=1000 ses=2 "
            f"msg='cwd={_value(rng.choice(['/home/u', '/my dir']))} cmd={_hex('ls -la')} "
            f'exe="/usr/bin/sudo" terminal=pts/0 res=success\' uid=7 exe="/bin/x"'
        )
    elif kind == 2:
        acct = rng.choice(['"root"', '"bob smith"', "?"])
        rtype = rng.choice(["USER_AUTH", "USER_LOGIN", "USER_CMD", "CRED_ACQ", "USER_START"])
        lines.append(
            f"{node}type={rtype} {stamp}: pid=4101 uid=0 auid={rng.choice(['0', '4294967295'])} "
            f"ses=4294967295 subj=unconfined msg='op=PAM:authentication grantors=? "
            f'acct={acct} exe="/usr/sbin/sshd" '
            f"hostname=198.51.100.23 addr={rng.choice(['198.51.100.23', '?'])} terminal=ssh "
            f"res={rng.choice(['success', 'failed'])}'"
            + rng.choice(["", '\x1dUID="root" AUID="unset"'])
        )
    else:
        lines.append(
            f"{node}type=SYSCALL {stamp}: arch=c000003e syscall=257 success=no exit=-13 "
            f'items=1 pid={serial} auid=1001 uid=1001 comm="cat" exe="/usr/bin/cat" key="shadow"'
        )
        lines.append(f'{node}type=PATH {stamp}: item=0 name="/etc/shadow" nametype=NORMAL')
    if rng.random() < 0.7:
        lines.append(f"{node}type=EOE {stamp}: ")
    return lines


def _log(rng: random.Random, events: int) -> list[str]:
    """Events' records, interleaved as a busy kernel writes them, with blank lines between."""
    streams = [_event_lines(rng, serial) for serial in range(events)]
    out: list[str] = []
    active: list[list[str]] = []
    while streams or active:
        while streams and len(active) < rng.randrange(1, 4):
            active.append(streams.pop(0))
        stream = rng.choice(active)
        out.append(stream.pop(0))
        if not stream:
            active.remove(stream)
        if rng.random() < 0.02:
            out.append(rng.choice(["", "   ", "\t"]))
    return out


_NOISE = [
    " ",
    "  ",
    "\t",
    '"',
    "'",
    "=",
    "==",
    "\x1d",
    "a=",
    "x",
    ".",
    ":",
    "[0]",
    "é",
    "\u00a0",
    "\x0b",
    "msg='",
    'msg="',
    "'op=x res=y'",
    "a1=",
    "proctitle=",
    "41",
    "4G",
    "\x00",
    "type=EOE",
    "audit(",
    "1.2.3",
    ")",
]


def _mangle(rng: random.Random, line: str) -> str:
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(line) + 1)
        if rng.random() < 0.3:
            line = line[:at] + line[at + rng.randrange(1, 6) :]  # drop a few characters
        else:
            line = line[:at] + rng.choice(_NOISE) + line[at:]
    return line


def _write(path: Path, lines: list[str], rng: random.Random) -> Path:
    data = b"".join(line.encode() + rng.choice([b"\n", b"\n", b"\r\n"]) for line in lines)
    if rng.random() < 0.5:  # a byte that is not UTF-8
        at = rng.randrange(len(data))
        data = data[:at] + b"\xff" + data[at:]
    path.write_bytes(data)
    return path


def _both(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    new_stats, old_stats = ParseStats(), ParseStats()
    new = [astuple(e) for e in parse_auditd(path, new_stats)]
    old = [astuple(e) for e in _reference_parse(path, old_stats)]
    new.append(astuple(new_stats))
    old.append(astuple(old_stats))
    return new, old


# --- the comparisons --------------------------------------------------------------------------


def test_fixture_reads_as_the_first_reader_did(fixtures: Path) -> None:
    new, old = _both(fixtures / "audit.log")
    assert new == old


@pytest.mark.parametrize("seed", range(6))
def test_real_format_logs_read_as_the_first_reader_did(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    new, old = _both(_write(tmp_path / "audit.log", _log(rng, 150), rng))
    assert len(new) > 100
    assert new == old


@pytest.mark.parametrize("seed", range(10))
def test_mangled_logs_read_as_the_first_reader_did(seed: int, tmp_path: Path) -> None:
    rng = random.Random(1000 + seed)
    lines = [_mangle(rng, line) if rng.random() < 0.3 else line for line in _log(rng, 120)]
    new, old = _both(_write(tmp_path / "audit.log", lines, rng))
    assert new == old


@pytest.mark.parametrize("seed", range(4))
def test_mangled_records_read_as_the_first_reader_did(seed: int) -> None:
    rng = random.Random(2000 + seed)
    for line in _log(rng, 200):
        for text in (line, _mangle(rng, line), _mangle(rng, _mangle(rng, line))):
            try:
                expected: object = _reference_record(text)
            except RECORD_ERRORS as exc:
                expected = (type(exc), str(exc))
            try:
                got: object = parse_audit_record(text)
            except RECORD_ERRORS as exc:
                got = (type(exc), str(exc))
            assert got == expected, text


@pytest.mark.parametrize(
    "text",
    [
        'a="x y" b=1',  # a double-quoted value holding a space
        "a='x y' b='' c='unclosed",
        "msg='op=x acct=\"a b\" res=success' msg='again=1' tail=2",
        "msg='x'y=1 z='w'",
        "msg=\"quoted\" msg= msg=''",
        "a=b\"c d=\"e\" f=g'h i='j k'",
        "k.ey=1 ke:y=2 =3 [x]=4 a-b=5 é=6 ='q' p==",
        'a0=4142 a1=41 a2=4 a3=4a4b a4="4142" a5= proctitle=410042 a6[0]=4142',
        'a="" b=" c="d"e" f',
        "x='a\" y=\"b' z=1",
        'exe="/a" msg=\'exe="/b" uid=2 exe=3\' uid=3 msg=\'exe="/c"\'',
        '\u00a0a=1\u2003b="c\u2003d" e=\x0bf',
    ],
)
def test_awkward_pairs_read_as_the_first_reader_did(text: str) -> None:
    for rtype in ("EXECVE", "SYSCALL", "USER_AUTH"):
        line = f"type={rtype} msg=audit(1.5:7): {text}"
        assert parse_audit_record(line) == _reference_record(line)
        enriched = f"type={rtype} msg=audit(1.5:7): a=1\x1d{text}"
        assert parse_audit_record(enriched) == _reference_record(enriched)


def test_awkward_epochs_read_as_the_first_reader_did(tmp_path: Path) -> None:
    epochs = ["0", "1709647321", "1709647321.5", "1709647321.000001", "4294967296.999999",
              "9999999999.1234567", "1709647321.", "0001709647321.12", "253402300799.999999",
              "99999999999999", "1.2.3", ".5", "..."]  # fmt: skip
    lines = []
    for serial, epoch in enumerate(epochs):
        lines += [
            f'type=SYSCALL msg=audit({epoch}:{serial}): success=yes exe="/bin/ls" auid=1',
            f'type=EXECVE msg=audit({epoch}:{serial}): argc=1 a0="ls"',
            f'type=PATH msg=audit(1.{serial}:{serial}): name="/x"',  # another epoch, same id
        ]
    new, old = _both(_write(tmp_path / "audit.log", lines, random.Random(0)))
    assert new == old


def test_awkward_argument_counts_read_as_the_first_reader_did(tmp_path: Path) -> None:
    args = " ".join(f'a{i}="x{i}"' for i in range(70))
    lines = []
    for serial, argc in enumerate(["-1", "0", "1", "63", "64", "65", "70", "72", "x", ""]):
        lines.append(f"type=EXECVE msg=audit(1.5:{serial}): argc={argc} {args}")
        lines.append(f"type=EOE msg=audit(1.5:{serial}): ")
    new, old = _both(_write(tmp_path / "audit.log", lines, random.Random(0)))
    assert new == old


_ALPHABET = st.sampled_from(
    [*"aAz09_-[]=\"' .:/\t\x1d\u00a0é", "a0=", "a1=", "msg=", "proctitle=", "41", "4G"]
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    rtype=st.sampled_from(["EXECVE", "SYSCALL", "USER_CMD", "PROCTITLE"]),
    body=st.lists(_ALPHABET, max_size=40).map("".join),
)
def test_any_text_reads_as_the_first_reader_did(rtype: str, body: str) -> None:
    line = f"type={rtype} msg=audit(1.5:7): {body}"
    assert parse_audit_record(line) == _reference_record(line)


def test_remembered_words_and_keys_stay_bounded(tmp_path: Path) -> None:
    lines = [
        f'type=SYSCALL msg=audit(1.5:{i}): pid={i} k{i}={i} comm="c{i}"\n'
        f'type=EXECVE msg=audit(1.5:{i}): argc=1 a0="x{i}"\ntype=EOE msg=audit(1.5:{i}): '
        for i in range(auditd._MAX_WORDS + 10)
    ]
    path = tmp_path / "audit.log"
    path.write_text("\n".join(lines) + "\n")
    assert sum(1 for _ in parse_auditd(path)) == len(lines)
    assert len(auditd._WORDS) <= auditd._MAX_WORDS
    assert len(auditd._EXECVE_WORDS) <= auditd._MAX_WORDS
    assert len(auditd._KEYS) <= auditd._MAX_KEYS
