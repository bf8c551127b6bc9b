"""The AWS collector: reads one account through boto3 into canonical assets
(`cloudwarden.assets.aws`).

Each service module fetches (`get`/`collect_*`) and normalizes (pure `normalize_*`); this module
only plans the (service, region) tasks and runs them in a bounded thread pool. Failed calls are
recorded as `CollectionError`s in the returned inventory and the scan goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from cloudwarden.collectors.aws import services as _extra
from cloudwarden.collectors.aws._context import ScanContext, error_reason
from cloudwarden.collectors.aws._tasks import ProgressCallback, plan, run
from cloudwarden.core.errors import CloudwardenError
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
    #: A role to assume (in the account to scan) with the base credentials.
    role_arn: str | None = None


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


def collect(options: AwsScanOptions, *, session: boto3.Session | None = None,
            progress: ProgressCallback | None = None) -> Inventory:
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
