"""Pure helpers for the CloudTrail and CloudWatch monitoring rules.

Three things live here, each written once:

* what makes a trail count (multi-region, logging, all management events, S3 data events);
* the CIS "Monitoring" metric-filter controls as data (`METRIC_CONTROLS`) and a small parser of
  CloudWatch Logs JSON filter patterns that decides whether a filter covers a control;
* the chain those controls check - trail -> log group -> metric filter -> alarm -> subscribed
  SNS topic - reporting the first step that breaks.

Nothing here does I/O: every function reads canonical documents from the inventory.
"""

from __future__ import annotations

import functools
import json
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

__all__ = [
    "METRIC_CONTROLS",
    "Clause",
    "MetricControl",
    "bucket_public_reasons",
    "check_metric_alarm",
    "find_bucket",
    "find_log_group",
    "is_logging_multi_region",
    "is_multi_region_and_logging",
    "log_group_name",
    "missing_terms",
    "parse_clauses",
    "records_all_management_events",
    "s3_object_events_logged",
    "trail_gaps",
]

TRAIL = "aws.cloudtrail.trail"
LOG_GROUP = "aws.logs.log_group"
ALARM = "aws.cloudwatch.alarm"
TOPIC = "aws.sns.topic"
BUCKET = "aws.s3.bucket"

Doc = Mapping[str, Any]


# --- trails -----------------------------------------------------------------------------------

def records_all_management_events(trail: Doc) -> bool:
    """True when the trail records read and write management events.

    Advanced selectors replace basic ones when present: one must select the Management
    category with no readOnly restriction. Without any selector, CloudTrail's default records
    all management events (collectors report that as null or as empty lists).
    """
    advanced = trail.get("AdvancedEventSelectors") or []
    if advanced:
        for selector in advanced:
            fields = _field_selectors(selector)
            if "Management" in (fields.get("eventCategory", {}).get("Equals") or []) \
                    and "readOnly" not in fields:
                return True
        return False
    selectors = trail.get("EventSelectors")
    if not selectors:  # null and [] both mean "nothing configured", i.e. the default
        return True
    return any(s.get("IncludeManagementEvents", True) is not False
               and s.get("ReadWriteType", "All") == "All" for s in selectors)


def is_multi_region_and_logging(trail: Doc) -> bool:
    """A multi-region trail whose logging is on (whatever events it selects)."""
    return (trail.get("IsMultiRegionTrail") is True
            and (trail.get("Status") or {}).get("IsLogging") is True)


def is_logging_multi_region(trail: Doc) -> bool:
    """A multi-region trail that is logging and records all management events."""
    return is_multi_region_and_logging(trail) and records_all_management_events(trail)


def trail_gaps(trail: Doc) -> list[str]:
    """Why a trail cannot feed the monitoring controls, in words (empty when it can)."""
    gaps = []
    if trail.get("IsMultiRegionTrail") is not True:
        gaps.append("not multi-region")
    if (trail.get("Status") or {}).get("IsLogging") is not True:
        gaps.append("not logging")
    if not records_all_management_events(trail):
        gaps.append("does not record all management events")
    if not trail.get("CloudWatchLogsLogGroupArn"):
        gaps.append("no CloudWatch Logs group")
    return gaps


def _field_selectors(selector: Doc) -> dict[str, Doc]:
    return {str(f.get("Field")): f for f in selector.get("FieldSelectors") or []}


_ALL_BUCKETS = re.compile(r"^arn:aws[a-z-]*:s3(:::)?/?$")
_SELECTOR_FIELDS_ALLOWED = {"eventCategory", "resources.type", "readOnly"}


def s3_object_events_logged(trail: Doc, access: Literal["read", "write"]) -> bool:
    """True when the trail records S3 object-level `access` events for every bucket.

    Basic selectors need an `AWS::S3::Object` data resource whose value is the all-buckets
    ARN (`arn:aws:s3` or `arn:aws:s3:::`) with a ReadWriteType covering `access`. Advanced
    selectors need eventCategory Data and resources.type AWS::S3::Object, a readOnly field (if
    any) that keeps `access`, and no other field (a bucket ARN or event name narrows it).
    """
    advanced = trail.get("AdvancedEventSelectors") or []
    if advanced:
        return any(_advanced_covers_s3(s, access) for s in advanced)
    wanted = {"All", "ReadOnly" if access == "read" else "WriteOnly"}
    for selector in trail.get("EventSelectors") or []:
        if selector.get("ReadWriteType", "All") not in wanted:
            continue
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") == "AWS::S3::Object" and any(
                    isinstance(v, str) and _ALL_BUCKETS.match(v)
                    for v in resource.get("Values") or []):
                return True
    return False


