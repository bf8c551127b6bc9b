"""A realistic report: several rules, every status and severity, a collector error, an asset
with tags and hostile characters, and remediation templates with placeholders and raw braces."""

from __future__ import annotations

from datetime import UTC, datetime

from cloudwarden.core.model import Asset, AssetRef, Evidence, Finding, Severity, Status
from cloudwarden.core.rule import Remediation, RuleMeta
from cloudwarden.outputs.report import Report

ACCOUNT = "123456789012"
WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
EARLIER = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
HOSTILE_NAME = 'evil-<script>alert("x")</script>&co'


def _rule(
    rule_id: str, title: str, severity: Severity, asset_type: str, remediation: Remediation,
    *, attack: tuple[str, ...] = (), references: tuple[str, ...] = (),
) -> RuleMeta:
    _, service, _ = rule_id.split(".", 2)
    return RuleMeta(
        id=rule_id, title=title, severity=severity, asset_type=asset_type,
        description=f"Checks that {title.lower()}.",
        risk="An attacker could exploit this misconfiguration.",
        remediation=remediation, security_control="Data protection" if service == "s3"
        else "Network security" if service == "ec2" else "Identity management",
        provider="aws", service=service, attack=attack, references=references,
    )


RULES = [
    _rule(
        "aws.s3.bucket_public_access_blocked", "S3 bucket blocks public access", Severity.HIGH,
        "aws.s3.bucket",
        Remediation(
            text="Enable all four Block Public Access settings on bucket {Name}.",
            cli="aws s3api put-public-access-block --bucket {Name} --region {region} "
            "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
            "BlockPublicPolicy=true,RestrictPublicBuckets=true",
            terraform='resource "aws_s3_bucket_public_access_block" "this" {\n'
            '  bucket                  = "{Name}"\n  block_public_acls       = true\n'
            "  restrict_public_buckets = ${var.strict}\n}\n"
            'policy = jsonencode({ "Version": "2012-10-17", "Statement": [] })',
            console="S3 > {Name} > Permissions > Block public access.",
        ),
        attack=("T1530",),
        references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
                    "javascript:alert(1)"),
    ),
    _rule(
        "aws.ec2.security_group_no_open_ssh", "Security group allows no SSH from the internet",
        Severity.CRITICAL, "aws.ec2.security_group",
        Remediation(
            text="Remove the 0.0.0.0/0 rule on port 22.",
            cli="aws ec2 revoke-security-group-ingress --group-id {GroupId} --protocol tcp "
            "--port 22 --cidr 0.0.0.0/0 --region {region}",
            terraform='resource "aws_vpc_security_group_ingress_rule" "{GroupId}" { }',
        ),
        attack=("T1190", "T1078.004"),
    ),
    _rule(
        "aws.iam.root_mfa_enabled", "Root user has MFA", Severity.CRITICAL, "aws.account",
        Remediation(text="Enable MFA for the root user of account {account}."),
    ),
    _rule(
        "aws.iam.password_policy_min_length", "Password policy requires 14 characters",
        Severity.MEDIUM, "aws.account",
        Remediation(text="Set a minimum length of 14.",
                    cli="aws iam update-account-password-policy --minimum-password-length 14"),
    ),
    _rule(
        "aws.ec2.instance_imdsv2_required", "Instance requires IMDSv2", Severity.LOW,
        "aws.ec2.instance",
        Remediation(text="Require session tokens.",
                    cli="aws ec2 modify-instance-metadata-options --instance-id {InstanceId} "
                    "--http-tokens required --unknown {NotAField}"),
    ),
    _rule(
        "aws.ec2.instance_detailed_monitoring", "Instance has detailed monitoring",
        Severity.INFORMATIONAL, "aws.ec2.instance",
        Remediation(text="Enable detailed monitoring."),
    ),
    _rule(
        "aws.kms.key_rotation_enabled", "KMS key rotation is enabled", Severity.MEDIUM,
        "aws.kms.key", Remediation(text="Enable automatic key rotation."),
    ),
]


def _ref(region: str, type_: str, id_: str) -> AssetRef:
    return AssetRef("aws", ACCOUNT, region, type_, id_)


