"""boto3 sessions and clients for the collectors: one per linked account, through STS AssumeRole.

- The endpoint: botocore honours ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) by
  itself, so a moto server or a VPC endpoint needs no code; ``endpoint_url`` overrides it.
- Credentials: the default chain, or a named profile (``FINOPS_AWS_PROFILE``); or a base session
  the caller hands in (:class:`BaseSession`: the DAGs' Airflow AWS connection, with its region
  and endpoint), which then replaces both.
- Linked accounts: ``sts:AssumeRole`` into ``arn:aws:iam::<account>:role/<role_name>``; the
  caller's own account uses the base session. Assumed credentials refresh themselves before they
  expire, so a long run never fails halfway on expiry.
- Throttling: botocore ``adaptive`` retries (client-side rate limiting plus exponential backoff).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import botocore.session
import structlog
from botocore.config import Config
from botocore.credentials import DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from finops.config import Settings, get_settings
from finops.errors import FinOpsError

log = structlog.get_logger(__name__)

DEFAULT_ROLE = "OrganizationAccountAccessRole"

# Error codes that mean "this principal may not do that here" and "this region is not usable".
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "UnauthorizedAccess",
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
    }
)
REGION_DISABLED_CODES = frozenset({"OptInRequired", "AuthFailure", "UnrecognizedClientException"})
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "SlowDown",
    }
)


@dataclass(frozen=True)
class AwsSettings:
    """How the collectors reach AWS: the ``aws_*`` fields of :class:`Settings`
    (``FINOPS_AWS_PROFILE``, ``FINOPS_AWS_ROLE_NAME`` …)."""

    profile: str | None = None  # named profile of the base session
    role_name: str = DEFAULT_ROLE  # role assumed in every linked account
    external_id: str | None = None
    accounts: tuple[str, ...] = ()  # linked accounts; empty: the organization's, or own
    regions: tuple[str, ...] = ()  # regions; empty: every region enabled in the account
    endpoint_url: str | None = None  # override of AWS_ENDPOINT_URL (tests, VPC endpoints)
    max_attempts: int = 10  # adaptive retry attempts per call
    session_name: str = "finops-collector"

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AwsSettings:
        s = settings or get_settings()
        return cls(
            profile=s.aws_profile,
            role_name=s.aws_role_name,
            external_id=s.aws_external_id,
            accounts=tuple(s.aws_accounts),
            regions=tuple(s.aws_regions),
            endpoint_url=s.aws_endpoint_url,
            max_attempts=s.aws_max_attempts,
            session_name=s.aws_session_name,
        )


class AwsAccessError(FinOpsError):
    """A call to AWS was refused or failed; names the account, region and operation."""

    def __init__(self, message: str, *, reason: str, code: str = "") -> None:
        super().__init__(message)
        self.reason = reason  # access_denied | region_not_enabled | throttled | error
        self.code = code

    @classmethod
    def of_call(cls, what: str, exc: ClientError | BotoCoreError) -> AwsAccessError:
        """A failed AWS call: ``what`` was attempted (account, operation), then AWS's message."""
        return cls(f"{what}: {exc}", reason=classify(exc), code=error_code(exc))


