"""Parsed instructions -> one `dockerfile.stage` document per FROM (see `assets/iac.py`).

Variables are substituted as the build does: global ARGs (before the first FROM) in FROM
lines, the stage's ARG and ENV in the instructions that expand them (USER, EXPOSE, ADD, COPY,
ENV, ARG, WORKDIR...). An ARG without a default may be given at build time: a value that
depends on one is not guessed but listed in `Asset.unknown`. A stage built FROM an earlier
stage inherits its ENV, USER and HEALTHCHECK. Secrets in stored text are redacted.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudwarden.core.model import UNRESOLVED
from cloudwarden.iac import IacInputError
from cloudwarden.iac.dockerfile.parser import Instruction
from cloudwarden.iac.dockerfile.shell import SUBSTITUTION, Command, split_commands
from cloudwarden.iac.secrets import fingerprint, is_placeholder, name_class, redact_text

__all__ = ["StageDoc", "build_stages", "substitute"]

_VAR = re.compile(r"\\?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}"
                  r"|([A-Za-z_][A-Za-z0-9_]*))")
#: stands for the value of a build argument without default while parsing an image reference
_OPEN = "\x00"
_ARCHIVE = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_PAIR = re.compile(r"([^\s=]+)=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?:[^\s\\]|\\.)*)")

Scope = Mapping[str, "str | None"]


def substitute(text: str, scope: Scope) -> tuple[str, list[str]]:
    """`text` with `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` expanded; the names
    of build arguments without a value it depends on come second (their value is `_OPEN`)."""
    unresolved: list[str] = []

    def repl(m: re.Match[str]) -> str:
        whole = m.group(0)
        if whole.startswith("\\"):
            return whole[1:]
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        if name in scope and scope[name] is None:
            unresolved.append(name)
            return _OPEN
        value = scope.get(name)
        if op in (":-", "-"):
            return word if (value is None or (op == ":-" and not value)) else value
        if op in (":+", "+"):
            return word if (value is not None and (op == "+" or value)) else ""
        return value or ""

    return _VAR.sub(repl, text), unresolved


def _pairs(text: str) -> list[tuple[str, str | None]]:
    """`a=1 b="two words"` or the legacy `NAME value` of ENV; `NAME` alone for ARG."""
    text = text.strip()
    if not text:
        return []
    first = text.split(None, 1)
    if "=" not in first[0]:
        if len(first) == 1:
            return [(first[0], None)]
        return [(first[0], first[1].strip())]
    out: list[tuple[str, str | None]] = []
    for m in _PAIR.finditer(text):
        value = m.group(2)
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1]
        out.append((m.group(1), value.replace("\\ ", " ")))
    for word in _PAIR.sub(" ", text).split():
        if word.isidentifier():
            out.append((word, None))  # ARG a=1 b
    return out


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def _image(ref: str) -> tuple[str, str | None, str | None]:
    """`registry:5000/ns/name:tag@sha256:...` -> (name, tag, digest)."""
    name, _, digest = ref.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, digest or None


@dataclass
class StageDoc:
    """A stage being built: its document and what it knows of variables."""

    props: dict[str, Any]
    start: int
    end: int
    scope: dict[str, str | None] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    #: the SHELL the shell form of RUN runs with
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])


def _open_reason(names: list[str], what: str) -> str:
    return f"{UNRESOLVED}{what} uses build argument {', '.join(sorted(set(names)))} without a value"


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.globals: dict[str, str | None] = {}
        self.stages: list[StageDoc] = []

    @property
    def stage(self) -> StageDoc:
        return self.stages[-1]

    def add(self, ins: Instruction) -> None:
        if ins.keyword == "FROM":
            self.from_(ins)
            return
        if not self.stages:
            if ins.keyword != "ARG":
                raise IacInputError(f"{ins.keyword} before the first FROM", ins.line)
            for name, value in _pairs(ins.args):
                self.globals[name] = None if value is None else substitute(value,
                                                                           self.globals)[0]
            return
        stage = self.stage
        stage.end = ins.end_line
        stage.props["Instructions"].append({"Instruction": ins.keyword, "Line": ins.line,
                                            "EndLine": ins.end_line, "Flags": list(ins.flags)})
        handler = getattr(self, "on_" + ins.keyword.lower(), None)
        if handler is not None:
            handler(ins)

    def from_(self, ins: Instruction) -> None:
        words = ins.args.split()
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        raw = words[0] if words else ""
        ref, open_names = substitute(raw, self.globals)
        ref = redact_text(ref)
        by_name = {s.props["Name"].lower(): s for s in self.stages if s.props["Name"]}
        base = by_name.get(ref.lower()) if _OPEN not in ref else None
        image, tag, digest = _image(ref)
        props: dict[str, Any] = {
            "Path": self.path, "Index": len(self.stages), "Name": name,
            "IsFinal": False, "InFinalImage": False,
            "BaseImage": None if base else ref, "BaseImageName": None if base else image,
            "BaseTag": None if base else tag, "BaseDigest": None if base else digest,
            "BaseStage": base.props["Name"] if base else None,
            "BaseIsScratch": base is None and ref.lower() == "scratch",
            "Platform": substitute(ins.flag("platform") or "", self.globals)[0] or None,
            "User": None, "UserLine": None, "Healthcheck": None, "ExposedPorts": [],
            "Instructions": [{"Instruction": "FROM", "Line": ins.line, "EndLine": ins.end_line,
                              "Flags": list(ins.flags)}],
            "Runs": [], "Adds": [], "Copies": [], "Variables": [],
        }
        stage = StageDoc(props, ins.line, ins.end_line)
        if base is not None:
            for key in ("User", "UserLine", "Healthcheck"):
                props[key] = base.props[key]
            stage.scope = {k: v for k, v in base.scope.items() if k not in base.props["_args"]}
            stage.shell = list(base.shell)
            stage.unknown = {k: v for k, v in base.unknown.items()
                             if k in ("User", "Healthcheck")}
        props["_args"] = set()
        for key, value in (("BaseImage", ref), ("BaseImageName", image), ("BaseTag", tag),
                           ("BaseDigest", digest)):
            if value is not None and _OPEN in value:
                props[key] = None
                stage.unknown[key] = _open_reason(open_names or ["(an ARG)"], "FROM")
        self.stages.append(stage)

    def expand(self, text: str, what: str, field_name: str | None = None) -> str:
        value, open_names = substitute(text, self.stage.scope)
        if open_names and field_name:
            self.stage.unknown[field_name] = _open_reason(open_names, what)
        return value

    def on_arg(self, ins: Instruction) -> None:
        for name, value in _pairs(ins.args):
            if value is None:
                default = self.globals.get(name) if name in self.globals else None
                self.stage.scope[name] = default
            else:
                self.stage.scope[name] = self.expand(value, "ARG")
            self.stage.props["_args"].add(name)
            self.variable("ARG", name, value, ins.line)

    def on_env(self, ins: Instruction) -> None:
        for name, value in _pairs(ins.args):
            expanded = self.expand(value or "", "ENV")
            self.stage.scope[name] = expanded if _OPEN not in expanded else None
            self.stage.props["_args"].discard(name)
            self.variable("ENV", name, value, ins.line)

    def variable(self, kind: str, name: str, raw: str | None, line: int) -> None:
        literal = raw is not None and not is_placeholder(raw, name)
        if raw is None:
            shown = None
        elif name_class(name) is not None and literal:
            shown = fingerprint(raw)
        else:
            shown = redact_text(raw)
        self.stage.props["Variables"].append({"Instruction": kind, "Name": name,
                                              "Literal": literal, "Value": shown, "Line": line})

    def on_user(self, ins: Instruction) -> None:
        self.stage.unknown.pop("User", None)
        user = self.expand(ins.args.strip(), "USER", "User").split(":", 1)[0]
        if not user:
            self.stage.unknown["User"] = f"{UNRESOLVED}USER is empty once variables are expanded"
        self.stage.props["User"] = None if _OPEN in user or not user else user
        self.stage.props["UserLine"] = ins.line

    def on_expose(self, ins: Instruction) -> None:
        for word in self.expand(ins.args, "EXPOSE").split():
            port, _, proto = word.partition("/")
            low, _, high = port.partition("-")
            ok = low.isdigit() and (not high or high.isdigit())
            self.stage.props["ExposedPorts"].append({
                "From": int(low) if ok else None,
                "To": (int(high) if high else int(low)) if ok else None,
                "Protocol": (proto or "tcp").lower(), "Line": ins.line,
                "Text": word.replace(_OPEN, "$?")})

    def on_healthcheck(self, ins: Instruction) -> None:
        self.stage.unknown.pop("Healthcheck", None)
        args = ins.args.strip()
        disabled = args.upper() == "NONE"
        command = "" if disabled else re.sub(r"^CMD\s+", "", args, flags=re.IGNORECASE)
        self.stage.props["Healthcheck"] = {"Line": ins.line, "Disabled": disabled,
                                           "Command": redact_text(command, "dockerfile")}

    def on_run(self, ins: Instruction) -> None:
        mounts = []
        for flag in ins.flags:
            if flag.startswith("--mount="):
                opts = dict(p.partition("=")[::2] for p in flag[len("--mount="):].split(","))
                mounts.append({"Type": opts.get("type", "bind"),
                               "Target": opts.get("target") or opts.get("dst")
                               or opts.get("destination"), "Id": opts.get("id")})
        if ins.exec_form is not None:
            form, argv = "exec", [redact_text(a, "dockerfile") for a in ins.exec_form]
            prog = argv[0].rsplit("/", 1)[-1] if argv else ""
            if prog in _SHELLS and "-c" in argv[1:-1]:
                commands = split_commands(argv[argv.index("-c") + 1])
            else:
                commands = split_commands(shlex.join(argv)) if argv else []
        elif _program(self.stage.shell[0]) not in _SHELLS:
            # SHELL ["powershell", "-Command"] or cmd: not POSIX syntax; record what runs
            form, shell = "shell", self.stage.shell
            text = redact_text(ins.args, "dockerfile")
            commands = [Command(_program(shell[0]), [*shell[1:], text])]
        else:
            text = redact_text(ins.args, "dockerfile")
            commands = split_commands(text)
            form = "heredoc" if ins.heredocs else "shell"
            if ins.heredocs and (not commands or commands[0].program in _SHELLS):
                for doc in ins.heredocs:
                    if _interpreter(doc.body) in _SHELLS:
                        commands.extend(split_commands(redact_text(doc.body, "dockerfile")))
        self.stage.props["Runs"].append({
            "Line": ins.line, "Form": form, "Mounts": mounts,
            "Commands": [c.to_doc() for c in commands if c.program != SUBSTITUTION]})

    def on_shell(self, ins: Instruction) -> None:
        if ins.exec_form:
            self.stage.shell = list(ins.exec_form)

    def sources(self, ins: Instruction) -> tuple[list[str], str | None]:
        words = list(ins.exec_form) if ins.exec_form is not None else _words(ins.args)
        names = {f"<<{d.name}" for d in ins.heredocs} | {f"<<-{d.name}" for d in ins.heredocs}
        words = [w.lstrip("<-") if w in names else w for w in words]
        words = [self.expand(redact_text(w), ins.keyword) for w in words]
        if len(words) < 2:
            return words, None
        return words[:-1], words[-1]

    def on_add(self, ins: Instruction) -> None:
        sources, dest = self.sources(ins)
        self.stage.props["Adds"].append({
            "Line": ins.line, "Destination": dest, "Checksum": ins.flag("checksum"),
            "Chmod": ins.flag("chmod"),
            "Sources": [{"Value": s, "Remote": _remote(s),
                         "Archive": not _remote(s) and s.lower().endswith(_ARCHIVE)}
                        for s in sources]})

    def on_copy(self, ins: Instruction) -> None:
        sources, dest = self.sources(ins)
        self.stage.props["Copies"].append({"Line": ins.line, "Sources": sources,
                                           "Destination": dest, "From": ins.flag("from"),
                                           "Chmod": ins.flag("chmod")})


def _program(path: str) -> str:
    """`/bin/bash` -> bash, `C:\\...\\powershell.exe` -> powershell."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe")


