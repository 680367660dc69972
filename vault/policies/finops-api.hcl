# The platform API (finops serve): the warehouse and notification secrets every component
# shares, plus its own session key and OIDC client secret. Read only; nothing else.
path "secret/data/finops/shared/*" {
  capabilities = ["read"]
}

path "secret/data/finops/api/*" {
  capabilities = ["read"]
}

# keep its own token alive (also in Vault's default policy; stated so the policy stands alone)
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
