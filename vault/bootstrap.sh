#!/usr/bin/env bash
# Bootstrap Vault for the FinOps platform: the KV v2 mount, the policies in vault/policies, an
# AppRole and a Kubernetes role per component, and placeholder secrets at every path the platform
# reads (vault/README.md). Idempotent: run it again and nothing already there changes (existing
# secrets are never overwritten; policies and roles are rewritten to what this file says).
#
# Needs the vault CLI logged in with rights to manage mounts, auth methods and policies
# (VAULT_ADDR, VAULT_TOKEN). Not run by the tests: no Vault binary can be installed there (the
# platform's client is tested against a Vault-compatible server, tests/secrets/fake_vault.py).
#
#   VAULT_ADDR=https://vault:8200 VAULT_TOKEN=... vault/bootstrap.sh
#   KUBERNETES_HOST=https://kubernetes.default.svc vault/bootstrap.sh   # also the Kubernetes auth
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mount="${FINOPS_VAULT_MOUNT:-secret}"
namespace="${FINOPS_K8S_NAMESPACE:-finops}"
token_ttl="${FINOPS_VAULT_TOKEN_TTL:-1h}"
token_max_ttl="${FINOPS_VAULT_TOKEN_MAX_TTL:-24h}"

enabled() { vault "$1" list -format=json | grep -q "\"$2/\""; }

# the KV v2 secrets engine
if ! enabled secrets "$mount"; then
  vault secrets enable -path="$mount" -version=2 kv
fi

# policies: one per component, written from the files (policy write replaces)
for file in "$here"/policies/*.hcl; do
  vault policy write "$(basename "$file" .hcl)" "$file"
done

# AppRole: one role per component; role ids are stable, secret ids are issued by the operator
enabled auth approle || vault auth enable approle
declare -A roles=(
  [finops-api]="finops-api"
  [finops-jobs]="finops-jobs"
  [finops-airflow]="finops-airflow"
  [finops-airflow-worker]="finops-airflow,finops-jobs"
)
for role in "${!roles[@]}"; do
  vault write "auth/approle/role/$role" \
    token_policies="${roles[$role]}" token_ttl="$token_ttl" token_max_ttl="$token_max_ttl" \
    secret_id_ttl=0 >/dev/null
done

# Kubernetes auth (when KUBERNETES_HOST is given): service accounts of the Helm chart
if [[ -n "${KUBERNETES_HOST:-}" ]]; then
  enabled auth kubernetes || vault auth enable kubernetes
  vault write auth/kubernetes/config kubernetes_host="$KUBERNETES_HOST" >/dev/null
  for role in "${!roles[@]}"; do
    vault write "auth/kubernetes/role/$role" \
      bound_service_account_names="$role" bound_service_account_namespaces="$namespace" \
      token_policies="${roles[$role]}" token_ttl="$token_ttl" \
      token_max_ttl="$token_max_ttl" >/dev/null
  done
fi

# placeholder secrets: written only where nothing is stored yet
put_missing() {
  local path="$1"; shift
  if vault kv get -mount="$mount" "$path" >/dev/null 2>&1; then
    echo "kept   $mount/$path"
  else
    vault kv put -mount="$mount" "$path" "$@" >/dev/null
    echo "wrote  $mount/$path (placeholders: set the real values)"
  fi
}
put_missing finops/shared/db url="postgresql://finops:CHANGE-ME@postgres:5432/finops" \
  app_password="$(openssl rand -hex 24)" api_password="$(openssl rand -hex 24)" \
  console_password="$(openssl rand -hex 24)"
put_missing finops/shared/smtp username="finops" password="CHANGE-ME"
put_missing finops/shared/webhooks finops-alerts="https://hooks.example.com/CHANGE-ME"
put_missing finops/api/session key="$(openssl rand -hex 32)"
put_missing finops/api/oidc client_secret="CHANGE-ME"
put_missing finops/jobs/aws role_arn="arn:aws:iam::000000000000:role/CHANGE-ME" external_id=""
put_missing finops/airflow/connections/aws_default conn_type="aws" \
  extra='{"role_arn": "arn:aws:iam::000000000000:role/CHANGE-ME"}'
put_missing finops/airflow/config/sql_alchemy_conn \
  value="postgresql+psycopg://airflow:CHANGE-ME@postgres:5432/airflow"

for role in "${!roles[@]}"; do
  echo "role $role: role_id $(vault read -field=role_id "auth/approle/role/$role/role-id")"
done
echo "issue a secret id per deployment: vault write -f auth/approle/role/<role>/secret-id"
