"""`cloudwarden rules list | show | new`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cloudwarden.cli._common import RulesDirOption, console, fail

app = typer.Typer(help="List, inspect and scaffold rules.", no_args_is_help=True)

_FORMATS = ("table", "json")


def _specs(rules_dir: list[Path] | None):  # type: ignore[no-untyped-def]
    from cloudwarden.core.errors import RuleLoadError
    from cloudwarden.service.scan import load_catalog

    try:
        return load_catalog(rules_dir or [])
    except RuleLoadError as exc:
        fail(str(exc))


@app.command("list")
def list_rules(
    provider: Annotated[str | None, typer.Option(help="Only this provider, e.g. aws.")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service, e.g. s3.")] = None,
    severity: Annotated[str | None, typer.Option(help="Only this severity.")] = None,
    control: Annotated[str | None, typer.Option(help="Only this security control id.")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="table or json.")] = "table",
    rules_dir: RulesDirOption = None,
) -> None:
    """List the rules of the catalog."""
    if output not in _FORMATS:
        fail(f"--output must be one of {', '.join(_FORMATS)}")
    metas = [s.meta for s in _specs(rules_dir)]
    metas = [m for m in metas
             if (provider is None or m.provider == provider)
             and (service is None or m.service == service)
             and (severity is None or m.severity.label == severity.lower())
             and (control is None or m.security_control == control)]
    metas.sort(key=lambda m: (m.provider, m.service, -m.severity, m.id))
    if output == "json":
        typer.echo(json.dumps([m.to_dict() for m in metas], indent=2))
        return
    # Plain aligned columns, like `kubectl get`: greppable, and a few hundred rows print in
    # milliseconds (a Rich table spends most of the command's time measuring cells).
    rows = [("ID", "SEVERITY", "ASSET TYPE", "TITLE")]
    rows += [(m.id, m.severity.label, m.asset_type, m.title) for m in metas]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    typer.echo("\n".join(lines))
    typer.echo(f"{len(metas)} rules")


@app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="The rule id.")],
    output: Annotated[str, typer.Option("--output", "-o", help="table or json.")] = "table",
    rules_dir: RulesDirOption = None,
) -> None:
    """Show one rule in full: description, risk, remediation, references."""
    if output not in _FORMATS:
        fail(f"--output must be one of {', '.join(_FORMATS)}")
    by_id = {s.id: s for s in _specs(rules_dir)}
    spec = by_id.get(rule_id)
    if spec is None:
        close = [i for i in by_id if rule_id.split(".")[-1] in i][:5]
        fail(f"no rule {rule_id!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
    meta = spec.meta
    if output == "json":
        data = meta.to_dict()
        data["match"] = spec.match
        data["applies_if"] = spec.applies_if
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.markup import escape

    out = console()
    out.print(f"[bold]{escape(meta.id)}[/]  [dim]{meta.severity.label}[/]")
    out.print(f"[bold]{escape(meta.title)}[/]\n")
    for label, text in (("Asset type", meta.asset_type),
                        ("Security control", meta.security_control),
                        ("Description", meta.description), ("Risk", meta.risk),
                        ("Remediation", meta.remediation.text)):
        out.print(f"[bold cyan]{label}[/]: {escape(text)}")
    if meta.remediation.cli:
        out.print(f"[bold cyan]AWS CLI[/]:\n{escape(meta.remediation.cli)}")
    if meta.remediation.terraform:
        out.print(f"[bold cyan]Terraform[/]:\n{escape(meta.remediation.terraform)}")
    if meta.attack:
        out.print(f"[bold cyan]ATT&CK[/]: {', '.join(meta.attack)}")
    for ref in meta.references:
        out.print(f"[bold cyan]Reference[/]: {escape(ref)}")
    out.print(f"[dim]{escape(meta.source)}[/]")


@app.command("new")
def new_rule(
    rule_id: Annotated[str, typer.Argument(help="provider.service.what_is_checked")],
    asset_type: Annotated[str, typer.Option(help="The asset type it judges.")],
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Rules root (default: the built-in catalog).")] = None,
    python: Annotated[bool, typer.Option(
        "--python", help="Scaffold a Python check instead of a `match`.")] = False,
) -> None:
    """Scaffold a rule, its fixtures and (with --python) its check, ready to edit."""
    from cloudwarden.assets import default_registry
    from cloudwarden.cli._scaffold import scaffold
    from cloudwarden.core.loader import RULE_ID, builtin_rules_dir

    if not RULE_ID.match(rule_id):
        fail("a rule id reads like provider.service.what_is_checked, e.g. "
             "aws.s3.bucket_versioning_enabled")
    registry = default_registry()
    if asset_type not in registry:
        fail(f"unknown asset type {asset_type!r}; known: {', '.join(registry.names())}")
    root = directory or builtin_rules_dir()
    try:
        written = scaffold(root, rule_id, registry[asset_type], python=python)
    except FileExistsError as exc:
        fail(f"{exc} already exists; not overwriting it")
    for path in written:
        typer.echo(f"created {path}")
