"""The FinOps Foundation's ``focus-validator``, run as a user runs it, and its report parsed.

It lives in its own Python >= 3.12 venv (``make focus-validator`` builds
``.cache/focus-validator/venv`` from pinned requirements; the fixture calls that target, so a
plain ``pytest`` works on a fresh machine). It is run from its install folder (its code opens
``focus_validator/rules/currency_codes.csv`` relative to the working directory), with
``--block-download`` (the rule model shipped in the package, no network) and every
applicability criterion switched on, so that no rule is skipped for a capability the
platform's data has.

The console report has one line per rule, ``<icon> <RuleId>: <STATUS>  (violations=N, …)``,
after a ``Total: T | Pass: P | Fail: F | Skipped: S`` line; the parser reads every rule line
and checks the counts against that total, so a change of format fails loudly instead of
reading as "no failures".
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".cache" / "focus-validator" / "venv"

_TOTAL = re.compile(
    r"^Total: (?P<total>\d+) \| Pass: (?P<PASS>\d+) \| Fail: (?P<FAIL>\d+) \| "
    r"Skipped: (?P<SKIPPED>\d+)$"
)
_RULE = re.compile(
    r"^\S+\s+(?P<rule>[A-Za-z]+-[A-Z]-\d{3}-[A-Z]): (?P<status>[A-Z]+)\s+"
    r"\(violations=(?P<violations>\d+)(?:, (?:reason=.*?, )?msg=(?P<message>.*?))?"
    r"(?:, [\d.]+ms)?\)$"
)
MANDATORY_KEYWORDS = frozenset({"MUST", "MUST NOT"})


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: str
    status: str  # PASS | FAIL | SKIPPED | ERRORED
    violations: int
    message: str


@dataclass(frozen=True)
class ModelRule:
    rule_id: str
    function: str  # Composite, Nullability, Type, Format, Validation, Presence
    keyword: str  # MUST, MUST NOT, SHOULD, …
    must_satisfy: str

    @property
    def mandatory(self) -> bool:
        return self.keyword in MANDATORY_KEYWORDS


@dataclass(frozen=True)
class ValidatorReport:
    outcomes: dict[str, RuleOutcome]
    rules: dict[str, ModelRule]

    def failed(self) -> dict[str, RuleOutcome]:
        return {r: o for r, o in self.outcomes.items() if o.status not in {"PASS", "SKIPPED"}}

    def failed_mandatory_checks(self) -> dict[str, RuleOutcome]:
        """Failed MUST / MUST NOT rules that check data themselves (composite rules only
        aggregate their children, whose failures are listed on their own)."""
        return {
            r: o
            for r, o in self.failed().items()
            if self.rules[r].mandatory and self.rules[r].function != "Composite"
        }

    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes.values())


@dataclass(frozen=True)
class ValidatorInstall:
    executable: Path
    site_packages: Path
    version: str

    def model(self, focus_version: str) -> dict[str, ModelRule]:
        return _model(self.site_packages, focus_version)

    def validate(self, data_file: Path, *, focus_version: str = "1.2") -> ValidatorReport:
        completed = subprocess.run(
            [
                str(self.executable),
                "--data-file",
                str(data_file),
                "--validate-version",
                focus_version,
                "--block-download",
                "--applicability-criteria",
                "ALL",
                "--output-type",
                "console",
            ],
            cwd=self.site_packages,  # its code reads rule files relative to the working dir
            capture_output=True,
            text=True,
            timeout=600,
        )
        outcomes = parse_console_report(completed.stdout)
        if not outcomes:
            raise AssertionError(
                f"focus-validator printed no report (exit {completed.returncode}):\n"
                f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
            )
        rules = self.model(focus_version)
        unknown = sorted(set(outcomes) - set(rules))
        assert not unknown, f"rules missing from the validator's model: {unknown}"
        return ValidatorReport(outcomes=outcomes, rules=rules)


def parse_console_report(stdout: str) -> dict[str, RuleOutcome]:
    """Every rule line of the console report, checked against its Total line."""
    totals: dict[str, int] | None = None
    outcomes: dict[str, RuleOutcome] = {}
    for line in stdout.splitlines():
        line = line.rstrip()
        total = _TOTAL.match(line)
        if total:
            totals = {k: int(v) for k, v in total.groupdict().items()}
            continue
        if totals is None or not line or line.startswith("--- "):
            if line.startswith("--- "):
                break  # the detailed "Failures" section repeats the rule lines
            continue
        rule = _RULE.match(line)
        if rule is None:
            raise AssertionError(f"unexpected line in the validator's report: {line!r}")
        outcomes[rule["rule"]] = RuleOutcome(
            rule_id=rule["rule"],
            status=rule["status"],
            violations=int(rule["violations"]),
            message=rule["message"] or "",
        )
    if totals is None:
        return {}
    counted = Counter(o.status for o in outcomes.values())
    assert len(outcomes) == totals["total"], (len(outcomes), totals)
    for status in ("PASS", "FAIL", "SKIPPED"):
        assert counted[status] == totals[status], (status, counted, totals)
    return outcomes


@cache
def _model(site_packages: Path, focus_version: str) -> dict[str, ModelRule]:
    candidates = sorted((site_packages / "focus_validator" / "rules").glob("model-*.json"))
    matching = [p for p in candidates if p.stem.removeprefix("model-").startswith(focus_version)]
    assert matching, f"no rule model for FOCUS {focus_version} in {candidates}"
    model = json.loads(matching[-1].read_text())["ModelRules"]
    return {
        rule_id: ModelRule(
            rule_id=rule_id,
            function=rule["Function"],
            keyword=rule["ValidationCriteria"].get("Keyword", ""),
            must_satisfy=rule["ValidationCriteria"].get("MustSatisfy", ""),
        )
        for rule_id, rule in model.items()
    }


def install_validator() -> ValidatorInstall:
    """``make focus-validator`` (a no-op when the venv is current), then where it is."""
    subprocess.run(["make", "-s", "focus-validator"], cwd=REPO, check=True, timeout=900)
    python = VENV / "bin" / "python"
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, pathlib, focus_validator; "
            "print(pathlib.Path(focus_validator.__file__).parent.parent); "
            "print(m.version('focus-validator'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    site_packages, version = probe.stdout.split()
    return ValidatorInstall(
        executable=VENV / "bin" / "focus-validator",
        site_packages=Path(site_packages),
        version=version,
    )


# The validator's own false positives on a correct export: rule id → why it is wrong. Each is
# also checked below to fail on exactly the rows its defect predicts, so a real failure of the
# same rule cannot hide behind it.
KNOWN_FALSE_POSITIVES: dict[str, str] = {
    "CommitmentDiscountStatus-C-004-C": (
        "inverted condition: the specification requires CommitmentDiscountStatus when "
        "CommitmentDiscountId is NOT null and ChargeCategory is Usage, but the rule model "
        "(model-1.2.0.1.json) tests it on the rows whose CommitmentDiscountId IS null "
        "(Condition CheckValue CommitmentDiscountId = null), i.e. on every row without a "
        "commitment discount, where the status is rightly null"
    ),
    "CapacityReservationStatus-C-004-C": (
        "inverted/dropped condition: the specification requires CapacityReservationStatus only "
        "when CapacityReservationId is not null and ChargeCategory is Usage; the model writes "
        "that condition under an 'AND' key instead of a CheckFunction, the validator ignores "
        "it and requires the status on every row, including rows with no capacity reservation"
    ),
    "InvoiceId-C-004-C": (
        "the rule ('InvoiceId MUST be null when the charge is not associated with an invoice') "
        "has no condition in the model, so every row that does carry an invoice id fails"
    ),
    "EffectiveCost-C-005-C": (
        "the specification requires EffectiveCost 0 only for a Purchase 'intended to cover "
        "future eligible charges' (a commitment purchase); the model's condition is "
        "ChargeCategory = Purchase alone, so purchases that cover nothing later (subscription "
        "and marketplace fees, no CommitmentDiscountId) fail too. Only those rows are excused: "
        "a commitment purchase with a non-zero EffectiveCost still fails the test"
    ),
}
_CSV_INTEGER_REASON = (
    "csv carries no types: the validator infers INTEGER for a column whose values are all "
    "digits (AWS account and invoice ids) and then fails the string type check; the parquet "
    "export types the same column as string and passes"
)
CSV_FALSE_POSITIVES: dict[str, str] = {
    "BillingAccountId-C-002-M": _CSV_INTEGER_REASON,
    "SubAccountId-C-001-M": _CSV_INTEGER_REASON,
    "InvoiceId-C-001-M": _CSV_INTEGER_REASON,
}


def unexplained_failures(report: ValidatorReport, known: dict[str, str]) -> dict[str, RuleOutcome]:
    """The failed mandatory checks that are not the validator's known false positives."""
    for rule_id in known:
        assert rule_id in report.rules, f"{rule_id} is not a rule of this validator"
    return {r: o for r, o in report.failed_mandatory_checks().items() if r not in known}


