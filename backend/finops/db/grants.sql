-- Privileges of the platform's roles in the warehouse database (docs/security.md).
-- Run by finops.db.migrate.upgrade after every migration, as the owner, with the role names in
-- the transaction-local settings finops.app_role and finops.console_role. Every object of
-- schema finops is covered by kind, never by name, so later migrations need no grants of their
-- own: a view in schema finops is part of the public contract and readable by the console.
DO $grants$
DECLARE
  app text := current_setting('finops.app_role');
  console text := current_setting('finops.console_role');
  obj record;
BEGIN
  -- the database: only the owner and the two roles connect; only the application makes temp tables
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), app);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), console);

  -- schemas: nobody but the owner creates objects; public holds only alembic_version
  REVOKE ALL ON SCHEMA public FROM PUBLIC;
  REVOKE ALL ON SCHEMA finops FROM PUBLIC;
  EXECUTE format('GRANT USAGE ON SCHEMA finops TO %I, %I', app, console);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    EXECUTE format('GRANT SELECT ON public.alembic_version TO %I', app);
  END IF;

  -- the application: rows of every table, every sequence, every function of the schema
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA finops FROM %I, %I', app, console);
  EXECUTE format(
    'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA finops TO %I', app);
  IF to_regclass('finops.audit_log') IS NOT NULL THEN  -- append-only, also by privilege
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON finops.audit_log FROM %I', app);
  END IF;
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA finops FROM %I', console);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA finops TO %I', app);
  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA finops FROM PUBLIC;
  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA finops TO %I', app);

  -- partition upkeep creates and drops tables, which only the owner may do: these functions
  -- run as the owner (with a fixed search_path) so that the application can call them
  FOR obj IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'finops'
      AND p.proname IN ('ensure_cost_partition', 'ensure_metric_partition',
                        'drop_metric_partitions_before')
  LOOP
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, finops, pg_temp',
                   obj.fn);
  END LOOP;

  -- the console: SELECT on the views, nothing else
  FOR obj IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'finops' AND c.relkind IN ('v', 'm')
  LOOP
    EXECUTE format('GRANT SELECT ON finops.%I TO %I', obj.relname, console);
  END LOOP;

  -- server-wide side effects that PUBLIC may call by default: advisory locks (which could stall
  -- the jobs), notifications and set_config are the application's only
  FOR obj IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'pg_catalog'
      AND (p.proname LIKE 'pg\_advisory%' OR p.proname LIKE 'pg\_try\_advisory%'
           OR p.proname IN ('pg_notify', 'set_config'))
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', obj.fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', obj.fn, app);
  END LOOP;
END
$grants$;
