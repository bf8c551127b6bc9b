"""The built-in frameworks: they load, every rule they name exists, CIS 3.0 and MCSB v1 are
complete, and the other standards list the controls we promise."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.frameworks import (
    Framework,
    FrameworkLoadError,
    load_frameworks,
    rules_to_controls,
)
from cloudwarden.service.scan import load_catalog

CATALOG = {spec.id for spec in load_catalog()}
FRAMEWORKS = {f.id: f for f in load_frameworks()}
CIS = "cis-aws-foundations-3.0"
FSBP = "aws-fsbp"
PCI = "pci-dss-4.0"
MCSB = "mcsb-v1"
NIST = "nist-800-53-r5"
ISO = "iso-27001-2022"
ALL = [CIS, FSBP, PCI, MCSB, NIST, ISO]

CIS_3_0_IDS = [
    *(f"1.{n}" for n in range(1, 23)),
    "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.3.1", "2.3.2", "2.3.3", "2.4.1",
    *(f"3.{n}" for n in range(1, 10)),
    *(f"4.{n}" for n in range(1, 17)),
    *(f"5.{n}" for n in range(1, 7)),
]
CIS_MANUAL = {"1.1", "1.3", "1.18", "1.21", "2.1.3", "5.5"}
CIS_UNSUPPORTED: set[str] = set()  # every automatable CIS 3.0 control now has a rule

# What the rule authors said each rule implements in CIS 3.0.
CIS_BY_RULE = {
    "aws.accessanalyzer.enabled": "1.20",
    "aws.rds.instance_storage_encrypted": "2.3.1",
    "aws.rds.instance_auto_minor_version_upgrade": "2.3.2",
    "aws.rds.instance_not_publicly_accessible": "2.3.3",
    "aws.efs.file_system_encrypted": "2.4.1",
    "aws.securityhub.enabled": "4.16",
    "aws.account.security_contact_registered": "1.2",
    "aws.iam.root_no_access_keys": "1.4",
    "aws.iam.root_mfa_enabled": "1.5",
    "aws.iam.root_hardware_mfa_enabled": "1.6",
    "aws.iam.root_not_used_recently": "1.7",
    "aws.iam.password_policy_min_length": "1.8",
    "aws.iam.password_policy_reuse_prevention": "1.9",
    "aws.iam.user_console_mfa_enabled": "1.10",
    "aws.iam.user_no_unused_keys_at_setup": "1.11",
    "aws.iam.user_console_password_unused_disabled": "1.12",
    "aws.iam.user_access_keys_unused_disabled": "1.12",
    "aws.iam.user_single_active_access_key": "1.13",
    "aws.iam.user_access_keys_rotated": "1.14",
    "aws.iam.user_no_direct_policies": "1.15",
    "aws.iam.policy_no_full_admin": "1.16",
    "aws.iam.user_inline_policy_no_full_admin": "1.16",
    "aws.iam.role_inline_policy_no_full_admin": "1.16",
    "aws.iam.group_inline_policy_no_full_admin": "1.16",
    "aws.iam.support_role_exists": "1.17",
    "aws.iam.server_certificate_not_expired": "1.19",
    "aws.iam.user_no_cloudshell_full_access": "1.22",
    "aws.iam.role_no_cloudshell_full_access": "1.22",
    "aws.iam.group_no_cloudshell_full_access": "1.22",
    "aws.s3.bucket_secure_transport_required": "2.1.1",
    "aws.s3.bucket_mfa_delete_enabled": "2.1.2",
    "aws.s3.account_public_access_blocked": "2.1.4",
    "aws.s3.bucket_public_access_blocked": "2.1.4",
    "aws.ec2.ebs_default_encryption_enabled": "2.2.1",
    "aws.cloudtrail.multi_region_trail_logging": "3.1",
    "aws.cloudtrail.log_file_validation_enabled": "3.2",
    "aws.config.recorder_enabled_all_resources": "3.3",
    "aws.config.global_resources_recorded": "3.3",
    "aws.cloudtrail.log_bucket_access_logging": "3.4",
    "aws.cloudtrail.kms_encryption_enabled": "3.5",
    "aws.kms.key_rotation_enabled": "3.6",
    "aws.ec2.vpc_flow_logs_enabled": "3.7",
    "aws.cloudtrail.s3_object_write_events_logged": "3.8",
    "aws.cloudtrail.s3_object_read_events_logged": "3.9",
    "aws.cloudwatch.alarm_unauthorized_api_calls": "4.1",
    "aws.cloudwatch.alarm_console_signin_without_mfa": "4.2",
    "aws.cloudwatch.alarm_root_account_usage": "4.3",
    "aws.cloudwatch.alarm_iam_policy_changes": "4.4",
    "aws.cloudwatch.alarm_cloudtrail_config_changes": "4.5",
    "aws.cloudwatch.alarm_console_auth_failures": "4.6",
    "aws.cloudwatch.alarm_cmk_disable_or_deletion": "4.7",
    "aws.cloudwatch.alarm_s3_bucket_policy_changes": "4.8",
    "aws.cloudwatch.alarm_config_changes": "4.9",
    "aws.cloudwatch.alarm_security_group_changes": "4.10",
    "aws.cloudwatch.alarm_nacl_changes": "4.11",
    "aws.cloudwatch.alarm_network_gateway_changes": "4.12",
    "aws.cloudwatch.alarm_route_table_changes": "4.13",
    "aws.cloudwatch.alarm_vpc_changes": "4.14",
    "aws.cloudwatch.alarm_organizations_changes": "4.15",
    "aws.ec2.network_acl_no_admin_ports_from_world": "5.1",
    "aws.ec2.security_group_no_admin_ports_from_ipv4_world": "5.2",
    "aws.ec2.security_group_no_admin_ports_from_ipv6_world": "5.3",
    "aws.ec2.default_security_group_restricts_all_traffic": "5.4",
    "aws.ec2.instance_imdsv2_required": "5.6",
}


def _controls(framework_id: str) -> dict[str, list[str]]:
    return {c.id: list(c.rules) for c in FRAMEWORKS[framework_id].controls}


def test_builtin_frameworks_load() -> None:
    aws = {fid for fid, f in FRAMEWORKS.items() if f.provider == "aws"}
    assert aws == set(ALL)
    for framework in FRAMEWORKS.values():
        assert framework.controls
        assert Path(framework.source).is_file()


@pytest.mark.parametrize("framework_id", ALL)
def test_every_rule_reference_resolves(framework_id: str) -> None:
    named = {r for c in FRAMEWORKS[framework_id].controls for r in c.rules}
    assert sorted(named - CATALOG) == []


def test_loader_checks_rule_ids_against_a_catalog() -> None:
    assert len(load_frameworks(known_rules=CATALOG)) == len(FRAMEWORKS)


@pytest.mark.parametrize("framework_id", ALL)
def test_control_kinds_are_consistent(framework_id: str) -> None:
    for control in FRAMEWORKS[framework_id].controls:
        assert not (control.manual and control.rules), control.id
        assert not (control.unsupported and control.rules), control.id
        assert control.rules or control.manual or control.unsupported, control.id


@pytest.mark.parametrize("framework_id", ALL)
def test_control_ids_unique(framework_id: str) -> None:
    counts = Counter(c.id for c in FRAMEWORKS[framework_id].controls)
    assert [cid for cid, n in counts.items() if n > 1] == []


def test_cis_lists_every_control_of_the_benchmark() -> None:
    assert len(CIS_3_0_IDS) == 62
    assert [c.id for c in FRAMEWORKS[CIS].controls] == CIS_3_0_IDS


def test_cis_manual_and_unsupported_controls() -> None:
    controls = FRAMEWORKS[CIS].controls
    assert {c.id for c in controls if c.manual} == CIS_MANUAL
    assert {c.id for c in controls if c.unsupported} == CIS_UNSUPPORTED


def test_cis_reflects_what_rule_authors_said() -> None:
    controls = _controls(CIS)
    missing = [(rule, cid) for rule, cid in CIS_BY_RULE.items() if rule not in controls[cid]]
    assert missing == []
    # and nothing the authors did not name is mapped into CIS
    mapped = {r for rules in controls.values() for r in rules}
    assert mapped == set(CIS_BY_RULE)


def test_fsbp_holds_no_cis_only_controls() -> None:
    ids = set(_controls(FSBP))
    assert not {i for i in ids if i.startswith("CloudWatch.")}
    assert {"CloudTrail.7", "IAM.15", "IAM.18", "IAM.27"}.isdisjoint(ids)
    assert {"S3.5", "IAM.4", "EC2.8", "CloudTrail.1", "KMS.4", "Config.1"} <= ids


def test_rules_to_controls() -> None:
    mapping = rules_to_controls(FRAMEWORKS.values())
    assert sorted(mapping["aws.kms.key_rotation_enabled"]) == [
        (FSBP, "KMS.4"), (CIS, "3.6"), (ISO, "8.24"), (MCSB, "DP-6"), (NIST, "SC-12"),
        (PCI, "3.7.4")]
    assert (CIS, "1.12") in mapping["aws.iam.user_access_keys_unused_disabled"]
    assert not any(fw == FSBP for fw, _ in mapping["aws.iam.user_access_keys_unused_disabled"])



@pytest.mark.parametrize("framework_id", ALL)
def test_every_control_has_a_title_and_section(framework_id: str) -> None:
    for control in FRAMEWORKS[framework_id].controls:
        assert control.title and control.section, control.id
        assert control.title[0].isupper(), control.id


MCSB_DOMAINS = {"NS": 10, "IM": 9, "PA": 8, "DP": 8, "AM": 5, "LT": 7, "IR": 7, "PV": 7,
                "ES": 3, "BR": 4, "DS": 7, "GS": 10}


def test_mcsb_lists_every_control_of_its_twelve_domains() -> None:
    expected = [f"{domain}-{n}" for domain, count in MCSB_DOMAINS.items()
                for n in range(1, count + 1)]
    assert [c.id for c in FRAMEWORKS[MCSB].controls] == expected
    assert len({c.section for c in FRAMEWORKS[MCSB].controls}) == 12
    governance = [c for c in FRAMEWORKS[MCSB].controls if c.id.startswith("GS-")]
    assert all(c.manual for c in governance)


def test_pci_nist_iso_list_the_controls_we_promise() -> None:
    pci = set(_controls(PCI))
    assert {"1.2.5", "1.3.1", "1.3.2", "1.4.1", "1.4.2", "1.4.4", "2.2.2", "2.2.5", "3.5.1",
            "4.2.1", "7.2.2", "8.2.6", "8.3.6", "8.3.7", "8.4.1", "8.4.2", "10.2.1", "10.3.2",
            "10.4.1.1", "10.5.1", "10.7.2", "11.5.2"} <= pci
    nist = set(_controls(NIST))
    assert {"AC-2", "AC-3", "AC-4", "AC-6", "AC-17", "AU-2", "AU-3", "AU-6", "AU-9", "AU-11",
            "AU-12", "CA-7", "CM-2", "CM-6", "CM-7", "CM-8", "IA-2", "IA-2(1)", "IA-5",
            "IA-5(1)", "SC-7", "SC-8", "SC-12", "SC-13", "SC-28", "SI-4"} <= nist
    iso = _controls(ISO)
    assert {"5.15", "5.16", "5.17", "5.18", "5.23", "8.2", "8.3", "8.5", "8.9", "8.12", "8.15",
            "8.16", "8.20", "8.21", "8.22", "8.24", "8.25"} <= set(iso)
    assert all(cid.split(".")[0] in {"5", "8"} for cid in iso)


def test_new_standards_map_by_meaning() -> None:
    # a handful of anchors a reviewer would check first
    assert set(_controls(PCI)["8.3.6"]) == {"aws.iam.password_policy_min_length",
                                            "aws.iam.password_policy_strong"}
    assert _controls(PCI)["3.7.4"] == ["aws.kms.key_rotation_enabled"]
    assert "aws.iam.root_mfa_enabled" in _controls(NIST)["IA-2(1)"]
    assert _controls(NIST)["AU-11"] == ["aws.cloudtrail.log_group_retention"]
    assert "aws.s3.bucket_secure_transport_required" in _controls(MCSB)["DP-3"]
    assert "aws.ec2.vpc_flow_logs_enabled" in _controls(MCSB)["LT-4"]
    assert "aws.iam.user_no_cloudshell_full_access" in _controls(ISO)["8.18"]
    assert FRAMEWORKS[ISO].controls[0].manual  # 5.1 policies are people's work


GOOD = """\
id: acme-baseline
name: ACME internal baseline
version: "1"
provider: aws
description: What ACME asks of every account.
controls:
  - id: ACME-1
    section: Identity
    title: Root has no access keys
    rules: [aws.iam.root_no_access_keys]
  - id: ACME-2
    section: Process
    title: Someone reviews access every quarter
    manual: true
