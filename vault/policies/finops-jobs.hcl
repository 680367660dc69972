# Scheduled jobs (finops run ..., the tasks of the Airflow DAGs): the shared warehouse and
# notification secrets and the AWS role settings of the collectors. No session key, no OIDC.
path "secret/data/finops/shared/*" {
  capabilities = ["read"]
}

path "secret/data/finops/jobs/*" {
  capabilities = ["read"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
