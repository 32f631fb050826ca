# The error paths of replication, each checked by the catalogue rows and by the target data:
# - on_error_replay: exit — a row PostgreSQL refuses (a CHECK constraint the DBA added on the target)
#   stops the source in `error`, keeps the failing batch, writes t_error_log (table, key, row,
#   SQLSTATE, binlog coordinates, the source transaction's GTID), and wait_for_source raises an
#   error naming the source;
# - skip_transaction skips exactly that source transaction (all of its rows, nothing else), records
#   it in t_skipped_transactions, and the later changes arrive after start_replica;
# - enable_replica on a source in error (a unique index the DBA added): the kept batch is applied
#   once the cause is fixed, nothing lost;
# - on_error_replay: continue disables only the failing table while the others keep replicating;
#   sync_tables(source, ARRAY['disabled']) brings it back equal to MySQL;
# - start_replica's refusals (running, in error, not initialised) with their exact messages;
# - a purged binlog: a terminal error that says to run init_replica again; doing so recovers.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('replica_errors');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.items (id INT PRIMARY KEY, v INT, note VARCHAR(20));
    CREATE TABLE app.other (id INT PRIMARY KEY, v INT);
    INSERT INTO app.items VALUES (1, 1, 'one'), (2, 2, 'two');
    INSERT INTO app.other VALUES (1, 1);
    CREATE DATABASE cdb;
    CREATE TABLE cdb.items (id INT PRIMARY KEY, v INT, note VARCHAR(20));
    CREATE TABLE cdb.other (id INT PRIMARY KEY, v INT);
    INSERT INTO cdb.items VALUES (1, 1, 'one'), (2, 2, 'two');
    INSERT INTO cdb.other VALUES (1, 1);
});

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
$conn    my_server_id: 301
    schema_mappings:
      app: app_pg
    on_error_replay: exit
  cont:
    type: mysql
$conn    my_server_id: 302
    schema_mappings:
      cdb: cdb_pg
    on_error_replay: continue
  fresh:
    type: mysql
$conn    my_server_id: 303
    schema_mappings:
      app: app_fresh
  check:
    type: mysql
$conn    schema_mappings:
      app: app_check
      cdb: cdb_check
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('$_')") for qw(src cont fresh);
$node->safe_psql('postgres', "SELECT chameleon.init_replica('$_')") for qw(src cont);

sub psql_result {    # (rc, stdout, stderr) of one statement
    my ($sql) = @_;
    my ($rc, $out, $err) = $node->psql('postgres', $sql);
    return ($rc, $out, $err);
}
sub wait_for {
    my ($source) = @_;
    return psql_result("SELECT chameleon.wait_for_source('$source', '60 s')");
}
sub workers_gone {
    my ($source) = @_;
    return $node->poll_query_until('postgres', "SELECT count(*) = 0 FROM pg_stat_activity "
          . "WHERE backend_type IN ('chameleon read $source', 'chameleon replay $source')");
}
sub master_status {    # (file, position)
    return (split /\t/, $mysql->sql('SHOW MASTER STATUS'))[0, 1];
}
sub status {
    my ($source) = @_;
    return $node->safe_psql('postgres', "SELECT status FROM sch_chameleon.v_status WHERE name = '$source'");
}

