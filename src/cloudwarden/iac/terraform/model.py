"""What the Terraform readers produce and the canonical mapping consumes.

Two readers fill the same model: the HCL evaluator (a directory tree of `.tf` files) and the
plan reader (`terraform show -json`). The mapping (`iac/terraform/aws.py`, ...) turns a
`TfModule` into canonical assets, joining resources that AWS keeps in one place but Terraform
splits (a bucket and its `aws_s3_bucket_public_access_block`, ...).

Values are plain JSON-like Python (str, int, float, bool, None, list, dict); nested blocks are
lists of dicts, as in plan JSON (`versioning { enabled = true }` -> `[{"enabled": True}]`).
A value the source does not fix is an `Unknown`: never a guess, and it says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TfModule", "TfResource", "Unknown", "is_unknown"]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the source leaves open. `refs` are the resource addresses it depends on
    (`aws_s3_bucket.logs` for `aws_s3_bucket.logs.id`), which is how split resources are
    joined when the joining value itself is only known after apply."""

    reason: str
    refs: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


@dataclass(slots=True)
class TfResource:
    """One resource instance after `count`/`for_each` expansion."""

    #: full address, e.g. `module.logs.aws_s3_bucket.this["a"]`
    address: str
    #: resource type, e.g. `aws_s3_bucket`
    type: str
    #: resource name, e.g. `this`
    name: str
    #: `managed` (resource) or `data` (data source)
    mode: str
    #: evaluated arguments and nested blocks; `Unknown` where the source leaves a value open
    values: dict[str, Any]
    #: argument name -> addresses of the resources its expression references (as plan JSON's
    #: `configuration.expressions.<arg>.references`, reduced to resource addresses)
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the file and 1-based inclusive line range of the block
    file: str = ""
    start_line: int = 0
    end_line: int = 0
    #: module path, "" for the root module, e.g. `module.logs`
    module: str = ""
    #: provider configuration address, e.g. `aws` or `aws.eu`
    provider: str = ""
    #: the provider's region when the code fixes it
    region: str = ""


@dataclass(slots=True)
class TfModule:
    """Every resource of one root module (its child modules expanded into it)."""

    root: str
    resources: list[TfResource] = field(default_factory=list)
    #: informational notes of the reader (a remote module not fetched, a `count` known only
    #: at apply evaluated once): not errors, but worth showing
    notes: list[str] = field(default_factory=list)
