"""``build_estate``: the organisation, its ordinary workload and every planted situation."""

from __future__ import annotations

import numpy as np

from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.model import Estate
from finops.generator.estate.plant_anomalies import (
    plant_account_spike,
    plant_capacity_step,
    plant_cost_drift,
    plant_extra_anomalies,
    plant_level_shift,
    plant_resource_spike,
    plant_usage_anomalies,
)
from finops.generator.estate.plant_commitments import plant_reservations, plant_savings_plans
from finops.generator.estate.plant_rightsizing import (
    plant_gp2_volumes,
    plant_healthy_instances,
    plant_oversized_instances,
    plant_previous_generation,
)
from finops.generator.estate.plant_tagging import plant_mistagged, plant_untagged
from finops.generator.estate.plant_waste import (
    plant_idle_database,
    plant_idle_instances,
    plant_idle_load_balancer,
    plant_old_snapshots,
    plant_unassociated_eips,
    plant_unattached_volumes,
)
from finops.generator.timeline import Timeline

PLANTERS = (
    plant_idle_instances,
    plant_oversized_instances,
    plant_previous_generation,
    plant_unattached_volumes,
    plant_old_snapshots,
    plant_unassociated_eips,
    plant_idle_load_balancer,
    plant_idle_database,
    plant_gp2_volumes,
    plant_untagged,
    plant_mistagged,
    plant_resource_spike,
    plant_account_spike,
    plant_level_shift,
    plant_cost_drift,
    plant_capacity_step,
    plant_reservations,
    plant_healthy_instances,
    plant_savings_plans,
)
"""Every situation kind's planter, in the order they draw from the estate's random generator
(the order is part of the output: changing it changes every identifier drawn after it)."""


def build_estate(
    *,
    timeline: Timeline,
    seed: int,
    accounts: int,
    density: float = 1.0,
    extra_anomalies: int = 0,
    usage_anomalies: bool = False,
) -> Estate:
    """The organisation, its resources and every planted situation.

    ``extra_anomalies`` plants that many more cost anomalies (spikes, level shifts, drifts on
    single resources) for evaluation estates; they draw from their own random stream, so the
    rest of the estate is the same with or without them. ``usage_anomalies`` plants a CPU pin
    that causes a cost spike and a CPU blip without cost (``plant_usage_anomalies``).
    """
    b = EstateBuilder(timeline=timeline, seed=seed, accounts=accounts, density=density)
    for account in b.accounts:
        for region in account.regions:
            groups = round((3 if account.environment == "prod" else 2) * density)
            for index in range(groups):
                b.group(account, region, index)
            b.shared_services(account, region)
    for plant in PLANTERS:
        plant(b)
    if extra_anomalies:
        plant_extra_anomalies(b, extra_anomalies, np.random.default_rng([seed, 7919]))
    if usage_anomalies:
        plant_usage_anomalies(b)
    return Estate(
        timeline=timeline,
        seed=seed,
        payer=b.payer,
        accounts=b.accounts,
        resources=b.resources,
        reservations=b.reservations,
        savings_plans=b.savings_plans,
        anomalies=b.anomalies,
        situations=b.situations,
        usage_pins=b.usage_pins,
    )
