-- Compose: Airflow's metadata database beside the warehouse (docker-compose.yml mounts this into
-- the postgres image's /docker-entrypoint-initdb.d; it runs once, on an empty data directory).
CREATE DATABASE airflow OWNER finops;
