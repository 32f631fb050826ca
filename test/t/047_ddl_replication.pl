# DDL replication (issue 11), the ALTER TABLE forms: while replication runs, each form is run on
# MariaDB with rows written before and after it (inserts, and updates and deletes of rows written
# before it, so that before-images decode with the new layout too): ADD COLUMN (FIRST, AFTER, with
# a DEFAULT, NOT NULL with and without one), DROP COLUMN, CHANGE (rename and type), MODIFY (int to
# bigint, also of the primary key, varchar length, decimal precision, enum labels added in the
# middle and at the end, a new default), RENAME COLUMN, ALTER COLUMN SET/DROP DEFAULT, ADD/DROP
# INDEX, UNIQUE, PRIMARY KEY (then updates and deletes by the new key), CREATE INDEX / DROP INDEX,
# RENAME TO (alone and with other clauses), several clauses in one ALTER, IF [NOT] EXISTS clauses
# that change nothing, ALGORITHM/LOCK and table options, and ALTERs of a table
# without primary key (then updates and deletes of duplicate rows). Then an immediate PostgreSQL
# restart after a DDL is replayed, after it is read but not replayed (the replay worker waiting for
# a lock on the table), and right after it is written, each followed by rows.
# At the end every table is compared with a fresh init_replica copy of the same MySQL data:
# definition (columns, types, NOT NULL, defaults, enum labels, indexes, constraints, names) and rows
# (every column, by name: PostgreSQL cannot place a column FIRST/AFTER, so column order is only
# compared for tables no FIRST/AFTER touched), and the schema registry against information_schema.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_alter');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.add_cols (id INT PRIMARY KEY, name VARCHAR(20));
    CREATE TABLE app.drop_cols (id INT PRIMARY KEY, a INT, b VARCHAR(10), c DATE);
    CREATE TABLE app.change_cols (id INT PRIMARY KEY, qty INT, label VARCHAR(10));
    CREATE TABLE app.modify_cols (id INT PRIMARY KEY, n INT, s VARCHAR(5), st ENUM('a','b') NOT NULL DEFAULT 'a',
        d DECIMAL(5,2));
    CREATE TABLE app.ren_cols (id INT PRIMARY KEY, old_name INT, keep VARCHAR(5));
    CREATE TABLE app.defaults (id INT PRIMARY KEY AUTO_INCREMENT, v INT, s VARCHAR(10) DEFAULT 'old');
    CREATE TABLE app.idx (id INT PRIMARY KEY, a INT, b INT, c VARCHAR(20));
    CREATE TABLE app.pk (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, v INT);
    CREATE TABLE app.ren_tbl (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.multi (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT);
    CREATE TABLE app.nopk (a INT, b VARCHAR(10));
    CREATE TABLE app.restart (id INT PRIMARY KEY, v INT);
    INSERT INTO app.add_cols VALUES (1, 'a'), (2, 'b');
    INSERT INTO app.drop_cols VALUES (1, 1, 'a', '2024-01-01'), (2, 2, 'b', '2024-01-02');
    INSERT INTO app.change_cols VALUES (1, 10, 'a'), (2, 20, 'b');
    INSERT INTO app.modify_cols VALUES (1, 2147483647, 'abcde', 'a', 1.5), (2, -2147483648, NULL, 'b', NULL);
    INSERT INTO app.ren_cols VALUES (1, 10, 'a'), (2, 20, 'b');
    INSERT INTO app.defaults (v, s) VALUES (1, 'a'), (2, DEFAULT);
    INSERT INTO app.idx VALUES (1, 1, 1, 'one'), (2, 2, 2, 'two');
    INSERT INTO app.pk VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3);
    INSERT INTO app.ren_tbl VALUES (1, 1), (2, 2);
    INSERT INTO app.multi VALUES (1, 1, 'a', 1), (2, 2, 'b', 2);
    INSERT INTO app.nopk VALUES (1, 'dup'), (1, 'dup'), (2, 'x');
    INSERT INTO app.restart VALUES (1, 1), (2, 2);
});

write_replica_config($node, $mysql, mappings => [['app', 'app_pg', 'app_check']]);
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

