"""CheckResult's classmethods build the same tuples as its constructor."""

from __future__ import annotations

from cloudwarden.core.checks import CheckResult
from cloudwarden.core.model import Evidence, Status


class _Derived(CheckResult):
    pass


def test_classmethods_build_what_the_constructor_builds() -> None:
    evidence = (Evidence("a", 1, "x"), Evidence("b", [2]))
    for make, status in ((CheckResult.passed, Status.PASS), (CheckResult.failed, Status.FAIL),
                         (CheckResult.not_applicable, Status.NOT_APPLICABLE)):
        made = make("why", *evidence)
        assert type(made) is CheckResult
        assert made == CheckResult(status, "why", evidence)
        assert (made.status, made.message, made.evidence) == (status, "why", evidence)
        assert made._asdict() == {"status": status, "message": "why", "evidence": evidence}
        assert make() == CheckResult(status)


def test_a_subclass_keeps_its_type() -> None:
    made = _Derived.failed("no", Evidence("p", None))
    assert type(made) is _Derived
    assert made == CheckResult(Status.FAIL, "no", (Evidence("p", None),))
