# One MariaDB transaction of 1,000,000 rows, replicated: the read worker streams it into the log in
# chunks instead of holding it in memory (its peak RSS stays bounded), the replay worker applies it
# as one unit, and the rows arrive exactly (count, a checksum over every column of every row, and a
# sample of rows compared whole with MariaDB's).
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $rows = 1_000_000;

my $mysql = start_mariadb();
my $node = chameleon_node('bigtx');

$mysql->sql(q{
    CREATE DATABASE shop;
    CREATE TABLE shop.lines (id INT PRIMARY KEY, k INT NOT NULL, label VARCHAR(30), amount DECIMAL(12,2),
        ts DATETIME, flag TINYINT(1));
    INSERT INTO shop.lines VALUES (0, 0, 'before', 0.00, '2024-01-01 00:00:00', 0);
});
my $port = $mysql->port;
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$port"
      user: "root"
      password: ""
    schema_mappings:
      shop: shop_pg
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
ok($node->poll_query_until('postgres',
        "SELECT read_state = 'streaming' AND read_pid IS NOT NULL FROM sch_chameleon.v_status WHERE name = 'src'"),
    'the read worker streams')
  or diag $node->safe_psql('postgres', "SELECT * FROM sch_chameleon.v_status");
my $read_pid = $node->safe_psql('postgres', "SELECT read_pid FROM sch_chameleon.v_status WHERE name = 'src'");

# Peak resident memory (VmHWM) and current private memory (RssAnon) of a process, in kB.
sub memory_kb {
    my ($pid) = @_;
    open(my $fh, '<', "/proc/$pid/status") or return ();
    my %m;
    while (<$fh>) { $m{$1} = $2 if /^(VmHWM|RssAnon):\s+(\d+) kB/ }
    close($fh);
    return ($m{VmHWM}, $m{RssAnon});
}
my ($hwm_before) = memory_kb($read_pid);
note "read worker $read_pid: VmHWM before the transaction $hwm_before kB";

# ---- one transaction of a million rows ----
my $started = time;
$mysql->sql(qq{
    BEGIN;
    INSERT INTO shop.lines (id, k, label, amount, ts, flag)
        SELECT seq, seq % 1000, CONCAT('row ', seq), seq / 100, '2024-01-01 00:00:00' + INTERVAL seq SECOND, seq % 2
        FROM shop.seq_1_to_$rows;
    UPDATE shop.lines SET label = 'updated in the transaction' WHERE id = 0;
    COMMIT;
});
my $written = time;
note sprintf('MariaDB wrote the transaction in %.1f s', $written - $started);

# Until the read worker has closed the batch holding it, sample the worker's private memory
# (RssAnon) as it streams: the peak RSS (VmHWM) read at the end also counts the shared buffers the
# worker touched, so both are checked.
my $max_anon = 0;
my $caught_up = 0;
my $deadline = time + 240;
while (time < $deadline) {
    my (undef, $anon) = memory_kb($read_pid);
    $max_anon = $anon if defined $anon && $anon > $max_anon;
    last if $caught_up = $node->safe_psql('postgres', q{
        SELECT count(*) > 0 FROM sch_chameleon.t_replica_batch b JOIN sch_chameleon.t_sources s USING (i_id_source)
        WHERE s.t_source = 'src' AND b.b_processed AND b.i_rows >= 1000000}) eq 't';
    Time::HiRes::sleep(0.1);
}
ok($caught_up, 'the read worker closed a batch holding the whole transaction');
my ($hwm, $anon) = memory_kb($read_pid);
ok(defined $hwm, 'the read worker that streamed the transaction is still the same process')
  or diag "read worker $read_pid is gone";
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '240 s')"), 't',
    'wait_for_source: the transaction is replayed');
my $replayed = time;
note sprintf('read and replayed %d rows in %.1f s after the commit on MariaDB', $rows, $replayed - $written);
note "read worker $read_pid: VmHWM after $hwm kB, RssAnon $anon kB";
note "read worker $read_pid: largest RssAnon sampled while it streamed $max_anon kB";

# Measured here: VmHWM about 160 MB, of which up to 128 MB are the shared buffers the worker
# touched while writing the log (shared_buffers = 128MB) and about 25 MB its start-up; its private
# memory (RssAnon) stays about 5 MB. A worker holding the million row images of the transaction
# would need at least 100 MB more.
cmp_ok($hwm, '<', 200 * 1024, "the read worker's peak RSS stays under 200 MB while it streams $rows rows");
cmp_ok($max_anon, '<', 64 * 1024, "its private memory (sampled while it streams) stays under 64 MB");

# ---- the rows arrived exactly ----
is($node->safe_psql('postgres', "SELECT count(*) FROM shop_pg.lines"), $rows + 1, 'every row arrived');
# A checksum over every column of every row, computed the same way on both sides.
my $my_sum = $mysql->sql(q{
    SELECT COUNT(*), SUM(id), SUM(k), SUM(amount),
           SUM(CAST(CONV(SUBSTR(MD5(CONCAT_WS('|', id, k, label, amount, ts, flag)), 1, 8), 16, 10) AS UNSIGNED))
    FROM shop.lines});
my $pg_sum = $node->safe_psql('postgres', q{
    SELECT count(*), sum(id), sum(k), sum(amount),
           sum(('x' || substr(md5(concat_ws('|', id, k, label, amount, to_char(ts, 'YYYY-MM-DD HH24:MI:SS'), flag::int)), 1, 8))::bit(32)::bigint)
    FROM shop_pg.lines});
$pg_sum =~ s/\|/\t/g;
is($pg_sum, $my_sum, 'count, sums and a checksum of every column agree with MariaDB');
# A sample of whole rows, compared as text.
my $sample = 'id % 9973 = 0 OR id IN (0, 1, 999999, 1000000)';
my $my_rows = $mysql->sql(qq{
    SELECT CONCAT_WS('|', id, k, label, amount, ts, flag) FROM shop.lines WHERE $sample ORDER BY id});
my $pg_rows = $node->safe_psql('postgres', qq{
    SELECT concat_ws('|', id, k, label, amount, to_char(ts, 'YYYY-MM-DD HH24:MI:SS'), flag::int)
    FROM shop_pg.lines WHERE $sample ORDER BY id});
is($pg_rows, $my_rows, 'a sample of rows is identical, every column');

is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error');
is($node->safe_psql('postgres',
        "SELECT inserts || ' ' || updates FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'lines'"),
    "$rows 1", 'v_tables counts the inserts and the update of the transaction');

$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
done_testing();
