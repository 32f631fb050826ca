--
-- Catalogue versions 1.2 ... 1.7, 2.0, 2.1: every version installs fresh, every version has an update
-- path to 2.1, and a catalogue reached by the chain from 1.2 is the fresh install of the same version
-- (objects, columns by name with type, NOT NULL and default, constraints, indexes, sequences, enum
-- labels, views, routines with their source, privileges and the pg_dump list); only the column order
-- may differ, where pg_chameleon's own upgrade chain differs from its fresh install.
--
SET client_min_messages = warning;
SET check_function_bodies = off;
SET search_path = public;
\set SHOW_CONTEXT never

-- Every versioned script there is, and where each version can go.
SELECT version, superuser, relocatable, schema
FROM pg_available_extension_versions
WHERE name = 'chameleon'
ORDER BY string_to_array(version, '.')::int[];

SELECT source, path
FROM pg_extension_update_paths('chameleon')
WHERE target = '2.1'
ORDER BY string_to_array(source, '.')::int[];

SELECT source, target, path
FROM pg_extension_update_paths('chameleon')
WHERE string_to_array(target, '.')::int[] < string_to_array(source, '.')::int[] AND path IS NOT NULL
ORDER BY 1, 2;

-- Everything about the installed catalogue, one row per object property. Column order is kept apart
-- (kind 'column order'), as are the catalogue version and the per-source log tables.
CREATE TEMPORARY TABLE catalogue (build text, kind text, name text, detail text);

