# Airflow's components (scheduler, api-server, dag-processor, triggerer) through the hashicorp
# provider's VaultBackend: connections (finops_aws: the DAGs' AWS session), variables and
# config values (sql_alchemy_conn: the metadata database URL) only. Workers run the platform's
# jobs and get this policy together with finops-jobs (the finops-airflow-worker role).
path "secret/data/finops/airflow/connections/*" {
  capabilities = ["read"]
}

path "secret/data/finops/airflow/variables/*" {
  capabilities = ["read"]
}

path "secret/data/finops/airflow/config/*" {
  capabilities = ["read"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
