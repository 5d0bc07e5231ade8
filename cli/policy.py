"""`promo policy ...`: fit an uplift targeting policy from a campaign log, plan a campaign under a budget."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import typer
from rich.console import Console

if TYPE_CHECKING:
    from tools.targeting.offline.eligibility import Eligibility
    from tools.targeting.offline.table import Table

# The targeting modules load scipy and scikit-learn (~1.5 s): imported inside the commands, so that
# other `promo` commands start as fast as before.

app = typer.Typer(help="Learned targeting: fit a policy from campaign logs, plan a campaign.", no_args_is_help=True)
console = Console(stderr=True)
TRUE, FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}


def _columns(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _pairs(items: list[str], flag: str, default: float | None = None) -> dict[str, float]:
    """Parse NAME=NUMBER options (NAME alone takes `default`)."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, number = item.rpartition("=") if "=" in item else (item, "", "")
        if not sep and default is None:
            raise typer.BadParameter(f"{flag} takes NAME=NUMBER, got {item!r}")
        try:
            out[name.strip()] = float(number) if sep else float(default or 0.0)
        except ValueError as error:
            raise typer.BadParameter(f"{flag}: {number!r} in {item!r} is not a number") from error
    return out


def _fail(error: Exception) -> typer.Exit:
    console.print(f"[red]{error}[/red]")
    return typer.Exit(code=2)