# ---------------------------------------------------------------------------------------------
# start_replica: refusals
my ($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('fresh')");
like($err, qr/ERROR:  source "fresh" has not been initialised\nHINT:  Copy it first with chameleon\.init_replica\(\)\./,
    'start_replica refuses a source that was never initialised, with a hint');
is(status('fresh'), 'ready', 'and leaves it as it was');
for my $s (qw(src cont)) {
    ($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('$s')");
    is($rc, 0, "start_replica('$s')") or diag $err;
}
($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
like($err, qr/ERROR:  source "src" is running\nHINT:  It is already replicating; sch_chameleon\.v_status shows its workers\./,
    'start_replica refuses a running source, with a hint');
($rc, $out, $err) = psql_result("SELECT chameleon.enable_replica('src')");
like($err, qr/ERROR:  source "src" is running\nHINT:  enable_replica resets a source in error; stop a running one with chameleon\.stop_all_replicas\(\)\./,
    'enable_replica refuses a running source');
ok($node->poll_query_until('postgres', q{SELECT count(*) = 4 FROM pg_stat_activity WHERE backend_type IN
        ('chameleon read src', 'chameleon replay src', 'chameleon read cont', 'chameleon replay cont')}),
    'both sources have their workers');

# ---------------------------------------------------------------------------------------------
# on_error_replay: exit
$mysql->sql("INSERT INTO app.items VALUES (3, 3, 'three')");
($rc, $out, $err) = wait_for('src');
is($out, 't', 'src replicates') or diag $err;
# The DBA adds a constraint on the target that MySQL does not have.
$node->safe_psql('postgres', 'ALTER TABLE app_pg.items ADD CONSTRAINT v_small CHECK (v < 1000)');
my ($file0, $pos0) = master_status();
# The failing source transaction: a good row before the bad one, another change after it.
my $bad_gtid = $mysql->sql(q{BEGIN; INSERT INTO app.other VALUES (10, 10); INSERT INTO app.items VALUES (10, 5000, 'bad');
    UPDATE app.items SET note = 'in bad tx' WHERE id = 1; COMMIT; SELECT @@last_gtid;});
my ($file1, $pos1) = master_status();
$mysql->sql(q{INSERT INTO app.items VALUES (11, 11, 'after'); INSERT INTO app.other VALUES (11, 11);});

my $bad_message = '23514 - new row for relation "items" violates check constraint "v_small" (Failing row contains (10, 5000, bad).)';
($rc, $out, $err) = wait_for('src');
like($err, qr/ERROR:  source "src" is in error: \Q$bad_message\E\nHINT:  sch_chameleon\.v_errors says why; chameleon\.enable_replica\(\) resets the source\./,
    'wait_for_source raises an error naming the source and its error');
is(status('src'), 'error', 'the source is in error');
ok(workers_gone('src'), 'its workers exit');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.v_errors WHERE source = 'src'}), '1', 'one error row');
my ($err_batch, $err_pos) = split /\|/, $node->safe_psql('postgres',
    q{SELECT batch_id, binlog_position FROM sch_chameleon.v_errors WHERE source = 'src'});
is($node->safe_psql('postgres', q{SELECT schema_name, table_name, key, sql_state, message, row, binlog_name, gtid,
      source_transaction FROM sch_chameleon.v_errors WHERE source = 'src'}),
    join('|', 'app_pg', 'items', q{"id" = '10'}, '23514', $bad_message, '{id: 10, v: 5000, note: bad}', $file0, $bad_gtid,
        "gtid $bad_gtid"),
    'v_errors: the table, the key, the row, the SQLSTATE and message, the binlog file and the GTID of the source transaction');
like($bad_gtid, qr/^0-\d+-\d+$/, 'a MariaDB GTID');
ok($err_pos > $pos0 && $err_pos < $pos1, "the binlog position ($err_pos) is inside the failing transaction ($pos0 .. $pos1)");
is($node->safe_psql('postgres', "SELECT b_processed, b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = $err_batch"),
    't|f', 'the failing batch is kept, not replayed');
is($node->safe_psql('postgres', qq{SELECT string_agg(schema_name || '.' || table_name || ' ' || action, ', ' ORDER BY event_id)
      FROM sch_chameleon.v_pending_changes WHERE source = 'src' AND source_transaction = 'gtid $bad_gtid'}),
    'app_pg.other insert, app_pg.items insert, app_pg.items update', 'its rows are pending, the failing transaction whole');
is($node->safe_psql('postgres', q{SELECT (SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM app_pg.items)
      || ' / ' || (SELECT string_agg(id::text, ',' ORDER BY id) FROM app_pg.other)}),
    '1:one,2:two,3:three / 1', 'the target holds nothing of the failing transaction nor of what followed');
