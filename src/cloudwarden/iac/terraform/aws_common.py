"""Shared pieces of the Terraform -> canonical AWS mapping: the document builder that tracks
unresolved fields, value readers, the join index and the asset constructor.

A mapper reads one `TfResource` (plus the resources joined to it through the `Index`) and
fills a `Doc` with exactly the top-level fields of the canonical shape (`cloudwarden.assets`),
as the live collector would. A value the source leaves open (`Unknown`) anywhere below a
top-level field makes that whole field unresolved: null in the document, its reason in
`Asset.unknown` (prefixed by `UNRESOLVED`), so rules reading it report not_applicable.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset
from cloudwarden.iac import Location, iac_ref
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown

__all__ = [
    "AFTER_APPLY",
    "REF_PREFIX",
    "Doc",
    "Index",
    "Mapped",
    "as_bool",
    "as_int",
    "block",
    "blocks",
    "build_asset",
    "find_unknown",
    "literal_str",
    "own",
    "partition",
    "policy_json",
    "str_list",
    "tags_of",
]

#: why a value AWS assigns on creation (an id, an ARN, a timestamp) is not in the code
AFTER_APPLY = "assigned by AWS on creation, known only after apply"

#: prefix of the symbolic identity of a resource of the same configuration whose id or ARN
#: AWS assigns on apply (`tf:aws_kms_key.logs`): it names *which* resource without guessing
#: its value, so references to it (a bucket's KMS key, a role's attached policy, an
#: instance's subnet) stay judgeable and joinable, and never read as "not configured"
REF_PREFIX = "tf:"

_INDEX = re.compile(r"\[[^\]]*\]$")


def find_unknown(value: Any) -> Unknown | None:
    """The first `Unknown` in a value (depth first), or None when it is fully known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        for item in value.values():
            found = find_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = find_unknown(item)
            if found is not None:
                return found
    return None


def literal_str(value: Any) -> str | None:
    """A known, non-empty string value (numbers are written as Terraform would), else None."""
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return None
    if isinstance(value, str | int | float):
        text = str(value)
        return text or None
    return None


def as_bool(value: Any, default: Any = None) -> Any:
    """A Terraform bool (HCL also accepts "true"/"false" strings); Unknown stays Unknown."""
    if value is None:
        return default
    if isinstance(value, bool | Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def as_int(value: Any, default: Any = None) -> Any:
    """A Terraform number as int (plan JSON and HCL may give float or text); Unknown stays."""
    if value is None:
        return default
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def blocks(value: Any) -> Any:
    """A nested block list (list of dicts); a single dict is one block; Unknown stays."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [b for b in value if isinstance(b, dict | Unknown)]
    return []


def block(value: Any) -> Any:
    """The first block of a nested block list, None when absent; Unknown stays Unknown."""
    found = blocks(value)
    if isinstance(found, Unknown):
        return found
    return found[0] if found else None


def str_list(value: Any) -> Any:
    """A list of strings (a single string is a list of one); Unknown (even inside) stays."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list | tuple | set) else [value]
    inner = find_unknown(list(items))
    if inner is not None:
        return inner
    return [str(v) for v in items if v is not None]


def own(res: TfResource, attr: str = "id") -> str:
    """A resource's own id or ARN: the value when the source knows it (a plan of an existing
    resource), else its symbolic identity (see `REF_PREFIX`)."""
    return literal_str(res.values.get(attr)) or REF_PREFIX + res.address


def partition(region: str) -> str:
    """The AWS partition of a region (`aws` where the region is not fixed)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def policy_json(value: Any) -> Any:
    """A policy argument (JSON text, or a document the reader already decoded) as parsed JSON.
    Text that is not JSON is kept as text, never guessed; Unknown stays Unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass(slots=True)
class Doc:
    """A canonical document under construction and its unresolved fields."""

    props: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any) -> None:
        """Set a top-level field; an Unknown anywhere in `value` leaves it unresolved."""
        found = find_unknown(value)
        if found is None:
            self.props[name] = value
        else:
            self.open(name, found.reason)

    def open(self, name: str, why: str) -> None:
        """Mark a field unresolved: the code does not fix its value."""
        self.props[name] = None
        self.unknown[name] = UNRESOLVED + why

    def after_apply(self, *names: str) -> None:
        """Fields only AWS fills in (ids, ARNs, timestamps, live state)."""
        for name in names:
            self.open(name, AFTER_APPLY)

    def known(self, name: str) -> bool:
        return name not in self.unknown


