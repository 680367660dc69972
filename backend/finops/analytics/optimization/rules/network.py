"""Network waste: unassociated Elastic IPs and idle load balancers."""

from __future__ import annotations

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import REMOVAL, Finding, removal
from finops.analytics.optimization.policy import HOURS_PER_MONTH
from finops.analytics.optimization.rules.base import FINDING_RULES
from finops.analytics.optimization.rules.inventory import InventoryRule
from finops.analytics.optimization.waste import EIP, LOAD_BALANCER, WasteInputs


@FINDING_RULES.register
class UnassociatedEip(InventoryRule):
    """An Elastic IP associated with nothing and billed as an idle public IPv4 address.

    Example::

        finding: unassociated_eip
        resource: AWS::EC2::EIP
        parameters:
          eip_min_idle_days: 1
    """

    finding_type = "unassociated_eip"
    resource_types = (EIP,)
    label = "Unassociated Elastic IP"
    parameter_names = ("eip_min_idle_days",)
    savings_method = REMOVAL
    coh_action = "Delete"
    service = "AmazonVPC"

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        if item.configuration.get("associationId") or item.configuration.get("instanceId"):
            return None
        line = inputs.line(item, "PublicIPv4:IdleAddress")
        if line is None:
            return None
        idle_days = (line.last_day - line.first_day).days + 1
        if idle_days < self.parameters.eip_min_idle_days:
            return None
        return self._finding(
            item,
            line.list_unit_price * HOURS_PER_MONTH,
            removal(),
            {
                "public_ip": item.configuration.get("publicIp"),
                "hourly_rate": line.list_unit_price,
                "idle_days_billed": idle_days,
                "action": "release the address",
            },
        )


@FINDING_RULES.register
class IdleLoadBalancer(InventoryRule):
    """A load balancer with fewer requests than a threshold over the lookback.

    Example::

        finding: idle_load_balancer
        resource: AWS::ElasticLoadBalancingV2::LoadBalancer
        parameters:
          idle_lookback_days: 14
          idle_min_hours: 30
          idle_lb_max_requests: 100
    """

    finding_type = "idle_load_balancer"
    resource_types = (LOAD_BALANCER,)
    label = "Idle load balancer"
    parameter_names = ("idle_lookback_days", "idle_min_hours", "idle_lb_max_requests")
    savings_method = REMOVAL
    coh_action = "Delete"
    service = "AWSELB"

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        p = self.parameters
        metric_id = (item.arn or item.resource_id).partition("loadbalancer/")[2]
        requests = inputs.lb_stats.get((metric_id, "AWS/ApplicationELB", "RequestCount", "Sum"))
        line = inputs.line(item, "LoadBalancerUsage")
        if requests is None or line is None or requests.hours < p.idle_min_hours:
            return None
        if requests.total >= p.idle_lb_max_requests:
            return None
        lcu = inputs.line(item, "LCUUsage")
        return self._finding(
            item,
            line.list_unit_price * HOURS_PER_MONTH,
            removal(),
            {
                "requests_in_lookback": requests.total,
                "lookback_days": p.idle_lookback_days,
                "hours_of_data": round(requests.hours, 2),
                "hourly_rate": line.list_unit_price,
                "lcu_cost_in_window": None if lcu is None else lcu.list_cost,
                "threshold_requests": p.idle_lb_max_requests,
                "action": "delete",
            },
        )