like($node->safe_psql('postgres', q{SELECT replay_state || ' ' || last_error FROM sch_chameleon.v_status WHERE name = 'src'}),
    qr/^error replay: replay of app_pg\.items failed: 23514 - /, 'v_status: the replay worker in error, with its last error');

($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
like($err, qr/ERROR:  source "src" is in error\nHINT:  sch_chameleon\.v_errors says why; fix the cause \(or chameleon\.skip_transaction\(\)\), then chameleon\.enable_replica\(\) and start it again\./,
    'start_replica refuses a source in error, with the way out');

# ---- skip_transaction: exactly that source transaction ----
my $pending_before = $node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.v_pending_changes WHERE source = 'src'});
($rc, $out, $err) = psql_result("SELECT chameleon.skip_transaction('src')");
is($out, qq{skipped source transaction gtid $bad_gtid of source "src": 3 row changes of batch $err_batch; start it again with chameleon.start_replica()},
    'skip_transaction says what it skipped') or diag $err;
is($node->safe_psql('postgres', qq{SELECT k.i_id_batch, k.t_source_tx, k.t_binlog_name, k.i_binlog_position, k.i_rows, k.t_error_message
      FROM sch_chameleon.t_skipped_transactions k JOIN sch_chameleon.t_sources s USING (i_id_source) WHERE s.t_source = 'src'}),
    join('|', $err_batch, "gtid $bad_gtid", $file0, $err_pos, 3, $bad_message), 't_skipped_transactions records it');
is(status('src'), 'stopped', 'the source is stopped');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.v_pending_changes WHERE source = 'src'}),
    $pending_before - 3, 'only its three rows left the log');
is($node->safe_psql('postgres', "SELECT b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = $err_batch"),
    'f', 'the batch itself stays to be replayed');
($rc, $out, $err) = psql_result("SELECT chameleon.skip_transaction('src')");
like($err, qr/ERROR:  source "src" is stopped \(not in error\): there is no failed transaction to skip/,
    'skip_transaction refuses a source that is not in error');

