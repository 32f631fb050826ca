# DDL replication (issue 11), statements on whole tables while replication runs: CREATE TABLE (a
# definition with every kind of column attribute and key (and an index of the LIKE copy dropped:
# the original keeps its own), IF NOT EXISTS on an existing table, OR
# REPLACE of a replicated table, a
# table dropped and created again with another layout), CREATE TABLE ... LIKE, CREATE TABLE ...
# SELECT (with and without columns of its own; one excluded by skip_tables), DROP TABLE (one, two at once, IF EXISTS), RENAME
# TABLE (two at once, one of them into the other mapped schema; a three-way swap; out of the mapped
# schemas; into them from an unmapped schema), ALTER TABLE ... RENAME into the other mapped schema,
# TRUNCATE, and statements that concern no replicated table. New tables replicate the rows written
# right after them and appear in v_tables; dropped and renamed-away ones leave it. A table created by
# DDL is compared with the one init_replica made from the same MySQL definition before replication
# started (schema tpl), and every table with a fresh copy of MySQL's data (definition and rows).
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_tables');

my $created_definition = q{(
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(40) NOT NULL DEFAULT '',
    price DECIMAL(10,2),
    kind ENUM('a','b') NOT NULL DEFAULT 'a',
    tags SET('x','y'),
    created DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
    flag TINYINT(1) NOT NULL DEFAULT 0,
    doc JSON,
    note TEXT COMMENT 'a comment',
    big BIGINT UNSIGNED,
    ratio DOUBLE NOT NULL DEFAULT 1.5,
    KEY by_name (name(10)),
    UNIQUE KEY u_price_kind (price, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4};

$mysql->sql(qq{
    CREATE DATABASE app;
    CREATE DATABASE app2;
    CREATE DATABASE other;
    CREATE DATABASE tpl;
    CREATE TABLE tpl.created $created_definition;
    CREATE TABLE app.src_rows (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2));
    CREATE TABLE app.dropme (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.drop_a (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.drop_b (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.drop_c (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.recreated (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.orrepl (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.r1 (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.r2 (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.r3 (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.r4 (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.s1 (id INT PRIMARY KEY, v VARCHAR(10));
    CREATE TABLE app.s2 (id INT PRIMARY KEY, w INT, x INT);
    CREATE TABLE app.trunc (id INT PRIMARY KEY, v VARCHAR(10));
    CREATE TABLE other.inbound (id INT PRIMARY KEY, v INT);
    INSERT INTO app.src_rows VALUES (1, 'one', 1.10), (2, 'two', 2.20), (3, 'three', 3.30), (4, 'four', 4.40);
    INSERT INTO app.dropme VALUES (1, 1);
    INSERT INTO app.drop_a VALUES (1, 1);
    INSERT INTO app.drop_b VALUES (1, 1);
    INSERT INTO app.drop_c VALUES (1, 1);
    INSERT INTO app.recreated VALUES (1, 1);
    INSERT INTO app.orrepl VALUES (1, 1), (2, 2);
    INSERT INTO app.r1 VALUES (1, 1), (2, 2);
    INSERT INTO app.r2 VALUES (1, 1), (2, 2);
    INSERT INTO app.r3 VALUES (1, 1), (2, 2);
    INSERT INTO app.r4 VALUES (1, 1), (2, 2);
    INSERT INTO app.s1 VALUES (1, 'one');
    INSERT INTO app.s2 VALUES (1, 1, 1);
    INSERT INTO app.trunc VALUES (1, 'a'), (2, 'b');
    INSERT INTO other.inbound VALUES (1, 1), (2, 2);
});

write_replica_config($node, $mysql, mappings => [map { [$_, "${_}_pg", "${_}_check"] } qw(app app2 tpl)],
    src_extra => "    skip_tables: [app.skipped]\n");
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

# ---- the statements, each followed by rows ----
$mysql->sql(qq{
    CREATE TABLE app.created $created_definition;
    INSERT INTO app.created (name, price, kind, tags, created, flag, doc, note, big) VALUES
        ('first', 1.50, 'b', 'x,y', '2024-05-06 07:08:09.123', 1, '{"k": [1, 2]}', 'héllo', 18446744073709551615),
        ('second', NULL, 'a', '', '2024-05-06 07:08:10.000', 0, NULL, NULL, 0);
    INSERT INTO app.created (name, price, created) VALUES ('defaults', 3.00, '2024-01-01 00:00:00');
    UPDATE app.created SET note = 'updated' WHERE name = 'second';
    CREATE TABLE IF NOT EXISTS app.created (id INT);
    INSERT INTO app.created (name, created) VALUES ('after if not exists', '2024-01-02 00:00:00');
    CREATE TABLE app.liked LIKE app.created;
    INSERT INTO app.liked SELECT * FROM app.created;
    UPDATE app.liked SET note = 'liked' WHERE id = 1;
    DELETE FROM app.liked WHERE id = 2;
    ALTER TABLE app.liked DROP INDEX by_name, ADD INDEX by_note (note(5));
    CREATE TABLE app.selected AS SELECT id, name, price FROM app.src_rows WHERE id <= 3;
    INSERT INTO app.selected VALUES (100, 'later', 1.00);
    UPDATE app.selected SET price = 9.99 WHERE id = 1;
    CREATE TABLE app.selected2 (extra INT DEFAULT 3, PRIMARY KEY (id)) SELECT id, name FROM app.src_rows;
    UPDATE app.selected2 SET extra = 4 WHERE id = 1;
    DELETE FROM app.selected2 WHERE id = 2;
    DROP TABLE app.dropme;
    DROP TABLE app.drop_a, app.drop_b;
    DROP TABLE IF EXISTS app.nonexistent, app.drop_c;
    DROP TABLE app.recreated;
    CREATE TABLE app.recreated (id BIGINT PRIMARY KEY, s TEXT NOT NULL, at DATE);
    INSERT INTO app.recreated VALUES (1, 'new layout', '2024-02-29'), (5000000000, 'big', NULL);
    CREATE OR REPLACE TABLE app.orrepl (id INT PRIMARY KEY, w VARCHAR(10) NOT NULL DEFAULT 'w', UNIQUE KEY uw (w));
    INSERT INTO app.orrepl (id) VALUES (3);
    RENAME TABLE app.r1 TO app.r1_new, app.r2 TO app2.r2_moved;
    INSERT INTO app.r1_new VALUES (10, 10);
    INSERT INTO app2.r2_moved VALUES (10, 10);
    UPDATE app2.r2_moved SET v = 0 WHERE id = 1;
    DELETE FROM app.r1_new WHERE id = 2;
    ALTER TABLE app.r4 RENAME TO app2.r4_moved;
    INSERT INTO app2.r4_moved VALUES (10, 10);
    RENAME TABLE app.r3 TO other.r3_out;
    INSERT INTO other.r3_out VALUES (10, 10);
    UPDATE other.r3_out SET v = 100 WHERE id = 1;
    RENAME TABLE app.s1 TO app.s_tmp, app.s2 TO app.s1, app.s_tmp TO app.s2;
    INSERT INTO app.s1 VALUES (10, 10, 10);
    INSERT INTO app.s2 VALUES (10, 'ten');
    UPDATE app.s1 SET x = 2 WHERE id = 1;
    TRUNCATE app.trunc;
    INSERT INTO app.trunc VALUES (2, 'after');
    CREATE TABLE app.skipped (id INT PRIMARY KEY);
    INSERT INTO app.skipped VALUES (1);
    ALTER TABLE app.skipped ADD COLUMN v INT;
    CREATE TABLE other.ignored (id INT);
    INSERT INTO other.ignored VALUES (1);
    CREATE VIEW app.v AS SELECT * FROM app.trunc;
    RENAME TABLE other.inbound TO app.inbound;
    INSERT INTO app.inbound VALUES (10, 10);
    INSERT INTO app.src_rows VALUES (5, 'five', 5.50);
    USE app;
    CREATE TABLE unqualified (id INT PRIMARY KEY, v INT);
    INSERT INTO unqualified VALUES (1, 1);
    ALTER TABLE unqualified ADD COLUMN w INT;
    INSERT INTO unqualified VALUES (2, 2, 2);
});
wait_for_source($node, 'src', 'wait_for_source: the statements and the rows around them are replayed');

is(query_or_error($node, "SELECT string_agg(schema_name || '.' || table_name || ':' || enabled, ',' ORDER BY schema_name, table_name) "
        . "FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name <> 'inbound'"),
    join(',', qw(app2_pg.r2_moved:true app2_pg.r4_moved:true app_pg.created:true app_pg.liked:true app_pg.orrepl:true app_pg.r1_new:true
                 app_pg.recreated:true app_pg.s1:true app_pg.s2:true app_pg.selected:true app_pg.selected2:true
                 app_pg.src_rows:true app_pg.trunc:true app_pg.unqualified:true tpl_pg.created:true)),
    'v_tables: the created, renamed and moved tables, enabled; no dropped or renamed-away table');
is(query_or_error($node, "SELECT string_agg(t, ',' ORDER BY t) FROM unnest(ARRAY['app_pg.dropme', 'app_pg.drop_a', 'app_pg.drop_b', "
        . "'app_pg.drop_c', 'app_pg.r1', 'app_pg.r2', 'app_pg.r4', 'app_pg.s_tmp', 'app2_pg.inbound']) t WHERE to_regclass(t) IS NOT NULL"),
    '', 'the dropped tables are gone, and no table is left under an old name');
is(query_or_error($node, "SELECT to_regclass('app_pg.skipped') IS NULL"), 't', 'a created table excluded by skip_tables is not replicated');
is(query_or_error($node, "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM app_pg.r3"), '1:1,2:2',
    'renamed out of the mapped schemas: the PostgreSQL table stays as it was, without the rows written since');
is(query_or_error($node, "SELECT truncates FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'trunc'"), '1',
    'v_tables counts the TRUNCATE');
is(query_or_error($node, qq{
        SELECT string_agg(table_name || ':' || replicated, ',' ORDER BY table_name) FROM (
          SELECT DISTINCT ON (table_name) table_name, replicated FROM sch_chameleon.v_schema_registry
           WHERE source = 'src' AND schema_name = 'app' AND table_name IN ('dropme', 'drop_a', 'r3', 'created')
           ORDER BY table_name, version DESC) v}),
    'created:true,drop_a:false,dropme:false,r3:false',
    'the schema registry: the last version of a dropped or renamed-away table is not replicated, a created one is');

# Renamed into a mapped schema from an unmapped one: no data, an error row pointing at sync_tables.
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'inbound' AND enabled"),
    '0', 'a table renamed in from an unmapped schema is not replicated');
is(query_or_error($node, "SELECT CASE WHEN to_regclass('app_pg.inbound') IS NULL THEN 0 ELSE (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM app_pg.inbound', false, true, '')))[1]::text::int END"),
    '0', 'and holds no data in PostgreSQL');
like(query_or_error($node, "SELECT string_agg(message, E'\\n') FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'inbound'"),
    qr/app\.inbound.*chameleon\.sync_tables\(\)/s,
    'a v_errors row names the table and says to copy it with sync_tables()');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name IS DISTINCT FROM 'inbound'"),
    '0', 'no other error');

# sync_tables copies it; it replicates from then on.
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['app.inbound'])");
is($rc, 0, 'sync_tables of the table renamed in succeeds') or diag $err;
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
$mysql->sql(q{INSERT INTO app.inbound VALUES (11, 11); UPDATE app.inbound SET v = 20 WHERE id = 2;});
wait_for_source($node, 'src', 'caught up after sync_tables');
is(query_or_error($node, "SELECT enabled FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'inbound'"), 't',
    'the synced table is in v_tables, enabled');

# ---- a table made by DDL against the one init_replica made from the same definition ----
my $by_ddl = table_structure($node, 'app_pg.created', ordered => 1);
my $by_copy = table_structure($node, 'tpl_pg.created', ordered => 1);
is_deeply($by_ddl, $by_copy,
    'CREATE TABLE replicated: the same PostgreSQL definition as init_replica gave (columns in order, types, defaults, '
    . 'NOT NULL, identity, enum labels, indexes, constraints, names)')
  or diag explain { ddl => $by_ddl, init_replica => $by_copy };

# ---- every table against a fresh copy of MySQL's data ----
my %renamed_names = map { $_ => 1 } qw(s1 s2);    # swapped: each holds the name the other wants
compare_tables($node, $mysql, 'after the table statements',
    tables => [
        # s1 and s2 swapped names: each one's index holds the name the other wants (a known gap).
        (map { ["app.$_", "app_pg.$_", "app_check.$_", { ordered => 1, registry => 1, names_todo => $renamed_names{$_} }] }
            qw(created liked selected selected2 recreated orrepl r1_new s1 s2 trunc inbound src_rows unqualified)),
        (map { ["app2.$_", "app2_pg.$_", "app2_check.$_", { ordered => 1, registry => 1 }] } qw(r2_moved r4_moved)),
    ]);

done_testing();
