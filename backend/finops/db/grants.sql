-- Privileges of the platform's roles in the warehouse database, the owner of the public views
-- and the row-level security policies (docs/security.md).
-- Run by finops.db.migrate.upgrade after every migration, as the owner, with the role names in
-- the transaction-local settings finops.app_role, finops.api_role, finops.console_role and
-- finops.view_owner_role. Every object of schema finops is covered by kind, never by name, so
-- later migrations need no grants of their own: a view in schema finops is part of the public
-- contract and readable by the console, a table is under row-level security (its predicate from
-- finops.row_scopes; unregistered: unrestricted scopes only).
DO $grants$
DECLARE
  app text := current_setting('finops.app_role');
  api text := current_setting('finops.api_role');
  console text := current_setting('finops.console_role');
  viewer text := current_setting('finops.view_owner_role');
  obj record;
  tables text[];
  predicates text[];
  fingerprint text;
BEGIN
  -- the database: only the owner and the login roles connect; the console makes no temp tables
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I', current_database(), app, api);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), console);

  -- schemas: nobody but the owner creates objects; public holds only alembic_version
  REVOKE ALL ON SCHEMA public FROM PUBLIC;
  REVOKE ALL ON SCHEMA finops FROM PUBLIC;
  EXECUTE format('GRANT USAGE ON SCHEMA finops TO %I, %I, %I, %I', app, api, console, viewer);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I, %I', app, api);
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    EXECUTE format('GRANT SELECT ON public.alembic_version TO %I, %I', app, api);
  END IF;

  -- the application and the API: rows of every table, every sequence, every function of the
  -- schema (the API's rows limited by the policies below)
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA finops FROM %I, %I, %I', app, api, console);
  EXECUTE format(
    'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA finops TO %I, %I',
    app, api);
  IF to_regclass('finops.audit_log') IS NOT NULL THEN  -- append-only, also by privilege
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON finops.audit_log FROM %I, %I', app, api);
  END IF;
  IF to_regclass('finops.remediation_decisions') IS NOT NULL THEN  -- append-only (0016)
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON finops.remediation_decisions, '
                   'finops.remediation_steps FROM %I, %I', app, api);
    EXECUTE format('REVOKE DELETE, TRUNCATE ON finops.remediation_proposals FROM %I, %I',
                   app, api);
  END IF;
  IF to_regclass('finops.audit_chain_head') IS NOT NULL THEN  -- moved by its trigger alone
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON finops.audit_chain_head FROM %I, %I',
                   app, api);
  END IF;
  -- a partition has no policies of its own: the API reads partitioned tables through the parent
  FOR obj IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'finops' AND c.relispartition AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('REVOKE ALL ON finops.%I FROM %I', obj.relname, api);
  END LOOP;
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA finops FROM %I', console);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA finops TO %I, %I', app, api);
  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA finops FROM PUBLIC;
  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA finops TO %I', app);
  -- the policies call the scope functions as the querying role: they read only its own setting
  FOR obj IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'finops' AND (p.proname LIKE 'scope\_%' OR p.proname = 'tag_key')
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I, %I', obj.fn, console, viewer);
  END LOOP;

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

  -- the API: the schema's functions but those that run as the owner (partition upkeep, which
  -- can drop partitions, is the jobs' business)
  EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA finops FROM %I', api);
  FOR obj IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'finops' AND NOT p.prosecdef
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', obj.fn, api);
  END LOOP;

  -- the public views belong to the view owner, a role nobody logs in as that reads every table
  -- and cannot bypass row-level security: a view reads its tables with its owner's rights, so
  -- the policies for the view owner apply (the schema owner, often a superuser, would bypass them)
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA finops TO %I', viewer);
  FOR obj IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'finops' AND c.relkind = 'v' AND c.relowner <> to_regrole(viewer)
  LOOP
    EXECUTE format('ALTER VIEW finops.%I OWNER TO %I', obj.relname, viewer);
  END LOOP;

  -- the console: SELECT on the views, nothing else
  FOR obj IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'finops' AND c.relkind = 'v'
  LOOP
    EXECUTE format('GRANT SELECT ON finops.%I TO %I', obj.relname, console);
  END LOOP;
  -- a materialized view holds rows computed at its refresh and cannot have row-level security:
  -- no scoped role reads one
  FOR obj IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'finops' AND c.relkind = 'm'
  LOOP
    EXECUTE format('REVOKE ALL ON finops.%I FROM %I, %I', obj.relname, api, console);
  END LOOP;

  -- row-level security on every table of the schema: the application bypasses it (BYPASSRLS);
  -- the API and the console see the rows the predicate of finops.row_scopes admits for the
  -- transaction's scope; through a view, the view owner does, unless the querying role is one
  -- the policies do not limit on the tables either (finops.scope_exempt: the application role,
  -- the schema owner, superusers)
  IF to_regclass('finops.row_scopes') IS NOT NULL THEN
    -- read first: a table cannot be altered while a loop still reads it (row_scopes itself)
    SELECT array_agg(c.relname ORDER BY c.relname),
           array_agg(coalesce(s.predicate, '(SELECT finops.scope_all())') ORDER BY c.relname)
    INTO tables, predicates
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN finops.row_scopes s ON s.relation = c.relname
    WHERE n.nspname = 'finops' AND c.relkind IN ('r', 'p') AND NOT c.relispartition;
    FOR i IN 1 .. coalesce(array_length(tables, 1), 0) LOOP
      -- policies change only when their roles or predicate do (the fingerprint in the comment
      -- of finops_scoped): creating one locks its table, and this runs at every upgrade
      fingerprint := md5(concat_ws('|', 'v1', api, console, viewer, predicates[i]));
      IF fingerprint IS DISTINCT FROM (
        SELECT obj_description(p.oid, 'pg_policy') FROM pg_policy p
        WHERE p.polrelid = format('finops.%I', tables[i])::regclass
          AND p.polname = 'finops_scoped'
      ) THEN
        EXECUTE format('ALTER TABLE finops.%I ENABLE ROW LEVEL SECURITY', tables[i]);
        EXECUTE format('DROP POLICY IF EXISTS finops_scoped ON finops.%I', tables[i]);
        EXECUTE format('DROP POLICY IF EXISTS finops_views ON finops.%I', tables[i]);
        EXECUTE format(
          'CREATE POLICY finops_scoped ON finops.%I FOR ALL TO %I, %I USING (%s) WITH CHECK (%s)',
          tables[i], api, console, predicates[i], predicates[i]);
        EXECUTE format(
          'CREATE POLICY finops_views ON finops.%I FOR SELECT TO %I '
          'USING ((SELECT finops.scope_exempt()) OR %s)',
          tables[i], viewer, predicates[i]);
        EXECUTE format('COMMENT ON POLICY finops_scoped ON finops.%I IS %L',
                       tables[i], fingerprint);
      END IF;
    END LOOP;
  END IF;

  -- server-wide side effects that PUBLIC may call by default: advisory locks (which could stall
  -- the jobs), notifications and set_config are the application's and the API's only
  FOR obj IN
    SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'pg_catalog'
      AND (p.proname LIKE 'pg\_advisory%' OR p.proname LIKE 'pg\_try\_advisory%'
           OR p.proname IN ('pg_notify', 'set_config'))
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', obj.fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I, %I', obj.fn, app, api);
  END LOOP;
END
$grants$;
