"""Alerts link to the inventory assets their resources name, by ARN or by bare identifier."""

from __future__ import annotations

from datetime import UTC, datetime

from cloudwarden.core.events import Alert, Event
from cloudwarden.core.model import Asset, AssetRef, Severity
from cloudwarden.detect.link import MAX_CANDIDATES, ResourceIndex, link_alerts

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def asset(account: str, type_: str, arn: str, name: str) -> Asset:
    return Asset(AssetRef("aws", account, "us-east-1", type_, arn), name, {})


BUCKET = asset("111", "aws.s3.bucket", "arn:aws:s3:::logs", "logs")
USER = asset("111", "aws.iam.user", "arn:aws:iam::111:user/deploy", "deploy")
ROLE_ELSEWHERE = asset("222", "aws.iam.role", "arn:aws:iam::222:role/deploy", "deploy")
INSTANCE = asset("111", "aws.ec2.instance", "arn:aws:ec2:us-east-1:111:instance/i-0abc",
                 "i-0abc")
INDEX = ResourceIndex([BUCKET, USER, ROLE_ELSEWHERE, INSTANCE])


def alert(*resources: str, account: str = "111") -> Alert:
    evidence = (Event(time=T0, source="aws.cloudtrail", action="x", account=account),)
    return Alert("a1", "t", "T", Severity.HIGH, "d", T0, T0, resources=resources,
                 evidence=evidence)


def test_an_arn_links_exactly() -> None:
    [linked] = link_alerts([alert("arn:aws:s3:::logs")], INDEX)
    assert linked.assets == (BUCKET.ref.key,)


def test_bare_identifiers_link_by_name_and_arn_tail() -> None:
    [linked] = link_alerts([alert("logs", "i-0abc")], INDEX)
    assert linked.assets == (BUCKET.ref.key, INSTANCE.ref.key)


def test_a_shared_name_is_narrowed_to_the_evidence_account() -> None:
    [here] = link_alerts([alert("deploy", account="111")], INDEX)
    assert here.assets == (USER.ref.key,)
    [there] = link_alerts([alert("deploy", account="222")], INDEX)
    assert there.assets == (ROLE_ELSEWHERE.ref.key,)
    # no account to narrow by: every candidate, never one guessed
    [unknown] = link_alerts([alert("deploy", account="")], INDEX)
    assert set(unknown.assets) == {USER.ref.key, ROLE_ELSEWHERE.ref.key}


def test_unknown_and_too_common_names_link_nothing() -> None:
    common = ResourceIndex([asset(str(i), "aws.iam.role", f"arn:aws:iam::{i}:role/admin",
                                  "admin") for i in range(MAX_CANDIDATES + 1)])
    [linked] = link_alerts([alert("admin", account="")], common)
    assert linked.assets == ()
    [nothing] = link_alerts([alert("not-in-inventory")], INDEX)
    assert nothing.assets == ()


def test_an_id_that_recurs_across_clusters_is_narrowed_to_the_alerts_cluster() -> None:
    def deployment(cluster: str) -> Asset:
        return Asset(AssetRef("kubernetes", cluster, "default", "kubernetes.workload",
                              "Deployment/default/web"), "web", {})

    prod, dev = deployment("prod-cluster"), deployment("dev-cluster")
    index = ResourceIndex([prod, dev])
    assert index.lookup("Deployment/default/web", frozenset({"prod-cluster"})) == [prod.ref.key]
    assert set(index.lookup("Deployment/default/web")) == {prod.ref.key, dev.ref.key}