# ---- every ALTER form, rows before and after ----
$mysql->sql(q{
    INSERT INTO app.add_cols VALUES (3, 'c');
    ALTER TABLE app.add_cols ADD COLUMN first_col INT FIRST;
    INSERT INTO app.add_cols (first_col, id, name) VALUES (40, 4, 'd');
    UPDATE app.add_cols SET first_col = 10 WHERE id = 1;
    ALTER TABLE app.add_cols ADD COLUMN mid VARCHAR(10) DEFAULT 'm' AFTER id;
    INSERT INTO app.add_cols (id, name) VALUES (5, 'e');
    INSERT INTO app.add_cols (id, name, mid) VALUES (6, 'f', 'given');
    UPDATE app.add_cols SET mid = 'set' WHERE id = 2;
    ALTER TABLE app.add_cols ADD COLUMN req INT NOT NULL DEFAULT 7;
    INSERT INTO app.add_cols (id, name) VALUES (7, 'g');
    ALTER TABLE app.add_cols ADD COLUMN nn INT NOT NULL;
    INSERT INTO app.add_cols (id, name, req, nn) VALUES (8, 'h', 8, 88);
    UPDATE app.add_cols SET req = 70, nn = 1 WHERE id = 1;
    DELETE FROM app.add_cols WHERE id = 3;
});
$mysql->sql(q{
    INSERT INTO app.drop_cols VALUES (3, 3, 'c', '2024-01-03');
    ALTER TABLE app.drop_cols DROP COLUMN b;
    INSERT INTO app.drop_cols VALUES (4, 4, '2024-01-04');
    UPDATE app.drop_cols SET a = a + 100 WHERE id IN (1, 4);
    DELETE FROM app.drop_cols WHERE id = 2;
    ALTER TABLE app.drop_cols DROP c;
    ALTER TABLE app.drop_cols ADD COLUMN IF NOT EXISTS a INT, DROP COLUMN IF EXISTS nope, DROP INDEX IF EXISTS nope;
    INSERT INTO app.drop_cols VALUES (5, 5);
    UPDATE app.drop_cols SET a = 0 WHERE id = 3;
});
$mysql->sql(q{
    INSERT INTO app.change_cols VALUES (3, 30, 'c');
    ALTER TABLE app.change_cols CHANGE qty quantity BIGINT NOT NULL DEFAULT 0;
    INSERT INTO app.change_cols VALUES (4, 5000000000, 'd');
    INSERT INTO app.change_cols (id, label) VALUES (5, 'dflt');
    UPDATE app.change_cols SET quantity = quantity * 3000000000 WHERE id = 1;
    ALTER TABLE app.change_cols CHANGE COLUMN label title VARCHAR(30);
    INSERT INTO app.change_cols VALUES (6, 1, 'a title longer than ten');
    UPDATE app.change_cols SET title = 'changed title' WHERE id = 2;
    DELETE FROM app.change_cols WHERE id = 3;
});
$mysql->sql(q{
    INSERT INTO app.modify_cols VALUES (3, 7, 'x', 'b', 2.25);
    ALTER TABLE app.modify_cols MODIFY n BIGINT;
    INSERT INTO app.modify_cols VALUES (4, 9223372036854775807, 'y', 'a', 3);
    UPDATE app.modify_cols SET n = n * 2 WHERE id = 1;
    ALTER TABLE app.modify_cols MODIFY s VARCHAR(50);
    INSERT INTO app.modify_cols VALUES (5, 1, 'a much longer string than five', 'a', 4);
    UPDATE app.modify_cols SET s = 'longer than five now' WHERE id = 1;
    ALTER TABLE app.modify_cols MODIFY st ENUM('a','z','b','c') NOT NULL DEFAULT 'c';
    INSERT INTO app.modify_cols (id, n, s) VALUES (6, 2, 'default st');
    INSERT INTO app.modify_cols VALUES (7, 3, 'z', 'z', 5);
    UPDATE app.modify_cols SET st = 'z' WHERE id = 2;
    UPDATE app.modify_cols SET s = 'b stays b' WHERE id = 3;
    ALTER TABLE app.modify_cols MODIFY d DECIMAL(12,4);
    INSERT INTO app.modify_cols VALUES (8, 4, 'dec', 'b', 12345678.1234);
    ALTER TABLE app.modify_cols MODIFY id BIGINT UNSIGNED;
    INSERT INTO app.modify_cols VALUES (18446744073709551615, 0, 'max id', 'a', 0);
    UPDATE app.modify_cols SET s = 'after id widened' WHERE id = 3;
    DELETE FROM app.modify_cols WHERE id = 4;
});
$mysql->sql(q{
    INSERT INTO app.ren_cols VALUES (3, 30, 'c');
    ALTER TABLE app.ren_cols RENAME COLUMN old_name TO new_name;
    INSERT INTO app.ren_cols VALUES (4, 40, 'd');
    UPDATE app.ren_cols SET new_name = 11 WHERE id = 1;
    DELETE FROM app.ren_cols WHERE id = 2;
});
$mysql->sql(q{
    INSERT INTO app.defaults (v) VALUES (3);
    ALTER TABLE app.defaults ALTER COLUMN v SET DEFAULT 42;
    INSERT INTO app.defaults (s) VALUES ('v default');
    ALTER TABLE app.defaults ALTER COLUMN s DROP DEFAULT, ALTER v SET DEFAULT 43;
    INSERT INTO app.defaults (s) VALUES ('v 43');
    INSERT INTO app.defaults (v, s) VALUES (NULL, 'x');
    ALTER TABLE app.defaults ALTER COLUMN v DROP DEFAULT, ALTER COLUMN s SET DEFAULT 'new';
    INSERT INTO app.defaults (v) VALUES (5);
    UPDATE app.defaults SET v = v + 1 WHERE id = 1;
});
$mysql->sql(q{
    ALTER TABLE app.idx ADD INDEX ia (a);
    INSERT INTO app.idx VALUES (3, 3, 3, 'three');
    ALTER TABLE app.idx ADD UNIQUE ub (b);
    INSERT INTO app.idx VALUES (4, 4, 4, 'four');
    ALTER TABLE app.idx ADD INDEX ic (c(10)), ADD KEY iac (a, c);
    CREATE INDEX ibc ON app.idx (b, c);
    CREATE UNIQUE INDEX uab ON app.idx (a, b);
    INSERT INTO app.idx VALUES (5, 5, 5, 'five');
    DROP INDEX ia ON app.idx;
    ALTER TABLE app.idx DROP INDEX ub;
    ALTER TABLE app.idx DROP KEY iac;
    INSERT INTO app.idx VALUES (6, 6, 5, 'b is 5 again');
    UPDATE app.idx SET b = 1 WHERE id = 2;
    DELETE FROM app.idx WHERE id = 3;
});
$mysql->sql(q{
    ALTER TABLE app.pk DROP PRIMARY KEY;
    UPDATE app.pk SET v = 20 WHERE id = 2;
    DELETE FROM app.pk WHERE id = 3;
    INSERT INTO app.pk VALUES (4, 'd', 4), (4, 'd2', 44);
    ALTER TABLE app.pk ADD PRIMARY KEY (code);
    UPDATE app.pk SET v = 400, id = 5 WHERE code = 'd2';
    UPDATE app.pk SET code = 'aa' WHERE code = 'a';
    DELETE FROM app.pk WHERE code = 'd';
    INSERT INTO app.pk VALUES (6, 'e', 6);
    ALTER TABLE app.pk DROP PRIMARY KEY, ADD PRIMARY KEY (id, code);
    INSERT INTO app.pk VALUES (6, 'f', 66);
    UPDATE app.pk SET v = 7 WHERE id = 6 AND code = 'e';
    DELETE FROM app.pk WHERE id = 2 AND code = 'b';
});
$mysql->sql(q{
    INSERT INTO app.ren_tbl VALUES (3, 3);
    ALTER TABLE app.ren_tbl RENAME TO app.ren_tbl2;
    INSERT INTO app.ren_tbl2 VALUES (4, 4);
    UPDATE app.ren_tbl2 SET v = 10 WHERE id = 1;
    ALTER TABLE app.ren_tbl2 ADD COLUMN w INT, RENAME TO app.ren_tbl3;
    INSERT INTO app.ren_tbl3 VALUES (5, 5, 5);
    UPDATE app.ren_tbl3 SET w = 2 WHERE id = 2;
    DELETE FROM app.ren_tbl3 WHERE id = 3;
});
$mysql->sql(q{
    INSERT INTO app.multi VALUES (3, 3, 'c', 3);
    ALTER TABLE app.multi ADD COLUMN d INT DEFAULT 5 AFTER id, DROP COLUMN c, MODIFY b VARCHAR(40) NOT NULL DEFAULT '',
        CHANGE a a2 BIGINT, ADD INDEX ib (b), ADD UNIQUE KEY ud (d, id);
    INSERT INTO app.multi (id, a2, b) VALUES (4, 4000000000, 'a value longer than ten');
    INSERT INTO app.multi (id, a2) VALUES (5, 5);
    ALTER TABLE app.multi ADD COLUMN e INT DEFAULT 9, ALGORITHM=INPLACE, LOCK=NONE;
    ALTER TABLE app.multi ENGINE=InnoDB, COMMENT 'a table comment';
    INSERT INTO app.multi (id, a2, e) VALUES (6, 6, 6);
    UPDATE app.multi SET d = 6 WHERE id = 1;
    DELETE FROM app.multi WHERE id = 2;
});
$mysql->sql(q{
    INSERT INTO app.nopk VALUES (1, 'dup');
    ALTER TABLE app.nopk ADD COLUMN c INT DEFAULT 1, MODIFY b VARCHAR(30);
    INSERT INTO app.nopk VALUES (1, 'dup', 1), (3, 'after alter', 2);
    UPDATE app.nopk SET c = 9 WHERE a = 1 LIMIT 1;
    DELETE FROM app.nopk WHERE a = 1 AND c = 1 LIMIT 1;
    UPDATE app.nopk SET b = 'longer value after modify' WHERE a = 2;
    ALTER TABLE app.nopk DROP COLUMN a;
    DELETE FROM app.nopk WHERE b = 'dup' LIMIT 1;
    INSERT INTO app.nopk VALUES ('z', 3), ('z', 3);
    UPDATE app.nopk SET c = 4 WHERE b = 'z' LIMIT 1;
});
wait_for_source($node, 'src', 'wait_for_source: every ALTER and the rows around it are replayed');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error')
  or diag $node->safe_psql('postgres', "SELECT table_name, message, sql FROM sch_chameleon.v_errors");
