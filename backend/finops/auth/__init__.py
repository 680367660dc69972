"""Identity and authorization (issue 15): roles and their permissions, users with argon2id
passwords, dashboard sessions, personal API tokens, the login rate limit and lockout, and the
``Principal`` every API request acts as (docs/security.md)."""
