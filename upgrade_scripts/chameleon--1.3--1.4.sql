\echo Use "ALTER EXTENSION chameleon UPDATE TO '1.4'" to load this file. \quit
--
-- chameleon 1.3 -> 1.4: pg_chameleon's catalogue change of release 1.4 (cat_1.4). A replicated table keeps
-- the coordinates where it becomes consistent (NULL: consistent); existing tables are consistent.
--

ALTER TABLE sch_chameleon.t_replica_tables ADD COLUMN t_binlog_name text;
ALTER TABLE sch_chameleon.t_replica_tables ADD COLUMN i_binlog_position integer;

-- The catalogue version, as pg_chameleon reads it.
CREATE OR REPLACE VIEW sch_chameleon.v_version AS
    SELECT '1.4'::text AS t_version;
