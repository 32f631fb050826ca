# DDL replication, a tour of the engine (the forms one by one are in 047-049): statements applied
# by the replay worker between the rows before and after them, new / renamed / dropped / truncated
# tables, the schema registry's versions, a PostgreSQL crash between a statement and the rows after
# it, a source whose table maps carry no column names (binlog_row_metadata = MINIMAL), and what a
# statement chameleon cannot replicate does under on_error_ddl: table (the table stops there, the
# others go on) and source (the source stops; skip_transaction passes over it).
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl');
$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.t (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.k (id INT PRIMARY KEY, v INT);
    INSERT INTO app.t VALUES (1, 1), (2, 2);
    INSERT INTO app.k VALUES (1, 1);
});
my @mappings = (['app', 'app_pg', 'app_copy']);
write_replica_config($node, $mysql, mappings => \@mappings);
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");

sub wait_src {
    my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')");
    return wantarray ? ($out, $err) : $out;
}
sub pq { return $node->safe_psql('postgres', $_[0]) }

# ---- the statements, with rows before and after each ----
$mysql->sql(q{
    INSERT INTO app.t VALUES (3, 3);
    ALTER TABLE app.t ADD COLUMN note VARCHAR(20) DEFAULT 'x' AFTER id, MODIFY v BIGINT;
    INSERT INTO app.t VALUES (4, 'four', 40000000000);
    UPDATE app.t SET note = 'one' WHERE id = 1;
    CREATE TABLE app.n (id INT PRIMARY KEY, e ENUM('a','b'), d DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3));
    INSERT INTO app.n (id, e) VALUES (1, 'a'), (2, 'b');
    RENAME TABLE app.k TO app.k2;
    INSERT INTO app.k2 VALUES (2, 2);
    TRUNCATE TABLE app.n;
    INSERT INTO app.n (id, e, d) VALUES (3, 'b', '2020-01-01 00:00:00.123');
    CREATE TABLE app.gone (id INT PRIMARY KEY);
    INSERT INTO app.gone VALUES (1);
    DROP TABLE app.gone;
});
is(wait_src(), 't', 'caught up');
# PostgreSQL cannot place a column: `note` comes last; the values are MySQL's, compared by name.
is(pq('SELECT id, note, v FROM app_pg.t ORDER BY id'), "1|one|1\n2|x|2\n3|x|3\n4|four|40000000000",
    'ALTER (ADD ... AFTER, MODIFY to BIGINT) between rows: the rows before and after it');
is(pq("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app_pg.t'::regclass AND attname = 'v'"),
    'bigint', 'the column type follows MODIFY');
compare_with_copy($node, $mysql, 'after DDL', tables => [['app.n', 'app_pg', 'app_copy'], ['app.k2', 'app_pg', 'app_copy']]);
is(pq("SELECT table_name || ':' || truncates FROM sch_chameleon.v_tables WHERE source = 'src' ORDER BY table_name"),
    "k2:0\nn:1\nt:0", 'v_tables: the created and renamed tables are there, the dropped one is gone, the truncate counted');
is(pq("SELECT count(*) FROM pg_class WHERE relname IN ('gone', 'k') AND relnamespace = 'app_pg'::regnamespace"), '0',
    'the dropped table is dropped, the renamed one renamed');
is(pq("SELECT string_agg(table_name || ' ' || replicated || ' ' || coalesce(reason, 'copied'), ', ' ORDER BY version) "
    . "FROM sch_chameleon.v_schema_registry WHERE source = 'src'"),
    'k true copied, t true copied, t true altered, n true created, k false renamed to app.k2, '
    . 'k2 true renamed from app.k, gone true created, gone false dropped',
    'v_schema_registry: every version, by the statement that made it');
is(pq("SELECT columns FROM sch_chameleon.v_schema_registry WHERE source = 'src' AND table_name = 't' ORDER BY version DESC LIMIT 1"),
    '[{"name": "id", "type": "int(11)"}, {"name": "note", "type": "varchar(20)"}, {"name": "v", "type": "bigint(20)"}]',
    "the registry keeps MySQL's column order and types");

# ---- index names: unique per PostgreSQL schema; a renamed table's follow its name ----
$mysql->sql(q{
    CREATE TABLE app.i1 (id INT PRIMARY KEY, a INT, KEY idx_a (a));
    CREATE TABLE app.i2 (id INT PRIMARY KEY, a INT, KEY idx_a (a));
    ALTER TABLE app.i2 DROP INDEX idx_a;
    RENAME TABLE app.i1 TO app.i3;
    ALTER TABLE app.i3 DROP PRIMARY KEY, ADD PRIMARY KEY (id, a);
    INSERT INTO app.i3 VALUES (1, 1);
});
is(wait_src(), 't', 'caught up after the index statements');
is(pq("SELECT string_agg(c.relname || ':' || i.indrelid::regclass::text, ',' ORDER BY c.relname) FROM pg_index i "
    . "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN ('app_pg.i2'::regclass, 'app_pg.i3'::regclass) AND NOT i.indisprimary"),
    'idx_a:app_pg.i3', 'DROP INDEX on the second table dropped its own index (named i2_idx_a in PostgreSQL), not the first one\'s');
is(pq("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'app_pg.i3'::regclass AND contype = 'p'"),
    'i3_pkey PRIMARY KEY (id, a)', 'the primary key of a renamed table is dropped and made again');

