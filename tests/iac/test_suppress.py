from __future__ import annotations

from pathlib import Path

from cloudwarden.core.model import Asset, Finding, Severity, Status
from cloudwarden.iac import Location, iac_ref
from cloudwarden.iac.suppress import apply_suppressions, parse_suppressions

RULE = "aws.s3.bucket_versioning_enabled"
OTHER = "aws.s3.bucket_default_encryption"

HCL = """\
# cloudwarden:ignore aws.s3.bucket_versioning_enabled logs are write-once in the archive
// a second comment line between the suppression and the block
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket" "data" {
  bucket = "data" # cloudwarden:ignore aws.s3.bucket_default_encryption: encrypted by the app
  /* cloudwarden:ignore aws.s3.bucket_versioning_enabled - replicated nightly */
}

# cloudwarden:ignore aws.s3.bucket_versioning_enabled

resource "aws_s3_bucket" "far" {
  bucket = "far"
}
# cloudwarden:ignore aws.s3.no_such_rule because
# cloudwarden:ignore aws.s3.bucket_default_encryption,aws.s3.bucket_versioning_enabled ok
resource "aws_s3_bucket" "both" {
}
"""


def _asset(path: str, name: str, start: int, end: int) -> Asset:
    ref = iac_ref("aws", "aws.s3.bucket", f"aws_s3_bucket.{name}")
    return Asset(ref, name, {"Name": name}, origin=Location(path, start, end).origin)


def _fail(asset: Asset, rule: str = RULE) -> Finding:
    return Finding(rule, asset.ref, Status.FAIL, Severity.LOW, f"{asset.name} fails {rule}")


def _setup(tmp_path: Path) -> tuple[str, list[Asset]]:
    path = tmp_path / "main.tf"
    path.write_text(HCL, encoding="utf-8")
    p = str(path)
    return p, [_asset(p, "logs", 3, 5), _asset(p, "data", 7, 10), _asset(p, "far", 14, 16),
               _asset(p, "both", 19, 20)]


def _by_name(findings: list[Finding], assets: list[Asset]) -> dict[tuple[str, str], Finding]:
    names = {a.ref: a.name for a in assets}
    return {(names[f.asset], f.rule_id): f for f in findings}


def test_parse_reads_hash_slash_and_block_comments_and_needs_a_reason() -> None:
    sups, problems = parse_suppressions("main.tf", HCL)
    assert [(s.line, s.rule_ids, s.reason) for s in sups] == [
        (1, (RULE,), "logs are write-once in the archive"),
        (8, (OTHER,), "encrypted by the app"),
        (9, (RULE,), "replicated nightly"),
        (17, ("aws.s3.no_such_rule",), "because"),
        (18, (OTHER, RULE), "ok"),
    ]
    assert [(p.line, p.kind) for p in problems] == [(12, "missing_reason")]
    assert "has no reason; not applied" in problems[0].message


def test_marker_must_be_a_comment() -> None:
    text = 'name = "cloudwarden:ignore x y"\nurl = "http://h/#cloudwarden:ignorex y"\n'
    assert parse_suppressions("f", text) == ([], [])


def test_a_comment_without_rule_id_is_malformed() -> None:
    _, problems = parse_suppressions("f.yaml", "# cloudwarden:ignore\nkey: 1\n")
    assert [p.kind for p in problems] == ["malformed"]


def test_suppressions_above_and_inside_a_range_make_findings_exempt(tmp_path: Path) -> None:
    path, assets = _setup(tmp_path)
    findings = [_fail(a) for a in assets] + [_fail(a, OTHER) for a in assets]
    out, report = apply_suppressions(findings, assets, [path], known_rules=[RULE, OTHER])
    got = _by_name(out, assets)
    assert got["logs", RULE].status is Status.EXEMPT
    assert got["logs", RULE].message == ("exempt (inline: logs are write-once in the archive): "
                                         "logs fails aws.s3.bucket_versioning_enabled")
    assert got["data", RULE].status is Status.EXEMPT
    assert got["data", OTHER].status is Status.EXEMPT
    assert got["both", RULE].status is Status.EXEMPT
    assert got["both", OTHER].status is Status.EXEMPT
    # a blank line separates the reason-less comment from `far`, and it had no reason anyway
    assert got["far", RULE].status is Status.FAIL
    assert got["logs", OTHER].status is Status.FAIL
    assert len(out) == len(findings)  # exempt, never dropped
    assert {(s.line, rule) for s, rule, _ in report.applied} == {
        (1, RULE), (8, OTHER), (9, RULE), (18, OTHER), (18, RULE)}
    assert report.found == 6
    kinds = [(p.line, p.kind) for p in report.problems]
    assert kinds == [(12, "missing_reason"), (17, "unmatched")]
    assert "there is no rule 'aws.s3.no_such_rule'" in report.problems[1].message


def test_a_suppression_of_a_passing_rule_is_reported_as_stale(tmp_path: Path) -> None:
    path, assets = _setup(tmp_path)
    logs = assets[0]
    passing = Finding(RULE, logs.ref, Status.PASS, Severity.LOW, "versioned")
    out, report = apply_suppressions([passing], assets[:1], [path], known_rules=[RULE])
    assert out == [passing]
    (problem,) = [p for p in report.problems if p.line == 1]
    assert problem.kind == "unmatched"
    assert f"{RULE} does not fail on logs (remove the stale suppression)" in problem.message


def test_a_suppression_with_no_resource_below_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text("a: 1\n\n# cloudwarden:ignore r.x reason here\n", encoding="utf-8")
    asset = _asset(str(path), "a", 1, 1)
    _, report = apply_suppressions([_fail(asset, "r.x")], [asset], [str(path)])
    (problem,) = report.problems
    assert "no resource at or directly below this line" in problem.message


def test_turned_off_nothing_is_suppressed_and_each_is_reported_ignored(tmp_path: Path) -> None:
    path, assets = _setup(tmp_path)
    findings = [_fail(a) for a in assets]
    out, report = apply_suppressions(findings, assets, [path], enabled=False)
    assert out == findings
    assert report.applied == []
    assert not report.enabled
    assert {p.kind for p in report.problems} == {"ignored"}
    assert len(report.problems) == 5


def test_live_assets_and_unreadable_files_are_left_alone(tmp_path: Path) -> None:
    live = Asset(iac_ref("aws", "aws.s3.bucket", "arn:aws:s3:::b"), "b", {}, origin="aws:api")
    finding = _fail(live)
    binary = tmp_path / "x.tf"
    binary.write_bytes(b"\0\0# cloudwarden:ignore r y")
    out, report = apply_suppressions([finding], [live], [str(binary), str(tmp_path / "gone")])
    assert out == [finding]
    assert report.found == 0 and report.problems == []


def test_origin_paths_are_matched_after_normalisation(tmp_path: Path) -> None:
    path, assets = _setup(tmp_path)
    odd = path.replace("main.tf", "./main.tf")
    moved = [Asset(a.ref, a.name, a.properties, origin=a.origin.replace(path, odd))
             for a in assets]
    out, _ = apply_suppressions([_fail(moved[0])], moved, [path])
    assert out[0].status is Status.EXEMPT