BUCKET_EVIL = _ref("us-east-1", "aws.s3.bucket", "arn:aws:s3:::evil-bucket")
BUCKET_LOGS = _ref("eu-west-1", "aws.s3.bucket", "arn:aws:s3:::acme-logs")
BUCKET_OK = _ref("us-east-1", "aws.s3.bucket", "arn:aws:s3:::acme-private")
SG = _ref("us-east-1", "aws.ec2.security_group",
          f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0123456789abcdef0")
INSTANCE = _ref("us-east-1", "aws.ec2.instance",
                f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc1234def567890")
ROOT = _ref("global", "aws.account", f"arn:aws:iam::{ACCOUNT}:root")
KEY = _ref("us-east-1", "aws.kms.key", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd")
LAMBDA_SCOPE = _ref("ap-south-1", "aws.lambda.function", f"arn:aws:lambda:ap-south-1:{ACCOUNT}:*")

ASSETS = [
    Asset(BUCKET_EVIL, HOSTILE_NAME, {"Name": HOSTILE_NAME, "Versioning": None},
          tags={"env": "prod", "owner": "<b>team</b>", "formula": "=1+1"}, origin="aws:api"),
    Asset(BUCKET_LOGS, "acme-logs", {"Name": "acme-logs", "PublicAccessBlock": None}),
    Asset(BUCKET_OK, "acme-private", {"Name": "acme-private"}),
    Asset(SG, "web-sg", {"GroupId": "sg-0123456789abcdef0", "GroupName": "web-sg",
                         "IpPermissions": [{"FromPort": 22}]}),
    Asset(INSTANCE, "web-1", {"InstanceId": "i-0abc1234def567890", "EbsOptimized": True}),
    Asset(ROOT, ACCOUNT, {"AccountId": ACCOUNT}),
    Asset(KEY, "app-key", {"KeyId": "1234abcd"}),
]


def _f(rule_id: str, ref: AssetRef, status: Status, severity: Severity, message: str,
       evidence: tuple[Evidence, ...] = ()) -> Finding:
    return Finding(rule_id, ref, status, severity, message, evidence,
                   first_seen=EARLIER, last_seen=WHEN)


FINDINGS = [
    _f("aws.s3.bucket_public_access_blocked", BUCKET_EVIL, Status.FAIL, Severity.HIGH,
       "=HYPERLINK(\"http://evil\") public access not blocked [bold]really[/bold]",
       (Evidence("PublicAccessBlock.BlockPublicAcls", False, "true"),)),
    _f("aws.s3.bucket_public_access_blocked", BUCKET_LOGS, Status.FAIL, Severity.HIGH,
       "Bucket acme-logs has no public access block, naïve café",
       (Evidence("PublicAccessBlock", None, "configured"),)),
    _f("aws.s3.bucket_public_access_blocked", BUCKET_OK, Status.PASS, Severity.HIGH,
       "All four settings enabled"),
    _f("aws.ec2.security_group_no_open_ssh", SG, Status.FAIL, Severity.CRITICAL,
       "Port 22 open to 0.0.0.0/0",
       (Evidence("IpPermissions[0].IpRanges[0].CidrIp", "0.0.0.0/0", "not 0.0.0.0/0"),)),
    _f("aws.iam.root_mfa_enabled", ROOT, Status.PASS, Severity.CRITICAL, "Root has MFA"),
    _f("aws.iam.password_policy_min_length", ROOT, Status.FAIL, Severity.MEDIUM,
       "Minimum password length is 8", (Evidence("PasswordPolicy.MinimumPasswordLength", 8,
                                                 ">= 14"),)),
    _f("aws.ec2.instance_imdsv2_required", INSTANCE, Status.FAIL, Severity.LOW,
       "-IMDSv1 is allowed"),
    _f("aws.ec2.instance_detailed_monitoring", INSTANCE, Status.FAIL, Severity.INFORMATIONAL,
       "@detailed monitoring is off"),
    _f("aws.ec2.instance_imdsv2_required", SG, Status.NOT_APPLICABLE, Severity.LOW,
       "not an instance"),
    _f("aws.kms.key_rotation_enabled", KEY, Status.EXEMPT, Severity.MEDIUM,
       "exempted until 2024-12-31: managed by the platform team"),
    _f("aws.kms.key_rotation_enabled", _ref("us-east-1", "aws.kms.key", "arn:aws:kms:x"),
       Status.ERROR, Severity.MEDIUM, "rule raised KeyError: 'KeyRotationEnabled'"),
    Finding("collector.aws.lambda", LAMBDA_SCOPE, Status.ERROR, Severity.INFORMATIONAL,
            "AccessDenied: lambda:ListFunctions <denied>"),
]


def build_report() -> Report:
    return Report(
        findings=FINDINGS,
        rules={r.id: r for r in RULES},
        assets={a.ref.key: a for a in ASSETS},
        generated_at=WHEN,
        scan={"id": "scan-2024-05-01", "provider": "aws", "accounts": [ACCOUNT],
              "regions": ["us-east-1", "eu-west-1", "ap-south-1"],
              "started_at": datetime(2024, 5, 1, 12, 25, tzinfo=UTC),
              "finished_at": datetime(2024, 5, 1, 12, 29, 41, tzinfo=UTC),
              "tool_version": "0.1.0"},
        controls={"aws.s3.bucket_public_access_blocked": [("aws-fsbp", "S3.8")]},
    )