def _advanced_covers_s3(selector: Doc, access: str) -> bool:
    fields = _field_selectors(selector)
    if set(fields) - _SELECTOR_FIELDS_ALLOWED:
        return False
    if (fields.get("eventCategory", {}).get("Equals") or []) != ["Data"]:
        return False
    if (fields.get("resources.type", {}).get("Equals") or []) != ["AWS::S3::Object"]:
        return False
    read_only = fields.get("readOnly")
    if read_only is None:
        return True
    keeps = "true" if access == "read" else "false"
    equals = [str(v).lower() for v in read_only.get("Equals") or []]
    not_equals = [str(v).lower() for v in read_only.get("NotEquals") or []]
    if equals:
        return keeps in equals
    return keeps not in not_equals


def log_group_name(arn: str | None) -> str | None:
    """`arn:aws:logs:<region>:<account>:log-group:<name>:*` -> `<name>`."""
    parts = (arn or "").split(":")
    if len(parts) >= 7 and parts[2] == "logs" and parts[5] == "log-group":
        return parts[6]
    return None


def find_log_group(ctx: CheckContext, arn: str | None) -> Asset | None:
    """The log group a trail delivers to, matched by ARN or by region, account and name."""
    name = log_group_name(arn)
    if arn is None or name is None:
        return None
    wanted = arn.removesuffix(":*")
    region, account = arn.split(":")[3:5]
    for group in ctx.inventory.in_account(LOG_GROUP, account):
        doc = group.properties
        if str(doc.get("Arn") or "").removesuffix(":*") == wanted:
            return group
        if (doc.get("logGroupName") == name and group.ref.region == region
                and group.ref.account == account):
            return group
    return None


# --- trail buckets ----------------------------------------------------------------------------

_PUBLIC_GRANTEES = ("/global/AllUsers", "/global/AuthenticatedUsers")


def find_bucket(ctx: CheckContext, name: str | None) -> Asset | None:
    """The bucket of that name in any account of the inventory (bucket names are global)."""
    if not name:
        return None
    found = ctx.inventory.find_by(BUCKET, "Name", name)
    return found[0] if found else None


def bucket_public_reasons(bucket: Doc, account_block: Doc | None = None) -> list[str]:
    """Why the bucket is public: ACL grants to everyone or to any AWS user, and Allow
    statements for Principal `*` without a Condition - unless the bucket's or the account's
    public access block neutralises them (IgnorePublicAcls, RestrictPublicBuckets)."""
    blocks = [bucket.get("PublicAccessBlock") or {}, account_block or {}]

    def blocked(setting: str) -> bool:
        return any(b.get(setting) is True for b in blocks)

    reasons: list[str] = []
    if not blocked("IgnorePublicAcls"):
        for grant in (bucket.get("Acl") or {}).get("Grants") or []:
            uri = str((grant.get("Grantee") or {}).get("URI") or "")
            if uri.endswith(_PUBLIC_GRANTEES):
                reasons.append(f"ACL grants {grant.get('Permission')} to {uri.rsplit('/', 1)[-1]}")
    if not blocked("RestrictPublicBuckets"):
        for i, stmt in enumerate(_statements(bucket.get("Policy"))):
            if (stmt.get("Effect") == "Allow" and _principal_is_anyone(stmt.get("Principal"))
                    and not stmt.get("Condition")):
                reasons.append(f"policy statement {stmt.get('Sid') or i} allows Principal *")
    return reasons


def _statements(policy: Any) -> list[Doc]:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    if not (type(policy) is dict or isinstance(policy, Mapping)):
        return []
    stmts = policy.get("Statement") or []
    if (type(stmts) is dict or isinstance(stmts, Mapping)):
        stmts = [stmts]
    return [s for s in stmts if (type(s) is dict or isinstance(s, Mapping))]


def _principal_is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if (type(principal) is dict or isinstance(principal, Mapping)):
        aws = principal.get("AWS")
        values = aws if isinstance(aws, list) else [aws]
        return "*" in values
    return False


