"""Monitoring in one region: log groups with their metric filters, metric alarms, SNS topics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, policy_doc
from cloudwarden.core.model import Asset


def normalize_log_group(raw: Mapping[str, Any],
                        filters: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    arn = raw.get("logGroupArn") or str(raw.get("arn", "")).removesuffix(":*")
    return {
        "logGroupName": raw["logGroupName"],
        "Arn": arn,
        "retentionInDays": raw.get("retentionInDays"),
        "kmsKeyId": raw.get("kmsKeyId"),
        "MetricFilters": None if filters is None else [{
            "filterName": f.get("filterName"),
            "filterPattern": f.get("filterPattern"),
            "metricTransformations": [
                {"metricName": t.get("metricName"), "metricNamespace": t.get("metricNamespace")}
                for t in f.get("metricTransformations") or []],
        } for f in filters],
    }


def normalize_alarm(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "AlarmName": raw["AlarmName"],
        "AlarmArn": raw["AlarmArn"],
        "MetricName": raw.get("MetricName"),
        "Namespace": raw.get("Namespace"),
        "ActionsEnabled": raw.get("ActionsEnabled"),
        "AlarmActions": list(raw.get("AlarmActions") or []),
        "StateValue": raw.get("StateValue"),
    }


def normalize_topic(arn: str, *, attributes: Mapping[str, Any] | None,
                    subscriptions: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    attrs = (attributes or {}).get("Attributes") or {}
    return {
        "TopicArn": arn,
        # Unconfirmed subscriptions deliver nothing, so they are not listed.
        "Subscriptions": None if subscriptions is None else [
            {"SubscriptionArn": s.get("SubscriptionArn"), "Protocol": s.get("Protocol"),
             "Endpoint": s.get("Endpoint")}
            for s in subscriptions
            if str(s.get("SubscriptionArn", "")).startswith("arn:")],
        "KmsMasterKeyId": attrs.get("KmsMasterKeyId") or None,
        "Policy": None if attributes is None else policy_doc(attrs.get("Policy")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    logs = ctx.api("logs", region)
    assets: list[Asset] = []
    filters = logs.fetch_pages("describe_metric_filters", "metricFilters")
    by_group: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for flt in filters.value or []:
        by_group[flt.get("logGroupName", "")].append(flt)
    group_unknown = failures({"MetricFilters": filters})
    for raw in logs.pages("describe_log_groups", "logGroups") or []:
        name = raw["logGroupName"]
        doc = normalize_log_group(raw, None if filters.value is None else by_group.get(name, []))
        assets.append(make_asset(ctx.account, region, "aws.logs.log_group", doc["Arn"], name,
                                 doc, group_unknown))

    cloudwatch = ctx.api("cloudwatch", region)
    for raw in cloudwatch.pages("describe_alarms", "MetricAlarms") or []:
        doc = normalize_alarm(raw)
        assets.append(make_asset(ctx.account, region, "aws.cloudwatch.alarm", doc["AlarmArn"],
                                 doc["AlarmName"], doc))

    sns = ctx.api("sns", region)
    for topic in sns.pages("list_topics", "Topics") or []:
        arn = topic["TopicArn"]
        attributes = sns.fetch("get_topic_attributes", TopicArn=arn)
        subscriptions = sns.fetch_pages("list_subscriptions_by_topic", "Subscriptions",
                                        TopicArn=arn)
        doc = normalize_topic(arn, attributes=attributes.value,
                              subscriptions=subscriptions.value)
        unknown = failures({"Subscriptions": subscriptions, "KmsMasterKeyId": attributes,
                            "Policy": attributes})
        assets.append(make_asset(ctx.account, region, "aws.sns.topic", arn,
                                 arn.rsplit(":", 1)[-1], doc, unknown))
    return assets
