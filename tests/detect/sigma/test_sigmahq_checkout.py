"""`--sigma-rules` pointed at a whole SigmaHQ checkout: rules of every product side by side with
the repository's own YAML (workflows, test configs), deprecated and unsupported folders, and
placeholder rules. The rule texts here are ours, written in SigmaHQ's layout and style."""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path

from cloudwarden.detect.sigma import check
from cloudwarden.service.detect import run_detection


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"checkout/{name}"))


def rule(name: str, logsource: str, detection: str, *, status: str = "test",
         tags: str = "attack.defense-evasion") -> str:
    head = [
        f"title: {name.replace('_', ' ').title()}",
        f"id: {uid(name)}",
        f"status: {status}",
        f"description: Detects {name.replace('_', ' ')}.",
        "references:",
        f"    - https://example.org/{name}",
        "author: Cloudwarden tests",
        "date: 2024-01-01",
        "tags:",
        f"    - {tags}",
        "logsource:",
        textwrap.indent(logsource, "    "),
        "detection:",
        textwrap.indent(detection, "    "),
        "falsepositives:",
        "    - Unknown",
        "level: high",
    ]
    return "\n".join(head) + "\n"


CHECKOUT = {
    ".github/workflows/sigma-validation.yml": "name: Validate\non: [push]\njobs:\n"
    "  validate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    "tests/logsource.yml": "logsources:\n  windows:\n    product: windows\n",
    "tests/thor.yml": "title: THOR config\nfieldmappings:\n  Image: NewProcessName\n",
    "rules/cloud/aws/cloudtrail/aws_cloudtrail_stop_logging.yml": rule(
        "aws_cloudtrail_stop_logging", "product: aws\nservice: cloudtrail",
        "selection:\n    eventSource: cloudtrail.amazonaws.com\n    eventName:\n"
        "        - StopLogging\n        - DeleteTrail\ncondition: selection",
        tags="attack.t1562.008"),
    "rules/cloud/aws/cloudtrail/aws_iam_backdoor_user.yml": rule(
        "aws_iam_backdoor_user", "product: aws\nservice: cloudtrail",
        "selection_source:\n    eventSource: iam.amazonaws.com\n"
        "selection_events:\n    eventName|startswith: 'CreateLogin'\n"
        "filter_main_console:\n    userIdentity.type: 'Root'\n"
        "condition: all of selection_* and not 1 of filter_main_*",
        tags="attack.persistence"),
    "rules/cloud/kubernetes/audit/kubernetes_audit_exec_into_container.yml": rule(
        "kubernetes_audit_exec_into_container",
        "product: kubernetes\nservice: audit",
        "selection:\n    verb: 'create'\n    objectRef.resource: 'pods'\n"
        "    objectRef.subresource: 'exec'\ncondition: selection", tags="attack.t1609"),
    "rules/linux/process_creation/proc_creation_lnx_base64_shebang.yml": rule(
        "proc_creation_lnx_base64_decode", "product: linux\ncategory: process_creation",
        "selection:\n    Image|endswith: '/base64'\n    CommandLine|contains: ' -d'\n"
        "condition: selection"),
    "rules/windows/process_creation/proc_creation_win_whoami_all.yml": rule(
        "proc_creation_win_whoami_all", "category: process_creation\nproduct: windows",
        "selection:\n    Image|endswith: '\\\\whoami.exe'\n    CommandLine|contains|windash: "
        "'/all'\ncondition: selection"),
    "rules-threat-hunting/cloud/aws/aws_console_login_any.yml": rule(
        "aws_console_login_any", "product: aws\nservice: cloudtrail",
        "selection:\n    eventName: ConsoleLogin\ncondition: selection", tags="attack.t1078"),
    "rules-placeholder/windows/proc_creation_win_admin_tools.yml": rule(
        "proc_creation_win_admin_tools", "category: process_creation\nproduct: windows",
        "selection:\n    Image|expand: '%AdminTools%'\ncondition: selection"),
    "deprecated/cloud/aws_old_rule.yml": rule(
        "aws_old_rule", "product: aws\nservice: cloudtrail",
        "selection:\n    eventName: StopLogging\ncondition: selection", status="deprecated"),
    "unsupported/linux/lnx_needs_aggregation.yml": rule(
        "lnx_needs_aggregation", "product: linux\nservice: auth",
        "selection:\n    - 'Failed password'\ncondition: selection | count() > 10",
        status="unsupported"),
}


def checkout(root: Path) -> Path:
    for name, text in CHECKOUT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_whole_checkout_loads_without_errors(tmp_path: Path) -> None:
    report = check(checkout(tmp_path / "sigma"))
    assert report.errors == (), [str(e) for e in report.errors]
    loaded = set(report.loaded)
    for name in ("aws_cloudtrail_stop_logging", "aws_iam_backdoor_user",
                 "kubernetes_audit_exec_into_container", "proc_creation_lnx_base64_decode",
                 "aws_console_login_any"):
        assert uid(name) in loaded, name
    unsupported = {p.rule for p in report.unsupported}
    assert uid("proc_creation_win_whoami_all") in unsupported  # no Windows logs here
    skipped = {Path(p.path).name: p.reason for p in report.skipped}
    assert skipped["aws_old_rule.yml"] == "status deprecated"
    assert skipped["lnx_needs_aggregation.yml"] == "status unsupported"
    assert skipped["thor.yml"] == skipped["logsource.yml"] == "not a Sigma rule"
    assert "sigma-validation.yml" not in skipped  # hidden directories are not read


def test_detection_runs_the_checkouts_rules(tmp_path: Path) -> None:
    records = [{"eventVersion": "1.09", "eventTime": "2024-06-01T10:00:00Z",
                "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
                "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.66",
                "userIdentity": {"type": "IAMUser", "userName": "mallory",
                                 "arn": "arn:aws:iam::111122223333:user/mallory",
                                 "accountId": "111122223333"},
                "requestParameters": {"name": "org-trail"}, "eventID": "e1",
                "recipientAccountId": "111122223333"}]
    log = tmp_path / "trail.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in records))
    outcome = run_detection([log], sigma_dirs=[checkout(tmp_path / "sigma")],
                            state_dir=tmp_path / "state", anomalies=False)
    [alert] = [a for a in outcome.alerts if a.title == "Aws Cloudtrail Stop Logging"]
    assert alert.technique == "T1562.008"
    assert alert.severity.label == "high"
    assert not [p for p in outcome.sigma_problems if "not a Sigma rule" in p.reason]
