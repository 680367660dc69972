# Airflow's components (scheduler, api-server, dag-processor, triggerer) through the hashicorp
# provider's VaultBackend: connections and variables only. Workers run the platform's jobs
# and get this policy together with finops-jobs (the finops-airflow-worker role).
path "secret/data/finops/airflow/connections/*" {
  capabilities = ["read"]
}

path "secret/data/finops/airflow/variables/*" {
  capabilities = ["read"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
