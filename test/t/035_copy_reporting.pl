# Nothing reported that did not happen, and keep_existing_schema keeps the user's constraints
# (issue 9, items 4 and 5): a MySQL GTID set larger than the old fixed string area is stored whole in
# t_replica_tables; with keep_existing_schema detach_replica restores the foreign keys the copy
# dropped (NOT VALID, then validated, each in a NOTICE), and duplicates in a DEFERRABLE unique
# column, which the load with session_replication_role = replica does not check, fail the copy.
use strict;
use warnings;

use ChameleonTest;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('reporting');

# A GTID set of more than 66,048 bytes (the old area for one table: 512 bytes a table + 64 kB): one
# binlogged row in each of 5,000 replication domains.
$mysql->sql(q{
    CREATE DATABASE noise;
    CREATE TABLE noise.g (i INT);
    DELIMITER //
    CREATE PROCEDURE noise.domains()
    BEGIN
        DECLARE i INT DEFAULT 0;
        WHILE i < 5000 DO
            SET SESSION gtid_domain_id = 4000000000 + i;
            INSERT INTO noise.g VALUES (i);
            SET i = i + 1;
        END WHILE;
        SET SESSION gtid_domain_id = 0;
    END //
    DELIMITER ;
    CALL noise.domains();
    CREATE DATABASE app;
    CREATE TABLE app.film (id INT PRIMARY KEY, title VARCHAR(40));
    INSERT INTO app.film VALUES (1, 'Alien'), (2, 'Bambi');
    CREATE DATABASE keep;
    CREATE TABLE keep.parent (id INT PRIMARY KEY, code INT);
    CREATE TABLE keep.child (id INT PRIMARY KEY, parent_id INT);
    INSERT INTO keep.parent VALUES (1, 10), (2, 20), (3, 30);
    INSERT INTO keep.child VALUES (1, 1), (2, 3);
    CREATE DATABASE dup;
    CREATE TABLE dup.codes (id INT PRIMARY KEY, code INT);
    INSERT INTO dup.codes VALUES (1, 7), (2, 8), (3, 7);
});
my $port = $mysql->port;
my $conn = "    db_conn:\n      host: \"127.0.0.1\"\n      port: \"$port\"\n      user: \"root\"\n      password: \"\"\n";
write_config($node, 'default', <<YAML);
sources:
  src:
    type: mysql
$conn    schema_mappings:
      app: app_pg
  keeper:
    type: mysql
$conn    schema_mappings:
      keep: keep_pg
    keep_existing_schema: Yes
  dupper:
    type: mysql
$conn    schema_mappings:
      dup: dup_pg
    keep_existing_schema: Yes
YAML
$node->safe_psql('postgres', q{
    SELECT chameleon.add_source('src');
    SELECT chameleon.add_source('keeper');
    SELECT chameleon.add_source('dupper');
});

sub psql_run {
    my ($sql) = @_;
    my ($out, $err) = ('', '');
    my $rc = $node->psql('postgres', $sql, stdout => \$out, stderr => \$err);
    return ($rc, $out, $err);
}

# ---- item 4: a GTID set is stored whole, whatever its size ----
my ($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('src')");
is($rc, 0, 'init_replica with a large GTID set') or diag $err;
my $gtid = $mysql->sql('SELECT @@GLOBAL.gtid_binlog_pos');
cmp_ok(length($gtid), '>', 66048, 'the GTID set is larger than the old string area');
is($node->safe_psql('postgres', q{SELECT t_gtid_set FROM sch_chameleon.t_replica_tables WHERE v_schema_name = 'app_pg' AND v_table_name = 'film'}),
    $gtid, 'the table keeps the GTID set of its snapshot, whole');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || title, ',' ORDER BY id) FROM app_pg.film}),
    '1:Alien,2:Bambi', 'the rows are copied');