class Index:
    """The resources of one module indexed once, for joins without scanning the list."""

    def __init__(self, module: TfModule) -> None:
        self.root = module.root
        self.by_address: dict[str, TfResource] = {}
        self.by_base: dict[str, list[TfResource]] = defaultdict(list)
        self.by_type: dict[str, list[TfResource]] = defaultdict(list)
        for res in module.resources:
            self.by_address[res.address] = res
            self.by_base[_INDEX.sub("", res.address)].append(res)
            self.by_type[res.type].append(res)
        self._names: dict[tuple[str, str], dict[str, list[TfResource]]] = {}
        self._children: dict[tuple[str, str, str], dict[str, list[TfResource]]] = {}
        self._seen: set[str] = set()
        self._joined: set[str] = set()

    def of_type(self, type_: str) -> list[TfResource]:
        return self.by_type.get(type_, [])

    def named(self, type_: str, arg: str) -> dict[str, list[TfResource]]:
        """Resources of `type_` by the literal value of their argument `arg` (built once)."""
        key = (type_, arg)
        table = self._names.get(key)
        if table is None:
            table = defaultdict(list)
            for res in self.of_type(type_):
                text = literal_str(res.values.get(arg))
                if text is not None:
                    table[text].append(res)
            self._names[key] = table
        return table

    def children(self, child_type: str, arg: str, parent_type: str,
                 parent_args: Iterable[str] = ("name",)) -> dict[str, list[TfResource]]:
        """Every `child_type` resource by the address of the `parent_type` resource its `arg`
        points at (see `targets`), built once per module and join."""
        key = (child_type, arg, parent_type)
        table = self._children.get(key)
        if table is None:
            table = defaultdict(list)
            for child in self.of_type(child_type):
                parents = self.targets(child, arg, parent_type, parent_args)
                for parent in parents:
                    table[parent.address].append(child)
                self._seen.add(child.address)
                if parents:
                    self._joined.add(child.address)
            self._children[key] = table
        return table

    @property
    def unjoined(self) -> set[str]:
        """Addresses of joined resources (an SG rule, a bucket's versioning) whose parent is
        not in this configuration, or not identifiable from the code."""
        return self._seen - self._joined

    def children_of(self, parent: TfResource, child_type: str, arg: str,
                    parent_args: Iterable[str] = ("name",)) -> list[TfResource]:
        return self.children(child_type, arg, parent.type, parent_args).get(parent.address, [])

    def targets(self, child: TfResource, arg: str, parent_type: str,
                parent_args: Iterable[str] = ("name",)) -> list[TfResource]:
        """The `parent_type` resources that `child`'s argument `arg` points at: through the
        expression's references (also when its value is only known after apply), else by an
        equal literal value of one of the parent's `parent_args` (a bucket name, a role name,
        an ARN written out)."""
        addresses = list(child.references.get(arg, ()))
        value = child.values.get(arg)
        if isinstance(value, Unknown):
            addresses.extend(value.refs)
        elif isinstance(value, list):
            addresses.extend(r for item in value if isinstance(item, Unknown) for r in item.refs)
        found: dict[str, TfResource] = {}
        for address in addresses:
            for res in self.resolve(child, address):
                if res.type == parent_type:
                    found[res.address] = res
        if found:
            return list(found.values())
        texts = [literal_str(v) for v in value] if isinstance(value, list) else [
            literal_str(value)]
        out: list[TfResource] = []
        for text in texts:
            if text is None:
                continue
            for parent_arg in parent_args:
                named = self.named(parent_type, parent_arg).get(text)
                if named:
                    same = [r for r in named if r.module == child.module]
                    out.extend(same or named)
                    break
        return out

    def ident(self, child: TfResource, value: Any) -> Any:
        """An identity-valued argument (an id, ARN or name of another resource): a known
        value as is; an Unknown that is an attribute the provider derives from a literal
        argument (a bucket's `id` is its `bucket`) as that value; an Unknown computed from
        exactly one resource of this configuration as that resource's symbolic identity
        (`REF_PREFIX` + address); any other Unknown stays."""
        if not isinstance(value, Unknown):
            return value
        derived = self.derived(child, value)
        if not isinstance(derived, Unknown):
            return derived
        targets: dict[str, TfResource] = {}
        for ref in value.refs:
            for res in self.resolve(child, ref):
                targets[res.address] = res
        if len(targets) == 1:
            return self.symbol(next(iter(targets.values())))
        return value

    def derived(self, child: TfResource, value: Any) -> Any:
        """`value` with every Unknown that names `<address>.<attribute>` of one resource whose
        attribute the provider derives from a literal argument replaced by it (recursively
        through lists and maps); other values unchanged."""
        if isinstance(value, list):
            return [self.derived(child, v) for v in value]
        if isinstance(value, dict):
            return {k: self.derived(child, v) for k, v in value.items()}
        if not isinstance(value, Unknown) or len(value.refs) != 1:
            return value
        ref = value.refs[0]
        if not value.reason.startswith(ref + "."):
            return value
        attr = value.reason[len(ref) + 1:].split(" ", 1)[0]
        found = self.resolve(child, ref)
        if len(found) != 1:
            return value
        compute = DERIVED_ATTRIBUTES.get((found[0].type, attr))
        result = compute(found[0]) if compute is not None else None
        return value if result is None else result

    def ident_list(self, child: TfResource, value: Any) -> Any:
        """A list of identity values (`ident` per element); an Unknown list stays."""
        if value is None:
            return []
        if isinstance(value, Unknown):
            return self.ident(child, value)
        items = value if isinstance(value, list) else [value]
        return [self.ident(child, v) for v in items if v is not None]

    @staticmethod
    def symbol(res: TfResource) -> str:
        return REF_PREFIX + res.address

    def resolve(self, child: TfResource, address: str) -> list[TfResource]:
        """Resource instances an address names: exact, relative to the child's module, or
        every instance of an un-indexed `count`/`for_each` resource (the child's own index
        key picks one when it has the same)."""
        candidates = [address]
        if child.module and not address.startswith("module."):
            candidates.insert(0, f"{child.module}.{address}")
        for cand in candidates:
            exact = self.by_address.get(cand)
            if exact is not None:
                return [exact]
            many = self.by_base.get(cand)
            if many:
                key = _index_key(child.address)
                if key:
                    same = [r for r in many if _index_key(r.address) == key]
                    if same:
                        return same
                return many
        return []


