"""The Pod Security Standards framework: every control of both profiles, each mapped to
workload rules of the catalog."""

from __future__ import annotations

from cloudwarden.frameworks import load_frameworks
from cloudwarden.service.scan import load_catalog

CATALOG = {s.id: s for s in load_catalog()}
PSS = {f.id: f for f in load_frameworks(known_rules=CATALOG)}["kubernetes-pss"]

BASELINE = ["host_process", "host_namespaces", "privileged_containers", "capabilities",
            "hostpath_volumes", "host_ports", "apparmor", "selinux", "proc_mount", "seccomp",
            "sysctls"]
RESTRICTED = ["volume_types", "privilege_escalation", "running_as_non_root",
              "running_as_non_root_user", "seccomp", "capabilities"]


def test_every_control_of_both_profiles_is_listed_in_order() -> None:
    assert [c.id for c in PSS.controls] == ([f"baseline.{c}" for c in BASELINE]
                                            + [f"restricted.{c}" for c in RESTRICTED])
    assert {c.section for c in PSS.controls} == {"Baseline", "Restricted"}
    assert PSS.provider == "kubernetes"


def test_every_control_is_automated_by_workload_rules() -> None:
    for control in PSS.controls:
        assert control.automated, control.id
        for rule in control.rules:
            assert CATALOG[rule].meta.asset_type == "kubernetes.workload", rule


def test_no_rule_serves_two_controls() -> None:
    rules = [r for c in PSS.controls for r in c.rules]
    assert len(rules) == len(set(rules))
