# DDL replication (issue 11): the online schema change tools, under concurrent writes.
#   gh-ost: a changelog table _t_ghc (heartbeats), a ghost table _t_gho made LIKE t and altered
#     (a column added, a column widened, an index added), rows copied from t in chunks by
#     INSERT IGNORE ... SELECT, every change of the writer applied to the ghost too (gh-ost reads
#     them from the binlog and applies them; emulated here in the writer's own transaction), then
#     the atomic swap RENAME TABLE t TO _t_del, _t_gho TO t, and _t_del and _t_ghc dropped.
#   pt-online-schema-change: _p_new made LIKE p and altered (a column added, a column widened, an
#     index replaced), the three pt-osc triggers on p copying INSERT/UPDATE/DELETE into _p_new
#     (REPLACE INTO / DELETE IGNORE), rows copied in chunks by INSERT LOW_PRIORITY IGNORE ... SELECT
#     ... LOCK IN SHARE MODE, the swap RENAME TABLE p TO _p_old, _p_new TO p, triggers and _p_old
#     dropped.
# During each migration a writer (a forked child feeding its own mariadb client) keeps inserting,
# updating and deleting rows of the table, from before the shadow table exists until after the
# swap. Then wait_for_source, and the table compared with a fresh copy of MySQL's data: the same
# rows (none lost, none left over), columns, types, indexes; no shadow table left in PostgreSQL or
# in v_tables.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;
use POSIX ();
use Time::HiRes ();

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_osc');

my $rows = 3000;
my $chunk = 200;
$mysql->sql(qq{
    CREATE DATABASE app;
    CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, k INT NOT NULL, v VARCHAR(40), updated INT NOT NULL DEFAULT 0,
        KEY by_k (k));
    CREATE TABLE app.p (id INT PRIMARY KEY AUTO_INCREMENT, k INT NOT NULL, v VARCHAR(40), updated INT NOT NULL DEFAULT 0,
        KEY by_k (k));
    INSERT INTO app.t (k, v) SELECT seq % 100, CONCAT('row ', seq) FROM app.seq_1_to_$rows;
    INSERT INTO app.p (k, v) SELECT seq % 100, CONCAT('row ', seq) FROM app.seq_1_to_$rows;
});

write_replica_config($node, $mysql, mappings => [['app', 'app_pg', 'app_check']]);
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

