"""ACM certificates of one region: expiry, key algorithm, use and transparency logging."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

#: ListCertificates hides RSA_1024 and other key types unless asked for all of them
_ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                  "EC_secp384r1", "EC_secp521r1"]


def normalize_certificate(raw: Mapping[str, Any], *,
                          tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "CertificateArn": raw["CertificateArn"],
        "DomainName": raw.get("DomainName"),
        "SubjectAlternativeNames": list(raw.get("SubjectAlternativeNames") or []),
        "Status": raw.get("Status"),
        "Type": raw.get("Type"),
        "KeyAlgorithm": raw.get("KeyAlgorithm"),
        "SignatureAlgorithm": raw.get("SignatureAlgorithm"),
        "Issuer": raw.get("Issuer"),
        "NotBefore": iso(raw.get("NotBefore")),
        "NotAfter": iso(raw.get("NotAfter")),
        "InUseBy": list(raw.get("InUseBy") or []),
        "RenewalEligibility": raw.get("RenewalEligibility"),
        "CertificateTransparencyLoggingPreference": (raw.get("Options") or {}).get(
            "CertificateTransparencyLoggingPreference"),
        "CreatedAt": iso(raw.get("CreatedAt")),
        "ImportedAt": iso(raw.get("ImportedAt")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("acm", region)
    listed = api.pages("list_certificates", "CertificateSummaryList",
                       Includes={"keyTypes": _ALL_KEY_TYPES}) or []
    assets = []
    for summary in listed:
        arn = summary["CertificateArn"]
        described = api.call("describe_certificate", CertificateArn=arn)
        if described is None:
            continue  # the error is recorded; without the description there is no document
        fetched: dict[str, Fetched[Any]] = {
            "Tags": api.fetch("list_tags_for_certificate", CertificateArn=arn)}
        tags = fetched["Tags"].value
        doc = normalize_certificate(described["Certificate"],
                                    tags=None if tags is None else tags.get("Tags") or [])
        assets.append(make_asset(ctx.account, region, "aws.acm.certificate", arn,
                                 doc["DomainName"] or arn, doc, failures(fetched)))
    return assets