CREATE FUNCTION pg_temp.describe(p_build text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO catalogue
    WITH rel AS (
        SELECT c.oid, c.relname::text AS relname, c.relkind
        FROM pg_class AS c
        WHERE c.relnamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
          AND c.relkind IN ('r', 'v', 'S')
    )
    SELECT p_build, 'member', pg_describe_object(d.classid, d.objid, d.objsubid), ''
    FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'chameleon'
    UNION ALL
    SELECT p_build, 'column', r.relname || '.' || a.attname,
           format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
    FROM rel AS r
    JOIN pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE r.relkind IN ('r', 'v')
    UNION ALL
    SELECT p_build, 'column order', r.relname, string_agg(a.attname::text, ', ' ORDER BY a.attnum)
    FROM rel AS r
    JOIN pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE r.relkind IN ('r', 'v')
    GROUP BY r.relname
    UNION ALL
    SELECT p_build, 'constraint', r.relname || '.' || con.conname, pg_get_constraintdef(con.oid)
    FROM rel AS r JOIN pg_constraint AS con ON con.conrelid = r.oid
    UNION ALL
    SELECT p_build, 'index', i.indexname, i.indexdef
    FROM pg_indexes AS i WHERE i.schemaname = 'sch_chameleon'
    UNION ALL
    SELECT p_build, 'inherits', i.inhrelid::regclass::text, i.inhparent::regclass::text
    FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
    WHERE c.relnamespace = 'sch_chameleon'::regnamespace
    UNION ALL
    SELECT p_build, 'enum', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
    FROM pg_type AS t JOIN pg_enum AS e ON e.enumtypid = t.oid
    WHERE t.typnamespace = 'sch_chameleon'::regnamespace
    GROUP BY t.typname
    UNION ALL
    SELECT p_build, 'sequence', s.seqrelid::regclass::text,
           format('%s from %s by %s, owned by %s', format_type(s.seqtypid, NULL), s.seqmin, s.seqincrement,
                  (SELECT d.refobjid::regclass || '.' || a.attname
                   FROM pg_depend AS d JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype = 'a'))
    FROM pg_sequence AS s JOIN pg_class AS c ON c.oid = s.seqrelid
    WHERE c.relnamespace = 'sch_chameleon'::regnamespace
    UNION ALL
    SELECT p_build, 'view', r.relname, pg_get_viewdef(r.oid)
    FROM rel AS r WHERE r.relkind = 'v'
    UNION ALL
    SELECT p_build, 'routine', p.oid::regprocedure::text,
           format('%s %s %s %s strict=%s secdef=%s config=%s public=%s source=%s',
                  p.prokind, pg_get_function_result(p.oid), l.lanname, p.provolatile, p.proisstrict, p.prosecdef,
                  p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE'), md5(p.prosrc))
    FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang
    WHERE p.pronamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
    UNION ALL
    SELECT p_build, 'routine arguments', p.oid::regprocedure::text, pg_get_function_arguments(p.oid)
    FROM pg_proc AS p
    WHERE p.pronamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
    UNION ALL
    SELECT p_build, 'comment', p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc')
    FROM pg_proc AS p
    WHERE p.pronamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
      AND obj_description(p.oid, 'pg_proc') IS NOT NULL
    UNION ALL
    SELECT p_build, 'aggregate', a.aggfnoid::regprocedure::text,
           format('%s %s %s %s', a.aggtransfn, a.aggfinalfn, format_type(a.aggtranstype, NULL), a.agginitval)
    FROM pg_aggregate AS a JOIN pg_proc AS p ON p.oid = a.aggfnoid
    WHERE p.pronamespace = 'sch_chameleon'::regnamespace
    UNION ALL
    SELECT p_build, 'pg_dump', cfg.relid::regclass::text, cfg.condition
    FROM pg_extension AS e CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS cfg (relid, condition)
    WHERE e.extname = 'chameleon'
    UNION ALL
    SELECT p_build, 'schema', n.nspname, coalesce(n.nspacl::text, 'default privileges')
    FROM pg_namespace AS n WHERE n.nspname IN ('sch_chameleon', 'chameleon')
    UNION ALL
    SELECT p_build, 'catalogue version', 'v_version', (SELECT t_version FROM sch_chameleon.v_version)
$$;

----------------------------------------------------------------------------------------------------
-- Fresh installs of every version
----------------------------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.install_fresh(p_version text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE EXTENSION chameleon VERSION %L', p_version);
    PERFORM pg_temp.describe('fresh ' || p_version);
    DROP EXTENSION chameleon;
END
$$;
SELECT pg_temp.install_fresh(v)
FROM unnest(ARRAY['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '2.0', '2.1']) AS v;

-- (2.1 grows with later work: its shape is checked against the chain below, not here.)
SELECT build, (SELECT detail FROM catalogue AS c WHERE c.build = b.build AND kind = 'catalogue version') AS v_version,
       count(*) FILTER (WHERE kind = 'member') AS members,
       count(*) FILTER (WHERE kind = 'member' AND name LIKE 'table %') AS tables,
       count(*) FILTER (WHERE kind = 'column') AS columns,
       count(*) FILTER (WHERE kind = 'constraint') AS constraints,
       count(*) FILTER (WHERE kind = 'index') AS indexes,
       count(*) FILTER (WHERE kind = 'routine') AS routines,
       count(*) FILTER (WHERE kind = 'pg_dump') AS dumped
FROM catalogue AS b
WHERE build <> 'fresh 2.1'
GROUP BY build
ORDER BY string_to_array(split_part(build, ' ', 2), '.')::int[];

-- Nothing is left behind by DROP EXTENSION.
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname IN ('sch_chameleon', 'chameleon', '_sch_chameleon_adopted');

-- Catalogue 1.2, object for object (pg_chameleon 1.2's fresh install).
SELECT kind, name, detail
FROM catalogue
WHERE build = 'fresh 1.2' AND kind NOT IN ('member', 'routine arguments')
ORDER BY kind, name;

-- Each version against the one before: what pg_chameleon's catalogue change of that release is.
CREATE FUNCTION pg_temp.changes(p_from text, p_to text)
RETURNS TABLE (change text, kind text, name text, detail text) LANGUAGE sql AS $$
    SELECT 'added', n.kind, n.name, n.detail
    FROM (SELECT kind, name, detail FROM catalogue WHERE build = p_to AND kind <> 'catalogue version'
          EXCEPT
          SELECT kind, name, detail FROM catalogue WHERE build = p_from) AS n
    UNION ALL
    SELECT 'removed', o.kind, o.name, o.detail
    FROM (SELECT kind, name, detail FROM catalogue WHERE build = p_from AND kind <> 'catalogue version'
          EXCEPT
          SELECT kind, name, detail FROM catalogue WHERE build = p_to) AS o
    ORDER BY 2, 3, 1
$$;
SELECT * FROM pg_temp.changes('fresh 1.2', 'fresh 1.3');
SELECT * FROM pg_temp.changes('fresh 1.3', 'fresh 1.4');
SELECT * FROM pg_temp.changes('fresh 1.4', 'fresh 1.5');
SELECT * FROM pg_temp.changes('fresh 1.5', 'fresh 1.6');
SELECT * FROM pg_temp.changes('fresh 1.6', 'fresh 1.7');
-- 2.1's additions for maintenance updates (the rest of 2.1 is other work's).
SELECT * FROM pg_temp.changes('fresh 2.0', 'fresh 2.1')
WHERE name ~ '(stop_all_replicas|enable_replica|_check_sources_stopped)' AND kind <> 'routine';

----------------------------------------------------------------------------------------------------
-- The chain from 1.2 to 2.1, one update at a time
----------------------------------------------------------------------------------------------------
CREATE EXTENSION chameleon VERSION '1.2';
SELECT pg_temp.describe('chain 1.2');
ALTER EXTENSION chameleon UPDATE TO '1.3';
SELECT pg_temp.describe('chain 1.3');
ALTER EXTENSION chameleon UPDATE TO '1.4';
SELECT pg_temp.describe('chain 1.4');
ALTER EXTENSION chameleon UPDATE TO '1.5';
SELECT pg_temp.describe('chain 1.5');
ALTER EXTENSION chameleon UPDATE TO '1.6';
SELECT pg_temp.describe('chain 1.6');
ALTER EXTENSION chameleon UPDATE TO '1.7';
SELECT pg_temp.describe('chain 1.7');
-- The migration of a catalogue without sources needs no configuration.
ALTER EXTENSION chameleon UPDATE TO '2.0';
SELECT pg_temp.describe('chain 2.0');
ALTER EXTENSION chameleon UPDATE TO '2.1';
SELECT pg_temp.describe('chain 2.1');
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';

-- Identical to the fresh installs, column order aside: no row.
SELECT f.build, coalesce(f.kind, c.kind) AS kind, coalesce(f.name, c.name) AS name, f.detail AS fresh, c.detail AS chain
FROM (SELECT split_part(build, ' ', 2) AS version, * FROM catalogue WHERE build LIKE 'fresh %' AND kind <> 'column order') AS f
FULL JOIN (SELECT split_part(build, ' ', 2) AS version, * FROM catalogue WHERE build LIKE 'chain %' AND kind <> 'column order') AS c
    ON c.version = f.version AND c.kind = f.kind AND c.name = f.name
WHERE f.detail IS DISTINCT FROM c.detail
ORDER BY 1, 2, 3;

-- Where the column order differs, as it does between pg_chameleon's fresh installs and its chain
-- (t_sources at 1.6 and 1.7); never at 2.0 and 2.1, whose catalogue the migration installs fresh.
SELECT split_part(f.build, ' ', 2) AS version, f.name AS table_name, f.detail AS fresh_order, c.detail AS chain_order
FROM catalogue AS f
JOIN catalogue AS c ON c.build = 'chain ' || split_part(f.build, ' ', 2) AND c.kind = 'column order' AND c.name = f.name
WHERE f.build LIKE 'fresh %' AND f.kind = 'column order' AND f.detail <> c.detail
ORDER BY 1, 2;

-- The chain dropped one column on the way (t_replica_batch.v_log_table at 1.3): a dropped attribute.
SELECT attrelid::regclass, count(*) AS dropped_columns
FROM pg_attribute
WHERE attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = '_sch_chameleon_version1'::regnamespace) AND attisdropped
GROUP BY 1;

-- The (empty) 1.7 catalogue is kept by the migration, outside the extension.
SELECT count(*) AS version1_members
FROM pg_depend AS d
WHERE d.deptype = 'e' AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chameleon')
  AND (d.classid = 'pg_namespace'::regclass AND d.objid = '_sch_chameleon_version1'::regnamespace
       OR d.classid = 'pg_class'::regclass AND d.objid IN (SELECT oid FROM pg_class
                                                          WHERE relnamespace = '_sch_chameleon_version1'::regnamespace));
SELECT t_version FROM _sch_chameleon_version1.v_version;

DROP EXTENSION chameleon;
DROP SCHEMA _sch_chameleon_version1 CASCADE;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname IN ('sch_chameleon', 'chameleon', '_sch_chameleon_version1');
