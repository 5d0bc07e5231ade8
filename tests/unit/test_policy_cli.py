from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.policy import app

HILLSTROM = Path(__file__).parents[3] / "shared" / "data" / "hillstrom" / "hillstrom_public.csv"
FEATURES = ["--numeric", "recency,history,mens,womens,newbie", "--categorical", "history_segment,zip_code,channel"]


def flat(output: str) -> str:
    return " ".join(output.split())


def write_log(path: Path, n: int = 600, seed: int = 0, outcomes: bool = True) -> None:
    """A small Hillstrom-shaped file: men's e-mail works for men's buyers, women's for women's."""
    rng = np.random.default_rng(seed)
    segments = ["No E-Mail", "Mens E-Mail", "Womens E-Mail"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        head = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel", "ok"]
        writer.writerow(head + (["segment", "visit", "conversion", "spend"] if outcomes else []))
        for _ in range(n):
            mens, womens = int(rng.integers(0, 2)), int(rng.integers(0, 2))
            segment = segments[int(rng.integers(0, 3))]
            lift = 0.25 * mens * (segment == "Mens E-Mail") + 0.25 * womens * (segment == "Womens E-Mail")
            visit = int(rng.random() < 0.1 + lift)
            row = [
                int(rng.integers(1, 13)),
                rng.choice(["1) $0 - $100", "2) $100 - $200"]),
                f"{rng.gamma(2, 100):.2f}",
                mens,
                womens,
                rng.choice(["Urban", "Rural"]),
                int(rng.integers(0, 2)),
                rng.choice(["Web", "Phone"]),
                int(rng.random() > 0.1),
            ]
            writer.writerow(row + ([segment, visit, int(visit and rng.random() < 0.1), 0.0] if outcomes else []))


def fit_args(log: Path, model: Path, *extra: str) -> list[str]:
    return [
        "fit",
        str(log),
        "--treatment",
        "segment",
        "--control",
        "No E-Mail",
        "--outcome",
        "visit",
        *FEATURES,
        "--out",
        str(model),
        "--outcome-model",
        "linear",
        "--folds",
        "2",
        "--effect-model",
        "auto",
        *extra,
    ]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("policy")
    log, model = folder / "log.csv", folder / "policy.json"
    write_log(log)
    result = CliRunner().invoke(app, fit_args(log, model))
    assert result.exit_code == 0, result.output
    return folder, model


def read_plan(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fit_then_plan_with_a_share_budget(fitted: tuple[Path, Path]) -> None:
    folder, model = fitted
    customers, plan = folder / "customers.csv", folder / "plan.csv"
    write_log(customers, n=200, seed=1, outcomes=False)
    result = CliRunner().invoke(
        app, ["plan", str(customers), "--model", str(model), "--budget-share", "0.3", "--out", str(plan)]
    )
    assert result.exit_code == 0, result.output
    rows = read_plan(plan)
    assert len(rows) == 200
    assert list(rows[0]) == ["customer", "decision", "treatment", "score", "rank", "reason"]
    sends = [r for r in rows if r["decision"] == "send"]
    assert 0 < len(sends) <= 60
    assert all(r["treatment"] in {"Mens E-Mail", "Womens E-Mail"} for r in sends)
    assert all("budget line" in r["reason"] and "drivers:" in r["reason"] for r in sends)
    # The learned heterogeneity: a men's buyer who is sent anything gets the men's e-mail more often than not.
    mens_rows = {r["customer"] for r in sends if r["treatment"] == "Mens E-Mail"}
    assert mens_rows


def test_plan_with_costs_and_eligibility(fitted: tuple[Path, Path]) -> None:
    folder, model = fitted
    customers, plan = folder / "customers2.csv", folder / "plan2.csv"
    write_log(customers, n=100, seed=2, outcomes=False)
    args = [
        "plan",
        str(customers),
        "--model",
        str(model),
        "--budget-cost",
        "5",
        "--out",
        str(plan),
        "--cost-per-treatment",
        "Mens E-Mail=0.5",
        "--eligible-column",
        "ok",
        "--method",
        "greedy",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = read_plan(plan)
    with customers.open(encoding="utf-8") as handle:
        blocked = {str(i + 1) for i, r in enumerate(csv.DictReader(handle)) if r["ok"] == "0"}
    assert blocked
    for row in rows:
        if row["customer"] in blocked:
            assert row["decision"] == "hold"
            assert "blocked by hard constraints (ok=0)" in row["reason"]
    cost = sum(0.5 if r["treatment"] == "Mens E-Mail" else 1.0 for r in rows if r["decision"] == "send")
    assert cost <= 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--treatment", "group"], "missing column(s) group"),
        (["--control", "Nobody"], "control value 'Nobody' never appears"),
        (["--outcome", "visit=abc"], "'abc' in 'visit=abc' is not a number"),
        (
            ["--numeric", "recency,zip_code", "--categorical", "channel"],
            "column 'zip_code', line 2: 'Urban' is not a finite number",
        ),
        (["--outcome-model", "forest"], "--outcome-model must be gbm or linear"),
        (["--effect-model", "forest"], "--effect-model must be auto, linear or trees"),
        (["--numeric", "recency", "--categorical", "recency"], "cannot be both numeric and categorical"),
    ],
)
def test_fit_errors_say_what_to_fix(tmp_path: Path, args: list[str], message: str) -> None:
    log = tmp_path / "log.csv"
    write_log(log, n=60)
    base = fit_args(log, tmp_path / "p.json")
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[base.index(flag) + 1] = value
    result = CliRunner().invoke(app, base)
    assert result.exit_code == 2
    assert message in flat(result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give exactly one budget"),
        (["--budget-share", "0.3", "--budget-sends", "10"], "give exactly one budget"),
        (["--budget-sends", "10", "--cost-per-treatment", "Kids E-Mail=2"], "unknown treatment(s) ['Kids E-Mail']"),
        (["--budget-sends", "10", "--id-column", "customer_id"], "missing column(s) customer_id"),
        (["--budget-sends", "10", "--eligible-column", "channel"], "'Web' is not 1/0 or true/false"),
        (["--budget-sends", "10", "--method", "magic"], "--method must be auto, milp or greedy"),
    ],
)
def test_plan_errors_say_what_to_fix(fitted: tuple[Path, Path], args: list[str], message: str) -> None:
    folder, model = fitted
    customers = folder / "c_err.csv"
    write_log(customers, n=20, seed=3, outcomes=False)
    result = CliRunner().invoke(app, ["plan", str(customers), "--model", str(model), *args])
    assert result.exit_code == 2
    assert message in flat(result.output)


