"""Cross-resource: the jobs a SageMaker monitoring schedule starts run with network isolation -
from its inline job definition, or from the named monitoring job definition of its account and
region."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_DEFINITION_TYPE = "aws.sagemaker.monitoring_job_definition"


def _judge(schedule: str, where: str, isolated: object) -> CheckResult:
    evidence = Evidence(f"{where}.EnableNetworkIsolation", isolated, "true")
    if isolated is True:
        return CheckResult.passed(f"schedule {schedule} runs {where} with network isolation",
                                  evidence)
    return CheckResult.failed(f"schedule {schedule} runs {where} without network isolation",
                              evidence)


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    schedule = str(doc.get("MonitoringScheduleName") or asset.name)
    if doc.get("InlineJobDefinition") is True:
        return _judge(schedule, "its inline job definition", doc.get("EnableNetworkIsolation"))
    name = doc.get("MonitoringJobDefinitionName")
    if not name:
        return CheckResult.not_applicable(f"schedule {schedule} names no job definition")
    wanted = doc.get("MonitoringType")
    for definition in ctx.inventory.find_in_account(_DEFINITION_TYPE, asset.ref.account,
                                                    "JobDefinitionName", name):
        props = definition.properties
        if definition.ref.region != asset.ref.region or (
                wanted and props.get("JobType") not in (None, wanted)):
            continue
        return _judge(schedule, f"job definition {name}", props.get("EnableNetworkIsolation"))
    return CheckResult.not_applicable(
        f"job definition {name} of schedule {schedule} is not in the inventory")
