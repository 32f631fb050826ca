# Until DDL is replicated in the stream (issue 11), DDL that changes a replicated table is never
# passed over silently: with on_error_replay: continue that table stops (disabled, with its
# t_error_log row naming the statement and its position) while the others keep replicating; with
# exit the whole source stops in error. DDL that changes nothing PostgreSQL holds (ENGINE=, GRANT,
# a view) or concerns no replicated table goes by. sync_tables brings a stopped table back.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_guard');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.kept (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.cut (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.altered (id INT PRIMARY KEY, v INT);
    INSERT INTO app.kept VALUES (1, 1), (2, 2);
    INSERT INTO app.cut VALUES (1, 1), (2, 2);
    INSERT INTO app.altered VALUES (1, 1);
});
write_config($node, 'default', "sources:\n  src:\n    type: mysql\n" . db_conn_yaml($mysql) . <<'YAML');
    schema_mappings:
      app: app_pg
    on_error_replay: continue
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");

sub wait_src {
    my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')");
    return ($out, $err);
}

# ---- continue: the truncated table stops, the others go on ----
$mysql->sql(q{
    ALTER TABLE app.kept ENGINE=InnoDB;
    GRANT SELECT ON app.* TO 'reader'@'%' IDENTIFIED BY 'x';
    CREATE VIEW app.v AS SELECT id FROM app.kept;
    INSERT INTO app.kept VALUES (3, 3);
    TRUNCATE TABLE app.cut;
    INSERT INTO app.cut VALUES (9, 9);
    INSERT INTO app.kept VALUES (4, 4);
});
my ($out, $err) = wait_src();
is($out, 't', 'caught up');
like($err, qr/WARNING:  source "src" is caught up, but these tables are not replicated since a replay error: app_pg\.cut/,
    'wait_for_source warns about the stopped table');
is($node->safe_psql('postgres', "SELECT table_name, enabled, errors FROM sch_chameleon.v_tables ORDER BY table_name"),
    "altered|t|0\ncut|f|1\nkept|t|0", 'only the truncated table stops; ENGINE=, GRANT and a view go by');
like($node->safe_psql('postgres', "SELECT message FROM sch_chameleon.v_errors WHERE table_name = 'cut'"),
    qr/^DDL on table app\.cut at mariadb-bin\.\d+:\d+: truncate is not replicated yet; copy the table again with chameleon\.sync_tables\(\)$/,
    'v_errors names the statement kind, the table and the position');
is($node->safe_psql('postgres', "SELECT sql FROM sch_chameleon.v_errors WHERE table_name = 'cut'"),
    'TRUNCATE TABLE app.cut', 'and holds the statement');
is($node->safe_psql('postgres', "SELECT string_agg(id::text, ',' ORDER BY id) FROM app_pg.kept"), '1,2,3,4',
    'the other table keeps replicating');
is($node->safe_psql('postgres', "SELECT string_agg(id::text, ',' ORDER BY id) FROM app_pg.cut"), '1,2',
    'the stopped table is left as it was (nothing half-applied)');

# A new table in a mapped schema is not replicated yet (a WARNING in the server log), nothing stops.
$mysql->sql(q{CREATE TABLE app.fresh (id INT PRIMARY KEY); INSERT INTO app.fresh VALUES (1); INSERT INTO app.kept VALUES (5, 5);});
($out, $err) = wait_src();
is($node->safe_psql('postgres', "SELECT string_agg(id::text, ',' ORDER BY id) FROM app_pg.kept"), '1,2,3,4,5',
    'a CREATE TABLE in the mapped schema stops nothing');

# sync_tables brings the stopped table back (the source stopped for the copy).
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
$node->safe_psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['disabled'])");
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
$mysql->sql(q{INSERT INTO app.cut VALUES (10, 10)});
($out, $err) = wait_src();
is($node->safe_psql('postgres', "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM app_pg.cut"), '9:9,10:10',
    'after sync_tables the table replicates again, equal to MySQL');

# ---- exit: the whole source stops in error ----
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
write_config($node, 'default', "sources:\n  src:\n    type: mysql\n" . db_conn_yaml($mysql) . <<'YAML');
    schema_mappings:
      app: app_pg
    on_error_replay: exit
YAML
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
$mysql->sql(q{ALTER TABLE app.altered ADD COLUMN note VARCHAR(10)});
ok($node->poll_query_until('postgres', "SELECT status = 'error' FROM sch_chameleon.v_status WHERE name = 'src'"),
    'exit: the source stops in error');
like($node->safe_psql('postgres', "SELECT last_error FROM sch_chameleon.v_status WHERE name = 'src'"),
    qr/DDL on table app\.altered at mariadb-bin\.\d+:\d+: alter is not replicated yet; copy the table again with chameleon\.sync_tables\(\)/,
    'v_status says which statement stopped it');

done_testing();
