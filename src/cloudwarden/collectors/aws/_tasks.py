"""The task plan of one scan and a bounded thread pool that runs it.

A task is one (service, region) unit of work. It yields assets and may yield follow-up tasks
(e.g. one per S3 bucket once the bucket list is known); follow-ups go into the same pool instead
of a nested pool, so concurrency stays bounded by `max_workers` and nothing can deadlock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial

from cloudwarden.collectors.aws import (
    account,
    cloudtrail,
    cloudwatch,
    config,
    ec2,
    iam,
    kms,
    s3,
    s3_access_points,
)
from cloudwarden.collectors.aws._context import GLOBAL, ScanContext, error_reason
from cloudwarden.collectors.aws.services import EXTRA_SERVICES
from cloudwarden.core.model import Asset

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Task:
    service: str
    region: str
    detail: str
    run: Callable[[], Sequence[Asset | Task]]


def _regional(module_collect: Callable[[ScanContext, str], list[Asset]], ctx: ScanContext,
              service: str, regions: Iterable[str]) -> list[Task]:
    return [Task(service, region, f"{service} {region}", partial(module_collect, ctx, region))
            for region in regions]


def _s3_buckets(ctx: ScanContext) -> list[Asset | Task]:
    return [Task("s3", GLOBAL, f"s3 bucket {raw['Name']}",
                 partial(s3.collect_bucket, ctx, raw))
            for raw in s3.list_buckets(ctx)]


def _s3_tasks(ctx: ScanContext, regions: Sequence[str]) -> list[Task]:
    """Buckets (a global list, then one task per bucket), the access points of every scanned
    region, and the account's Multi-Region Access Points."""
    return [
        Task("s3", GLOBAL, "s3 buckets", lambda: _s3_buckets(ctx)),
        *(Task("s3", region, f"s3 access points {region}",
               partial(s3_access_points.collect_access_points, ctx, region))
          for region in regions or (ctx.home_region,)),
        Task("s3", GLOBAL, "s3 multi-region access points",
             partial(s3_access_points.collect_multi_region_access_points, ctx)),
    ]


def plan(ctx: ScanContext, services: Sequence[str], regions: Sequence[str]) -> list[Task]:
    """The initial tasks: the account once, global services once, the rest per region."""
    tasks = [Task("account", GLOBAL, "account", lambda: account.collect_account(ctx, regions))]
    for service in services:
        if service == "iam":
            tasks += [
                Task("iam", GLOBAL, "iam users", lambda: iam.collect_users(ctx)),
                Task("iam", GLOBAL, "iam roles", lambda: iam.collect_roles(ctx)),
                Task("iam", GLOBAL, "iam groups", lambda: iam.collect_groups(ctx)),
                Task("iam", GLOBAL, "iam policies", lambda: iam.collect_policies(ctx)),
                Task("iam", GLOBAL, "iam server certificates",
                     lambda: iam.collect_server_certificates(ctx)),
            ]
        elif service == "s3":
            tasks += _s3_tasks(ctx, regions)
        elif service in _CORE_REGIONAL:
            tasks += _regional(_CORE_REGIONAL[service].collect_region, ctx, service, regions)
        else:
            tasks += _extra_tasks(ctx, service, regions)
    return tasks


_CORE_REGIONAL = {"ec2": ec2, "cloudtrail": cloudtrail, "kms": kms, "cloudwatch": cloudwatch,
                  "config": config}


def _extra_tasks(ctx: ScanContext, service: str, regions: Sequence[str]) -> list[Task]:
    """Tasks of a registered extra service (see `services.py`), its module imported now."""
    entry = EXTRA_SERVICES[service]
    module = entry.load()
    if entry.scope == "global":
        return [Task(service, GLOBAL, service, partial(module.collect_global, ctx))]
    return _regional(module.collect_region, ctx, service, regions)


def run(ctx: ScanContext, tasks: Sequence[Task], *, max_workers: int,
        progress: ProgressCallback | None) -> list[Asset]:
    """Run every task and its follow-ups; a task that crashes becomes one recorded error."""
    assets: list[Asset] = []
    total = len(tasks)
    done = 0
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="cw-aws") as pool:
        pending: dict[Future[Sequence[Asset | Task]], Task] = {
            pool.submit(t.run): t for t in tasks}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                try:
                    produced = future.result()
                except Exception as exc:  # one task's bug must not end the scan
                    ctx.record(task.service, task.region, "collect", error_reason(exc))
                    produced = []
                for item in produced:
                    if isinstance(item, Task):
                        pending[pool.submit(item.run)] = item
                        total += 1
                    else:
                        assets.append(item)
                done += 1
                if progress is not None:
                    progress(task.detail, done, total)
    return assets
