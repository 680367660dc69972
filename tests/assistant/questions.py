"""The assistant's question set, written before its parser (issue 20).

Each question carries the expectation the test computes independently, with its own plain SQL
over the public views (``tests/assistant/expected.py``), never with the assistant's code. The
estate (``conftest.py``) is billed 2026-08-01 .. 2026-10-15; the data's last day, 2026-10-15 (a
Thursday), is "today" for relative periods:

* this month = 2026-10-01 .. 10-15; last month = September; this quarter = 2026-10-01 .. 10-15;
  last quarter = 2026-07-01 .. 09-30; last N days = the N days ending 2026-10-15; last week =
  Monday 2026-10-05 .. Sunday 10-11; yesterday = 2026-10-14 (the last full day before today);
  year to date = 2026-01-01 .. 10-15;
* MoM = the latest complete month (September) against the month before (August);
* rising/falling over the last N days = the second half of the window against the first half.

Questions grouped under one ``group`` are paraphrases: the same answer. ``Refuse`` questions must
be answered "I can't answer that" by the offline parser (never a number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

D = date


@dataclass(frozen=True)
class Total:
    """One amount: the sum of ``measure`` over [start, end) with column = value filters."""

    start: date
    end: date
    filters: tuple[tuple[str, str], ...] = ()
    measure: str = "billed_cost"


@dataclass(frozen=True)
class Breakdown:
    """Rows (label, amount) by ``dim``, largest first (ties by label), the first ``top``."""

    dim: str
    start: date
    end: date
    filters: tuple[tuple[str, str], ...] = ()
    top: int | None = None
    measure: str = "billed_cost"


@dataclass(frozen=True)
class Change:
    """MoM: rows (month start, amount) for the earlier then the later period; value = change."""

    first: tuple[date, date]
    second: tuple[date, date]
    filters: tuple[tuple[str, str], ...] = ()
    measure: str = "billed_cost"


@dataclass(frozen=True)
class Movers:
    """Rows (label, change) by ``dim``: the amount in ``second`` minus in ``first``, only those
    rising (change > 0, largest first) or falling (change < 0, most negative first)."""

    dim: str
    first: tuple[date, date]
    second: tuple[date, date]
    direction: str
    top: int
    filters: tuple[tuple[str, str], ...] = ()
    measure: str = "billed_cost"


@dataclass(frozen=True)
class AnomalyCount:
    """How many anomaly incidents overlap [start, end); value = their total impact."""

    start: date
    end: date


@dataclass(frozen=True)
class TopAnomalies:
    """Rows (scope text, impact) of the incidents overlapping [start, end), largest impact
    first."""

    start: date
    end: date
    top: int


@dataclass(frozen=True)
class Savings:
    """The estimated monthly savings of open (new or open) findings, optionally by ``dim``."""

    dim: str | None = None
    top: int | None = None


@dataclass(frozen=True)
class Forecast:
    """The whole bill's latest forecast: month-end projection (or quarter-end)."""

    horizon: str  # "month" | "quarter"


@dataclass(frozen=True)
class BudgetStatus:
    """Rows (budget, actual) of the monthly budgets by name, actual = the costs of its scope
    this month to date in cents (as the budget check reports it); value = how many are over
    (actual > amount)."""

    budgets: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # (name, amount, filters)
    start: date
    end: date


@dataclass(frozen=True)
class BudgetLeft:
    """value = the budget's amount minus the costs of its scope this month to date (in cents)."""

    name: str
    amount: str
    filters: tuple[tuple[str, str], ...]
    start: date
    end: date


@dataclass(frozen=True)
class SpUtilization:
    """value = 100 x the amortized cost of Savings-Plan-covered usage / the Savings Plans'
    recurring fees over [start, end), to two decimals."""

    start: date
    end: date


@dataclass(frozen=True)
class Coverage:
    """value = 100 x the list cost of commitment-covered instance hours (EC2 BoxUsage, RDS
    InstanceUsage) / the list cost of all of them over [start, end), to two decimals."""

    start: date
    end: date