def classify(exc: BaseException) -> str:
    """``access_denied``, ``region_not_enabled``, ``throttled``, ``not_found`` or ``error``."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ACCESS_DENIED_CODES:
            return "access_denied"
        if code in REGION_DISABLED_CODES:
            return "region_not_enabled"
        if code in THROTTLING_CODES:
            return "throttled"
        if code.endswith("NotFound") or code.endswith("NotFoundException"):
            return "not_found"
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
            return "access_denied"  # a 403 whose body did not parse still means refused
    if isinstance(exc, AwsAccessError):
        return exc.reason
    return "error"


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return type(exc).__name__


@dataclass(frozen=True)
class BaseSession:
    """A base identity handed in by the caller instead of the default chain: the boto3 session
    of an Airflow AWS connection (``finops.orchestration.aws_connection``), with the endpoint
    the connection names (None: ``FINOPS_AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL`` as usual)."""

    session: boto3.Session
    endpoint_url: str | None = None
    origin: str = "caller"  # where it came from, for the logs ("Airflow connection finops_aws")


@dataclass
class AwsSessions:
    """Sessions per account for one run; thread-safe, AssumeRole once per account. The base
    session is ``provided`` when the caller gives one, else the default chain (or profile)."""

    settings: AwsSettings = field(default_factory=AwsSettings.from_settings)
    provided: BaseSession | None = None
    _base: boto3.Session | None = None
    _by_account: dict[str, boto3.Session] = field(default_factory=dict)
    _caller_account: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def client_config(self) -> Config:
        return Config(
            retries={"mode": "adaptive", "max_attempts": self.settings.max_attempts},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="finops-collector",
        )

    def base(self) -> boto3.Session:
        if self._base is None:
            self._base = (
                self.provided.session
                if self.provided is not None
                else boto3.Session(profile_name=self.settings.profile)
            )
        return self._base

    @property
    def endpoint_url(self) -> str | None:
        """The provided session's endpoint, else ``FINOPS_AWS_ENDPOINT_URL`` (None: botocore's)."""
        if self.provided is not None and self.provided.endpoint_url:
            return self.provided.endpoint_url
        return self.settings.endpoint_url

    def client(self, service: str, *, account_id: str | None, region: str) -> Any:
        """A client of ``service`` in ``region`` acting in ``account_id`` (None: the caller)."""
        session: Any = self.base() if account_id is None else self.session(account_id)
        return session.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            config=self.client_config,
        )

    def caller_account(self) -> str:
        if self._caller_account is None:
            sts = self.client("sts", account_id=None, region=_sts_region(self.base()))
            try:
                self._caller_account = str(sts.get_caller_identity()["Account"])
            except (ClientError, BotoCoreError) as exc:
                raise AwsAccessError.of_call(
                    "cannot identify the AWS caller (sts:GetCallerIdentity)", exc
                ) from exc
        return self._caller_account

    def session(self, account_id: str) -> boto3.Session:
        with self._lock:
            cached = self._by_account.get(account_id)
            if cached is not None:
                return cached
        own = account_id == self.caller_account()
        session = self.base() if own else self._assumed(account_id)
        with self._lock:
            self._by_account[account_id] = session
        return session

    def role_arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.settings.role_name}"

    def _assumed(self, account_id: str) -> boto3.Session:
        role_arn = self.role_arn(account_id)
        sts = self.client("sts", account_id=None, region=_sts_region(self.base()))

        def refresh() -> dict[str, str]:
            kwargs: dict[str, Any] = {
                "RoleArn": role_arn,
                "RoleSessionName": self.settings.session_name,
                "DurationSeconds": 3600,
            }
            if self.settings.external_id:
                kwargs["ExternalId"] = self.settings.external_id
            try:
                creds = sts.assume_role(**kwargs)["Credentials"]
            except (ClientError, BotoCoreError) as exc:
                raise AwsAccessError.of_call(
                    f"account {account_id}: sts:AssumeRole into {role_arn} failed", exc
                ) from exc
            expiry = creds["Expiration"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expiry.isoformat() if isinstance(expiry, datetime) else str(expiry),
            }

        refresh()  # fail now, with the account named, rather than on the first call
        credentials = DeferredRefreshableCredentials(
            refresh_using=refresh, method="sts-assume-role"
        )
        core = botocore.session.Session()
        # botocore has no public setter for refreshable credentials; this is the usual way
        setattr(core, "_credentials", credentials)  # noqa: B010
        return boto3.Session(botocore_session=core)

    def linked_accounts(self) -> list[str]:
        """Configured accounts; else the organization's active accounts; else the caller's."""
        if self.settings.accounts:
            return sorted(set(self.settings.accounts))
        org = self.client("organizations", account_id=None, region="us-east-1")
        try:
            accounts: list[str] = []
            for page in org.get_paginator("list_accounts").paginate():
                accounts += [a["Id"] for a in page["Accounts"] if a.get("Status") == "ACTIVE"]
        except ClientError as exc:
            log.info("aws.organization_not_listed", code=error_code(exc))
            return [self.caller_account()]
        return sorted(set(accounts)) or [self.caller_account()]

    def enabled_regions(self, account_id: str) -> list[str]:
        """Configured regions; else the regions enabled in ``account_id``."""
        if self.settings.regions:
            return sorted(set(self.settings.regions))
        ec2 = self.client("ec2", account_id=account_id, region=_sts_region(self.base()))
        try:
            response = ec2.describe_regions(AllRegions=False)
        except (ClientError, BotoCoreError) as exc:
            raise AwsAccessError.of_call(
                f"account {account_id}: ec2:DescribeRegions failed", exc
            ) from exc
        return sorted(
            r["RegionName"]
            for r in response["Regions"]
            if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
        )


def _sts_region(session: boto3.Session) -> str:
    return session.region_name or "us-east-1"