($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica after skip_transaction') or diag $err;
$mysql->sql(q{INSERT INTO app.items VALUES (12, 12, 'later'); UPDATE app.items SET v = 4 WHERE id = 3;});
($rc, $out, $err) = wait_for('src');
is($out, 't', 'wait_for_source: caught up after the skip') or diag $err;
is($node->safe_psql('postgres', q{SELECT (SELECT string_agg(id || ':' || v || ':' || note, ',' ORDER BY id) FROM app_pg.items)
      || ' / ' || (SELECT string_agg(id::text, ',' ORDER BY id) FROM app_pg.other)}),
    '1:1:one,2:2:two,3:4:three,11:11:after,12:12:later / 1,11',
    'the rest of the failing batch and the later changes arrived; nothing of the skipped transaction');

# ---- enable_replica on a source in error: the cause fixed, the kept batch applies ----
$node->safe_psql('postgres', 'CREATE UNIQUE INDEX other_v_uniq ON app_pg.other (v)');
my $dup_gtid = $mysql->sql(q{INSERT INTO app.other VALUES (20, 7), (21, 7); SELECT @@last_gtid;});
$mysql->sql(q{INSERT INTO app.items VALUES (20, 20, 'after dup')});
my $dup_message = '23505 - duplicate key value violates unique constraint "other_v_uniq" (Key (v)=(7) already exists.)';
($rc, $out, $err) = wait_for('src');
like($err, qr/ERROR:  source "src" is in error: \Q$dup_message\E/, 'a unique index of the target: the source in error');
ok(workers_gone('src'), 'its workers exit');
my $dup_batch = $node->safe_psql('postgres', q{SELECT batch_id FROM sch_chameleon.v_errors WHERE source = 'src' ORDER BY id DESC LIMIT 1});
is($node->safe_psql('postgres', q{SELECT table_name, key, sql_state, gtid FROM sch_chameleon.v_errors
      WHERE source = 'src' ORDER BY id DESC LIMIT 1}),
    qq{other|"id" = '21'|23505|$dup_gtid}, 'v_errors names the second row of the statement');
($rc, $out, $err) = psql_result("SELECT chameleon.enable_replica('src')");
like($err, qr/NOTICE:  source "src" is stopped \(it was in error\)/, 'enable_replica resets the source in error');
is(status('src'), 'stopped', 'status stopped');
is($node->safe_psql('postgres', "SELECT b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = $dup_batch"),
    'f', 'the failing batch is still there');
($rc, $out, $err) = psql_result("SELECT chameleon.enable_replica('src')");
like($err, qr/NOTICE:  source "src" is stopped: not in error, status unchanged/, 'enable_replica on a stopped source changes nothing');
$node->safe_psql('postgres', 'DROP INDEX app_pg.other_v_uniq');
($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica once the cause is fixed') or diag $err;
($rc, $out, $err) = wait_for('src');
is($out, 't', 'caught up') or diag $err;
is($node->safe_psql('postgres', "SELECT b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = $dup_batch"),
    't', 'the kept batch is replayed');

# The target against a fresh copy of MySQL: the only differences are the skipped transaction's.
fresh_copy($node, 'check', qw(app_check cdb_check));
sub differences {
    my ($table) = @_;
    return $node->safe_psql('postgres', qq{
        SELECT string_agg(w || ' ' || t, ', ' ORDER BY t, w) FROM (
          (SELECT 'target-only' AS w, r::text AS t FROM app_pg.$table r EXCEPT ALL SELECT 'target-only', c::text FROM app_check.$table c)
          UNION ALL
          (SELECT 'mysql-only', c::text FROM app_check.$table c EXCEPT ALL SELECT 'mysql-only', r::text FROM app_pg.$table r)) d});
}
is(differences('items'), 'mysql-only (1,1,"in bad tx"), target-only (1,1,one), mysql-only (10,5000,bad)',
    'items: the target differs from MySQL by the skipped transaction only');
is(differences('other'), 'mysql-only (10,10)', 'other: the same');

# ---------------------------------------------------------------------------------------------
# on_error_replay: continue — only the failing table stops
$node->safe_psql('postgres', 'ALTER TABLE cdb_pg.items ADD CONSTRAINT v_small CHECK (v < 1000)');
$mysql->sql(q{BEGIN; INSERT INTO cdb.other VALUES (30, 30); INSERT INTO cdb.items VALUES (30, 7000, 'bad'); COMMIT;
    INSERT INTO cdb.items VALUES (31, 31, 'while disabled'); UPDATE cdb.items SET note = 'upd' WHERE id = 1;
    INSERT INTO cdb.other VALUES (31, 31);});
($rc, $out, $err) = wait_for('cont');
is($out, 't', 'continue: wait_for_source returns, the source goes on') or diag $err;
is(status('cont'), 'running', 'continue: the source is still running');
is($node->safe_psql('postgres', q{SELECT string_agg(table_name || ' ' || enabled || ' ' || errors, ', ' ORDER BY table_name)
      FROM sch_chameleon.v_tables WHERE source = 'cont'}),
    'items false 1, other true 0', 'continue: only the failing table is disabled, its error counted');
is($node->safe_psql('postgres', q{SELECT table_name, key, sql_state FROM sch_chameleon.v_errors WHERE source = 'cont'}),
    q{items|"id" = '30'|23514}, 'continue: the error is recorded');
$mysql->sql(q{INSERT INTO cdb.other VALUES (32, 32); INSERT INTO cdb.items VALUES (32, 32, 'still disabled');});
($rc, $out, $err) = wait_for('cont');
is($out, 't', 'continue: caught up again') or diag $err;
is($node->safe_psql('postgres', q{SELECT (SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM cdb_pg.items)
      || ' / ' || (SELECT string_agg(id::text, ',' ORDER BY id) FROM cdb_pg.other)}),
    '1:one,2:two / 1,30,31,32', 'continue: the other table keeps replicating (the failing transaction\'s row too); the disabled one does not');

($rc, $out, $err) = psql_result("SELECT chameleon.stop_replica('cont')");
is($rc, 0, 'stop_replica(cont)') or diag $err;
($rc, $out, $err) = psql_result("SELECT chameleon.sync_tables('cont', ARRAY['disabled'])");
is($rc, 0, "sync_tables(cont, ARRAY['disabled'])") or diag $err;
is($node->safe_psql('postgres', q{SELECT string_agg(table_name || ' ' || enabled, ', ' ORDER BY table_name)
      FROM sch_chameleon.v_tables WHERE source = 'cont'}),
    'items true, other true', 'the disabled table is enabled again');
($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('cont')");
is($rc, 0, 'start_replica(cont) after sync_tables') or diag $err;
$mysql->sql(q{INSERT INTO cdb.items VALUES (33, 33, 'back'); UPDATE cdb.items SET v = 8 WHERE id = 31;
    DELETE FROM cdb.other WHERE id = 1; UPDATE cdb.other SET v = 300 WHERE id = 30;});
($rc, $out, $err) = wait_for('cont');
is($out, 't', 'continue: caught up after sync_tables') or diag $err;
compare_with_copy($node, $mysql, 'after sync_tables of the disabled table', check => 'check',
    tables => [ ['cdb.items', 'cdb_pg', 'cdb_check'], ['cdb.other', 'cdb_pg', 'cdb_check'] ]);

# ---------------------------------------------------------------------------------------------
# A purged binlog: terminal, and the message says what to do.
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('$_')") for qw(src cont);
my ($old_file) = master_status();
$mysql->sql(q{INSERT INTO app.items VALUES (40, 40, 'purged')});
$mysql->sql('FLUSH BINARY LOGS');
my ($new_file) = master_status();
# MariaDB keeps a binlog while a dump thread reads it and until its binlog checkpoint is written in
# the next one: purge until only the newest is left.
ok($mysql->poll_until("PURGE BINARY LOGS TO '$new_file'; SHOW BINARY LOGS", qr/\A\Q$new_file\E\t\d+\z/),
    "PURGE BINARY LOGS: only $new_file is left");
($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica with its binlog purged') or diag $err;
($rc, $out, $err) = wait_for('src');
like($err, qr/ERROR:  source "src" is in error: .*Could not find first log file name in binary log index file.*\(error 1236\).* — the binlog the replica needs is gone \(purged\?\): run chameleon\.init_replica\(\) again, or chameleon\.sync_tables\(\) for the tables concerned/,
    'a purged binlog: a clear error that says to run init_replica again');
is(status('src'), 'error', 'the source is in error');
ok(workers_gone('src'), 'its workers exit (terminal: no retry)');
is($node->safe_psql('postgres', q{SELECT binlog_name, sql_state, message LIKE '%run chameleon.init_replica() again%'
      FROM sch_chameleon.v_errors WHERE source = 'src' ORDER BY id DESC LIMIT 1}),
    "$old_file|55000|t", 'v_errors: the binlog it needed, SQLSTATE 55000');
is($node->safe_psql('postgres', q{SELECT count(*) FROM app_pg.items WHERE id = 40}), '0', 'nothing of it reached the target');

# Doing what it says recovers: enable_replica, init_replica, start_replica.
$node->safe_psql('postgres', "SELECT chameleon.enable_replica('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
($rc, $out, $err) = psql_result("SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica after init_replica') or diag $err;
$mysql->sql(q{INSERT INTO app.items VALUES (41, 41, 'new'); DELETE FROM app.other WHERE id = 11;});
($rc, $out, $err) = wait_for('src');
is($out, 't', 'replicating again') or diag $err;
compare_with_copy($node, $mysql, 'after init_replica again', check => 'check',
    tables => [ ['app.items', 'app_pg', 'app_check'], ['app.other', 'app_pg', 'app_check'] ]);
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");

done_testing();