@dataclass(frozen=True)
class Why:
    """value = the total over ``second`` minus over ``first`` (with ``filters``); rows = the top
    ``top`` accounts, then usage types, by that change in ``direction``, labelled "account X" /
    "usage type Y"."""

    filters: tuple[tuple[str, str], ...]
    first: tuple[date, date]
    second: tuple[date, date]
    direction: str
    top: int = 5


@dataclass(frozen=True)
class Refuse:
    why: str


@dataclass(frozen=True)
class Q:
    text: str
    expect: object
    group: str = field(default="")


SEP = (D(2026, 9, 1), D(2026, 10, 1))
AUG = (D(2026, 8, 1), D(2026, 9, 1))
OCT = (D(2026, 10, 1), D(2026, 10, 16))
LAST30 = (D(2026, 9, 16), D(2026, 10, 16))
LAST7 = (D(2026, 10, 9), D(2026, 10, 16))
LAST14 = (D(2026, 10, 2), D(2026, 10, 16))
LAST90 = (D(2026, 7, 18), D(2026, 10, 16))
LAST_WEEK = (D(2026, 10, 5), D(2026, 10, 12))
YESTERDAY = (D(2026, 10, 14), D(2026, 10, 15))
LAST_Q = (D(2026, 7, 1), D(2026, 10, 1))
YTD = (D(2026, 1, 1), D(2026, 10, 16))
H60 = ((D(2026, 8, 17), D(2026, 9, 16)), (D(2026, 9, 16), D(2026, 10, 16)))
H30 = ((D(2026, 9, 16), D(2026, 10, 1)), (D(2026, 10, 1), D(2026, 10, 16)))
H14 = ((D(2026, 10, 2), D(2026, 10, 9)), (D(2026, 10, 9), D(2026, 10, 16)))

EC2 = ("service_name", "Amazon Elastic Compute Cloud")
S3 = ("service_name", "Amazon Simple Storage Service")
RDS = ("service_name", "Amazon Relational Database Service")
LAMBDA = ("service_name", "AWS Lambda")
ELB = ("service_name", "Elastic Load Balancing")
COMMERCE = ("sub_account_name", "prod-commerce")
DATA = ("sub_account_name", "prod-data")
STAGING = ("sub_account_name", "staging")
USE1 = ("region_id", "us-east-1")
EUW1 = ("region_id", "eu-west-1")
TEAM_DATA = ("tag:team", "data")
TEAM_CHECKOUT = ("tag:team", "checkout")
COMMITTED = ("pricing_category", "Committed")
BUDGETS = (("compute", "1", (EC2,)), ("platform", "100000000", ()))
WEEK_BEFORE = (D(2026, 9, 28), D(2026, 10, 5))

