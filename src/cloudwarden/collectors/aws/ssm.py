"""Systems Manager in one region: documents the account owns (with their sharing), parameters
(metadata only, never values) and managed instances with their compliance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_document(arn: str, doc: Mapping[str, Any],
                       account_ids: Sequence[str] | None) -> dict[str, Any]:
    return {
        "Name": doc["Name"],
        "Arn": arn,
        "DocumentType": doc.get("DocumentType"),
        "DocumentFormat": doc.get("DocumentFormat"),
        "Owner": doc.get("Owner"),
        "DocumentVersion": doc.get("DocumentVersion"),
        "AccountIds": None if account_ids is None else sorted(account_ids),
        "Tags": tag_dict(doc.get("Tags")),
    }


def normalize_parameter(arn: str, param: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Name": param["Name"],
        "ARN": param.get("ARN") or arn,
        "Type": param.get("Type"),
        "KeyId": param.get("KeyId"),
        "Tier": param.get("Tier"),
        "DataType": param.get("DataType"),
        "Description": param.get("Description"),
        "LastModifiedDate": iso(param.get("LastModifiedDate")),
        "Tags": None,  # filled by the collector when listed
    }


def compliance_by_resource(summaries: Sequence[Mapping[str, Any]] | None
                           ) -> dict[tuple[str, str], str]:
    """(resource id, compliance type) -> COMPLIANT / NON_COMPLIANT."""
    return {(str(s.get("ResourceId")), str(s.get("ComplianceType"))): str(s.get("Status"))
            for s in summaries or []}


def normalize_managed_instance(arn: str, info: Mapping[str, Any],
                               compliance: Mapping[tuple[str, str], str] | None
                               ) -> dict[str, Any]:
    iid = info["InstanceId"]
    return {
        "InstanceId": iid,
        "Arn": arn,
        "PingStatus": info.get("PingStatus"),
        "PlatformType": info.get("PlatformType"),
        "PlatformName": info.get("PlatformName"),
        "AgentVersion": info.get("AgentVersion"),
        "IsLatestVersion": info.get("IsLatestVersion"),
        "LastPingDateTime": iso(info.get("LastPingDateTime")),
        "PatchCompliance": None if compliance is None else compliance.get((iid, "Patch")),
        "AssociationCompliance": None if compliance is None
        else compliance.get((iid, "Association")),
    }


def _documents(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for doc in api.pages("list_documents", "DocumentIdentifiers",
                         Filters=[{"Key": "Owner", "Values": ["Self"]}]) or []:
        arn = ctx.arn("ssm", region, f"document/{doc['Name']}")
        perms = api.fetch("describe_document_permission", Name=doc["Name"],
                          PermissionType="Share")
        ids = None if perms.value is None else perms.value.get("AccountIds") or []
        assets.append(make_asset(ctx.account, region, "aws.ssm.document", arn, doc["Name"],
                                 normalize_document(arn, doc, ids),
                                 failures({"AccountIds": perms})))
    return assets


def _parameters(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for param in api.pages("describe_parameters", "Parameters") or []:
        name = param["Name"]
        arn = ctx.arn("ssm", region, f"parameter/{name.lstrip('/')}")
        doc = normalize_parameter(arn, param)
        tags = api.fetch("list_tags_for_resource", ResourceType="Parameter", ResourceId=name)
        doc["Tags"] = None if tags.value is None else tag_dict(tags.value.get("TagList"))
        assets.append(make_asset(ctx.account, region, "aws.ssm.parameter", doc["ARN"], name,
                                 doc, failures({"Tags": tags})))
    return assets


def _instance_arn(ctx: ScanContext, region: str, iid: str) -> str:
    if iid.startswith("mi-"):
        return ctx.arn("ssm", region, f"managed-instance/{iid}")
    return ctx.arn("ec2", region, f"instance/{iid}")


def _managed_instances(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    infos = api.pages("describe_instance_information", "InstanceInformationList")
    if not infos:
        return []
    summaries = api.fetch_pages("list_resource_compliance_summaries",
                                "ResourceComplianceSummaryItems")
    compliance = None if summaries.value is None else compliance_by_resource(summaries.value)
    assets = []
    for info in infos:
        arn = _instance_arn(ctx, region, info["InstanceId"])
        doc = normalize_managed_instance(arn, info, compliance)
        assets.append(make_asset(ctx.account, region, "aws.ssm.managed_instance", arn,
                                 info.get("ComputerName") or info["InstanceId"], doc,
                                 failures({"PatchCompliance": summaries,
                                           "AssociationCompliance": summaries})))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("ssm", region)
    return [*_documents(ctx, api, region), *_parameters(ctx, api, region),
            *_managed_instances(ctx, api, region)]
