"""The CloudFormation adapter: templates (YAML or JSON, SAM included) -> canonical assets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac import IacError, IacInputError, IacLoad, read_text
from cloudwarden.iac.cloudformation.intrinsics import Evaluator
from cloudwarden.iac.cloudformation.mappers import MAPPERS
from cloudwarden.iac.cloudformation.stack import Resource, Stack
from cloudwarden.iac.cloudformation.template import (
    Template,
    looks_like_template,
    parse_template,
    resource_label,
)

__all__ = ["FRAMEWORK", "CloudFormationAdapter", "load_template"]

FRAMEWORK = "cloudformation"
_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template", ".cfn"})


def _with_globals(props: dict[str, Any], shared: Any) -> dict[str, Any]:
    """SAM applies `Globals` under a resource's own properties; maps are merged one level
    deep (`Environment: {Variables}`, `Tags`), the resource's own values win."""
    if not isinstance(shared, dict):
        return props
    out = dict(shared)
    for key, value in props.items():
        base = out.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            merged = dict(base)
            for k, v in value.items():
                merged[k] = {**merged[k], **v} if isinstance(merged.get(k), dict) and \
                    isinstance(v, dict) else v
            out[key] = merged
        else:
            out[key] = value
    return out


def build_stack(template: Template, evaluator: Evaluator, region: str,
                errors: list[IacError] | None = None) -> Stack:
    """The resources the template creates (a false `Condition` creates nothing), evaluated.
    A resource whose evaluation fails is left out, with an `IacError` in `errors`: one odd
    value loses that resource, never the template (nor the scan)."""
    stack = Stack(path=template.path, region=region,
                  partition=str(evaluator.ref("AWS::Partition")))
    for res in template.resources.values():
        try:
            if res.condition is not None and evaluator.condition(res.condition) is False:
                continue
            raw = dict(res.properties)
            if res.type.startswith("AWS::Serverless::"):
                raw = _with_globals(raw, template.globals.get(res.type.rsplit("::", 1)[-1]))
            props = evaluator.value(raw)
        except Exception as exc:  # an evaluator bug on a hostile value: this resource only
            if errors is not None:
                errors.append(IacError(FRAMEWORK, template.path,
                                       f"{resource_label(res.logical_id)}: cannot evaluate "
                                       f"its properties ({_kind(exc)})", res.start_line))
            continue
        stack.add(Resource(res.logical_id, res.type, props if isinstance(props, dict) else {},
                           res.start_line, res.end_line))
    return stack


def _kind(exc: BaseException) -> str:
    """The kind of a failure, never its text: an exception's message may quote the value
    it choked on, and a value may be a secret."""
    return "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__


def load_template(text: str, path: str, *, parameters: Mapping[str, str] | None = None,
                  pseudo: Mapping[str, str] | None = None) -> tuple[list[Asset], list[IacError]]:
    """Assets of one template's text. Raises `IacInputError` for a malformed template; a
    resource that cannot be mapped becomes an `IacError` and the others are still mapped."""
    template = parse_template(text, path)
    if template is None:
        return [], []
    evaluator = Evaluator(template, parameters, pseudo)
    errors: list[IacError] = []
    stack = build_stack(template, evaluator, (pseudo or {}).get("AWS::Region", ""), errors)
    assets: list[Asset] = []
    for res in stack.resources.values():
        mapper = MAPPERS.get(res.type)
        if mapper is None:
            continue
        try:
            assets.extend(mapper(res, stack))
        except Exception as exc:
            # a property of an unexpected shape (a list where a mapping belongs, ...)
            errors.append(IacError(FRAMEWORK, path, f"{resource_label(res.logical_id)} "
                                   f"({res.type}): unexpected property shape ({_kind(exc)})",
                                   res.start_line))
    return assets, errors


class CloudFormationAdapter:
    """Claims `.yaml/.yml/.json/.template` files that look like CloudFormation templates.

    `parameters` are parameter values (they win over the templates' defaults); `region` and
    `account_id` fix `AWS::Region` and `AWS::AccountId`, otherwise unknown."""

    name = FRAMEWORK

    def __init__(self, *, parameters: Mapping[str, str] | None = None, region: str = "",
                 account_id: str = "", root: Path | None = None) -> None:
        self.parameters = dict(parameters or {})
        self.pseudo: dict[str, str] = {}
        if region:
            self.pseudo["AWS::Region"] = region
        if account_id:
            self.pseudo["AWS::AccountId"] = account_id
        self.root = root

    def claims(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in _SUFFIXES and looks_like_template(head)

    def _display(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def load(self, paths: Sequence[Path]) -> IacLoad:
        out = IacLoad(FRAMEWORK)
        for path in paths:
            shown = self._display(path)
            out.files.append(shown)
            try:
                assets, errors = load_template(read_text(path), shown,
                                               parameters=self.parameters, pseudo=self.pseudo)
            except IacInputError as exc:
                out.errors.append(IacError(FRAMEWORK, shown, str(exc), exc.line))
                continue
            except Exception as exc:  # a bug on one hostile template must not fail the others
                out.errors.append(IacError(FRAMEWORK, shown,
                                           f"internal error reading the template ({_kind(exc)})"))
                continue
            out.assets.extend(assets)
            out.errors.extend(errors)
        return out