def _literal_arg(arg: str) -> Callable[[TfResource], str | None]:
    return lambda res: literal_str(res.values.get(arg))


def _bucket_arn(res: TfResource) -> str | None:
    name = literal_str(res.values.get("bucket"))
    return f"arn:{partition(res.region)}:s3:::{name}" if name else None


#: (resource type, attribute) -> the attribute's value from the resource's literal arguments,
#: for attributes the AWS provider sets to an argument (an S3 bucket's `id` is its `bucket`,
#: an IAM role's `id` its `name`)
DERIVED_ATTRIBUTES: dict[tuple[str, str], Callable[[TfResource], str | None]] = {
    ("aws_s3_bucket", "id"): _literal_arg("bucket"),
    ("aws_s3_bucket", "bucket"): _literal_arg("bucket"),
    ("aws_s3_bucket", "arn"): _bucket_arn,
    **{(t, attr): _literal_arg("name")
       for t in ("aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_cloudwatch_log_group")
       for attr in ("id", "name")},
    ("aws_iam_policy", "name"): _literal_arg("name"),
    ("aws_iam_instance_profile", "name"): _literal_arg("name"),
    ("aws_iam_instance_profile", "id"): _literal_arg("name"),
    ("aws_sqs_queue", "name"): _literal_arg("name"),
    ("aws_sns_topic", "name"): _literal_arg("name"),
    ("aws_kms_alias", "name"): _literal_arg("name"),
    ("aws_db_instance", "identifier"): _literal_arg("identifier"),
    ("aws_rds_cluster", "id"): _literal_arg("cluster_identifier"),
    ("aws_rds_cluster", "cluster_identifier"): _literal_arg("cluster_identifier"),
    ("aws_secretsmanager_secret", "name"): _literal_arg("name"),
    ("aws_dynamodb_table", "name"): _literal_arg("name"),
    ("aws_dynamodb_table", "id"): _literal_arg("name"),
}


def _index_key(address: str) -> str:
    found = _INDEX.search(address)
    return found.group(0) if found else ""


@dataclass(slots=True)
class Mapped:
    """What mapping one module produced."""

    assets: list[Asset] = field(default_factory=list)
    #: resource instances of a type no mapper knows (skipped)
    skipped: int = 0
    #: resource instances folded into another asset (a bucket's versioning, an SG rule, ...)
    joined: int = 0
    #: of those, the ones whose parent is not in the code (or not identifiable from it)
    unjoined: int = 0


def tags_of(res: TfResource) -> dict[str, str] | Unknown:
    """`tags_all` (tags plus the provider's default_tags) when the reader gives it, else
    `tags`; an Unknown map or value leaves the tags unresolved."""
    raw = res.values.get("tags_all")
    if not isinstance(raw, dict):
        raw = res.values.get("tags")
    if raw is None:
        return {}
    found = find_unknown(raw)
    if found is not None:
        return found
    if not isinstance(raw, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def build_asset(index: Index, res: TfResource, asset_type: str, doc: Doc, *,
                name_args: Iterable[str] = ("name",), suffix: str = "") -> Asset:
    """The asset of `res`: id `<module root>:<address>`, origin the block's line range, name
    the resource's own name argument when literal, tags as the document's `Tags`."""
    name = ""
    for arg in name_args:
        text = literal_str(res.values.get(arg))
        if text:
            name = text
            break
    tags = doc.props.get("Tags")
    where = res.file or index.root
    origin = Location(where, res.start_line, res.end_line).origin if res.start_line else where
    address = res.address + suffix
    return Asset(
        ref=iac_ref("aws", asset_type, f"{index.root}:{address}", res.region),
        name=name or res.name or address,
        properties=doc.props,
        tags=dict(tags) if isinstance(tags, Mapping) else {},
        origin=origin,
        unknown=doc.unknown,
    )