is(query_or_error($node, "SELECT string_agg(table_name || ':' || enabled, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    'add_cols:true,change_cols:true,defaults:true,drop_cols:true,idx:true,modify_cols:true,multi:true,nopk:true,pk:true,'
      . 'ren_cols:true,ren_tbl3:true,restart:true',
    'v_tables: every table enabled, the renamed one under its new name');
is(query_or_error($node, "SELECT to_regclass('app_pg.ren_tbl') IS NULL AND to_regclass('app_pg.ren_tbl2') IS NULL"),
    't', 'RENAME TO: no table is left under the old names');

# ---- an immediate PostgreSQL restart after a replayed DDL, before the rows that follow it ----
$mysql->sql(q{
    INSERT INTO app.restart VALUES (3, 3);
    ALTER TABLE app.restart ADD COLUMN note VARCHAR(20) DEFAULT 'after', MODIFY v BIGINT;
});
wait_for_source($node, 'src', 'the DDL before the restart is replayed');
is(query_or_error($node, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app_pg.restart'::regclass AND attname = 'v'"),
    'bigint', 'the ALTER is applied before the restart');
$node->stop('immediate');
$node->start;
$mysql->sql(q{
    INSERT INTO app.restart VALUES (4, 5000000000, 'row after restart');
    UPDATE app.restart SET note = 'updated', v = 6000000000 WHERE id = 1;
    DELETE FROM app.restart WHERE id = 2;
});
wait_for_source($node, 'src', 'after an immediate restart, the rows after the DDL are replayed');
is(query_or_error($node, "SELECT string_agg(concat_ws(':', id, v, note), ',' ORDER BY id) FROM app_pg.restart"),
    '1:6000000000:updated,3:3:after,4:5000000000:row after restart',
    'the rows after the restart decode with the layout the DDL made');

# ---- an immediate restart while the DDL is read but not replayed: a session holds a lock on the
# table, so the replay worker waits to apply the ALTER ----
my $locker = $node->background_psql('postgres');
$locker->query_safe('BEGIN');
$locker->query_safe('LOCK TABLE app_pg.restart IN ACCESS SHARE MODE');
$mysql->sql(q{USE app; ALTER TABLE app.restart DROP COLUMN note, ADD COLUMN w INT NOT NULL DEFAULT 3 FIRST});
ok(poll_until($node, qq{SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE NOT l.granted AND l.relation = to_regclass('app_pg.restart')
                           AND a.backend_type = 'chameleon replay src')}, 't', 30),
    'the replay worker waits for the lock to apply the ALTER');
is(query_or_error($node, "SELECT string_agg(schema_name || '|' || action || '|' || query, E'\\n') FROM sch_chameleon.v_pending_changes WHERE source = 'src' AND action = 'ddl'"),
    'app|ddl|ALTER TABLE app.restart DROP COLUMN note, ADD COLUMN w INT NOT NULL DEFAULT 3 FIRST',
    'the DDL is read: v_pending_changes shows its log row, the MySQL statement with its current database');
# The sql_mode flags: by name, or as MariaDB's bitmask (STRICT_TRANS_TABLES is bit 21).
my $flags = query_or_error($node, "SELECT string_agg(t_row_after::text, ',') FROM sch_chameleon.t_log_replica WHERE enm_binlog_event::text = 'ddl'");
ok(($flags =~ /^\{(\d+)\b/ && ($1 & (1 << 21))) || $flags =~ /^\{.*STRICT_TRANS_TABLES.*\}$/,
    'and its sql_mode flags in t_row_after (STRICT_TRANS_TABLES, MariaDB\'s default, among them)') or diag "t_row_after: $flags";
$node->stop('immediate');
eval { $locker->quit };
$node->start;
$mysql->sql(q{
    INSERT INTO app.restart VALUES (30, 5, 7000000000);
    UPDATE app.restart SET w = 31 WHERE id = 3;
});
wait_for_source($node, 'src', 'after an immediate restart with the DDL read and not replayed, everything is replayed');
is(query_or_error($node, "SELECT string_agg(concat_ws(':', id, v, w), ',' ORDER BY id) FROM app_pg.restart"),
    '1:6000000000:3,3:3:31,4:5000000000:3,5:7000000000:30',
    'no row lost or duplicated, each decoded with its layout');

# ---- and an immediate restart right after a DDL is written (read, replayed or neither) ----
$mysql->sql(q{ALTER TABLE app.restart MODIFY w BIGINT NOT NULL DEFAULT 3});
$node->stop('immediate');
$node->start;
$mysql->sql(q{
    INSERT INTO app.restart VALUES (5000000001, 6, 1);
    UPDATE app.restart SET w = 5000000002 WHERE id = 1;
});
wait_for_source($node, 'src', 'after an immediate restart right after the DDL, everything is replayed');
is(query_or_error($node, "SELECT string_agg(concat_ws(':', id, v, w), ',' ORDER BY id) FROM app_pg.restart"),
    '1:6000000000:5000000002,3:3:31,4:5000000000:3,5:7000000000:30,6:1:5000000001',
    'no row lost or duplicated, each decoded with its layout');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'still no error');

# ---- every table against a fresh copy of MySQL's data ----
my %unordered = map { $_ => 1 } qw(add_cols multi restart);    # FIRST/AFTER: PostgreSQL appends the column
compare_tables($node, $mysql, 'after the ALTERs',
    tables => [ map { ["app.$_", "app_pg.$_", "app_check.$_", { registry => 1, ordered => !$unordered{$_} }] }
                qw(add_cols drop_cols change_cols modify_cols ren_cols defaults idx pk ren_tbl3 multi nopk restart) ]);

done_testing();
