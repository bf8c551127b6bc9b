"""Terraform: the HCL evaluator and the plan JSON reader fill one model (`model.py`) that the
canonical mapping (`aws.py`, ...) turns into assets.

- `load_tree(paths, var_files=..., variables=...)`: every root module under the paths,
  parsed with tree-sitter and evaluated (variables, locals, `count`/`for_each`, local modules,
  functions); what the code leaves open stays `Unknown`.
- `load_plan(path)`: the output of `terraform show -json`.
"""

from __future__ import annotations

from cloudwarden.iac.terraform.loader import load_tree
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown, is_unknown
from cloudwarden.iac.terraform.plan import load_plan

__all__ = ["TfModule", "TfResource", "Unknown", "is_unknown", "load_plan", "load_tree"]
