"""The one place configuration comes from: environment variables prefixed ``FINOPS_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self, get_args
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from finops.errors import ConfigurationError
from finops.secret_settings import SecretSettings, resolve_secrets

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_PREFIX = "FINOPS_"

Environment = Literal["development", "test", "production"]
"""Where the platform runs: production requires an external database (``FINOPS_DATABASE_URL``)."""
ENVIRONMENTS: tuple[Environment, ...] = get_args(Environment)
RoleName = Literal["viewer", "analyst", "approver", "admin"]
"""The values of ``finops.auth.roles.Role`` (config imports nothing above it; a test checks
that the two agree)."""


class Settings(SecretSettings):
    """Platform settings. Every piece of state lives under ``home`` unless configured; the
    secrets provider's settings (``FINOPS_SECRETS_PROVIDER``, ``FINOPS_VAULT_*``) come from
    :class:`SecretSettings`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    environment: Environment = Field(
        default="development", description="development | test | production"
    )
    home: Path = Field(default=Path(".finops"), description="root of all local state")
    database_url: SecretStr | None = Field(
        default=None,
        description="external PostgreSQL (postgresql://…); unset: an embedded server under home",
    )
    embedded_pg_port: int = Field(default=0, description="0: pick a free loopback port once")

    cache_dir: Path | None = None
    airflow_home: Path | None = None
    log_dir: Path | None = None

    billing_sources: list[str] = Field(
        default_factory=list,
        description="billing export locations (folders or s3:// prefixes) the DAG ingests",
    )
    demo_estate_dir: Path | None = None
    remediation_policy_dir: Path | None = Field(
        default=None,
        description="folder of remediation policy YAML files; unset: home/policies",
    )
    remediation_four_eyes: bool = Field(
        default=False,
        description="four eyes: whoever proposed a remediation may not approve or reject it",
    )
    remediation_airflow_approvers: list[str] = Field(
        default_factory=list,
        description="Airflow users assigned to the remediation DAG's approval tasks; empty: any",
    )
    aws_role_arn: str | None = Field(
        default=None, description="role assumed to read billing exports from S3"
    )
    # usage and inventory collectors (finops.ingest.aws.AwsSettings)
    aws_profile: str | None = Field(default=None, description="named profile of the base session")
    aws_role_name: str = Field(
        default="OrganizationAccountAccessRole", description="role assumed in every linked account"
    )
    aws_external_id: str | None = None
    aws_accounts: list[str] = Field(
        default_factory=list, description="linked accounts; empty: the organization's, or own"
    )
    aws_regions: list[str] = Field(
        default_factory=list, description="regions; empty: every region enabled in the account"
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="override of AWS_ENDPOINT_URL (tests, VPC endpoints)"
    )
    aws_max_attempts: int = Field(default=10, ge=1, description="adaptive retry attempts per call")
    aws_session_name: str = "finops-collector"

    dashboard_rollups: bool = Field(
        default=True,
        description="dashboard and Explorer queries read the cost rollups; false: the costs view "
        "(the same numbers, slower; the API benchmark's baseline)",
    )
    sql_statement_timeout_s: float = Field(default=30.0, gt=0)
    sql_row_limit: int = Field(default=10_000, gt=0)
    sql_queries_per_minute: int = Field(
        default=30, gt=0, description="SQL console queries per user a minute, per API process"
    )

    # the assistant (docs/assistant.md): offline parser, optionally an LLM writing guarded SQL
    assistant_provider: Literal["offline", "openai", "bedrock"] = Field(
        default="offline", description="who answers what the offline parser cannot"
    )
    assistant_base_url: str | None = Field(
        default=None, description="OpenAI-compatible API base URL (…/v1)"
    )
    assistant_api_key: SecretStr | None = None
    assistant_model: str = "gpt-4o-mini"
    assistant_timeout_s: float = Field(default=30.0, gt=0)

    # database roles (docs/security.md): the configured URL's user owns the schema and runs the
    # migrations; the platform connects as the application role, the SQL console as its own role
    db_app_role: str = Field(
        default="finops_app", pattern=r"^[a-z_][a-z0-9_]{0,62}$", description="API and jobs"
    )
    db_app_password: SecretStr | None = Field(
        default=None, description="set on the role by the migrations; unset: trust/peer auth"
    )
    db_console_role: str = Field(
        default="finops_console", pattern=r"^[a-z_][a-z0-9_]{0,62}$", description="SQL console"
    )
    db_console_password: SecretStr | None = None
    db_api_role: str = Field(
        default="finops_api",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="the API: the application's privileges, rows limited by the request's scope",
    )
    db_api_password: SecretStr | None = None
    db_view_owner_role: str = Field(
        default="finops_views",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="owns the public views (no login), so that they read under row-level security",
    )
    sql_temp_file_limit_mb: int = Field(default=1024, gt=0, description="console temp files")
    sql_work_mem_mb: int = Field(default=32, gt=0, description="console work_mem")
    sql_idle_in_transaction_s: int = Field(default=60, gt=0)
    sql_connection_limit: int = Field(default=20, gt=0, description="console connections")

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_max_body_bytes: int = Field(
        default=256 * 1024, gt=0, description="larger request bodies are refused with 413"
    )
    api_workers: int = Field(
        default=1, ge=1, le=64, description="`finops serve` processes (uvicorn workers)"
    )
    api_db_pool_size: int = Field(
        default=10, ge=1, description="API database connections kept per worker process"
    )
    api_cache: bool = Field(
        default=True,
        description="cache cost answers per (scope, role, route, query, cost data version) in "
        "each API process (docs/architecture.md 'API response cache'); false: always compute",
    )
    api_cache_entries: int = Field(default=2048, ge=1, description="answers cached per process")
    api_max_in_flight: int = Field(
        default=16,
        ge=0,
        description="API requests computed at once per process; one more is refused at once "
        "with 503 `overloaded` and Retry-After (cached answers, health and metrics never are); "
        "0: no limit",
    )
    api_cache_max_age_s: float = Field(
        default=300.0, gt=0, description="a cached answer is recomputed after this at the latest"
    )
    api_auth_cache_s: float = Field(
        default=5.0,
        ge=0,
        description="a resolved API token or session is reused this long per process (a "
        "revocation reaches every process through PostgreSQL NOTIFY at once, else within it); "
        "0: look it up on every request",
    )
    airflow_port: int = 8080
    # Airflow's executor (docs/operations.md "Scaling out on Celery")
    airflow_executor: Literal["local", "celery"] = Field(
        default="local",
        description="local: tasks run beside the scheduler; celery: on `airflow celery worker`s "
        "fed through a Redis broker",
    )
    airflow_celery_broker_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="the Celery broker (Redis)"
    )
    airflow_celery_workers: int = Field(
        default=2, ge=0, description="Celery workers `finops airflow` starts beside the scheduler"
    )
    airflow_celery_concurrency: int = Field(
        default=2, gt=0, description="tasks one Celery worker runs at once"
    )
    airflow_statsd_host: str | None = Field(
        default=None,
        description="send Airflow's StatsD metrics to this host (the statsd-exporter); unset: off",
    )
    airflow_statsd_port: int = Field(default=9125, gt=0, lt=65536)
    airflow_database_url: SecretStr | None = Field(
        default=None,
        description="Airflow's metadata database; unset: the `airflow` database beside the "
        "warehouse; vault:finops/airflow/config/<key>#value: Airflow reads it from Vault",
    )
    airflow_aws_conn_id: str = Field(
        default="finops_aws",
        description="Airflow connection the DAGs' AWS sessions come from (amazon provider); "
        "absent or empty: FINOPS_AWS_* and the default credential chain",
    )

    # identity (finops.auth, docs/security.md)
    session_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of sessions, CSRF tokens and API token hashes; required outside "
        "development and tests (there: generated once into home/session-secret)",
    )
    session_idle_minutes: int = Field(
        default=30, gt=0, description="a session unused this long ends"
    )
    session_absolute_hours: int = Field(
        default=12, gt=0, description="a session ends this long after login"
    )
    login_max_failures: int = Field(default=5, gt=0, description="failed logins before a lockout")
    login_lockout_minutes: int = Field(default=15, gt=0, description="how long a lockout lasts")
    login_attempts_per_minute: int = Field(
        default=20, gt=0, description="password logins one client address may try per minute"
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Secure flag of the session cookies; unset: on outside development",
    )
    # single sign-on (finops.auth.oidc, docs/security.md "Single sign-on")
    oidc_issuer: str | None = Field(
        default=None,
        description="the OpenID provider's issuer URL (https://…, exactly as its discovery "
        "document says); unset: no single sign-on",
    )
    oidc_client_id: str | None = Field(default=None, description="this client's id at the IdP")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="the client secret; unset: a public client (PKCE only)"
    )
    oidc_scopes: list[str] = Field(
        default_factory=lambda: ["openid", "profile", "email"],
        description="scopes asked for (add the one that releases the group claim, if any)",
    )
    oidc_group_claim: str = Field(
        default="groups", description="the ID token claim listing the user's groups"
    )
    oidc_role_map: dict[str, RoleName] = Field(
        default_factory=dict,
        description='IdP group -> role ({"finops-admins": "admin"}); a user in several mapped '
        "groups gets the highest role, in none: no login",
    )
    oidc_name: str = Field(default="Single sign-on", description="the login button's label")
    oidc_redirect_uri: str | None = Field(
        default=None,
        description="the callback URL registered at the IdP (…/api/v1/auth/oidc/callback); "
        "unset: derived from the request",
    )
    airflow_admin_user: str = "admin"
    log_level: str = "INFO"
    log_json: bool = True
    metrics_cache_s: float = Field(
        default=5.0, ge=0, description="how long /metrics reuses its read of the warehouse"
    )

    anomaly_tag_keys: list[str] = Field(
        default_factory=lambda: ["team", "cost-center"],
        description="tag keys watched as anomaly scopes (spelling-insensitive: user:cost_center "
        "is cost-center)",
    )

    # allocation (finops run allocation)
    allocation_tag_policy: Path | None = Field(
        default=None,
        description="tag policy JSON ({required, allowed}) for tag compliance and allocation "
        "(default: the packaged policy)",
    )
    allocation_invalid_tag_bucket: bool = Field(
        default=True,
        description="cost tagged with a cost center value the tag policy does not allow goes "
        "to the 'invalid-tag' chargeback bucket; false: to the value as tagged",
    )

    # notifications (budget alerts): SMTP server and delivery retries
    notify_smtp_host: str = "127.0.0.1"
    notify_smtp_port: int = Field(default=25, gt=0, lt=65536)
    notify_smtp_sender: str = "finops@localhost"
    notify_smtp_username: str | None = None
    notify_smtp_password: SecretStr | None = None
    notify_smtp_starttls: bool = False
    notify_timeout_s: float = Field(default=10.0, gt=0)
    notify_retries: int = Field(default=3, ge=0, description="attempts after the first")
    notify_backoff_s: float = Field(default=1.0, ge=0, description="first retry delay; doubles")
    notify_retry_budget: int = Field(
        default=10, ge=0, description="retries one run may spend over all its deliveries"
    )
    notify_webhook_allow: list[str] = Field(
        default_factory=list,
        description="hosts, addresses or networks (127.0.0.0/8) webhooks may reach although "
        "they are loopback, link-local or private; empty: public addresses only",
    )

    @field_validator("environment", mode="before")
    @classmethod
    def _known_environment(cls, value: object) -> object:
        if value not in ENVIRONMENTS:
            raise ValueError(
                f"{ENV_PREFIX}ENVIRONMENT {value!r} is not one of {', '.join(ENVIRONMENTS)}"
            )
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("oidc_role_map", mode="before")
    @classmethod
    def _role_names_in_any_case(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: v.strip().lower() if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _complete_single_sign_on(self) -> Self:
        if self.oidc_issuer is None:
            return self
        if not self.oidc_client_id:
            raise ValueError(f"{ENV_PREFIX}OIDC_CLIENT_ID must be set with {ENV_PREFIX}OIDC_ISSUER")
        issuer = urlsplit(self.oidc_issuer)
        loopback = issuer.hostname in ("localhost", "127.0.0.1", "::1")
        if not issuer.hostname or not (issuer.scheme == "https" or loopback):
            raise ValueError(
                f"{ENV_PREFIX}OIDC_ISSUER {self.oidc_issuer!r} must be an https:// URL "
                "(http only on loopback)"
            )
        return self

    @model_validator(mode="after")
    def _external_database_in_production(self) -> Self:
        if self.environment == "production" and self.database_url is None:
            raise ValueError(
                f"{ENV_PREFIX}DATABASE_URL must be set in production; "
                "the embedded PostgreSQL is for development, tests and the demo"
            )
        return self

    @model_validator(mode="after")
    def _distinct_database_roles(self) -> Self:
        names = {
            "DB_APP_ROLE": self.db_app_role,
            "DB_CONSOLE_ROLE": self.db_console_role,
            "DB_API_ROLE": self.db_api_role,
            "DB_VIEW_OWNER_ROLE": self.db_view_owner_role,
        }
        if len(set(names.values())) < len(names):
            raise ValueError(
                "the database roles must have distinct names: "
                + ", ".join(f"{ENV_PREFIX}{k}={v}" for k, v in names.items())
            )
        return self

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment != "development"

    @property
    def cache_path(self) -> Path:
        return (self.cache_dir or self.home / "cache").resolve()

    @property
    def airflow_home_path(self) -> Path:
        return (self.airflow_home or self.home / "airflow").resolve()

    @property
    def log_path(self) -> Path:
        return (self.log_dir or self.home / "logs").resolve()

    @property
    def pgdata_path(self) -> Path:
        return self.home / "pgdata"

    @property
    def demo_estate_path(self) -> Path:
        return (self.demo_estate_dir or self.home / "demo-estate").resolve()

    @property
    def remediation_policy_path(self) -> Path:
        return (self.remediation_policy_dir or self.home / "policies").resolve()


def describe_invalid(exc: ValidationError) -> str:
    """A settings validation error as one line naming each ``FINOPS_`` variable at fault."""
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            variable = ENV_PREFIX + str(error["loc"][0]).upper()
            message = f"{variable}: {message.removeprefix(variable + ' ')}"
        problems.append(message)
    return "invalid settings: " + "; ".join(problems)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment); a value the settings refuse
    is a ``ConfigurationError`` naming the variable; secret references are resolved (a secret
    that cannot be read is a ``SecretsError`` naming the variable and the Vault path)."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise ConfigurationError(describe_invalid(exc)) from None
    return resolve_secrets(settings)
