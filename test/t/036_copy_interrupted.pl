# A copy interrupted by a crash says so (issue 9, item 6): PostgreSQL stopped with -m immediate in the
# middle of init_replica leaves the source `initialising` and its loading schema behind; when the
# server comes back, the launcher marks the source `error` with a t_error_log row naming what was
# interrupted, drops the loading schema it made, and init_replica then succeeds.
use strict;
use warnings;

use ChameleonTest;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('interrupted', conf => ['restart_after_crash = on']);

$mysql->sql(q{
    CREATE DATABASE big;
    CREATE TABLE big.rows (id INT PRIMARY KEY, pad CHAR(200) NOT NULL);
    INSERT INTO big.rows SELECT seq, REPEAT('x', 200) FROM big.seq_1_to_20000;
});
# A MariaDB session holds a write lock on the table: the copy waits for its snapshot (after the
# loading schema is made), so it is certainly in progress while the test looks at it.
my $locker = $mysql->background_sql("LOCK TABLES big.rows WRITE; SELECT SLEEP(120);\n");
ok($mysql->poll_until("SELECT count(*) > 0 FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(120)%'", '1'),
    'a MariaDB session locks the table');
write_config($node, 'default', "sources:\n  src:\n    type: mysql\n" . db_conn_yaml($mysql) . <<'YAML');
    schema_mappings:
      big: big_pg
    copy_jobs: 1
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");

my ($out, $err) = ('', '');
my $copy = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', "SELECT chameleon.init_replica('src')" ],
    '>', \$out, '2>', \$err);
ok($node->poll_query_until('postgres',
        "SELECT count(*) > 0 FROM sch_chameleon.v_progress WHERE table_name = 'rows' AND state = 'snapshot'"),
    'the copy is under way, waiting for its snapshot');
ok($node->poll_query_until('postgres', "SELECT count(*) = 1 FROM pg_namespace WHERE nspname = '_big_pg_tmp'"),
    'its loading schema exists');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources"), 'initialising', 'status initialising');

# One guard for concurrent operations (issue 9, item 3): nothing changes a source during its copy.
my $conductor = $node->safe_psql('postgres', "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT chameleon.init_replica%'");
for my $call ("SELECT chameleon.drop_source('src')", "SELECT chameleon.update_schema_mappings('src')",
              "SELECT chameleon.enable_replica('src')", "SELECT chameleon.start_replica('src')",
              "SELECT chameleon.stop_all_replicas()") {
    my ($action) = $call =~ /chameleon\.(\w+)/;
    my ($rc, $stdout, $stderr) = $node->psql('postgres', $call);
    like($stderr, qr/ERROR:  $action refused: source "src" is being copied by init_replica \(backend pid $conductor\)\n.*HINT:  Wait for the copy to end, or cancel it with pg_cancel_backend\(\) on that pid\./s,
        "$action is refused during the copy, naming it");
}
my ($rc0, $o0, $e0) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.0'");
like($e0, qr/ERROR:  cannot downgrade extension chameleon while sources are running or in error: src \(init_replica \(backend pid $conductor\)\)/,
    'the catalogue update is refused during the copy, naming it');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources"), 'initialising', 'nothing changed the source');
$node->stop('immediate');
$copy->finish;
my $locker_id = $mysql->sql("SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(120)%' LIMIT 1");
$mysql->sql("KILL $locker_id");
$locker->finish;
$node->start;

ok($node->poll_query_until('postgres', "SELECT enm_status = 'error' FROM sch_chameleon.t_sources WHERE t_source = 'src'"),
    'the launcher marks the interrupted source error');
is($node->safe_psql('postgres', "SELECT t_error_message FROM sch_chameleon.t_error_log ORDER BY i_id_log DESC LIMIT 1"),
    'the copy of source "src" (status initialising) was interrupted: PostgreSQL restarted or a copy worker died; '
      . 'its loading schemas were dropped (_big_pg_tmp); run it again',
    't_error_log names what was interrupted and what was cleaned up');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname = '_big_pg_tmp'"), '0',
    'no loading schema is left');
is($node->safe_psql('postgres', "SELECT status, last_error IS NOT NULL FROM sch_chameleon.v_status WHERE name = 'src'"),
    'error|t', 'v_status shows the source in error with the message');

# enable_replica, then init_replica starts clean and copies every row.
$node->safe_psql('postgres', "SELECT chameleon.enable_replica('src')");
my ($rc, $stdout, $stderr) = $node->psql('postgres', "SELECT chameleon.init_replica('src')");
is($rc, 0, 'init_replica succeeds after the interruption') or diag $stderr;
is($node->safe_psql('postgres', "SELECT count(*), sum(id) FROM big_pg.rows"), $mysql->sql("SELECT count(*), sum(id) FROM big.rows") =~ s/\t/|/r,
    'every row copied');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources"), 'initialised', 'status initialised');

# The guard holds from before planning: with MariaDB frozen (SIGSTOP) init_replica waits in its
# planning (reading MySQL's tables), and already nothing else may change the source.
my $mysqld = $mysql->pid;
kill 'STOP', $mysqld;
($out, $err) = ('', '');
$copy = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c', "SELECT chameleon.init_replica('src')" ],
    '>', \$out, '2>', \$err);
ok($node->poll_query_until('postgres', "SELECT chameleon._copy_in_progress(i_id_source) IS NOT NULL FROM sch_chameleon.t_sources"),
    'a copy being planned is in the live-operation registry');
$conductor = $node->safe_psql('postgres', "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT chameleon.init_replica%'");
my ($rc1, $o1, $e1) = $node->psql('postgres', "SELECT chameleon.update_schema_mappings('src')");
like($e1, qr/ERROR:  update_schema_mappings refused: source "src" is being copied by init_replica \(backend pid $conductor\)/,
    'update_schema_mappings is refused while the copy is still being planned');
($rc1, $o1, $e1) = $node->psql('postgres', "SELECT chameleon.init_replica('src')");
like($e1, qr/ERROR:  another copy of source "src" is running/, 'a second copy is refused at once');
is($node->safe_psql('postgres', "SELECT pg_cancel_backend($conductor)"), 't', 'the planning copy is cancelled');
$copy->finish;
like($err, qr/canceling statement due to user request/, 'the cancel is seen while MySQL does not answer');
kill 'CONT', $mysqld;
is($node->safe_psql('postgres', "SELECT chameleon._copy_in_progress(i_id_source) IS NULL FROM sch_chameleon.t_sources"), 't',
    'the registry is free again');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources"), 'initialised', 'and the source as it was');

done_testing();