QUESTIONS: list[Q] = [
    # -- totals by period
    Q("What did we spend on EC2 last month?", Total(*SEP, (EC2,)), "ec2-sep"),
    Q("How much did EC2 cost last month?", Total(*SEP, (EC2,)), "ec2-sep"),
    Q("EC2 spend in September 2026", Total(*SEP, (EC2,)), "ec2-sep"),
    Q("what was our amazon ec2 cost in september?", Total(*SEP, (EC2,)), "ec2-sep"),
    Q("Total spend last month", Total(*SEP), "total-sep"),
    Q("How much did we spend last month?", Total(*SEP), "total-sep"),
    Q("What was the total cost in September 2026?", Total(*SEP), "total-sep"),
    Q("How much have we spent this month?", Total(*OCT), "total-oct"),
    Q("Month to date spend", Total(*OCT), "total-oct"),
    Q("What is our spend so far this month?", Total(*OCT), "total-oct"),
    Q("Total cost in the last 30 days", Total(*LAST30), "total-30"),
    Q("How much did we spend over the past 30 days?", Total(*LAST30), "total-30"),
    Q("Spend in the last 7 days", Total(*LAST7), "total-7"),
    Q("What did we spend last week?", Total(*LAST_WEEK), "total-lastweek"),
    Q("How much did we spend yesterday?", Total(*YESTERDAY), "total-yesterday"),
    Q("What did we spend this quarter?", Total(*OCT), "total-q"),
    Q("Quarter to date cost", Total(*OCT), "total-q"),
    Q("How much did we spend last quarter?", Total(*LAST_Q), "total-lastq"),
    Q("Year to date spend", Total(*YTD), "total-ytd"),
    Q("What did we spend in August 2026?", Total(*AUG), "total-aug"),
    Q("S3 cost last month", Total(*SEP, (S3,)), "s3-sep"),
    Q("How much did Amazon S3 cost us last month?", Total(*SEP, (S3,)), "s3-sep"),
    Q("RDS spend this month", Total(*OCT, (RDS,)), "rds-oct"),
    Q("What did Lambda cost in the last 30 days?", Total(*LAST30, (LAMBDA,)), "lambda-30"),
    Q("How much did the prod-data account spend last month?", Total(*SEP, (DATA,)), "data-sep"),
    Q("Spend of account prod-data in September", Total(*SEP, (DATA,)), "data-sep"),
    Q("EC2 cost in prod-commerce last month", Total(*SEP, (EC2, COMMERCE)), "ec2-commerce"),
    Q("How much did we spend in us-east-1 last month?", Total(*SEP, (USE1,)), "use1-sep"),
    Q("Cost in region eu-west-1 this month", Total(*OCT, (EUW1,)), "euw1-oct"),
    Q("S3 spend in eu-west-1 last month", Total(*SEP, (S3, EUW1)), "s3-euw1"),
    Q("What did the data team spend last month?", Total(*SEP, (TEAM_DATA,)), "team-data"),
    Q("Spend for team checkout in the last 30 days", Total(*LAST30, (TEAM_CHECKOUT,)), "tc"),
    Q("Amortized EC2 cost last month", Total(*SEP, (EC2,), "effective_cost"), "ec2-eff"),
    Q(
        "What was the effective cost of EC2 last month?",
        Total(*SEP, (EC2,), "effective_cost"),
        "ec2-eff",
    ),
    Q("List cost last month", Total(*SEP, (), "list_cost"), "list-sep"),
    Q(
        "How much usage was covered by commitments last month?",
        Total(*SEP, (COMMITTED,), "effective_cost"),
        "committed-sep",
    ),
    Q(
        "Commitment covered spend this month",
        Total(*OCT, (COMMITTED,), "effective_cost"),
        "committed-oct",
    ),
    # -- breakdowns
    Q(
        "Top 5 services by cost in the last 30 days",
        Breakdown("service_name", *LAST30, top=5),
        "top5-svc-30",
    ),
    Q(
        "What are our 5 most expensive services over the past 30 days?",
        Breakdown("service_name", *LAST30, top=5),
        "top5-svc-30",
    ),
    Q(
        "top five services by spend last 30 days",
        Breakdown("service_name", *LAST30, top=5),
        "top5-svc-30",
    ),
    Q("Top 3 services last month", Breakdown("service_name", *SEP, top=3), "top3-svc-sep"),
    Q("Cost by account this month", Breakdown("sub_account_name", *OCT), "acct-oct"),
    Q("Spend per account this month", Breakdown("sub_account_name", *OCT), "acct-oct"),
    Q("Break down this month's cost by account", Breakdown("sub_account_name", *OCT), "acct-oct"),
    Q("Cost by service last month", Breakdown("service_name", *SEP), "svc-sep"),
    Q("Show spend by region last month", Breakdown("region_id", *SEP), "region-sep"),
    Q(
        "Cost by region for EC2 in the last 30 days",
        Breakdown("region_id", *LAST30, (EC2,)),
        "ec2-region",
    ),
    Q(
        "Which accounts spent the most on S3 last month?",
        Breakdown("sub_account_name", *SEP, (S3,)),
        "s3-acct",
    ),
    Q("Top 2 accounts by cost last month", Breakdown("sub_account_name", *SEP, top=2), "top2-acct"),
    Q("Cost by team last month", Breakdown("tag:team", *SEP), "team-sep"),
    Q("Spend by service category this month", Breakdown("service_category", *OCT), "cat-oct"),
    Q("Top 10 resources by cost last month", Breakdown("resource_id", *SEP, top=10), "top10-res"),
    Q(
        "Services by cost in prod-data this month",
        Breakdown("service_name", *OCT, (DATA,)),
        "svc-data-oct",
    ),
    Q("Daily spend for the last 7 days", Breakdown("day", *LAST7), "daily-7"),
    Q("Monthly cost year to date", Breakdown("month", *YTD), "monthly-ytd"),
    Q("What was the cost per month this year?", Breakdown("month", *YTD), "monthly-ytd"),
    # -- month over month
    Q("MoM change for S3", Change(AUG, SEP, (S3,)), "mom-s3"),
    Q("Month over month change in S3 cost", Change(AUG, SEP, (S3,)), "mom-s3"),
    Q("How did S3 spend change month over month?", Change(AUG, SEP, (S3,)), "mom-s3"),
    Q("MoM change for EC2", Change(AUG, SEP, (EC2,)), "mom-ec2"),
    Q("What is the month-over-month change in total spend?", Change(AUG, SEP), "mom-total"),
    Q("MoM for the prod-commerce account", Change(AUG, SEP, (COMMERCE,)), "mom-commerce"),
    # -- top movers
    Q(
        "Top 5 services with rising cost last 60 days",
        Movers("service_name", *H60, "rising", 5),
        "rise5-60",
    ),
    Q(
        "Which 5 services grew the most over the last 60 days?",
        Movers("service_name", *H60, "rising", 5),
        "rise5-60",
    ),
    Q(
        "top 5 services increasing in cost over the past 60 days",
        Movers("service_name", *H60, "rising", 5),
        "rise5-60",
    ),
    Q(
        "Top 3 services with falling cost last 60 days",
        Movers("service_name", *H60, "falling", 3),
        "fall3-60",
    ),
    Q(
        "Which services decreased the most in the last 60 days? top 3",
        Movers("service_name", *H60, "falling", 3),
        "fall3-60",
    ),
    Q(
        "Top 3 accounts with rising cost last 30 days",
        Movers("sub_account_name", *H30, "rising", 3),
        "rise3-acct-30",
    ),
    Q(
        "Top 5 regions with rising spend last 14 days",
        Movers("region_id", *H14, "rising", 5),
        "rise5-region-14",
    ),
    Q(
        "Top 5 services with falling cost last 30 days",
        Movers("service_name", *H30, "falling", 5),
        "fall5-30",
    ),
    # -- anomalies
    Q("How many anomalies in the last 30 days?", AnomalyCount(*LAST30), "anom-30"),
    Q("Were there any cost anomalies over the past 30 days?", AnomalyCount(*LAST30), "anom-30"),
    Q("How many cost anomalies last month?", AnomalyCount(*SEP), "anom-sep"),
    Q(
        "Top 3 anomalies by impact in the last 60 days",
        TopAnomalies(D(2026, 8, 17), D(2026, 10, 16), 3),
        "anom-top3",
    ),
    Q(
        "What were the biggest 3 cost anomalies over the last 60 days?",
        TopAnomalies(D(2026, 8, 17), D(2026, 10, 16), 3),
        "anom-top3",
    ),
    # -- forecasts
    Q("What is the forecast for this month?", Forecast("month"), "fc-month"),
    Q("What will we spend by the end of the month?", Forecast("month"), "fc-month"),
    Q("Forecast month-end spend", Forecast("month"), "fc-month"),
    Q("What will we spend this quarter?", Forecast("quarter"), "fc-quarter"),
    Q("Quarter-end forecast", Forecast("quarter"), "fc-quarter"),
    # -- findings and savings
    Q("How much could we save?", Savings(), "save-total"),
    Q("What are our potential savings per month?", Savings(), "save-total"),
    Q("Savings opportunities by finding type", Savings("finding_type"), "save-type"),
    Q("Top 3 savings opportunities by account", Savings("account_id", 3), "save-acct"),
    Q("Potential savings by service", Savings("service"), "save-svc"),
    # -- budgets (tests/assistant/conftest.py: "compute" on EC2, "platform" the whole bill)
    Q("Are we over budget this month?", BudgetStatus(BUDGETS, *OCT), "budget-status"),
    Q("What is our budget status?", BudgetStatus(BUDGETS, *OCT), "budget-status"),
    Q("Are we within budget this month?", BudgetStatus(BUDGETS, *OCT), "budget-status"),
    Q("Which budgets are over?", BudgetStatus(BUDGETS, *OCT), "budget-status"),
    Q(
        "How much of the compute budget is left?",
        BudgetLeft("compute", "1", (EC2,), *OCT),
        "budget-left-compute",
    ),
    Q(
        "How much is left in the compute budget this month?",
        BudgetLeft("compute", "1", (EC2,), *OCT),
        "budget-left-compute",
    ),
    Q(
        "What's remaining of the platform budget?",
        BudgetLeft("platform", "100000000", (), *OCT),
        "budget-left-platform",
    ),
    Q(
        "How much of the platform budget is left this month?",
        BudgetLeft("platform", "100000000", (), *OCT),
        "budget-left-platform",
    ),
    # -- commitments
    Q("What is our Savings Plan utilization last month?", SpUtilization(*SEP), "sp-util-sep"),
    Q("Savings Plans utilization in September 2026", SpUtilization(*SEP), "sp-util-sep"),
    Q("Utilization of our Savings Plans last month", SpUtilization(*SEP), "sp-util-sep"),
    Q("Savings Plan utilization over the last 30 days", SpUtilization(*LAST30), "sp-util-30"),
    Q("What was our commitment coverage last month?", Coverage(*SEP), "coverage-sep"),
    Q("Coverage by commitments in September 2026", Coverage(*SEP), "coverage-sep"),
    Q("Commitment coverage this month", Coverage(*OCT), "coverage-oct"),
    # -- why
    Q(
        "Why did EC2 cost rise last week?",
        Why((EC2,), WEEK_BEFORE, LAST_WEEK, "rising"),
        "why-ec2-week",
    ),
    Q(
        "Why did EC2 spend go up last week?",
        Why((EC2,), WEEK_BEFORE, LAST_WEEK, "rising"),
        "why-ec2-week",
    ),
    Q(
        "What drove the EC2 cost increase last week?",
        Why((EC2,), WEEK_BEFORE, LAST_WEEK, "rising"),
        "why-ec2-week",
    ),
    Q(
        "Why did S3 cost fall last month?",
        Why((S3,), AUG, SEP, "falling"),
        "why-s3-sep",
    ),
    Q(
        "Why did the prod-data account's spend increase last month?",
        Why((DATA,), AUG, SEP, "rising"),
        "why-data-sep",
    ),
    # -- refusals
    Q("Why did the data-platform team's spend jump last week?", Refuse("causal why")),
    Q("Delete all the cost rows from last month", Refuse("a write")),
    Q("What is the weather in Dublin?", Refuse("off topic")),
    Q("DROP TABLE finops.costs", Refuse("a write")),
    Q("Which engineer launched the most instances?", Refuse("no such data")),
    Q("How much will we spend in 2031?", Refuse("no forecast that far")),
    Q("Show me the password hashes of the users", Refuse("outside the views")),
    Q("Tell me a joke", Refuse("off topic")),
    Q("What did Azure Cosmos DB cost last month?", Refuse("a service the bill does not have")),
    Q("spend for account nonexistent-account last month", Refuse("an unknown account")),
    Q("How much of the marketing budget is left?", Refuse("a budget that does not exist")),
    Q("Why is the sky blue?", Refuse("off topic")),
    Q("Why did EC2 cost change last week?", Refuse("neither a rise nor a fall")),
    Q("What is our Reserved Instance utilization?", Refuse("no period, RI not answered")),
]