# ---- item 4: a cancel, or the leader's death, after the final commit reports the completed copy ----
# A session holding a lock on the destination's table makes the leader wait when it drops the
# replaced schema, after the swap committed.
sub hold_lock {
    my ($out, $err) = ('', '');
    my $h = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c',
            "BEGIN; LOCK TABLE app_pg.film IN ACCESS SHARE MODE; SELECT pg_sleep(600); COMMIT" ],
        '>', \$out, '2>', \$err);
    ok($node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM pg_locks WHERE relation = 'app_pg.film'::regclass AND mode = 'AccessShareLock' AND granted AND pid <> pg_backend_pid()}),
        'a session holds a lock on app_pg.film');
    return $h;
}
sub release_lock {
    my ($h) = @_;
    $node->safe_psql('postgres', q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE app_pg.film%'});
    $h->finish;
}
sub start_copy {
    my ($out, $err) = @_;
    my $h = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', "SELECT chameleon.init_replica('src')" ],
        '>', $out, '2>', $err);
    ok($node->poll_query_until('postgres', q{SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '_app_pg_old')
          AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'chameleon copy' AND wait_event_type = 'Lock')}),
        'the swap committed and the leader waits to drop the replaced schema');
    return $h;
}
my $errors_before = $node->safe_psql('postgres', 'SELECT count(*) FROM sch_chameleon.t_error_log');

$mysql->sql("INSERT INTO app.film VALUES (3, 'Cars')");
my $locker = hold_lock();
my ($copy_out, $copy_err) = ('', '');
my $copy = start_copy(\$copy_out, \$copy_err);
$node->safe_psql('postgres', q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT chameleon.init_replica(''src'')' AND pid <> pg_backend_pid()});
$copy->finish;
is($? >> 8, 0, 'a cancel after the swap committed: init_replica returns') or diag $copy_err;
like($copy_out, qr/^init_replica of source "src": 1 table, 3 rows in /, 'with its summary');
like($copy_err, qr/WARNING:  could not drop schema "_app_pg_old": canceling statement due to user request; drop it with: DROP SCHEMA "_app_pg_old" CASCADE\n/,
    'a WARNING names the replaced schema left behind and the statement that drops it');
like($copy_err, qr/WARNING:  init_replica of source "src" had committed when the cancel arrived: the copy is complete\n/,
    'a WARNING says the copy completed');
unlike($copy_err, qr/ERROR/, 'no error');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || title, ',' ORDER BY id) FROM app_pg.film}),
    '1:Alien,2:Bambi,3:Cars', 'the new rows are in place');
is($node->safe_psql('postgres', q{SELECT enm_status || ' ' || (SELECT count(*) FROM sch_chameleon.t_error_log) FROM sch_chameleon.t_sources WHERE t_source = 'src'}),
    "initialised $errors_before", 'the source is initialised, no error recorded');
release_lock($locker);
$node->safe_psql('postgres', 'DROP SCHEMA "_app_pg_old" CASCADE');
pass('the statement given drops the replaced schema');

$mysql->sql("INSERT INTO app.film VALUES (4, 'Dune')");
$locker = hold_lock();
($copy_out, $copy_err) = ('', '');
$copy = start_copy(\$copy_out, \$copy_err);
$node->safe_psql('postgres', q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'chameleon copy' AND wait_event_type = 'Lock'});
$copy->finish;
is($? >> 8, 0, 'the leader killed after the final commit: init_replica returns') or diag $copy_err;
like($copy_out, qr/^init_replica of source "src": 1 table, 4 rows in /, 'with its summary');
like($copy_err, qr/WARNING:  copy worker 0 exited unexpectedly after init_replica of source "src" had committed: the copy is complete\n/,
    'a WARNING says the copy completed');
like($copy_err, qr/WARNING:  schema "_app_pg_old" was not dropped; drop it with: DROP SCHEMA "_app_pg_old" CASCADE\n/,
    'a WARNING names the replaced schema left behind and the statement that drops it');
unlike($copy_err, qr/ERROR/, 'no error');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || title, ',' ORDER BY id) FROM app_pg.film}),
    '1:Alien,2:Bambi,3:Cars,4:Dune', 'the new rows are in place');
is($node->safe_psql('postgres', q{SELECT enm_status || ' ' || (SELECT count(*) FROM sch_chameleon.t_error_log) FROM sch_chameleon.t_sources WHERE t_source = 'src'}),
    "initialised $errors_before", 'the source stays initialised, no error recorded');
release_lock($locker);
$node->safe_psql('postgres', 'DROP SCHEMA "_app_pg_old" CASCADE');
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('src')");
is($rc, 0, 'init_replica runs again') or diag $err;

