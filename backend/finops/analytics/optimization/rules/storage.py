"""EBS waste: unattached volumes, gp2 volumes (→ gp3) and old orphaned snapshots."""

from __future__ import annotations

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import (
    RATE_DIFFERENCE,
    REMOVAL,
    Finding,
    rate_difference,
    removal,
)
from finops.analytics.optimization.rules.base import FINDING_RULES
from finops.analytics.optimization.rules.inventory import InventoryRule
from finops.analytics.optimization.waste import SNAPSHOT, VOLUME, WasteInputs, day_of, gb


@FINDING_RULES.register
class UnattachedVolume(InventoryRule):
    """An EBS volume available (attached to nothing) continuously for a number of days.

    Example::

        finding: unattached_volume
        resource: AWS::EC2::Volume
        parameters:
          unattached_volume_min_days: 7
    """

    finding_type = "unattached_volume"
    resource_types = (VOLUME,)
    label = "Unattached EBS volume"
    parameter_names = ("unattached_volume_min_days",)
    savings_method = REMOVAL
    coh_action = "Delete"
    service = "AmazonEC2"

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        line = inputs.line(item, "EBS:VolumeUsage")
        size = gb(item, "size")
        if line is None or size is None or item.state != "available":
            return None
        min_days = self.parameters.unattached_volume_min_days
        first = inputs.available_since.get(item.resource_id, item.first_seen)
        days = (inputs.as_of - first).days
        if days < min_days:
            return None
        return self._finding(
            item,
            line.list_unit_price * size,
            removal(),
            {
                "volume_type": str(item.configuration.get("volumeType") or ""),
                "size_gb": size,
                "gb_month_rate": line.list_unit_price,
                "unattached_since": first,
                "unattached_days": days,
                "threshold_days": min_days,
                "action": "snapshot if needed, then delete",
            },
        )


@FINDING_RULES.register
class Gp2Volume(InventoryRule):
    """An attached gp2 volume, priced at the gp2 − gp3 rate difference from the bill (else the
    published gp3 discount).

    Example::

        finding: gp2_volume
        resource: AWS::EC2::Volume
        parameters:
          gp2_to_gp3: true
          gp3_discount_when_unpriced: 0.20
    """

    finding_type = "gp2_volume"
    resource_types = (VOLUME,)
    label = "gp2 → gp3 volume"
    parameter_names = ("gp2_to_gp3", "gp3_discount_when_unpriced")
    savings_method = RATE_DIFFERENCE
    coh_action = "Upgrade"
    service = "AmazonEC2"

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        line = inputs.line(item, "EBS:VolumeUsage")
        size = gb(item, "size")
        if line is None or size is None or not self.parameters.gp2_to_gp3:
            return None
        if item.configuration.get("volumeType") != "gp2" or item.state != "in-use":
            return None
        gp3_rate = inputs.rates.get((item.region, "EBS:VolumeUsage.gp3"))
        source = "bill"
        if gp3_rate is None:
            gp3_rate = line.list_unit_price * (1 - self.parameters.gp3_discount_when_unpriced)
            source = "gp2 rate less the published gp3 discount"
        return self._finding(
            item,
            (line.list_unit_price - gp3_rate) * size,
            rate_difference(line.list_unit_price, gp3_rate, "EBS:VolumeUsage.gp2"),
            {
                "size_gb": size,
                "volume_type": "gp2",
                "recommended_volume_type": "gp3",
                "gb_month_rate": line.list_unit_price,
                "recommended_gb_month_rate": gp3_rate,
                "recommended_rate_source": source,
                "iops": item.configuration.get("iops"),
                "action": "modify-volume to gp3 (online, no detach)",
            },
            scope="gp2",
        )


@FINDING_RULES.register
class OldSnapshot(InventoryRule):
    """An EBS snapshot older than a number of days whose source volume no longer exists.

    Example::

        finding: old_snapshot
        resource: AWS::EC2::Snapshot
        parameters:
          old_snapshot_min_age_days: 365
    """

    finding_type = "old_snapshot"
    resource_types = (SNAPSHOT,)
    label = "Old EBS snapshot"
    parameter_names = ("old_snapshot_min_age_days",)
    savings_method = REMOVAL
    coh_action = "Delete"
    service = "AmazonEC2"

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        created = day_of(item.created_at)
        source = item.configuration.get("volumeId")
        if created is None or source in inputs.volume_ids:
            return None
        age = (inputs.as_of - created).days
        line = inputs.line(item, "EBS:SnapshotUsage")
        size = gb(item, "volumeSize")
        min_age = self.parameters.old_snapshot_min_age_days
        if age < min_age or line is None or size is None:
            return None
        return self._finding(
            item,
            line.list_unit_price * size,
            removal(),
            {
                "size_gb": size,
                "created": created,
                "age_days": age,
                "source_volume_id": source,
                "source_volume_exists": False,
                "gb_month_rate": line.list_unit_price,
                "threshold_days": min_age,
                "note": "billed size is an upper bound: snapshots are incremental",
                "action": "delete (after checking no AMI uses it)",
            },
        )
