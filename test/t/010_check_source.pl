# chameleon.check_source() against real MariaDB servers: a correctly configured one, a wrongly
# configured one (statement-based binlog), a user without REPLICATION SLAVE, and hosts that are
# unreachable or silent (each must fail as one clear line within the connect timeout).
use strict;
use warnings;

use ChameleonTest;
use IO::Socket::INET;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $good = start_mariadb();
$good->sql(q{
    CREATE DATABASE shop;
    CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pw';
    GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
    CREATE USER 'norepl'@'127.0.0.1' IDENTIFIED BY 'norepl-pw';
    GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT ON *.* TO 'norepl'@'127.0.0.1';
});
my $bad = start_mariadb('--binlog_format=STATEMENT', '--binlog_row_image=MINIMAL', '--binlog_row_metadata=MINIMAL');
$bad->sql(q{
    CREATE DATABASE shop;
    CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pw';
    GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
});

# A TCP port that accepts connections and never says anything (a hung server or a black hole
# behind a load balancer), and a port nobody listens on.
my $silent = IO::Socket::INET->new(Listen => 5, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
  or die "cannot listen: $!";
my $silent_port = $silent->sockport;
my $closed = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0) or die;
my $closed_port = $closed->sockport;
close($closed);

my $node = chameleon_node('check');

sub source_yaml {
    my (%s) = @_;
    return <<"YAML";
  $s{name}:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$s{port}"
      user: "$s{user}"
      password: "$s{password}"
      connect_timeout: $s{timeout}
    schema_mappings:
      $s{schema}: $s{dest}
    my_server_id: $s{server_id}
YAML
}

write_config($node, 'default', "sources:\n"
    . source_yaml(name => 'good', port => $good->port, user => 'repl', password => 'repl-pw',
        timeout => 10, schema => 'shop', dest => 'shop_good', server_id => 4242)
    . source_yaml(name => 'statement', port => $bad->port, user => 'repl', password => 'repl-pw',
        timeout => 10, schema => 'shop', dest => 'shop_bad', server_id => 4242)
    . source_yaml(name => 'norepl', port => $good->port, user => 'norepl', password => 'norepl-pw',
        timeout => 10, schema => 'shop', dest => 'shop_norepl', server_id => 4242)
    . source_yaml(name => 'noschema', port => $good->port, user => 'repl', password => 'repl-pw',
        timeout => 10, schema => 'warehouse', dest => 'warehouse', server_id => 4242)
    . source_yaml(name => 'wrongpw', port => $good->port, user => 'repl', password => 'not-it',
        timeout => 10, schema => 'shop', dest => 'shop_pw', server_id => 4242)
    . source_yaml(name => 'closed', port => $closed_port, user => 'repl', password => 'x',
        timeout => 2, schema => 'shop', dest => 'shop_closed', server_id => 4242)
    . source_yaml(name => 'silent', port => $silent_port, user => 'repl', password => 'x',
        timeout => 2, schema => 'shop', dest => 'shop_silent', server_id => 4242));

for my $source (qw(good statement norepl noschema wrongpw closed silent)) {
    $node->safe_psql('postgres', "SELECT chameleon.add_source('$source')");
}

# Rows as "check|status|value".
sub checks {
    my ($source) = @_;
    return $node->safe_psql('postgres',
        "SELECT check_name || '|' || status || '|' || coalesce(value, '') FROM chameleon.check_source('$source')");
}
sub check_rows {
    my ($source) = @_;
    my %rows;
    for my $line (split /\n/, checks($source)) {
        my ($name, $status, $value) = split /\|/, $line, 3;
        $rows{$name} = { status => $status, value => $value };
    }
    return \%rows;
}

# ---- a correctly configured server: every check ok ----
my $ok = check_rows('good');
my @expected_checks = ('connection', 'version', 'log_bin', 'binlog_format', 'binlog_row_image',
    'binlog_row_metadata', 'server_id', 'privilege SELECT on shop', 'privilege LOCK TABLES on shop',
    'privilege RELOAD',
    'privilege REPLICATION CLIENT', 'privilege REPLICATION SLAVE', 'schema shop', 'time_zone',
    'binlog_checksum');