# --- filter patterns --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Clause:
    """One `$.field <op> value` comparison of a JSON filter pattern."""

    field: str
    op: str
    value: str = ""

    def __str__(self) -> str:
        return f"$.{self.field} {self.op} {self.value}".rstrip()


_CLAUSE = re.compile(
    r"""\$\.(?P<field>[\w.\[\]]+)\s*
        (?:(?P<op>!=|=|>=|<=|>|<)\s*(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s&|(){}]+)
          |(?P<word>NOT\s+EXISTS|IS\s+NULL|NOT\s+NULL|EXISTS))""",
    re.VERBOSE)


def parse_clauses(pattern: str | None) -> list[Clause]:
    """Every comparison in a filter pattern, with quotes and extra whitespace removed, so
    `$.eventName="DeleteTrail"` and `$.eventName = DeleteTrail` read the same."""
    if type(pattern) is str:
        return list(_parse_cached(pattern))
    return _parse(pattern)


@functools.lru_cache(maxsize=1024)
def _parse_cached(pattern: str) -> tuple[Clause, ...]:
    # the fifteen controls of an account read the same few filter patterns
    return tuple(_parse(pattern))


def _parse(pattern: str | None) -> list[Clause]:
    clauses: list[Clause] = []
    for m in _CLAUSE.finditer(pattern or ""):
        if m.group("word"):
            clauses.append(Clause(m.group("field"), " ".join(m.group("word").split())))
            continue
        value = m.group("value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        clauses.append(Clause(m.group("field"), m.group("op"), " ".join(value.split())))
    return clauses


@functools.lru_cache(maxsize=4096)
def _covers(found: Clause, required: Clause) -> bool:
    """Does the pattern's clause select at least the events the required clause selects?
    An equality whose value has `*` wildcards covers every value it matches."""
    if found.field != required.field or found.op != required.op:
        return False
    if found.op != "=" or "*" not in found.value:
        return found.value == required.value
    regex = ".*".join(re.escape(part) for part in found.value.split("*"))
    return re.fullmatch(regex, required.value) is not None


def missing_terms(pattern: str | None, control: MetricControl) -> list[str]:
    """The required terms of `control` the pattern lacks (empty when it covers the control).

    Each requirement is a tuple of equivalent forms; one must appear. A qualifier such as
    `$.eventSource = kms.amazonaws.com` is optional, but when the pattern pins that field to
    other values the filter watches another service and the qualifier is reported missing.
    """
    clauses = _parse_cached(pattern) if type(pattern) is str else _parse(pattern)
    missing: list[str] = []
    for options in control.required:
        wanted = [_parse_one(o) for o in options]
        if not any(_covers(c, w) for c in clauses for w in wanted):
            missing.append(" or ".join(options))
    for qualifier in control.qualifiers:
        q = _parse_one(qualifier)
        pinned = [c for c in clauses if c.field == q.field and c.op == "="]
        if pinned and not any(_covers(c, q) for c in pinned):
            missing.append(qualifier)
    return missing


@functools.lru_cache(maxsize=512)
def _parse_one(term: str) -> Clause:
    (clause,) = parse_clauses(term)
    return clause


# --- the CIS Monitoring controls, as data -----------------------------------------------------

@dataclass(frozen=True, slots=True)
class MetricControl:
    """One metric-filter control: what to watch, the pattern we recommend, and the terms a
    filter must contain to count. `required` holds groups of equivalent forms (one of each
    group must appear); `qualifiers` narrow to one service and are optional (see
    `missing_terms`). Exclusions that only cut noise (e.g. `$.eventName != HeadBucket`) are
    accepted but never required."""

    key: str
    cis: str
    summary: str
    metric_name: str
    pattern: str
    required: tuple[tuple[str, ...], ...]
    qualifiers: tuple[str, ...] = ()


def _events(*names: str) -> tuple[tuple[str, ...], ...]:
    return tuple((f"$.eventName = {n}",) for n in names)


def _any_of(source: str, *names: str) -> str:
    ors = " || ".join(f"($.eventName = {n})" for n in names)
    return f"{{ ($.eventSource = {source}) && ({ors}) }}"


_IAM_POLICY_EVENTS = (
    "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
    "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
    "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
    "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy")
_TRAIL_EVENTS = ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
_KMS_EVENTS = ("DisableKey", "ScheduleKeyDeletion")
_S3_POLICY_EVENTS = (
    "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
    "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle",
    "DeleteBucketReplication")
_CONFIG_EVENTS = ("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                  "PutConfigurationRecorder")
_SG_EVENTS = ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
              "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
              "DeleteSecurityGroup")
_NACL_EVENTS = ("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation")
_GATEWAY_EVENTS = ("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                   "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway")
_ROUTE_EVENTS = ("CreateRoute", "CreateRouteTable", "ReplaceRoute",
                 "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute",
                 "DisassociateRouteTable")
_VPC_EVENTS = ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
               "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
               "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
               "DisableVpcClassicLink", "EnableVpcClassicLink")
_ORG_EVENTS = (
    "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
    "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit",
    "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
    "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
    "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit")


def _source(service: str) -> tuple[str, ...]:
    return (f"$.eventSource = {service}.amazonaws.com",)


def _service_terms(service: str, events: Iterable[str]) -> tuple[Any, Any, Any]:
    """The three pattern terms of a "changes to <service>" control: an event of the service,
    one of its change events, and the event source."""
    names = tuple(events)
    return (_any_of(f"{service}.amazonaws.com", *names), _events(*names), _source(service))


_CONTROLS = (
    MetricControl(
        "unauthorized_api_calls", "4.1", "unauthorized API calls", "UnauthorizedAPICalls",
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) '
        '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") '
        '&& ($.eventName != "HeadBucket") }',
        (("$.errorCode = *UnauthorizedOperation",), ("$.errorCode = AccessDenied*",))),
    MetricControl(
        "console_signin_without_mfa", "4.2", "console sign-in without MFA",
        "ConsoleSigninWithoutMFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        (("$.eventName = ConsoleLogin",),
         ("$.additionalEventData.MFAUsed != Yes", "$.additionalEventData.MFAUsed = No")),
        _source("signin")),
    MetricControl(
        "root_account_usage", "4.3", "use of the root user", "RootAccountUsage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }',
        (("$.userIdentity.type = Root",),)),
    MetricControl(
        "iam_policy_changes", "4.4", "IAM policy changes", "IAMPolicyChanges",
        *_service_terms("iam", _IAM_POLICY_EVENTS)),
    MetricControl(
        "cloudtrail_config_changes", "4.5", "CloudTrail configuration changes",
        "CloudTrailConfigChanges",
        *_service_terms("cloudtrail", _TRAIL_EVENTS)),
    MetricControl(
        "console_auth_failures", "4.6", "failed console sign-ins", "ConsoleAuthFailures",
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        (("$.eventName = ConsoleLogin",),
         ('$.errorMessage = "Failed authentication"', "$.responseElements.ConsoleLogin = Failure")),
        _source("signin")),
    MetricControl(
        "cmk_disable_or_deletion", "4.7", "disabling or scheduled deletion of KMS keys",
        "CMKDisableOrDeletion",
        *_service_terms("kms", _KMS_EVENTS)),
    MetricControl(
        "s3_bucket_policy_changes", "4.8", "S3 bucket policy and ACL changes",
        "S3BucketPolicyChanges",
        _any_of("s3.amazonaws.com", *_S3_POLICY_EVENTS), _events(*_S3_POLICY_EVENTS),
        _source("s3")),
    MetricControl(
        "config_changes", "4.9", "AWS Config configuration changes", "AWSConfigChanges",
        *_service_terms("config", _CONFIG_EVENTS)),
    MetricControl(
        "security_group_changes", "4.10", "security group changes", "SecurityGroupChanges",
        *_service_terms("ec2", _SG_EVENTS)),
    MetricControl(
        "nacl_changes", "4.11", "network ACL changes", "NACLChanges",
        *_service_terms("ec2", _NACL_EVENTS)),
    MetricControl(
        "network_gateway_changes", "4.12", "network gateway changes", "NetworkGatewayChanges",
        *_service_terms("ec2", _GATEWAY_EVENTS)),
    MetricControl(
        "route_table_changes", "4.13", "route table changes", "RouteTableChanges",
        *_service_terms("ec2", _ROUTE_EVENTS)),
    MetricControl(
        "vpc_changes", "4.14", "VPC changes", "VPCChanges",
        *_service_terms("ec2", _VPC_EVENTS)),
    MetricControl(
        "organizations_changes", "4.15", "AWS Organizations changes", "OrganizationsChanges",
        *_service_terms("organizations", _ORG_EVENTS)),
)