def false_positive_rows(settings: Settings, period: str) -> dict[str, int]:
    """How many rows each known false positive must flag, from its defect alone: the rows
    without a commitment discount (and so without a status), the rows without a capacity
    reservation status, the rows that carry an invoice id, the non-commitment purchases with
    a cost."""
    with get_engine(settings).connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE commitment_discount_id IS NULL "
                "                          AND commitment_discount_status IS NULL), "
                "       count(*) FILTER (WHERE capacity_reservation_status IS NULL), "
                "       count(*) FILTER (WHERE invoice_id IS NOT NULL), "
                "       count(*) FILTER (WHERE charge_category = 'Purchase' "
                "                          AND commitment_discount_id IS NULL "
                "                          AND effective_cost <> 0) "
                "FROM finops.costs WHERE to_char(billing_period_start, 'YYYY-MM') = :p"
            ),
            {"p": period},
        ).one()
    return dict(zip(KNOWN_FALSE_POSITIVES, row, strict=True))


def check_export(
    report: ValidatorReport, settings: Settings, *, period: str, file_format: str, version: str
) -> None:
    """No failed mandatory rule but the known false positives, each failing on exactly the
    rows its defect predicts."""
    counts = report.counts()
    assert counts["PASS"] > 250, counts  # the rules ran (not skipped wholesale)
    expected_rows = false_positive_rows(settings, period)
    known = {**KNOWN_FALSE_POSITIVES, **(CSV_FALSE_POSITIVES if file_format == "csv" else {})}
    remaining = {
        r: f"{o.violations} rows — {report.rules[r].must_satisfy}"
        for r, o in unexplained_failures(report, known).items()
    }
    for rule_id, outcome in report.failed_mandatory_checks().items():
        excused = expected_rows.get(rule_id)
        if excused is not None and outcome.violations != excused:
            remaining[rule_id] = (
                f"{outcome.violations} rows, of which the validator's false positive explains "
                f"{excused} — {report.rules[rule_id].must_satisfy}"
            )
    assert not remaining, (
        f"focus-validator {version} fails {len(remaining)} mandatory rules on the "
        f"{file_format} export of {period}:\n"
        + "\n".join(f"  {r}: {why}" for r, why in sorted(remaining.items()))
    )
