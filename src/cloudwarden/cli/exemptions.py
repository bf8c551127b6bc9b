"""`cloudwarden exemptions list | add | update | remove | history`."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from cloudwarden.cli._common import DbOption, console, fail

app = typer.Typer(help="Exempt resources, accounts or rules, with an audit trail.",
                  no_args_is_help=True)

_FORMATS = ("table", "json", "csv")


def _when(text: str | None) -> datetime | None:
    """`2027-01-31`, an ISO timestamp, or a duration such as `30d`."""
    if text is None:
        return None
    text = text.strip()
    if text[:-1].isdigit() and text[-1] in "dw":
        days = int(text[:-1]) * (7 if text[-1] == "w" else 1)
        return datetime.now(UTC) + timedelta(days=days)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"not a date, timestamp or duration like 30d: {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _doc(e: Any, now: datetime) -> dict[str, Any]:
    data: dict[str, Any] = e.to_dict()
    data["active"] = e.active(now)
    return data


@app.command("list")
def list_exemptions(
    db: DbOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Include removed exemptions.")] = False,
    output: Annotated[str, typer.Option("--output", "-o", help="table, json or csv.")] = "table",
) -> None:
    """List exemptions (expired ones are shown as inactive)."""
    from cloudwarden.store import Store

    if output not in _FORMATS:
        fail(f"--output must be one of {', '.join(_FORMATS)}")
    now = datetime.now(UTC)
    with Store.open(db) as store:
        docs = [_doc(e, now) for e in store.exemptions(include_deleted=all_)]
    if output == "json":
        typer.echo(json.dumps(docs, indent=2, default=str))
        return
    if output == "csv":
        from cloudwarden.cli.posture import _csv

        _csv(docs, ["id", "scope", "category", "rule_id", "account", "asset_key", "reason",
                    "author", "created_at", "expires_at", "active"])
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("id", "scope", "applies to", "category", "reason", "expires", "active",
                  title=f"{len(docs)} exemptions")
    for d in docs:
        target = d["asset_key"] or d["account"] or "all accounts"
        if d["rule_id"]:
            target += f" / {d['rule_id']}"
        table.add_row(d["id"][:8], d["scope"], escape(str(target)), d["category"],
                      escape(d["reason"]), str(d["expires_at"] or "never"),
                      "yes" if d["active"] else "no")
    console().print(table)


@app.command("add")
def add(
    reason: Annotated[str, typer.Option(help="Why the exemption is justified (required).")],
    rule: Annotated[str | None, typer.Option(help="Rule id it applies to.")] = None,
    account: Annotated[str | None, typer.Option(help="Account it applies to.")] = None,
    resource: Annotated[str | None, typer.Option(
        help="Asset key it applies to (provider|account|region|type|id, as in json output).")]
    = None,
    category: Annotated[str, typer.Option(help="waiver or mitigated.")] = "waiver",
    expires: Annotated[str | None, typer.Option(
        help="Expiry: a date (2027-01-31), a timestamp or a duration (30d, 12w).")] = None,
    author: Annotated[str | None, typer.Option(help="Who grants it (default: you).")] = None,
    db: DbOption = None,
) -> None:
    """Exempt a resource, an account or a rule (the narrowest of the given scopes)."""
    from cloudwarden.posture.exemptions import Exemption, InvalidExemption
    from cloudwarden.store import Store

    scope = "resource" if resource else "account" if account else "rule"
    try:
        exemption = Exemption.new(
            scope=scope, category=category, reason=reason,  # type: ignore[arg-type]
            author=author or getpass.getuser(), created_at=datetime.now(UTC),
            rule_id=rule, account=account, asset_key=resource, expires_at=_when(expires))
        with Store.open(db) as store:
            saved = store.add_exemption(exemption)
    except InvalidExemption as exc:
        fail(str(exc))
    typer.echo(f"exemption {saved.id} added ({scope})")


@app.command("update")
def update(
    exemption_id: Annotated[str, typer.Argument(help="The exemption id.")],
    reason: Annotated[str | None, typer.Option(help="New reason.")] = None,
    expires: Annotated[str | None, typer.Option(help="New expiry, or `never`.")] = None,
    category: Annotated[str | None, typer.Option(help="waiver or mitigated.")] = None,
    author: Annotated[str | None, typer.Option(help="Who changes it (default: you).")] = None,
    db: DbOption = None,
) -> None:
    """Change an exemption's reason, expiry or category (kept in the audit trail)."""
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.store import UNCHANGED, Store

    expiry: Any = UNCHANGED
    if expires is not None:
        expiry = None if expires == "never" else _when(expires)
    try:
        with Store.open(db) as store:
            store.update_exemption(_resolve(store, exemption_id),
                                   actor=author or getpass.getuser(), reason=reason,
                                   expires_at=expiry, category=category)  # type: ignore[arg-type]
    except CloudwardenError as exc:
        fail(str(exc))
    typer.echo(f"exemption {exemption_id} updated")


@app.command("remove")
def remove(
    exemption_id: Annotated[str, typer.Argument(help="The exemption id.")],
    author: Annotated[str | None, typer.Option(help="Who removes it (default: you).")] = None,
    db: DbOption = None,
) -> None:
    """Remove an exemption (kept in the audit trail)."""
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.store import Store

    try:
        with Store.open(db) as store:
            store.delete_exemption(_resolve(store, exemption_id),
                                   actor=author or getpass.getuser())
    except CloudwardenError as exc:
        fail(str(exc))
    typer.echo(f"exemption {exemption_id} removed")


@app.command("history")
def history(
    exemption_id: Annotated[str | None, typer.Argument(help="One exemption (default: all).")]
    = None,
    db: DbOption = None,
) -> None:
    """The audit trail: every change to exemptions, who made it and when."""
    from rich.markup import escape
    from rich.table import Table

    from cloudwarden.store import Store

    with Store.open(db) as store:
        ident = _resolve(store, exemption_id) if exemption_id else None
        events = store.exemption_events(ident)
    table = Table("when", "action", "by", "exemption", "reason")
    for ev in events:
        table.add_row(str(ev.at), ev.action, escape(ev.actor), ev.exemption_id[:8],
                      escape(str(ev.snapshot.get("reason", ""))))
    console().print(table)


def _resolve(store: Any, prefix: str) -> str:
    """Accept the short id shown by `list` as well as the full one."""
    matches: list[str] = [e.id for e in store.exemptions(include_deleted=True)
                          if e.id.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        fail(f"no exemption {prefix!r}")
    fail(f"{prefix!r} is ambiguous: {', '.join(m[:12] for m in matches)}")