# ---- item 5: keep_existing_schema then detach_replica restores the user's foreign keys ----
$node->safe_psql('postgres', q{
    CREATE SCHEMA keep_pg;
    CREATE TABLE keep_pg.parent (id int PRIMARY KEY, code int UNIQUE DEFERRABLE INITIALLY IMMEDIATE);
    CREATE TABLE keep_pg.child (id int PRIMARY KEY,
        parent_id int CONSTRAINT child_parent_fk REFERENCES keep_pg.parent (id) ON DELETE CASCADE);
    INSERT INTO keep_pg.parent VALUES (1, 1);
    INSERT INTO keep_pg.child VALUES (9, 1);
});
my $fk_def = $node->safe_psql('postgres', q{SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'child_parent_fk'});
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('keeper')");
is($rc, 0, 'init_replica with keep_existing_schema') or diag $err;
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM keep_pg.parent}),
    '1:10,2:20,3:30', 'the rows are loaded; the deferrable unique column holds no duplicate, the copy passes');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || parent_id, ',' ORDER BY id) FROM keep_pg.child}),
    '1:1,2:3', 'and the child rows');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_constraint WHERE conname = 'child_parent_fk'}), '0',
    'the foreign key is dropped for the load');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_fkeys WHERE v_schema_name = 'keep_pg' AND v_constraint_name = 'child_parent_fk'}),
    '1', 'and saved in t_fkeys');
($rc, $out, $err) = psql_run("SELECT chameleon.detach_replica('keeper')");
is($rc, 0, 'detach_replica') or diag $err;
is($out, 'detach_replica of source "keeper": 0 sequences reset, 1 foreign keys created', 'detach_replica counts the restored key');
like($err, qr/NOTICE:  foreign key "child_parent_fk" of "keep_pg"."child" restored and validated/,
    'a NOTICE names the restored key');
is($node->safe_psql('postgres', q{SELECT pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint WHERE conname = 'child_parent_fk'}),
    "$fk_def true", 'the foreign key is back as it was, validated');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_fkeys WHERE v_schema_name = 'keep_pg'}), '0',
    'and leaves t_fkeys');
($rc, $out, $err) = psql_run('INSERT INTO keep_pg.child VALUES (5, 99)');
like($err, qr/violates foreign key constraint "child_parent_fk"/, 'the restored key is enforced');

# A key whose rows no longer match is restored NOT VALID, with a warning, and counted as failed.
$node->safe_psql('postgres', q{
    SELECT chameleon.add_source('keeper');
    CREATE SCHEMA dup_pg;
});
$mysql->sql('INSERT INTO keep.child VALUES (3, 77)');
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('keeper')");
is($rc, 0, 'init_replica again, a child row without its parent in MySQL') or diag $err;
($rc, $out, $err) = psql_run("SELECT chameleon.detach_replica('keeper')");
is($out, 'detach_replica of source "keeper": 0 sequences reset, 0 foreign keys created, 1 failed',
    'detach_replica counts the key that failed');
like($err, qr/WARNING:  foreign key "child_parent_fk" of "keep_pg"."child" restored NOT VALID, its validation failed: insert or update on table "child" violates foreign key constraint "child_parent_fk"/,
    'a WARNING says it stays NOT VALID');
is($node->safe_psql('postgres', q{SELECT convalidated FROM pg_constraint WHERE conname = 'child_parent_fk'}), 'f',
    'the key exists, NOT VALID');

# ---- item 5: duplicates in a DEFERRABLE unique column fail the copy ----
$node->safe_psql('postgres', q{
    CREATE TABLE dup_pg.codes (id int PRIMARY KEY, code int CONSTRAINT codes_code_uq UNIQUE DEFERRABLE);
    INSERT INTO dup_pg.codes VALUES (1, 1);
});
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('dupper')");
isnt($rc, 0, 'init_replica fails on a deferrable unique violation');
like($err, qr/ERROR:  the rows copied from MySQL table `dup`.`codes` violate the deferrable unique constraint "codes_code_uq" of "dup_pg"."codes"\n/,
    'the error names the table and the constraint');
like($err, qr/DETAIL:  Key \(code\)=\(7\) is duplicated. The load \(session_replication_role = replica\) does not check deferrable constraints, so they are checked after it./,
    'the detail gives the duplicated key');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM dup_pg.codes}), '1:1',
    'the table is left as it was');
is($node->safe_psql('postgres', q{SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'dupper'}), 'error',
    'the source is in error');
$mysql->sql('UPDATE dup.codes SET code = 9 WHERE id = 3');
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('dupper')");
is($rc, 0, 'without the duplicate the copy succeeds') or diag $err;
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM dup_pg.codes}), '1:7,2:8,3:9',
    'the target equals the source');

done_testing();