@app.command()
def fit(
    log: Annotated[Path, typer.Argument(help="Campaign log CSV: one row per customer with treatment and outcomes.")],
    treatment: Annotated[str, typer.Option(help="Column holding the treatment each customer got.")],
    control: Annotated[str, typer.Option(help="Treatment value meaning nothing was sent, e.g. 'No E-Mail'.")],
    outcome: Annotated[list[str], typer.Option(help="Outcome column, or COLUMN=WEIGHT; repeat to combine.")],
    surrogate: Annotated[
        list[str] | None,
        typer.Option(
            help="Denser outcome column moving with the target (visit for conversion): effect models trained on "
            "it are candidates too, judged by cross-fitted value on --outcome. Repeat for several."
        ),
    ] = None,
    numeric: Annotated[str, typer.Option(help="Comma-separated numeric feature columns.")] = "",
    categorical: Annotated[str, typer.Option(help="Comma-separated categorical columns (one-hot encoded).")] = "",
    propensity: Annotated[
        str | None, typer.Option(help="Column with P(logged treatment); default: randomized, treatment shares.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Policy file to write (JSON).")] = Path("policy.json"),
    bins: Annotated[int, typer.Option(min=0, max=20, help="Quantile bins per numeric feature.")] = 4,
    outcome_model: Annotated[str, typer.Option(help="Nuisance outcome models: gbm or linear.")] = "gbm",
    effect_model: Annotated[
        str, typer.Option(help="Effect model: auto (ridge or boosted trees, by cross-fitted value), linear, trees.")
    ] = "auto",
    selection_share: Annotated[
        float, typer.Option(min=0.01, max=1, help="Budget share at which `auto` compares the effect models.")
    ] = 0.3,
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-fitting folds.")] = 3,
    seed: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """Fit a cross-fitted DR-learner uplift policy from a log and save it as JSON."""
    from tools.targeting.offline.learned import LogColumns, fit_uplift_policy
    from tools.targeting.offline.table import TableError, read_table
    from tools.targeting.offline.uplift import EffectKind

    if outcome_model not in ("gbm", "linear"):
        raise _fail(ValueError(f"--outcome-model must be gbm or linear, got {outcome_model!r}"))
    kinds: dict[str, tuple[EffectKind, ...]] = {"auto": ("linear", "trees"), "linear": ("linear",), "trees": ("trees",)}
    if effect_model not in kinds:
        raise _fail(ValueError(f"--effect-model must be auto, linear or trees, got {effect_model!r}"))
    try:
        weights = _pairs(outcome, "--outcome", default=1.0)
        columns = LogColumns(
            treatment, control, weights, _columns(numeric), _columns(categorical), propensity, list(surrogate or [])
        )
        table = read_table(log)
        with console.status("fitting") as status:
            policy = fit_uplift_policy(
                table,
                columns,
                n_bins=bins,
                outcome_model="gbm" if outcome_model == "gbm" else "linear",
                n_folds=folds,
                random_state=seed,
                effect_models=kinds[effect_model],
                selection_share=selection_share,
                progress=lambda text: status.update(f"fitting: {text}"),
            )
    except (TableError, ValueError) as error:
        raise _fail(error) from error
    policy.save(out)
    console.print(f"fitted on {table.n_rows:,} rows; treatments {policy.treatments[1:]} vs {policy.treatments[0]!r}")
    selection = policy.info.get("selection")
    if selection:
        values = ", ".join(f"{k} {v['value']:.4g} (se {v['se']:.2g})" for k, v in selection["values"].items())
        console.print(
            f"effect model: {selection['chosen']}, by cross-fitted value on {', '.join(selection['target'])} of the "
            f"top {selection['share']:.0%} policy per customer: {values}"
        )
    else:
        console.print(f"effect model: {policy.info['effect_model']}")
    for name, effect in policy.effects.items():
        shown = ", ".join(f"{t} {b:+.4g}" for t, b in zip(policy.treatments[1:], effect.baseline, strict=True))
        console.print(f"  average effect on {name}: {shown}")
    if policy.weights != policy.info.get("target", policy.weights):
        ranked = " + ".join(f"{w:.4g} x {o}" for o, w in policy.weights.items())
        console.print(f"  ranks by {ranked} (trained on the surrogate, judged on the target)")
    console.print(f"wrote {out}")


@app.command()
def plan(
    customers: Annotated[Path, typer.Argument(help="Customer CSV with the policy's feature columns.")],
    model: Annotated[Path, typer.Option(help="Policy file from `promo policy fit`.")],
    out: Annotated[Path, typer.Option(help="Plan CSV to write.")] = Path("plan.csv"),
    budget_share: Annotated[float | None, typer.Option(min=0, max=1, help="Share of customers to send to.")] = None,
    budget_sends: Annotated[int | None, typer.Option(min=0, help="Number of sends.")] = None,
    budget_cost: Annotated[float | None, typer.Option(min=0, help="Total cost, with --cost-per-treatment.")] = None,
    cost_per_treatment: Annotated[
        list[str] | None, typer.Option(help="TREATMENT=COST; repeat. Unlisted treatments cost 1.")
    ] = None,
    eligible_column: Annotated[
        list[str] | None, typer.Option(help="Column that must be 1/true to send (consent, quiet hours); repeat.")
    ] = None,
    id_column: Annotated[str | None, typer.Option(help="Customer id column; default: row number.")] = None,
    method: Annotated[str, typer.Option(help="Allocation: auto, milp or greedy.")] = "auto",
    max_unseen_share: Annotated[
        float,
        typer.Option(min=0, max=1, help="Refuse when more rows than this share have an unseen category in a column."),
    ] = 0.5,
) -> None:
    """Score every customer, allocate the budget, write one row per customer with the reason."""
    from tools.targeting.offline.learned import UpliftPolicy
    from tools.targeting.offline.planning import Budget, plan_campaign
    from tools.targeting.offline.table import TableError, read_table

    if method not in ("auto", "milp", "greedy"):
        raise _fail(ValueError(f"--method must be auto, milp or greedy, got {method!r}"))
    chosen: Literal["auto", "milp", "greedy"] = "milp" if method == "milp" else "auto"
    chosen = "greedy" if method == "greedy" else chosen
    try:
        budget = Budget(share=budget_share, sends=budget_sends, cost=budget_cost)
        costs = _pairs(cost_per_treatment or [], "--cost-per-treatment")
        policy = UpliftPolicy.load(model)
        table = read_table(customers)
        eligibility = _eligibility(table, eligible_column or [], len(policy.treatments) - 1)
        with console.status("planning") as status:
            result = plan_campaign(
                policy,
                table,
                budget,
                costs=costs,
                eligibility=eligibility,
                id_column=id_column,
                method=chosen,
                max_unseen_share=max_unseen_share,
                progress=lambda text: status.update(f"planning: {text}"),
            )
    except (TableError, ValueError) as error:
        raise _fail(error) from error
    for warning in result.warnings:
        console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "decision", "treatment", "score", "rank", "reason"])
        for row in result.rows:
            writer.writerow([row.customer, row.decision, row.treatment, f"{row.score:.6g}", row.rank, row.reason])
    allocation = result.allocation
    counts = {t: sum(r.treatment == t for r in result.rows) for t in policy.treatments[1:]}
    console.print(f"{allocation.sends:,} of {len(result.rows):,} customers get a send: {counts}")
    score = " + ".join(f"{w:g} x {o}" for o, w in policy.weights.items())
    console.print(
        f"expected gain {allocation.value:,.4g} in {score} (proven within {allocation.optimality_gap:.2%} of the "
        f"best possible allocation, {allocation.method}); cost {allocation.cost:,.4g}"
    )
    console.print(f"wrote {out}")


def _eligibility(table: Table, columns: list[str], n_treatments: int) -> Eligibility | None:
    """Rows whose eligibility columns are not all true get nothing; the reason names the column."""
    from tools.targeting.offline.eligibility import Eligibility
    from tools.targeting.offline.table import TableError

    if not columns:
        return None
    table.require(columns)
    allowed = np.ones(table.n_rows, dtype=bool)
    reasons: dict[int, list[str]] = {}
    for name in columns:
        for row, text in enumerate(table.columns[name]):
            if text.lower() in TRUE:
                continue
            if text.lower() not in FALSE:
                raise TableError(f"{table.source}: column {name!r}, line {row + 2}: {text!r} is not 1/0 or true/false")
            allowed[row] = False
            reasons.setdefault(row, []).append(f"{name}={text or 'empty'}")
    return Eligibility(np.repeat(allowed[:, None], n_treatments, axis=1), reasons)
