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

# Enough rows that the copy is still running when the server stops (one copy worker).
$mysql->sql(q{
    CREATE DATABASE big;
    CREATE TABLE big.rows (id INT PRIMARY KEY, pad CHAR(200) NOT NULL);
    INSERT INTO big.rows SELECT seq, REPEAT('x', 200) FROM big.seq_1_to_1500000;
});
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
        "SELECT count(*) > 0 FROM sch_chameleon.v_progress WHERE table_name = 'rows' AND rows_copied > 0"),
    'the copy is under way');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources"), 'initialising', 'status initialising');
$node->stop('immediate');
$copy->finish;
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

done_testing();
