"""GuardDuty: one status document per region, present even when there is no detector."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, tag_dict
from cloudwarden.core.model import Asset

#: the fields GetDetector feeds
_DETECTOR_FIELDS = ("Status", "Features", "FindingPublishingFrequency", "Tags")


def _status(node: Any) -> str | None:
    return node.get("Status") if isinstance(node, Mapping) else None


def legacy_features(sources: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The older DataSources block mapped to the feature names GetDetector now uses."""
    if not sources:
        return []
    malware = (((sources.get("MalwareProtection") or {}).get("ScanEc2InstanceWithFindings")
                or {}).get("EbsVolumes"))
    pairs = (("S3_DATA_EVENTS", sources.get("S3Logs")),
             ("EKS_AUDIT_LOGS", (sources.get("Kubernetes") or {}).get("AuditLogs")),
             ("EBS_MALWARE_PROTECTION", malware))
    return [{"Name": name, "Status": _status(node), "AdditionalConfiguration": []}
            for name, node in pairs if _status(node) is not None]


def normalize_feature(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"Name": raw.get("Name"), "Status": raw.get("Status"),
            "AdditionalConfiguration": [{"Name": c.get("Name"), "Status": c.get("Status")}
                                        for c in raw.get("AdditionalConfiguration") or []]}


def normalize_detector_status(region: str, arn: str, detector_id: str | None,
                              detector: Mapping[str, Any] | None) -> dict[str, Any]:
    if detector_id is None or detector is None:
        return {"Region": region, "Arn": arn, "DetectorId": detector_id, "Status": None,
                "FindingPublishingFrequency": None, "Features": [] if detector_id is None
                else None, "Tags": {} if detector_id is None else None}
    features = detector.get("Features")
    out = ([normalize_feature(f) for f in features]
           if features else legacy_features(detector.get("DataSources")))
    return {
        "Region": region,
        "Arn": arn,
        "DetectorId": detector_id,
        "Status": detector.get("Status"),
        "FindingPublishingFrequency": detector.get("FindingPublishingFrequency"),
        "Features": out,
        "Tags": tag_dict(detector.get("Tags")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("guardduty", region)
    arn = ctx.arn("guardduty", region, "settings")
    listed = api.fetch_pages("list_detectors", "DetectorIds")
    if listed.value is None:
        doc = normalize_detector_status(region, arn, None, None)
        return [make_asset(ctx.account, region, "aws.guardduty.detector_status", arn,
                           f"GuardDuty {region}", doc,
                           failures({f: listed for f in (*_DETECTOR_FIELDS, "DetectorId")}))]
    detector_id = listed.value[0] if listed.value else None  # one detector per region
    fetched = api.fetch("get_detector", DetectorId=detector_id) if detector_id else None
    doc = normalize_detector_status(region, arn, detector_id,
                                    fetched.value if fetched else None)
    unknown = failures({f: fetched for f in _DETECTOR_FIELDS}) if fetched else {}
    return [make_asset(ctx.account, region, "aws.guardduty.detector_status", arn,
                       f"GuardDuty {region}", doc, unknown)]
