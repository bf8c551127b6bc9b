"""Step Functions state machines of one region: logging, tracing, encryption."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset


def normalize_state_machine(sm: Mapping[str, Any],
                            tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`sm` is DescribeStateMachine's answer (the definition is not kept)."""
    logging = sm.get("loggingConfiguration") or {}
    destinations = [((d.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn"))
                    for d in logging.get("destinations") or []]
    encryption = sm.get("encryptionConfiguration")
    return {
        "name": sm["name"],
        "stateMachineArn": sm["stateMachineArn"],
        "type": sm.get("type"),
        "status": sm.get("status"),
        "roleArn": sm.get("roleArn"),
        "loggingConfiguration": {
            "level": logging.get("level") or "OFF",
            "includeExecutionData": bool(logging.get("includeExecutionData")),
            "destinations": [d for d in destinations if d],
        },
        "tracingConfiguration": {
            "enabled": bool((sm.get("tracingConfiguration") or {}).get("enabled"))},
        "encryptionConfiguration": pick(encryption, "type", "kmsKeyId") if encryption else None,
        "creationDate": iso(sm.get("creationDate")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("stepfunctions", region)
    assets = []
    for listed in api.pages("list_state_machines", "stateMachines") or []:
        arn = listed["stateMachineArn"]
        sm = api.call("describe_state_machine", stateMachineArn=arn)
        if sm is None:
            continue
        tags = api.fetch("list_tags_for_resource", resourceArn=arn)
        doc = normalize_state_machine(sm, None if tags.value is None
                                      else tags.value.get("tags") or [])
        assets.append(make_asset(ctx.account, region, "aws.stepfunctions.state_machine", arn,
                                 sm["name"], doc, failures({"Tags": tags})))
    return assets
