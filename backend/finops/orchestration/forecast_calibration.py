"""``finops eval forecast-intervals``: fit the forecast's band scales on the estates of some
generator seeds and report the interval coverage on the estates of other, held-out seeds.

Each seed's paths (one 180-day platform forecast per series — the total and each account, as
``finops eval forecasts`` — and origin) are computed once and kept under
``FINOPS_HOME/forecast-paths``; fitting and scoring at any band scales reuse them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from finops.analytics.cube import CostCube
from finops.analytics.evaluation.calibration import (
    Coverage,
    ForecastPath,
    collect_paths,
    coverage,
    fit_band_scales,
    load_paths,
    save_paths,
)
from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.forecasting.models import ForecastError
from finops.config import Settings, get_settings
from finops.markdown import table

PATH_HORIZON = 180
BEFORE_END = (180,)
REPORTED = (30, 90, 180)


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    fit_seeds: tuple[int, ...]
    holdout_seeds: tuple[int, ...]
    scales: tuple[float, ...]
    before: dict[int, list[Coverage]]
    """Per held-out seed (and 0: all of them pooled), coverage at each reported horizon with
    the intervals of ``ForecastParams()``'s current defaults."""
    unit: dict[int, list[Coverage]]
    """… with unit band scales (the intervals before calibration)."""
    after: dict[int, list[Coverage]]
    """… with the fitted scales."""


def seed_paths(seed: int, *, settings: Settings) -> list[ForecastPath]:
    """The seed's forecast paths, from the cache or forecast now (minutes per seed)."""
    from finops.orchestration.evaluation import demo_estate_cube

    stops = "_".join(str(b) for b in BEFORE_END)
    file = settings.home / "forecast-paths" / f"seed{seed}-h{PATH_HORIZON}-o{stops}.npz"
    if file.exists():
        return load_paths(file)
    _, cube = demo_estate_cube(settings=settings, seed=seed)
    assert isinstance(cube, CostCube)
    series = {"total": cube.series([])[1][0]}
    keys, matrix = cube.series(["account"])
    series.update({f"account {k[0]}": row for k, row in zip(keys, matrix, strict=True) if all(k)})
    paths = collect_paths(
        series,
        cube.days,
        horizon=PATH_HORIZON,
        before_end=BEFORE_END,
    )
    save_paths(file, paths)
    return paths


def calibrate_intervals(
    *,
    fit_seeds: Sequence[int],
    holdout_seeds: Sequence[int],
    settings: Settings | None = None,
) -> tuple[CalibrationReport, str]:
    settings = settings or get_settings()
    if set(fit_seeds) & set(holdout_seeds):
        raise ForecastError(
            f"--fit-seeds {sorted(fit_seeds)} and --holdout-seeds {sorted(holdout_seeds)} "
            "share seeds: the held-out estates must not be fitted on"
        )
    fit = [p for s in fit_seeds for p in seed_paths(s, settings=settings)]
    scales = fit_band_scales(fit)
    defaults = ForecastParams()
    unit = ForecastParams(band_scales=(1.0,) * len(defaults.band_scales))
    fitted = ForecastParams(band_scales=scales)
    held = {s: seed_paths(s, settings=settings) for s in holdout_seeds}
    held[0] = [p for s in holdout_seeds for p in held[s]]

    def scored(params: ForecastParams) -> dict[int, list[Coverage]]:
        return {
            s: [coverage(paths, h, params=params) for h in REPORTED] for s, paths in held.items()
        }

    report = CalibrationReport(
        tuple(fit_seeds),
        tuple(holdout_seeds),
        scales,
        scored(defaults),
        scored(unit),
        scored(fitted),
    )
    return report, calibration_tables(report, fitted_paths=len(fit))


def calibration_tables(report: CalibrationReport, *, fitted_paths: int) -> str:
    bands = ForecastParams().interval_bands
    edges = [0, *bands]
    names = [f"{a + 1}–{b}" for a, b in pairwise(edges)]
    names.append(f"{bands[-1] + 1}–{PATH_HORIZON}")
    scales = ", ".join(f"{n}: {s:.3f}" for n, s in zip(names, report.scales, strict=True))
    head = (
        f"Band scales fitted on seeds {', '.join(map(str, report.fit_seeds))} "
        f"({fitted_paths} forecast paths; steps {scales}); "
        f"held out: seeds {', '.join(map(str, report.holdout_seeds))}.\n\n"
    )
    rows = []
    for seed in (*report.holdout_seeds, 0):
        for k, horizon in enumerate(REPORTED):
            unit, before, after = (
                report.unit[seed][k],
                report.before[seed][k],
                report.after[seed][k],
            )
            rows.append(
                [
                    "all held out" if seed == 0 else seed,
                    horizon,
                    after.paths,
                    f"{after.mase:.3f}",
                    f"{unit.coverage80:.3f}",
                    f"{before.coverage80:.3f}",
                    f"{after.coverage80:.3f}",
                    f"{unit.coverage95:.3f}",
                    f"{after.coverage95:.3f}",
                ]
            )
    headers = ["held-out seed", "horizon (d)", "forecasts", "MASE", "80% unit scales"]
    headers += ["80% current defaults", "80% fitted", "95% unit scales", "95% fitted"]
    return head + table(headers, rows)