METRIC_CONTROLS: Mapping[str, MetricControl] = {c.key: c for c in _CONTROLS}


# --- the monitoring chain ---------------------------------------------------------------------

def _fail(step: str, expected: str, message: str, *evidence: Evidence) -> CheckResult:
    return CheckResult.failed(message, Evidence("monitoring.failed_step", step, expected),
                              *evidence)


def check_metric_alarm(account: Asset, ctx: CheckContext, key: str) -> CheckResult:
    """CIS Monitoring chain for one control: a multi-region, logging trail with all management
    events delivers to a log group; a metric filter there covers the control's pattern; an
    alarm watches the filter's metric; an enabled alarm action is an SNS topic with at least
    one subscription. The failure names the first step that broke."""
    control = METRIC_CONTROLS[key]
    trails, arns, groups = _trails_and_groups(account, ctx)
    if not trails:
        gaps = [f"{t.properties.get('Name')}: {', '.join(trail_gaps(t.properties))}"
                for t in ctx.same_account(account, TRAIL)]
        return _fail("trail", "a multi-region, logging trail with all management events that "
                     "delivers to CloudWatch Logs",
                     "no multi-region, logging trail with all management events delivers to "
                     "CloudWatch Logs, so nothing can alert on " + control.summary
                     + (f" ({'; '.join(gaps)})" if gaps else " (no trails)"),
                     Evidence("aws.cloudtrail.trail", gaps, "CloudWatchLogsLogGroupArn set"))
    if not groups:
        return _fail("log_group", "the trail's log group in the inventory",
                     "the CloudTrail log group was not collected: " + ", ".join(arns),
                     Evidence("trail.CloudWatchLogsLogGroupArn", list(arns),
                              "a collected log group"))

    matching: list[tuple[Asset, Doc]] = []
    closest: list[str] = []
    for group in groups:
        for mf in group.properties.get("MetricFilters") or []:
            lacking = missing_terms(mf.get("filterPattern"), control)
            if not lacking:
                matching.append((group, mf))
            else:
                closest.append(f"{mf.get('filterName')}: lacks {'; '.join(lacking)}")
    group_names = [g.properties.get("logGroupName") for g in groups]
    if not matching:
        return _fail("metric_filter", f"a metric filter for {control.summary}",
                     f"no metric filter in {', '.join(map(str, group_names))} matches "
                     f"{control.summary}",
                     Evidence("log_group.MetricFilters", closest, control.pattern))

    metrics = {(mt.get("metricName"), mt.get("metricNamespace"), g.ref.account, g.ref.region)
               for g, mf in matching for mt in mf.get("metricTransformations") or []}
    alarms = [a for acct in sorted({m[2] for m in metrics})
              for a in ctx.inventory.in_account(ALARM, acct)
              if (a.properties.get("MetricName"), a.properties.get("Namespace"),
                  a.ref.account, a.ref.region) in metrics]
    metric_names = sorted(f"{m[1]}/{m[0]}" for m in metrics)
    if not alarms:
        return _fail("alarm", "a CloudWatch alarm on the filter's metric",
                     f"the metric filter for {control.summary} exists, but no alarm watches "
                     f"{', '.join(metric_names)}",
                     Evidence("aws.cloudwatch.alarm", [], f"an alarm on {metric_names}"))

    def topic_of(action: str) -> Asset | None:
        found = ctx.inventory.find_by(TOPIC, "TopicArn", action)
        return found[0] if found else None

    seen: list[str] = []
    for alarm in alarms:
        doc = alarm.properties
        if doc.get("ActionsEnabled") is False:
            seen.append(f"{doc.get('AlarmName')}: actions disabled")
            continue
        for action in doc.get("AlarmActions") or []:
            topic = topic_of(str(action))
            if topic is None:
                seen.append(f"{doc.get('AlarmName')}: {action} is not a collected SNS topic")
            elif not topic.properties.get("Subscriptions"):
                seen.append(f"{doc.get('AlarmName')}: {action} has no subscription")
            else:
                return CheckResult.passed(
                    f"alarm {doc.get('AlarmName')} notifies {action} on {control.summary}",
                    Evidence("trail.CloudWatchLogsLogGroupArn", list(arns)),
                    Evidence("alarm.MetricName", doc.get("MetricName")),
                    Evidence("topic.Subscriptions", len(topic.properties["Subscriptions"]),
                             "at least one subscription"))
        if not doc.get("AlarmActions"):
            seen.append(f"{doc.get('AlarmName')}: no alarm actions")
    return _fail("subscriber", "an alarm action that is an SNS topic with a subscription",
                 f"alarms on {', '.join(metric_names)} notify nobody: " + "; ".join(seen),
                 Evidence("alarm.AlarmActions", seen, "an SNS topic with a subscription"))


