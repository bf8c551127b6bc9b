"""Sigma log sources -> our event sources and field names, as one pySigma processing pipeline.

Each `LogSourceMapping` says which `Event.source` values a Sigma logsource (category, product,
service) stands for and how the rule's field names map onto the event. A mapped name is either a
dotted path into `Event.fields` (the record's native document) or `@attribute` for one of the
normalized `Event` attributes (`@process`, `@command_line`, `@actor`, `@domain`, ...). Unmapped
names are used as they are, so CloudTrail and Kubernetes audit rules address the record 1:1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import (
    FieldMappingTransformation,
    SetStateTransformation,
    ValueListPlaceholderTransformation,
)

__all__ = ["MAPPINGS", "SOURCES_STATE_KEY", "LogSourceMapping", "build_pipeline"]

SOURCES_STATE_KEY = "cloudwarden.sources"


@dataclass(frozen=True)
class LogSourceMapping:
    sources: tuple[str, ...]
    product: str | None = None
    service: str | None = None
    category: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    #: mapped field names worth routing on, best first (exact value index)
    index_fields: tuple[str, ...] = ()
    #: mapped fields indexed by the basename of a path (`/usr/bin/bash` -> `bash`)
    basename_fields: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return "/".join(p for p in (self.category, self.product, self.service) if p)


_LINUX_PROCESS_FIELDS = {
    "Image": "@process",
    "CommandLine": "@command_line",
    "User": "@actor",
    "ParentImage": "parent_process",
    "ParentCommandLine": "parent_command_line",
    "CurrentDirectory": "cwd",
    "ProcessId": "pid",
    "ParentProcessId": "ppid",
    "ParentUser": "parent_user",
    "LogonId": "login_uid",
}

_GCP_FIELDS = {
    "gcp.audit.method_name": "protoPayload.methodName",
    "gcp.audit.service_name": "protoPayload.serviceName",
    "gcp.audit.resource_name": "protoPayload.resourceName",
    "gcp.audit.principal_email": "protoPayload.authenticationInfo.principalEmail",
    "data.protoPayload.methodName": "protoPayload.methodName",
    "data.protoPayload.serviceName": "protoPayload.serviceName",
    "data.protoPayload.resourceName": "protoPayload.resourceName",
}

MAPPINGS: tuple[LogSourceMapping, ...] = (
    LogSourceMapping(
        ("aws.cloudtrail",),
        product="aws",
        service="cloudtrail",
        index_fields=("eventName", "eventSource"),
    ),
    LogSourceMapping(
        ("kubernetes.audit",),
        product="kubernetes",
        service="audit",
        index_fields=("verb", "objectRef.resource", "objectRef.subresource"),
    ),
    LogSourceMapping(
        ("gcp.audit",),
        product="gcp",
        service="gcp.audit",
        fields=_GCP_FIELDS,
        index_fields=("protoPayload.methodName",),
    ),
    LogSourceMapping(
        ("azure.activity",),
        product="azure",
        service="activitylogs",
        index_fields=("operationName", "OperationNameValue"),
    ),
    LogSourceMapping(("azure.signin",), product="azure", service="signinlogs"),
    LogSourceMapping(("azure.audit",), product="azure", service="auditlogs"),
    LogSourceMapping(
        ("linux.process",),
        product="linux",
        category="process_creation",
        fields=_LINUX_PROCESS_FIELDS,
        index_fields=("@process",),
        basename_fields=frozenset({"@process"}),
    ),
    LogSourceMapping(("linux.auth",), product="linux", service="auth"),
    LogSourceMapping(("linux.auth",), product="linux", service="sshd"),
    LogSourceMapping(("linux.syslog",), product="linux", service="syslog"),
    LogSourceMapping(("linux.auditd",), product="linux", service="auditd", index_fields=("type",)),
    LogSourceMapping(
        ("aws.route53.resolver", "dns.bind"),
        category="dns",
        fields={"query": "@domain", "record_type": "query_type", "answer": "answers"},
        index_fields=("query_type",),
    ),
)


def build_pipeline(
    mappings: tuple[LogSourceMapping, ...] = MAPPINGS,
    placeholders: Mapping[str, list[str]] | None = None,
) -> ProcessingPipeline:
    """One pipeline for all our log sources: it records the event sources of a rule in the
    pipeline state and renames its fields; `%placeholders%` of `|expand` values are filled
    from `placeholders`."""
    items: list[ProcessingItem] = []
    for mapping in mappings:

        def condition(m: LogSourceMapping = mapping) -> LogsourceCondition:
            return LogsourceCondition(category=m.category, product=m.product, service=m.service)

        items.append(
            ProcessingItem(
                identifier=f"cloudwarden_sources_{mapping.name}",
                transformation=SetStateTransformation(SOURCES_STATE_KEY, list(mapping.sources)),
                rule_conditions=[condition()],
            )
        )
        if mapping.fields:
            items.append(
                ProcessingItem(
                    identifier=f"cloudwarden_fields_{mapping.name}",
                    transformation=FieldMappingTransformation(
                        {k: v for k, v in mapping.fields.items()}
                    ),
                    rule_conditions=[condition()],
                )
            )
    if placeholders:
        items.append(
            ProcessingItem(
                identifier="cloudwarden_placeholders",
                transformation=ValueListPlaceholderTransformation(),
            )
        )
    return ProcessingPipeline(
        name="cloudwarden", items=items, vars={k: list(v) for k, v in (placeholders or {}).items()}
    )


def mapping_for_source(source: str) -> list[LogSourceMapping]:
    return [m for m in MAPPINGS if source in m.sources]