# ---- a crash between a statement and the rows after it ----
$mysql->sql(q{ALTER TABLE app.k2 ADD COLUMN w VARCHAR(5) NOT NULL DEFAULT 'w'});
is(wait_src(), 't', 'caught up after ALTER');
$node->stop('immediate');
$mysql->sql(q{INSERT INTO app.k2 VALUES (3, 3, 'z'); ALTER TABLE app.k2 DROP COLUMN v; INSERT INTO app.k2 VALUES (4, 'q');});
$node->start;
is(wait_src(), 't', 'caught up after an immediate restart');
is(pq('SELECT id, w FROM app_pg.k2 ORDER BY id'), "1|w\n2|w\n3|z\n4|q",
    'the rows around DROP COLUMN, read after the restart, each with its own layout');

# ---- table maps without column names (binlog_row_metadata = MINIMAL) ----
$mysql->sql(q{SET GLOBAL binlog_row_metadata = 'MINIMAL'});
pq("SELECT chameleon.stop_replica('src')");
pq("SELECT chameleon.start_replica('src')");
$mysql->sql(q{
    ALTER TABLE app.k2 ADD COLUMN u INT UNSIGNED, ADD COLUMN e ENUM('x','y') DEFAULT 'y' FIRST;
    INSERT INTO app.k2 (id, w, u, e) VALUES (5, 'm', 4294967295, 'x');
});
is(wait_src(), 't', 'caught up with MINIMAL metadata');
is(pq('SELECT id, w, u, e FROM app_pg.k2 ORDER BY id'), "1|w||y\n2|w||y\n3|z||y\n4|q||y\n5|m|4294967295|x",
    'unsigned and enum values decode with the registry, not the table map');
$mysql->sql(q{SET GLOBAL binlog_row_metadata = 'FULL'});

# ---- a statement chameleon refuses, on_error_ddl: table ----
$mysql->sql(q{
    INSERT INTO app.n (id, e) VALUES (10, 'a');
    ALTER TABLE app.n ADD SYSTEM VERSIONING;
    INSERT INTO app.n (id, e) VALUES (11, 'a');
    INSERT INTO app.k2 (id, w) VALUES (6, 's');
});
my ($out, $err) = wait_src();
is($out, 't', 'caught up');
like($err, qr/WARNING:  source "src" is caught up, but these tables are not replicated since a replay error: app_pg\.n\n/,
    'wait_for_source names the stopped table, and only it');
is(pq('SELECT string_agg(id::text, \',\' ORDER BY id) FROM app_pg.n'), '3,10', 'the table stops at the statement: the row before it is there, none after');
is(pq('SELECT count(*) FROM app_pg.k2'), '6', 'the other tables go on');
like(pq("SELECT message FROM sch_chameleon.v_errors WHERE table_name = 'n'"),
    qr/^DDL on table app\.n at mariadb-bin\.\d+:\d+ cannot be replicated: ALTER TABLE `app`\.`n` ADD SYSTEM VERSIONING: system-versioned tables are not replicated \(at offset 18\); copy the table again with chameleon\.sync_tables\(\)$/,
    'v_errors: the table, the position, the reason and the offset');
is(pq("SELECT sql FROM sch_chameleon.v_errors WHERE table_name = 'n'"), 'ALTER TABLE app.n ADD SYSTEM VERSIONING', 'and the statement');

# ---- on_error_ddl: source; skip_transaction passes over the statement ----
pq("SELECT chameleon.stop_replica('src')");
write_replica_config($node, $mysql, mappings => \@mappings, src_extra => "    on_error_ddl: source\n");
pq("SELECT chameleon.start_replica('src')");
$mysql->sql(q{
    ALTER TABLE app.k2 ADD SYSTEM VERSIONING;
    ALTER TABLE app.k2 DROP SYSTEM VERSIONING;
    INSERT INTO app.k2 (id, w) VALUES (7, 's');
});
my ($rc, $o, $e) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')");
like($e, qr/ERROR:  source "src" is in error: DDL on table app\.k2 at mariadb-bin\.\d+:\d+ cannot be replicated: ALTER TABLE `app`\.`k2` ADD SYSTEM VERSIONING: system-versioned tables are not replicated \(at offset 19\); skip it with chameleon\.skip_transaction\(\)/,
    'on_error_ddl: source stops the source, naming the statement');
is(pq('SELECT count(*) FROM app_pg.k2'), '6', 'nothing after the statement is applied');
like(pq("SELECT chameleon.skip_transaction('src')"), qr/^skipped source transaction ddl mariadb-bin\.\d+:\d+ of source "src": 0 row changes/,
    'skip_transaction passes over the statement');
pq("SELECT chameleon.start_replica('src')");
is(wait_src(), 't', 'caught up after the skip');
is(pq('SELECT id, w FROM app_pg.k2 WHERE id = 7'), '7|s', 'the rows after the skipped statement replicate');
is(pq("SELECT string_agg(reason, ', ' ORDER BY version) FROM sch_chameleon.v_schema_registry WHERE source = 'src' "
    . "AND table_name = 'k2' AND version > (SELECT max(version) FROM sch_chameleon.v_schema_registry WHERE reason LIKE 'stopped:%')")
    =~ s/mariadb-bin\.\d+:\d+/POS/gr,
    'taken from MySQL: the statement at POS was skipped, altered',
    'the registry: the skipped statement gives MySQL\'s definition, the next statement goes on from it');

done_testing();
