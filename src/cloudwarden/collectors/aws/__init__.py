"""The AWS collector: reads one account through boto3 into canonical assets
(`cloudwarden.assets.aws`).

Each service module fetches (`get`/`collect_*`) and normalizes (pure `normalize_*`); this module
only plans the (service, region) tasks and runs them in a bounded thread pool. Failed calls are
recorded as `CollectionError`s in the returned inventory and the scan goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from cloudwarden.collectors.aws import services as _extra
from cloudwarden.collectors.aws._context import GLOBAL, ScanContext, error_reason
from cloudwarden.collectors.aws._tasks import ProgressCallback, plan, run
from cloudwarden.core.errors import CloudwardenError, CollectionError
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

__all__ = ["CORE_SERVICES", "SERVICES", "AwsScanOptions", "ProgressCallback", "collect"]

CORE_SERVICES: tuple[str, ...] = ("iam", "s3", "ec2", "cloudtrail", "kms", "cloudwatch",
                                  "config")
#: every service this installation can collect: the core ones and the registered extras
SERVICES: tuple[str, ...] = CORE_SERVICES + tuple(_extra.available())


@dataclass(frozen=True)
class AwsScanOptions:
    profile: str | None = None
    #: None = every region enabled for the account (EC2 DescribeRegions).
    regions: tuple[str, ...] | None = None
    #: None = all of SERVICES.
    services: tuple[str, ...] | None = None
    #: e.g. a moto server; used for every service.
    endpoint_url: str | None = None
    #: Bounded concurrency across (service, region) tasks.
    max_workers: int = 8
    #: A role to assume (in the account to scan) with the base credentials. With `org`, the
    #: role to assume in every member account: a role name, an ARN whose account is replaced
    #: per account, or an ARN template holding `{account}`.
    role_arn: str | None = None
    #: Scan every active account of the AWS Organization the base credentials can list.
    org: bool = False


def _services(options: AwsScanOptions) -> tuple[str, ...]:
    if options.services is None:
        return SERVICES
    unknown = [s for s in options.services if s not in SERVICES]
    if unknown:
        raise ValueError(f"unknown AWS service(s) {', '.join(unknown)}; "
                         f"valid services are: {', '.join(SERVICES)}")
    return tuple(dict.fromkeys(options.services))  # de-duplicated, order kept


def _session(options: AwsScanOptions, session: boto3.Session | None) -> boto3.Session:
    base = session if session is not None else boto3.Session(profile_name=options.profile)
    if not options.role_arn:
        return base
    sts = base.client("sts", region_name=base.region_name or "us-east-1",
                      endpoint_url=options.endpoint_url)
    creds = sts.assume_role(RoleArn=options.role_arn,
                            RoleSessionName="cloudwarden-scan")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=base.region_name,
    )


def _regions(ctx: ScanContext, options: AwsScanOptions) -> tuple[str, ...]:
    if options.regions is not None:
        return tuple(dict.fromkeys(options.regions))
    found = ctx.api("ec2", ctx.home_region).pages("describe_regions", "Regions")
    if not found:
        # The error is recorded; scanning the home region beats scanning nothing.
        return (ctx.home_region,)
    return tuple(sorted(r["RegionName"] for r in found))


def role_arn_for(template: str, account: str, partition: str = "aws") -> str:
    """The role to assume in `account`, from a role name, an ARN or an `{account}` template."""
    if "{account}" in template:
        return template.replace("{account}", account)
    if template.startswith("arn:"):
        parts = template.split(":", 5)
        if len(parts) == 6:
            parts[4] = account
            return ":".join(parts)
        raise ValueError(f"not a role ARN: {template!r}")
    name = template.removeprefix("role/")
    return f"arn:{partition}:iam::{account}:role/{name}"


def collect(options: AwsScanOptions, *, session: boto3.Session | None = None,
            progress: ProgressCallback | None = None) -> Inventory:
    """Collect one AWS account, or with `options.org` every account of the organization."""
    if options.org:
        return _collect_organization(options, session, progress)
    return _collect_account(options, session, progress)


def _collect_organization(options: AwsScanOptions, session: boto3.Session | None,
                          progress: ProgressCallback | None) -> Inventory:
    """Assume `role_arn` into each active member account and collect it; an account whose
    role cannot be assumed (or whose scan fails) is one recorded error, and the scan goes on."""
    if not options.role_arn:
        raise ValueError("--org needs --role-arn: the role to assume in every member account "
                         "(a name such as OrganizationAccountAccessRole, or an ARN)")
    base = session if session is not None else boto3.Session(profile_name=options.profile)
    home = base.region_name or "us-east-1"
    try:
        me = base.client("sts", region_name=home,
                         endpoint_url=options.endpoint_url).get_caller_identity()
        org = base.client("organizations", region_name=home, endpoint_url=options.endpoint_url)
        accounts = [a for page in org.get_paginator("list_accounts").paginate()
                    for a in page["Accounts"] if a.get("Status", "ACTIVE") == "ACTIVE"]
    except (ClientError, BotoCoreError) as exc:
        raise CloudwardenError(
            "cannot list the organization's accounts (run from the management account or a "
            f"delegated administrator): {error_reason(exc)}") from exc
    if not accounts:
        raise CloudwardenError("the organization lists no active accounts to scan")
    partition = str(me.get("Arn", "arn:aws:")).split(":")[1] or "aws"
    assets: list[Asset] = []
    errors: list[CollectionError] = []
    scanned: list[str] = []
    for i, account in enumerate(sorted(str(a["Id"]) for a in accounts)):
        one = replace(options, org=False,
                      role_arn=role_arn_for(options.role_arn, account, partition))

        def step(detail: str, done: int, total: int, account: str = account,
                 i: int = i) -> None:
            if progress is not None:
                progress(f"account {account} ({i + 1}/{len(accounts)}): {detail}", done, total)

        try:
            inventory = _collect_account(one, base, step)
        except (CloudwardenError, ClientError, BotoCoreError) as exc:
            errors.append(CollectionError("aws", account, GLOBAL, "sts", "AssumeRole",
                                          str(exc).removeprefix("cannot identify the AWS "
                                                                "account: ")))
            continue
        scanned.append(account)
        assets.extend(inventory)
        errors.extend(inventory.errors)
    metadata = {"provider": "aws", "organization": True, "accounts": scanned,
                "principal": me.get("Arn"), "regions": list(options.regions or ()),
                "services": list(_services(options))}
    return Inventory(sorted(assets, key=lambda a: a.ref), errors=errors, metadata=metadata)


def _collect_account(options: AwsScanOptions, session: boto3.Session | None,
                     progress: ProgressCallback | None) -> Inventory:
    """Collect one AWS account. Raises ValueError for bad options and CloudwardenError when the
    credentials cannot identify an account; every other failure is recorded in the inventory."""
    services = _services(options)
    if options.max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    started = datetime.now(UTC)
    try:
        active = _session(options, session)
        home = active.region_name or "us-east-1"
        identity = active.client("sts", region_name=home,
                                 endpoint_url=options.endpoint_url).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise CloudwardenError(f"cannot identify the AWS account: {error_reason(exc)}") from exc
    ctx = ScanContext(active, account=str(identity["Account"]), home_region=home,
                      endpoint_url=options.endpoint_url, max_workers=options.max_workers)
    regions = _regions(ctx, options)
    assets = run(ctx, plan(ctx, services, regions), max_workers=options.max_workers,
                 progress=progress)
    metadata = {
        "provider": "aws",
        "account": ctx.account,
        "principal": identity.get("Arn"),
        "regions": list(regions),
        "services": list(services),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }
    return Inventory(sorted(assets, key=lambda a: a.ref), errors=ctx.errors, metadata=metadata)