"""


def test_user_framework_file_loads(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(GOOD)
    frameworks = {f.id: f for f in load_frameworks([tmp_path], known_rules=CATALOG)}
    acme: Framework = frameworks["acme-baseline"]
    assert [c.id for c in acme.controls] == ["ACME-1", "ACME-2"]
    assert acme.controls[0].rules == ("aws.iam.root_no_access_keys",)
    assert acme.controls[1].manual and acme.controls[1].rules == ()
    assert acme.source == str(tmp_path / "acme.yaml")
    assert (("acme-baseline", "ACME-1") in
            rules_to_controls(frameworks.values())["aws.iam.root_no_access_keys"])


def test_a_single_user_file_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "acme.yml"
    path.write_text(GOOD)
    assert "acme-baseline" in {f.id for f in load_frameworks([path])}


def test_every_bad_file_is_reported_with_its_path(tmp_path: Path) -> None:
    bad = {
        "unknown_key.yaml": GOOD.replace("provider: aws", "provider: aws\nowner: me"),
        "dup_control.yaml": GOOD.replace("id: acme-baseline", "id: two").replace(
            "id: ACME-2", "id: ACME-1"),
        "no_title.yaml": GOOD.replace("id: acme-baseline", "id: three").replace(
            "    title: Root has no access keys\n", ""),
        "syntax.yaml": "id: [unclosed\n",
        "manual_with_rules.yaml": GOOD.replace("id: acme-baseline", "id: five").replace(
            "rules: [aws.iam.root_no_access_keys]",
            "rules: [aws.iam.root_no_access_keys]\n    manual: true"),
        "unknown_rule.yaml": GOOD.replace("id: acme-baseline", "id: six").replace(
            "aws.iam.root_no_access_keys", "aws.iam.no_such_rule"),
        "dup_framework.yaml": GOOD.replace("id: acme-baseline", f"id: {CIS}"),
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
    missing = tmp_path / "nowhere"
    with pytest.raises(FrameworkLoadError) as info:
        load_frameworks([tmp_path, missing], known_rules=CATALOG)
    assert isinstance(info.value, CloudwardenError)
    reasons = dict(info.value.problems)
    assert set(reasons) == {str(tmp_path / name) for name in bad} | {str(missing)}
    assert "owner" in reasons[str(tmp_path / "unknown_key.yaml")]
    assert "Extra inputs are not permitted" in reasons[str(tmp_path / "unknown_key.yaml")]
    assert "duplicate control id" in reasons[str(tmp_path / "dup_control.yaml")]
    assert "ACME-1" in reasons[str(tmp_path / "dup_control.yaml")]
    assert "title" in reasons[str(tmp_path / "no_title.yaml")]
    assert "YAML syntax error" in reasons[str(tmp_path / "syntax.yaml")]
    assert "neither manual" in reasons[str(tmp_path / "manual_with_rules.yaml")]
    assert "aws.iam.no_such_rule" in reasons[str(tmp_path / "unknown_rule.yaml")]
    assert "duplicate framework id" in reasons[str(tmp_path / "dup_framework.yaml")]
    assert "does not exist" in reasons[str(missing)]
    assert str(tmp_path / "syntax.yaml") in str(info.value)


def test_unquoted_numeric_control_id_is_rejected(tmp_path: Path) -> None:
    # `id: 1.10` would be read as the float 1.1; insist on quoting.
    (tmp_path / "f.yaml").write_text(GOOD.replace("id: ACME-1", "id: 1.10"))
    with pytest.raises(FrameworkLoadError) as info:
        load_frameworks([tmp_path])
    assert "controls.0.id" in info.value.problems[0][1]


def test_control_without_rules_needs_a_kind(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(GOOD.replace("    manual: true\n", ""))
    with pytest.raises(FrameworkLoadError, match="manual or unsupported"):
        load_frameworks([tmp_path])
