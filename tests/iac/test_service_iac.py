from __future__ import annotations

from pathlib import Path

import pytest
from iac_double import kv_spec, text_spec

from cloudwarden.core.model import Status
from cloudwarden.iac import PARSE_ERROR_RULE, IacLoad
from cloudwarden.iac.discover import AdapterSpec, IacUsageError
from cloudwarden.service.iac import run_iac_scan

RULE = "aws.s3.bucket_versioning_enabled"
REGISTRY = {"kv": kv_spec(), "text": text_spec()}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _versioning(outcome: object) -> dict[str, Status]:
    from cloudwarden.service.iac import IacScanOutcome

    assert isinstance(outcome, IacScanOutcome)
    names = {a.ref.key: a.name for a in outcome.inventory}
    return {names[f.asset.key]: f.status for f in outcome.findings if f.rule_id == RULE}


def test_scan_judges_code_with_the_catalog_and_applies_suppressions(tmp_path: Path) -> None:
    _write(tmp_path, {
        "a.kv": "bucket good {\n  versioning Enabled\n}\n\nbucket bad {\n}\n",
        "b/c.kv": "# cloudwarden:ignore aws.s3.bucket_versioning_enabled scratch space\n"
                  "bucket tmp {\n}\n",
        "notes.txt": "hello\n",
    })
    outcome = run_iac_scan([tmp_path], registry=REGISTRY)
    assert _versioning(outcome) == {"good": Status.PASS, "bad": Status.FAIL,
                                    "tmp": Status.EXEMPT}
    assert outcome.files == {"kv": 2, "text": 3}
    assert outcome.errors == []
    assert len(outcome.inventory) == 3
    assert next(iter(outcome.inventory)).origin == f"{tmp_path / 'a.kv'}:1-3"
    meta = outcome.metadata
    assert meta["provider"] == "iac"
    assert meta["frameworks"] == {"kv": 2, "text": 3}
    assert meta["suppressions"] == {"enabled": True, "found": 1, "applied": 1}
    assert meta["warnings"] == []
    assert {"catalog", "discover", "load.kv", "assess", "suppress"} <= set(outcome.timings)
    assert outcome.scan_id is None


def test_no_inline_suppressions_keeps_failures(tmp_path: Path) -> None:
    _write(tmp_path, {"c.kv": "# cloudwarden:ignore aws.s3.bucket_versioning_enabled ok\n"
                              "bucket tmp {\n}\n"})
    outcome = run_iac_scan([tmp_path], registry=REGISTRY, inline_suppressions=False)
    assert _versioning(outcome) == {"tmp": Status.FAIL}
    assert [w["kind"] for w in outcome.metadata["warnings"]] == ["ignored"]


def test_a_broken_file_is_an_error_finding_and_the_others_are_judged(tmp_path: Path) -> None:
    _write(tmp_path, {"bad.kv": "bucket x {\n  what is this\n}\n",
                      "ok.kv": "bucket fine {\n}\n"})
    (tmp_path / "bin.kv").write_bytes(b"bucket \0\0")
    outcome = run_iac_scan([tmp_path], frameworks=["kv"], registry=REGISTRY)
    assert _versioning(outcome) == {"fine": Status.FAIL}
    errors = sorted((e.path.rsplit("/", 1)[-1], e.line, e.message) for e in outcome.errors)
    assert errors == [("bad.kv", 2, "unexpected 'what is this'"), ("bin.kv", 0, "binary file")]
    parse = [f for f in outcome.findings if f.rule_id == PARSE_ERROR_RULE]
    assert len(parse) == 2
    assert all(f.status is Status.ERROR for f in parse)
    assert any(f"{tmp_path / 'bad.kv'}:2" in f.message for f in parse)
    assert outcome.counts()["error"] == 2


def test_an_adapter_crash_is_an_error_per_file_not_a_lost_scan(tmp_path: Path) -> None:
    class Crashing:
        name = "crash"

        def __init__(self, options: object) -> None:
            pass

        def claims(self, path: Path, head: bytes) -> bool:
            return True

        def load(self, paths: object) -> IacLoad:
            raise KeyError("oops")

    _write(tmp_path, {"x.kv": "bucket x {\n}\n"})
    registry = {**REGISTRY, "crash": AdapterSpec("crash", Crashing, "crashes")}
    outcome = run_iac_scan([tmp_path], frameworks=["kv", "crash"], registry=registry)
    assert _versioning(outcome) == {"x": Status.FAIL}
    (error,) = outcome.errors
    assert error.framework == "crash"
    assert "adapter failed (KeyError)" in error.message


def test_usage_errors_come_before_any_read(tmp_path: Path) -> None:
    with pytest.raises(IacUsageError, match="unknown framework 'helm'"):
        run_iac_scan([tmp_path], frameworks=["helm"], registry=REGISTRY)
    with pytest.raises(IacUsageError, match="no such file"):
        run_iac_scan([tmp_path / "missing"], registry=REGISTRY)


def test_an_empty_tree_is_an_empty_clean_scan(tmp_path: Path) -> None:
    outcome = run_iac_scan([tmp_path], registry=REGISTRY)
    assert outcome.findings == [] and len(outcome.inventory) == 0 and outcome.files == {}


def test_a_scan_with_a_database_is_stored_as_provider_iac(tmp_path: Path) -> None:
    from cloudwarden.store import Store

    _write(tmp_path / "code", {"a.kv": "bucket bad {\n}\n"})
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    first = run_iac_scan([tmp_path / "code"], registry=REGISTRY, db_url=db)
    second = run_iac_scan([tmp_path / "code"], registry=REGISTRY, db_url=db)
    assert first.scan_id and second.scan_id and first.scan_id != second.scan_id
    with Store.open(db) as store:
        latest = store.latest_scan()
        assert latest is not None and latest.id == second.scan_id
        assert latest.provider == "iac" and latest.status == "completed"
        stored = [f for f in store.findings(second.scan_id) if f.rule_id == RULE]
    assert [f.status for f in stored] == [Status.FAIL]
    (again,) = [f for f in second.findings if f.rule_id == RULE]
    (before,) = [f for f in first.findings if f.rule_id == RULE]
    assert again.first_seen == before.first_seen  # the same finding, seen again