_Chain = tuple[list[Asset], list[str], Sequence[Asset]]

#: the last account whose trails and log groups were looked up, with the inventory asked and
#: the answer. The engine runs the fifteen alarm rules of one account one after the other, so
#: they share one walk over the account's trails and log groups. Identity, with a strong
#: reference to the document and a weak one to the inventory, keeps the memo exact;
#: documents and inventory are read-only during an assessment.
_last_chain: tuple[Any, weakref.ref[Any], _Chain] | None = None


def _trails_and_groups(account: Asset, ctx: CheckContext) -> _Chain:
    """The account's multi-region, logging trails that deliver to CloudWatch Logs, the log
    group ARNs they name and the collected log groups those are."""
    global _last_chain
    last = _last_chain
    doc, inventory = account.properties, ctx.inventory
    if last is not None and last[0] is doc and last[1]() is inventory:
        return last[2]
    trails = [t for t in ctx.same_account(account, TRAIL)
              if is_logging_multi_region(t.properties)
              and t.properties.get("CloudWatchLogsLogGroupArn")]
    arns = [str(t.properties["CloudWatchLogsLogGroupArn"]) for t in trails]
    groups = _unique(g for arn in arns if (g := find_log_group(ctx, arn)) is not None)
    chain = (trails, arns, groups)
    try:  # the inventory by weak reference: the memo must not keep a whole scan alive
        _last_chain = (doc, weakref.ref(inventory), chain)
    except TypeError:  # an inventory type without weak references: no memo
        _last_chain = None
    return chain


