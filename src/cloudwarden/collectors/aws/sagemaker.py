"""SageMaker notebook instances of one region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_notebook(nb: Mapping[str, Any],
                       tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`nb` is DescribeNotebookInstance's answer."""
    return {
        "NotebookInstanceName": nb["NotebookInstanceName"],
        "NotebookInstanceArn": nb["NotebookInstanceArn"],
        "NotebookInstanceStatus": nb.get("NotebookInstanceStatus"),
        "InstanceType": nb.get("InstanceType"),
        "DirectInternetAccess": nb.get("DirectInternetAccess"),
        "RootAccess": nb.get("RootAccess"),
        "KmsKeyId": nb.get("KmsKeyId") or None,
        "SubnetId": nb.get("SubnetId") or None,
        "SecurityGroups": list(nb.get("SecurityGroups") or []),
        "PlatformIdentifier": nb.get("PlatformIdentifier"),
        "RoleArn": nb.get("RoleArn"),
        "CreationTime": iso(nb.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("sagemaker", region)
    assets = []
    for listed in api.pages("list_notebook_instances", "NotebookInstances") or []:
        nb = api.call("describe_notebook_instance",
                      NotebookInstanceName=listed["NotebookInstanceName"])
        if nb is None:
            continue
        tags = api.fetch_pages("list_tags", "Tags", ResourceArn=nb["NotebookInstanceArn"])
        doc = normalize_notebook(nb, tags.value)
        assets.append(make_asset(ctx.account, region, "aws.sagemaker.notebook_instance",
                                 doc["NotebookInstanceArn"], doc["NotebookInstanceName"], doc,
                                 failures({"Tags": tags})))
    return assets