sub max_id { return $mysql->sql("SELECT MAX(id) FROM app.$_[0]") }
# Waits until the writer of `table` has inserted `n` rows more than now.
sub writer_goes_on {
    my ($table, $what) = @_;
    my $now = max_id($table);
    ok($mysql->poll_until("SELECT MAX(id) >= $now + 10 FROM app.$table", '1', 30), "$table: the writer writes $what")
      or diag $mysql->sql('SHOW FULL PROCESSLIST');
}
# The writers: a forked child feeding one mariadb client session, one small transaction after
# another (an insert, an update of an older row, every fifth time a delete), paced by 10 ms so that
# the 2-core machine keeps up, until its stop file exists. The gh-ost writer also applies its changes
# to the ghost table (error 1146 while it does not exist: before it is made and after the swap; the
# client goes on with --force, and those and InnoDB deadlocks are the only errors allowed).
sub writer_sql {
    my ($table) = @_;
    my $sql = qq{SET \@i = \@i + 1;
START TRANSACTION;
INSERT INTO app.$table (k, v) VALUES (\@i % 100, CONCAT('w', \@i));
SET \@new = LAST_INSERT_ID();
SET \@up = 1 + (\@i * 7919) % \@new;
UPDATE app.$table SET updated = updated + 1, v = CONCAT('u', \@i) WHERE id = \@up;
SET \@del = IF(\@i % 5 = 0, 1 + (\@i * 104729) % \@new, 0);
DELETE FROM app.$table WHERE id = \@del;
};
    $sql .= qq{REPLACE INTO app._t_gho (id, k, v, updated) SELECT id, k, v, updated FROM app.t WHERE id IN (\@new, \@up);
DELETE FROM app._t_gho WHERE id = \@del;
} if $table eq 't';
    return $sql . "COMMIT;\n";
}
my %writers;
# Starts the writer of `table`; returns once it has written.
sub start_writer {
    my ($table) = @_;
    my $before = max_id($table);
    my $base = $mysql->dir . "/writer_$table";
    unlink "$base.stop";
    my $sql = writer_sql($table);
    my $lib = $ENV{CHAMELEON_TEST_LIB} // 'test/lib';
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        # The child: no END block (it would stop the servers), no TAP output.
        open(STDOUT, '>', '/dev/null');
        open(STDERR, '>', "$base.err");
        my $ok = open(my $client, '|-', 'bash', "$lib/mariadb.sh", 'client', $mysql->dir, '-N', '-B', '--force');
        POSIX::_exit(2) unless $ok;
        $client->autoflush(1);
        print $client "SET \@i = 0;\n";
        until (-e "$base.stop") {
            print $client $sql;
            Time::HiRes::sleep(0.01);
        }
        close($client);
        POSIX::_exit(0);
    }
    $writers{$table} = { pid => $pid, base => $base };
    ok($mysql->poll_until("SELECT MAX(id) >= $before + 10 FROM app.$table", '1', 30), "$table: the writer writes");
}
# Lets the writer go on after the swap, then stops it; it must have met no error but the allowed ones.
sub stop_writer {
    my ($table) = @_;
    writer_goes_on($table, 'after the swap');
    my $w = $writers{$table};
    open(my $fh, '>', "$w->{base}.stop") or die "cannot write $w->{base}.stop: $!";
    close($fh);
    waitpid($w->{pid}, 0);
    is($? >> 8, 0, "$table: the writer ended");
    open($fh, '<', "$w->{base}.err") or die "cannot read $w->{base}.err: $!";
    # (--force echoes each failed statement between dashes: the ERROR lines are what counts.)
    # InnoDB deadlocks against the chunk copy (LOCK IN SHARE MODE) happen with the real tools too
    # (the application retries): MySQL rolls that transaction back, which the binlog reflects.
    my @errors = grep { /^ERROR/ && !/^ERROR 1146 \(42S02\) at line \d+: Table 'app\._t_gho' doesn't exist$/
                        && !/^ERROR 1213 \(40001\)/ } <$fh>;
    close($fh);
    is(join('', @errors), '', "$table: the writer met no error (but the ghost table's absence, and InnoDB deadlocks)");
}

# ---------------------------------------------------------------- gh-ost
start_writer('t');
$mysql->sql(q{
    CREATE TABLE app._t_ghc (id BIGINT AUTO_INCREMENT, last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        hint VARCHAR(64) CHARSET ascii NOT NULL, value VARCHAR(4096) CHARSET ascii NOT NULL,
        PRIMARY KEY (id), UNIQUE KEY hint_uidx (hint)) AUTO_INCREMENT = 256;
    INSERT INTO app._t_ghc (id, hint, value) VALUES (2, 'state', 'GhostTableMigrated')
        ON DUPLICATE KEY UPDATE last_update = NOW(), value = VALUES(value);
    CREATE TABLE app._t_gho LIKE app.t;
    ALTER TABLE app._t_gho ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x', MODIFY v VARCHAR(80), ADD INDEX by_v (v);
});
writer_goes_on('t', 'once the ghost table exists');
my $copy_start = max_id('t');
my $chunks = 0;
{
    my $max = max_id('t');
    for (my $lo = 1; $lo <= $max; $lo += $chunk) {
        my $hi = $lo + $chunk - 1;
        $mysql->sql(qq{
            INSERT IGNORE INTO app._t_gho (id, k, v, updated)
                SELECT id, k, v, updated FROM app.t FORCE INDEX (PRIMARY) WHERE id BETWEEN $lo AND $hi LOCK IN SHARE MODE;
            INSERT INTO app._t_ghc (id, hint, value) VALUES (1, 'heartbeat', NOW(6))
                ON DUPLICATE KEY UPDATE last_update = NOW(), value = VALUES(value);});
        $chunks++;
    }
}
note "gh-ost: the rows were copied in $chunks chunks";
cmp_ok(max_id('t'), '>', $copy_start, 'gh-ost: the writer wrote while the rows were copied');
writer_goes_on('t', 'between the copy and the swap');
$mysql->sql(q{
    INSERT INTO app._t_ghc (id, hint, value) VALUES (2, 'state', 'AllEventsUpToLockProcessed')
        ON DUPLICATE KEY UPDATE last_update = NOW(), value = VALUES(value);
    RENAME TABLE app.t TO app._t_del, app._t_gho TO app.t;
});
stop_writer('t');
$mysql->sql(q{DROP TABLE IF EXISTS app._t_del; DROP TABLE IF EXISTS app._t_ghc;});