def _unique(assets: Iterable[Asset]) -> Sequence[Asset]:
    out: dict[str, Asset] = {}
    for a in assets:
        out.setdefault(a.ref.key, a)
    return list(out.values())


# --- shared rule bodies -----------------------------------------------------------------------


def check_s3_object_events(account: Asset, ctx: CheckContext,
                           kind: Literal["read", "write"]) -> CheckResult:
    """CIS 3.8 (`kind` write) and 3.9 (`kind` read): a multi-region, logging trail records
    S3 object-level `kind` events for all buckets."""
    trails = ctx.same_account(account, TRAIL)
    for trail in trails:
        doc = trail.properties
        if is_multi_region_and_logging(doc) and s3_object_events_logged(doc, kind):
            return CheckResult.passed(
                f"trail {doc.get('Name')} records S3 object {kind} events for all buckets",
                Evidence(f"trail:{doc.get('TrailARN')}.EventSelectors",
                         doc.get("AdvancedEventSelectors") or doc.get("EventSelectors")))
    seen = [f"{t.properties.get('Name')}: "
            + ("multi-region and logging" if is_multi_region_and_logging(t.properties)
               else "not a logging multi-region trail")
            + ("" if s3_object_events_logged(t.properties, kind)
               else f", no S3 object {kind} data events for all buckets")
            for t in trails]
    return CheckResult.failed(
        f"no multi-region, logging trail records S3 object-level {kind} events for all buckets"
        + (f" ({'; '.join(seen)})" if seen else " (no trails)"),
        Evidence("aws.cloudtrail.trail", seen,
                 f"a multi-region, logging trail with AWS::S3::Object {kind} data events"))


def trail_log_group(trail: Asset, ctx: CheckContext) -> Asset | CheckResult:
    """The collected log group a trail delivers to, or the not-applicable result saying why
    there is none to judge."""
    arn = trail.properties.get("CloudWatchLogsLogGroupArn")
    if not arn:
        return CheckResult.not_applicable(
            f"trail {trail.properties.get('Name')} does not deliver to CloudWatch Logs",
            Evidence("CloudWatchLogsLogGroupArn", arn))
    group = find_log_group(ctx, str(arn))
    if group is None:
        return CheckResult.not_applicable(
            f"log group {arn} is not in the inventory",
            Evidence("CloudWatchLogsLogGroupArn", arn, "a collected log group"))
    return group