def _interpreter(script: str) -> str:
    """The program a heredoc script runs with: its `#!` line (`#!/usr/bin/env python3` is
    python3), else the shell."""
    if not script.startswith("#!"):
        return "sh"
    words = script[2:].split("\n", 1)[0].split()
    if not words:
        return "sh"
    program = words[0].rsplit("/", 1)[-1]
    if program == "env" and len(words) > 1:
        program = next((w for w in words[1:] if not w.startswith("-")), "env")
    return program


def _remote(source: str) -> bool:
    lower = source.lower()
    return lower.startswith(("http://", "https://", "git@", "git://", "ssh://")) or (
        "://" in lower and lower.split("?", 1)[0].endswith(".git"))


def build_stages(path: str, instructions: list[Instruction]) -> list[StageDoc]:
    """One document per stage, with `IsFinal` and `InFinalImage` set."""
    builder = _Builder(path)
    for ins in instructions:
        builder.add(ins)
    stages = builder.stages
    if not stages:
        raise IacInputError("no FROM instruction: not a Dockerfile", 1)
    stages[-1].props["IsFinal"] = True
    by_name = {s.props["Name"]: s for s in stages if s.props["Name"]}
    current: StageDoc | None = stages[-1]
    while current is not None and not current.props["InFinalImage"]:
        current.props["InFinalImage"] = True
        base = current.props["BaseStage"]
        current = by_name.get(base) if base else None
    for stage in stages:
        del stage.props["_args"]
    return stages
