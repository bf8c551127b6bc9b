"""The CloudTrail / CloudWatch monitoring helpers: filter patterns, trail selectors, buckets,
and the trail -> log group -> filter -> alarm -> topic chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks.aws_monitoring import (
    METRIC_CONTROLS,
    Clause,
    bucket_public_reasons,
    check_metric_alarm,
    find_log_group,
    is_logging_multi_region,
    log_group_name,
    missing_terms,
    parse_clauses,
    records_all_management_events,
    s3_object_events_logged,
    trail_gaps,
)
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "111122223333"
GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail-logs"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"


# --- pattern parsing --------------------------------------------------------------------------

def test_parse_normalises_quotes_and_whitespace() -> None:
    a = parse_clauses('{ ($.eventName = "DeleteTrail") }')
    b = parse_clauses("{($.eventName=DeleteTrail)}")
    c = parse_clauses("{ $.eventName   =   'DeleteTrail' }")
    assert a == b == c == [Clause("eventName", "=", "DeleteTrail")]


def test_parse_keeps_spaces_inside_quoted_values_and_keywords() -> None:
    clauses = parse_clauses('{$.errorMessage="Failed  authentication"&&'
                            "$.userIdentity.invokedBy  NOT   EXISTS}")
    assert clauses == [Clause("errorMessage", "=", "Failed authentication"),
                       Clause("userIdentity.invokedBy", "NOT EXISTS")]


def test_parse_of_nothing() -> None:
    assert parse_clauses(None) == []
    assert parse_clauses("ERROR") == []


@pytest.mark.parametrize("key", sorted(METRIC_CONTROLS))
def test_every_recommended_pattern_covers_its_own_control(key: str) -> None:
    control = METRIC_CONTROLS[key]
    assert missing_terms(control.pattern, control) == []


@pytest.mark.parametrize("key", sorted(METRIC_CONTROLS))
def test_an_unrelated_pattern_covers_no_control(key: str) -> None:
    assert missing_terms('{ $.eventName = "GetObject" }', METRIC_CONTROLS[key])


def test_missing_terms_name_what_is_missing() -> None:
    control = METRIC_CONTROLS["cloudtrail_config_changes"]
    pattern = "{($.eventName=CreateTrail)||($.eventName=UpdateTrail)||($.eventName=DeleteTrail)}"
    assert missing_terms(pattern, control) == ["$.eventName = StartLogging",
                                               "$.eventName = StopLogging"]


def test_negated_term_does_not_count_as_the_term() -> None:
    control = METRIC_CONTROLS["cmk_disable_or_deletion"]
    pattern = "{($.eventName != DisableKey) || ($.eventName = ScheduleKeyDeletion)}"
    assert missing_terms(pattern, control) == ["$.eventName = DisableKey"]


def test_longer_event_name_is_not_the_event() -> None:
    control = METRIC_CONTROLS["cmk_disable_or_deletion"]
    pattern = "{($.eventName = DisableKeyRotation) || ($.eventName = ScheduleKeyDeletion)}"
    assert missing_terms(pattern, control) == ["$.eventName = DisableKey"]


def test_wildcard_value_covers_the_events_it_matches() -> None:
    control = METRIC_CONTROLS["cloudtrail_config_changes"]
    pattern = ("{ ($.eventName = *Trail) || ($.eventName = StartLogging) "
               "|| ($.eventName = StopLogging) }")
    assert missing_terms(pattern, control) == []


def test_required_wildcard_needs_an_equal_or_wider_wildcard() -> None:
    control = METRIC_CONTROLS["unauthorized_api_calls"]
    narrow = '{ ($.errorCode = "UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    wide = '{ ($.errorCode = "*Unauthorized*") || ($.errorCode = "AccessDenied*") }'
    assert missing_terms(narrow, control) == ["$.errorCode = *UnauthorizedOperation"]
    assert missing_terms(wide, control) == []


def test_noise_exclusions_are_optional() -> None:
    control = METRIC_CONTROLS["root_account_usage"]
    assert missing_terms('{ $.userIdentity.type = "Root" }', control) == []


def test_equivalent_forms_are_accepted() -> None:
    mfa = METRIC_CONTROLS["console_signin_without_mfa"]
    failures = METRIC_CONTROLS["console_auth_failures"]
    assert missing_terms('{($.eventName="ConsoleLogin")&&($.additionalEventData.MFAUsed="No")}',
                         mfa) == []
    assert missing_terms("{ ($.eventName = ConsoleLogin) && "
                         "($.responseElements.ConsoleLogin = Failure) }", failures) == []


def test_event_source_qualifier_is_optional_but_must_not_point_elsewhere() -> None:
    control = METRIC_CONTROLS["cmk_disable_or_deletion"]
    bare = "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }"
    other = ("{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DisableKey) "
             "|| ($.eventName = ScheduleKeyDeletion)) }")
    assert missing_terms(bare, control) == []
    assert missing_terms(other, control) == ["$.eventSource = kms.amazonaws.com"]


def test_controls_are_the_cis_monitoring_section() -> None:
    assert sorted(c.cis for c in METRIC_CONTROLS.values()) == sorted(
        f"4.{i}" for i in range(1, 16))


# --- trails -----------------------------------------------------------------------------------

def _trail(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"Name": "t", "TrailARN": "arn:t", "IsMultiRegionTrail": True,
                           "Status": {"IsLogging": True},
                           "CloudWatchLogsLogGroupArn": GROUP_ARN + ":*"}
    doc.update(extra)
    return doc


def test_management_events_default_and_selectors() -> None:
    assert records_all_management_events({})
    assert records_all_management_events({"EventSelectors": [], "AdvancedEventSelectors": []})
    assert records_all_management_events({"EventSelectors": [{"ReadWriteType": "All"}]})
    assert not records_all_management_events(
        {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]})
    assert not records_all_management_events({"EventSelectors": [{"ReadWriteType": "ReadOnly"}]})
    mgmt = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
    read_only = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                    {"Field": "readOnly", "Equals": ["true"]}]}
    assert records_all_management_events({"AdvancedEventSelectors": [mgmt]})
    assert not records_all_management_events({"AdvancedEventSelectors": [read_only]})


def test_trail_gaps() -> None:
    assert trail_gaps(_trail()) == []
    assert is_logging_multi_region(_trail())
    assert trail_gaps(_trail(IsMultiRegionTrail=False, Status=None,
                             CloudWatchLogsLogGroupArn=None)) == [
        "not multi-region", "not logging", "no CloudWatch Logs group"]


@pytest.mark.parametrize("value", ["arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3:::"])
def test_basic_selector_for_all_buckets(value: str) -> None:
    trail = {"EventSelectors": [{"ReadWriteType": "WriteOnly", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": [value]}]}]}
    assert s3_object_events_logged(trail, "write")
    assert not s3_object_events_logged(trail, "read")


def test_basic_selector_for_one_bucket_does_not_count() -> None:
    trail = {"EventSelectors": [{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::one-bucket/"]}]}]}
    assert not s3_object_events_logged(trail, "write")


def _advanced(*extra: dict[str, Any]) -> dict[str, Any]:
    return {"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, *extra]}]}


def test_advanced_selectors() -> None:
    assert s3_object_events_logged(_advanced(), "read")
    assert s3_object_events_logged(_advanced(), "write")
    writes = _advanced({"Field": "readOnly", "Equals": ["false"]})
    assert s3_object_events_logged(writes, "write")
    assert not s3_object_events_logged(writes, "read")
    not_reads = _advanced({"Field": "readOnly", "NotEquals": ["true"]})
    assert s3_object_events_logged(not_reads, "write")
    assert not s3_object_events_logged(not_reads, "read")
    one_bucket = _advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/"]})
    assert not s3_object_events_logged(one_bucket, "write")


def test_log_group_name() -> None:
    assert log_group_name(GROUP_ARN + ":*") == "trail-logs"
    assert log_group_name("arn:aws:s3:::bucket") is None
    assert log_group_name(None) is None


# --- buckets ----------------------------------------------------------------------------------

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_public_acl_and_policy() -> None:
    bucket = {"Acl": {"Grants": [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                  "Permission": "READ"}]},
              "Policy": {"Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*",
                                        "Action": "s3:GetObject"}]}}
    assert bucket_public_reasons(bucket) == ["ACL grants READ to AllUsers",
                                             "policy statement open allows Principal *"]


def test_public_access_block_neutralises() -> None:
    bucket = {"Acl": {"Grants": [{"Grantee": {"URI": ALL_USERS}, "Permission": "READ"}]},
              "Policy": {"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}}},
              "PublicAccessBlock": {"IgnorePublicAcls": True}}
    assert bucket_public_reasons(bucket) == ["policy statement 0 allows Principal *"]
    assert bucket_public_reasons(bucket, {"RestrictPublicBuckets": True}) == []


def test_service_principal_and_conditional_statements_are_not_public() -> None:
    bucket = {"Policy": '{"Statement": [{"Effect": "Allow", "Principal": '
                        '{"Service": "cloudtrail.amazonaws.com"}}, {"Effect": "Allow", '
                        '"Principal": "*", "Condition": {"StringEquals": '
                        '{"aws:PrincipalOrgID": "o-1"}}}]}'}
    assert bucket_public_reasons(bucket) == []


# --- the chain --------------------------------------------------------------------------------

def _asset(asset_type: str, props: dict[str, Any], *, account: str = ACCOUNT,
           region: str = "us-east-1", name: str = "x") -> Asset:
    return Asset(AssetRef("aws", account, region, asset_type, f"{asset_type}:{name}"), name,
                 props)


def _inventory(pattern: str, *, alarm_region: str = "us-east-1",
               subscriptions: int = 1) -> tuple[Asset, Inventory]:
    account = _asset("aws.account", {"AccountId": ACCOUNT})
    assets = [
        account,
        _asset("aws.cloudtrail.trail", _trail()),
        _asset("aws.logs.log_group", {"logGroupName": "trail-logs", "Arn": GROUP_ARN,
                                      "MetricFilters": [{
                                          "filterName": "f", "filterPattern": pattern,
                                          "metricTransformations": [
                                              {"metricName": "M", "metricNamespace": "N"}]}]}),
        _asset("aws.cloudwatch.alarm", {"AlarmName": "a", "MetricName": "M", "Namespace": "N",
                                        "AlarmActions": [TOPIC]}, region=alarm_region),
        _asset("aws.sns.topic", {"TopicArn": TOPIC,
                                 "Subscriptions": [{"Protocol": "email"}] * subscriptions}),
    ]
    return account, Inventory(assets)


def _ctx(inventory: Inventory) -> CheckContext:
    return CheckContext(inventory, datetime(2026, 11, 1, tzinfo=UTC))


def test_chain_passes() -> None:
    account, inv = _inventory(METRIC_CONTROLS["root_account_usage"].pattern)
    result = check_metric_alarm(account, _ctx(inv), "root_account_usage")
    assert result.status is Status.PASS, result.message


def test_alarm_in_another_region_does_not_watch_the_metric() -> None:
    account, inv = _inventory(METRIC_CONTROLS["root_account_usage"].pattern,
                              alarm_region="eu-west-1")
    result = check_metric_alarm(account, _ctx(inv), "root_account_usage")
    assert result.status is Status.FAIL
    assert result.evidence[0].value == "alarm"


def test_topic_without_subscription_fails_at_the_last_step() -> None:
    account, inv = _inventory(METRIC_CONTROLS["root_account_usage"].pattern, subscriptions=0)
    result = check_metric_alarm(account, _ctx(inv), "root_account_usage")
    assert result.status is Status.FAIL
    assert result.evidence[0].value == "subscriber"


def test_wrong_filter_fails_at_the_filter_step() -> None:
    account, inv = _inventory(METRIC_CONTROLS["root_account_usage"].pattern)
    result = check_metric_alarm(account, _ctx(inv), "vpc_changes")
    assert result.status is Status.FAIL
    assert result.evidence[0].value == "metric_filter"
    assert "lacks $.eventName = CreateVpc" in result.evidence[1].value[0]


def test_log_group_found_by_name_and_region_when_arn_differs() -> None:
    group = _asset("aws.logs.log_group", {"logGroupName": "trail-logs", "Arn": "other"})
    assert find_log_group(_ctx(Inventory([group])), GROUP_ARN + ":*") is group
    elsewhere = _asset("aws.logs.log_group", {"logGroupName": "trail-logs", "Arn": "other"},
                       region="eu-west-1")
    assert find_log_group(_ctx(Inventory([elsewhere])), GROUP_ARN + ":*") is None