def test_plan_needs_a_real_policy_file(tmp_path: Path) -> None:
    customers, model = tmp_path / "c.csv", tmp_path / "p.json"
    write_log(customers, n=5, outcomes=False)
    model.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(customers), "--model", str(model), "--budget-sends", "1"])
    assert result.exit_code == 2
    assert "not a promo-uplift-policy/2 file" in flat(result.output)


def test_policy_commands_are_registered() -> None:
    from cli.main import app as main_app

    result = CliRunner().invoke(main_app, ["policy", "--help"])
    assert result.exit_code == 0
    assert "fit" in result.output and "plan" in result.output


@pytest.mark.skipif(not HILLSTROM.is_file(), reason=f"Hillstrom data not found at {HILLSTROM} (../shared/data)")
def test_real_hillstrom_fit_and_plan(tmp_path: Path) -> None:
    model, plan = tmp_path / "h.json", tmp_path / "plan.csv"
    fit = fit_args(HILLSTROM, model)
    result = CliRunner().invoke(app, fit)
    assert result.exit_code == 0, result.output
    args = ["plan", str(HILLSTROM), "--model", str(model), "--budget-share", "0.3", "--out", str(plan)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = read_plan(plan)
    assert sum(r["decision"] == "send" for r in rows) == int(0.3 * len(rows))


def with_zip_codes(path: Path, unseen: int, value: str = "Moon") -> None:
    """Rewrite the first `unseen` rows' zip_code to a value the policy never saw."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[:unseen]:
        row["zip_code"] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_plan_warns_about_category_values_unseen_in_training(fitted: tuple[Path, Path]) -> None:
    folder, model = fitted
    customers, plan = folder / "c_unseen.csv", folder / "plan_unseen.csv"
    write_log(customers, n=40, seed=4, outcomes=False)
    with_zip_codes(customers, 6)
    args = ["plan", str(customers), "--model", str(model), "--budget-share", "0.3", "--out", str(plan)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning: column 'zip_code': 6 of 40 rows (15%) have values never seen in training: 'Moon' (6 rows)" in (
        flat(result.output)
    )
    assert len(read_plan(plan)) == 40


def test_plan_refuses_a_file_where_unseen_values_dominate(fitted: tuple[Path, Path]) -> None:
    folder, model = fitted
    customers = folder / "c_unseen_most.csv"
    write_log(customers, n=40, seed=5, outcomes=False)
    with_zip_codes(customers, 30)
    args = ["plan", str(customers), "--model", str(model), "--budget-share", "0.3", "--out", str(folder / "x.csv")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    output = flat(result.output)
    assert "column 'zip_code': 30 of 40 rows (75%) have values never seen in training: 'Moon' (30 rows)" in output
    assert "over the 50% limit" in output
    assert "Fix the column's values (known: Rural, Urban) or refit the policy" in output
    result = CliRunner().invoke(app, [*args, "--max-unseen-share", "0.8"])
    assert result.exit_code == 0, result.output


def test_fit_with_tree_effects_then_plan_explains_rows(tmp_path: Path) -> None:
    log, model, customers, plan = (tmp_path / n for n in ("log.csv", "trees.json", "c.csv", "plan.csv"))
    write_log(log)
    args = fit_args(log, model)
    args[args.index("--effect-model") + 1] = "trees"
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "effect model: trees" in flat(result.output)
    write_log(customers, n=50, seed=6, outcomes=False)
    result = CliRunner().invoke(
        app, ["plan", str(customers), "--model", str(model), "--budget-sends", "10", "--out", str(plan)]
    )
    assert result.exit_code == 0, result.output
    sends = [r for r in read_plan(plan) if r["decision"] == "send"]
    assert 0 < len(sends) <= 10
    assert all("drivers:" in r["reason"] for r in sends)


def test_fit_with_a_surrogate_judges_candidates_on_the_outcome(tmp_path: Path) -> None:
    log, model = tmp_path / "log.csv", tmp_path / "policy.json"
    write_log(log, n=1500, seed=4)
    args = fit_args(log, model, "--surrogate", "visit")
    args[args.index("--outcome") + 1] = "conversion"
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "by cross-fitted value on conversion of the top 30% policy" in flat(result.output)
    info = json.loads(model.read_text(encoding="utf-8"))["info"]
    assert info["target"] == {"conversion": 1.0} and info["surrogates"] == ["visit"]
    assert "linear on visit" in info["selection"]["values"] and len(info["selection"]["values"]) == 6
    args[args.index("--surrogate") + 1] = "conversion"
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "surrogate(s) conversion already among the outcomes" in flat(refused.output)
