"""Inventory snapshots: round trip, and damaged files lose nothing that was readable."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cloudwarden.core.errors import CollectionError, SnapshotError
from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.inventory.snapshot import Inventory


def _assets(n: int) -> list[Asset]:
    return [
        Asset(
            AssetRef("aws", "111122223333", "eu-west-1", "aws.s3.bucket", f"arn:aws:s3:::b{i}"),
            f"b{i}",
            {"Name": f"b{i}", "Created": datetime(2026, 1, 1, tzinfo=UTC), "Nested": {"x": [1]}},
            {"owner": "sec"},
            "aws:api",
        )
        for i in range(n)
    ]


def test_round_trip(tmp_path: Path) -> None:
    error = CollectionError("aws", "111122223333", "eu-west-1", "s3", "GetBucketPolicy",
                            "AccessDenied")
    inv = Inventory(_assets(5), errors=[error], metadata={"scan_id": "s1"})
    path = tmp_path / "snap.jsonl.gz"
    assert inv.save(path) == 5
    back = Inventory.load(path)
    assert len(back) == 5
    assert back.metadata == {"scan_id": "s1"}
    assert back.errors == [error]
    first = back.of_type("aws.s3.bucket")[0]
    assert first.properties["Created"] == "2026-01-01T00:00:00+00:00"
    assert first.tags == {"owner": "sec"}
    assert first.ref in back
    assert not (tmp_path / "snap.jsonl.gz.partial").exists()


def test_duplicates_are_kept_once() -> None:
    a = _assets(1)[0]
    assert len(Inventory([a, a])) == 1


def test_truncated_snapshot_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl.gz"
    Inventory(_assets(200)).save(path)
    raw = path.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(SnapshotError, match="damaged after line"):
        Inventory.load(cut)
    partial = Inventory.load(cut, strict=False)
    assert 0 < len(partial) < 200
    assert partial.load_problems and "assets were read before it" in partial.load_problems[0]


def test_not_a_snapshot(tmp_path: Path) -> None:
    plain = tmp_path / "x.gz"
    with gzip.open(plain, "wt") as fh:
        fh.write('{"hello": 1}\n')
    with pytest.raises(SnapshotError, match="not a Cloudwarden snapshot"):
        Inventory.load(plain)
    junk = tmp_path / "junk"
    junk.write_bytes(b"not gzip at all")
    with pytest.raises(SnapshotError, match="not a Cloudwarden snapshot"):
        Inventory.load(junk)
    with pytest.raises(SnapshotError, match="does not exist"):
        Inventory.load(tmp_path / "nope")


def test_find_and_types() -> None:
    inv = Inventory(_assets(3))
    assert inv.types() == ["aws.s3.bucket"]
    assert [a.name for a in inv.find("aws.s3.bucket", Name="b1")] == ["b1"]
    assert inv.accounts() == ["111122223333"]


def test_unknown_fields_round_trip_and_old_snapshots_load(tmp_path: Path) -> None:
    partial, complete = _assets(2)
    partial = Asset(partial.ref, partial.name, {**partial.properties, "Policy": None},
                    partial.tags, partial.origin,
                    unknown={"Policy": "GetBucketPolicy: AccessDenied"})
    path = tmp_path / "snap.jsonl.gz"
    Inventory([partial, complete]).save(path)
    with gzip.open(path, "rt") as fh:
        records = fh.read()
    assert records.count('"unknown"') == 1  # omitted where nothing is unknown
    unknown = {a.ref: a.unknown for a in Inventory.load(path)}
    assert unknown == {partial.ref: {"Policy": "GetBucketPolicy: AccessDenied"},
                       complete.ref: {}}
    # a record written before `unknown` existed
    old = complete.to_dict()
    assert "unknown" not in old
    assert Asset.from_dict(old) == complete


def test_find_in_account_and_find_by_are_indexed_and_exact() -> None:
    def sg(account: str, name: str, vpc: str) -> Asset:
        return Asset(AssetRef("aws", account, "eu-west-1", "aws.ec2.vpc_endpoint", name), name,
                     {"VpcEndpointId": name, "VpcId": vpc})

    inv = Inventory([sg("111", "e1", "vpc-1"), sg("222", "e2", "vpc-1"),
                     sg("111", "e3", "vpc-2"), sg("111", "e4", "vpc-1")])
    assert [a.name for a in inv.find_in_account("aws.ec2.vpc_endpoint", "111", "VpcId",
                                                "vpc-1")] == ["e1", "e4"]
    assert inv.find_in_account("aws.ec2.vpc_endpoint", "333", "VpcId", "vpc-1") == []
    assert inv.find_in_account("aws.ec2.vpc_endpoint", "111", "VpcId", ["x"]) == []
    assert len(inv.find_by("aws.ec2.vpc_endpoint", "VpcId", "vpc-1")) == 3
    inv.add(sg("111", "e5", "vpc-1"))  # a new asset invalidates the indexes of its type
    assert len(inv.find_in_account("aws.ec2.vpc_endpoint", "111", "VpcId", "vpc-1")) == 3