# ---------------------------------------------------------------- pt-online-schema-change
start_writer('p');
$mysql->sql(q{
    CREATE TABLE app._p_new LIKE app.p;
    ALTER TABLE app._p_new ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x', MODIFY v VARCHAR(80), DROP INDEX by_k,
        ADD INDEX by_k_v (k, v);
    CREATE TRIGGER app.pt_osc_app_p_del AFTER DELETE ON app.p FOR EACH ROW
        DELETE IGNORE FROM app._p_new WHERE app._p_new.id <=> OLD.id;
DELIMITER //
    CREATE TRIGGER app.pt_osc_app_p_upd AFTER UPDATE ON app.p FOR EACH ROW BEGIN
        DELETE IGNORE FROM app._p_new WHERE !(OLD.id <=> NEW.id) AND app._p_new.id <=> OLD.id;
        REPLACE INTO app._p_new (id, k, v, updated) VALUES (NEW.id, NEW.k, NEW.v, NEW.updated);
    END//
DELIMITER ;
    CREATE TRIGGER app.pt_osc_app_p_ins AFTER INSERT ON app.p FOR EACH ROW
        REPLACE INTO app._p_new (id, k, v, updated) VALUES (NEW.id, NEW.k, NEW.v, NEW.updated);
});
writer_goes_on('p', 'once the triggers exist');
$copy_start = max_id('p');
$chunks = 0;
{
    my $max = max_id('p');
    for (my $lo = 1; $lo <= $max; $lo += $chunk) {
        my $hi = $lo + $chunk - 1;
        $mysql->sql(qq{
            INSERT LOW_PRIORITY IGNORE INTO app._p_new (id, k, v, updated)
                SELECT id, k, v, updated FROM app.p FORCE INDEX (PRIMARY) WHERE id >= $lo AND id <= $hi
                LOCK IN SHARE MODE /*pt-online-schema-change 1234 copy nibble*/;});
        $chunks++;
    }
}
note "pt-osc: the rows were copied in $chunks chunks";
cmp_ok(max_id('p'), '>', $copy_start, 'pt-osc: the writer wrote while the rows were copied');
writer_goes_on('p', 'between the copy and the swap');
$mysql->sql(q{RENAME TABLE app.p TO app._p_old, app._p_new TO app.p});
stop_writer('p');
$mysql->sql(q{
    DROP TRIGGER IF EXISTS app.pt_osc_app_p_del;
    DROP TRIGGER IF EXISTS app.pt_osc_app_p_upd;
    DROP TRIGGER IF EXISTS app.pt_osc_app_p_ins;
    DROP TABLE IF EXISTS app._p_old;
});

# ---------------------------------------------------------------- source against target
wait_for_source($node, 'src', 'wait_for_source: both migrations and every write are replayed', 120);
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error')
  or diag query_or_error($node, "SELECT table_name, message, sql FROM sch_chameleon.v_errors");
is(query_or_error($node, "SELECT string_agg(table_name || ':' || enabled, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    'p:true,t:true', 'v_tables: the two tables, enabled; no shadow, changelog or old table');
is(query_or_error($node, "SELECT coalesce(string_agg(relname, ',' ORDER BY relname), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        . "WHERE n.nspname = 'app_pg' AND c.relkind = 'r' AND c.relname NOT IN ('t', 'p')"),
    '', 'no shadow, changelog or old table is left in PostgreSQL');
compare_tables($node, $mysql, 'after the migrations',
    tables => [ map { ["app.$_", "app_pg.$_", "app_check.$_", { ordered => 1, registry => 1 }] } qw(t p) ]);

done_testing();
