"""Tagging: resources without the required tags and resources whose tags break the policy."""

from __future__ import annotations

from finops.generator import catalog
from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.factory import BEFORE_RANGE
from finops.generator.estate.model import Profile, Resource


def carrying(b: EstateBuilder, r: Resource) -> list[Resource]:
    """The resource and every resource created with its tags (an instance's root volume):
    each carries the planted tags, so each is its own situation."""
    volumes = set(r.attrs.get("volumes", []))
    return [r] + [v for v in b.resources if v.resource_id in volumes]


def plant_untagged(b: EstateBuilder) -> None:
    """Resources without any tag: an instance (with its root volume), a bucket and a volume."""
    a = b.acct(3)
    untagged = [
        b.standing_instance(
            a,
            "t3.large",
            profile=Profile(level=30.0),
            tags={},
        ),
        b.bucket(a, a.regions[0], "scratch-data", tags={}),
    ]
    untagged.append(
        b.volume(a, a.regions[0], "gp3", 100, launch=BEFORE_RANGE, terminate=None, tags={})
    )
    untagged[-1].attrs["attached_to"] = untagged[0].resource_id
    untagged[-1].attrs["device"] = "/dev/sdf"

    for r in untagged:
        for item in carrying(b, r):
            b.situation(
                "untagged_resource", item, 0, None, missing_tags=list(catalog.REQUIRED_TAGS)
            )


def plant_mistagged(b: EstateBuilder) -> None:
    """Resources whose tags break the policy: a misspelt key, a value outside the allowed set,
    a team and cost center the policy does not know."""
    a = b.acct(5)
    bad_tags: list[tuple[dict[str, str], str]] = [
        (
            {
                "team": a.team,
                "enviroment": a.environment,
                "cost-center": catalog.TEAMS[a.team],
                "application": "api",
            },
            "tag key 'enviroment' misspelt; 'environment' missing",
        ),
        (
            {
                "team": a.team,
                "environment": "Prod",
                "cost-center": catalog.TEAMS[a.team],
                "application": "api",
            },
            "environment 'Prod' is not one of prod/staging/dev/sandbox",
        ),
        (
            {
                "team": "unknown",
                "environment": a.environment,
                "cost-center": "CC-9999",
                "application": "etl",
            },
            "team 'unknown' and cost-center 'CC-9999' are not in the policy",
        ),
    ]
    for i, (tags, why) in enumerate(bad_tags):
        if i == 1:
            r = b.function(a, a.regions[0], tags=tags)
        else:
            r = b.standing_instance(
                a,
                "m6i.large",
                profile=Profile(level=35.0),
                tags=tags,
            )
        for item in carrying(b, r):
            b.situation("mistagged_resource", item, 0, None, problem=why, tags=dict(tags))