is_deeply([sort keys %$ok], [sort @expected_checks], 'good: one row per check');
for my $check (@expected_checks) {
    is($ok->{$check}{status}, 'ok', "good: $check is ok") or diag explain $ok->{$check};
}
like($ok->{connection}{value}, qr/^connected to 127\.0\.0\.1:\d+ as repl\@/, 'good: connection value');
like($ok->{version}{value}, qr/^MariaDB 10\.11\./, 'good: version value');
is($ok->{binlog_format}{value}, 'ROW', 'good: binlog_format value');
my $hints = $node->safe_psql('postgres',
    "SELECT count(*) FROM chameleon.check_source('good') WHERE hint IS NOT NULL");
is($hints, '0', 'good: no hints when everything is ok');

# ---- a wrongly configured server ----
my $st = check_rows('statement');
is($st->{binlog_format}{status}, 'failed', 'statement: binlog_format failed');
is($st->{binlog_format}{value}, 'STATEMENT', 'statement: binlog_format value');
is($st->{binlog_row_image}{status}, 'failed', 'statement: binlog_row_image failed');
is($st->{binlog_row_image}{value}, 'MINIMAL', 'statement: binlog_row_image value');
is($st->{binlog_row_metadata}{status}, 'warning', 'statement: binlog_row_metadata only a warning');
is($st->{connection}{status}, 'ok', 'statement: still reachable');
my $hint = $node->safe_psql('postgres',
    "SELECT hint FROM chameleon.check_source('statement') WHERE check_name = 'binlog_format'");
like($hint, qr/binlog_format\s*=\s*ROW/, 'statement: the hint says what to set');

# A server changed at run time is seen at the next check.
$good->sql('SET GLOBAL binlog_format = MIXED');
my $mixed = check_rows('good');
is($mixed->{binlog_format}{status} . ' ' . $mixed->{binlog_format}{value}, 'failed MIXED',
    'good server switched to MIXED: binlog_format failed');
$good->sql('SET GLOBAL binlog_format = ROW');

# ---- privileges and schemas ----
my $np = check_rows('norepl');
is($np->{'privilege REPLICATION SLAVE'}{status}, 'failed', 'norepl: REPLICATION SLAVE missing');
is($np->{'privilege REPLICATION SLAVE'}{value}, 'missing', 'norepl: value says missing');
is($np->{'privilege RELOAD'}{status}, 'ok', 'norepl: RELOAD present');
$hint = $node->safe_psql('postgres',
    "SELECT hint FROM chameleon.check_source('norepl') WHERE check_name = 'privilege REPLICATION SLAVE'");
like($hint, qr/GRANT REPLICATION SLAVE ON \*\.\* TO 'norepl'\@'127\.0\.0\.1'/, 'norepl: the hint gives the GRANT');

my $ns = check_rows('noschema');
is($ns->{'schema warehouse'}{status}, 'failed', 'noschema: missing schema failed');

# ---- connection failures: one row, one line, no password, bounded time ----
my $pw = check_rows('wrongpw');
is_deeply([keys %$pw], ['connection'], 'wrong password: a single row');
is($pw->{connection}{status}, 'failed', 'wrong password: failed');
like($pw->{connection}{value}, qr/Access denied for user 'repl'/, 'wrong password: the server says why');
unlike(checks('wrongpw'), qr/not-it/, 'wrong password: the password is not shown');

my $t0 = time();
my $cl = check_rows('closed');
my $elapsed = time() - $t0;
is($cl->{connection}{status}, 'failed', 'closed port: failed');
like($cl->{connection}{value}, qr/^could not connect to MySQL server at 127\.0\.0\.1:$closed_port: /,
    'closed port: one clear line');
cmp_ok($elapsed, '<', 2 + 3, 'closed port: returns within the connect timeout');

$t0 = time();
my $si = check_rows('silent');
$elapsed = time() - $t0;
is($si->{connection}{status}, 'failed', 'silent server: failed');
like($si->{connection}{value}, qr/^could not connect to MySQL server at 127\.0\.0\.1:$silent_port: /,
    'silent server: one clear line');
cmp_ok($elapsed, '<', 2 + 3, 'silent server: gives up within the connect timeout (2 s)');

# The backend survived all of it, and nothing crashed.
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'session still works');
$node->stop;
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend crashed');

done_testing();
