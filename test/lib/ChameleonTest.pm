# Helpers for chameleon's TAP tests: a PostgreSQL node with chameleon preloaded, throwaway MariaDB
# servers, and configuration files. Every server started here is stopped at exit, even on failure.
package ChameleonTest;

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use File::Path qw(make_path);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(chameleon_node start_mariadb write_config);

my $lib_dir = $ENV{CHAMELEON_TEST_LIB} // dirname(__FILE__);
my @mariadb_servers;

# A started PostgreSQL node with chameleon in shared_preload_libraries and CREATE EXTENSION done.
sub chameleon_node {
    my ($name, %opts) = @_;
    my $node = PostgreSQL::Test::Cluster->new($name);
    $node->init;
    $node->append_conf('postgresql.conf', join("\n",
        "shared_preload_libraries = 'chameleon'",
        "max_worker_processes = 16",
        "log_min_messages = warning",
        @{ $opts{conf} // [] }, ''));
    $node->start;
    $node->safe_psql('postgres', 'CREATE EXTENSION chameleon') unless $opts{no_extension};
    return $node;
}

# Writes <config_directory>/<name>.yml of `node` (default directory: <data>/chameleon).
sub write_config {
    my ($node, $name, $yaml, $mode) = @_;
    my $dir = $node->data_dir . '/chameleon';
    make_path($dir, { mode => 0700 });
    my $path = "$dir/$name.yml";
    open(my $fh, '>', $path) or die "cannot write $path: $!";
    print $fh $yaml;
    close($fh) or die "cannot close $path: $!";
    chmod($mode // 0600, $path) or die "cannot chmod $path: $!";
    return $path;
}

# Starts a throwaway MariaDB (binary log ROW/FULL/metadata FULL unless overridden by @options,
# which are mariadbd options such as '--binlog_format=STATEMENT'). Returns a ChameleonTest::MariaDB.
sub start_mariadb {
    my (@options) = @_;
    my $dir = PostgreSQL::Test::Utils::tempdir('mariadb');
    my $port = `bash $lib_dir/mariadb.sh start $dir -- @options`;
    die "MariaDB did not start in $dir" if $? != 0;
    chomp $port;
    my $server = bless { dir => $dir, port => $port }, 'ChameleonTest::MariaDB';
    push @mariadb_servers, $server;
    note "MariaDB on 127.0.0.1:$port ($dir)";
    return $server;
}

END {
    my $status = $?;
    $_->stop for @mariadb_servers;
    $? = $status;
}

package ChameleonTest::MariaDB;

sub port { return $_[0]{port} }
sub dir { return $_[0]{dir} }

# Runs SQL as root; dies on error; returns the output (tab-separated, no column names).
sub sql {
    my ($self, $sql) = @_;
    my $out = $self->try_sql($sql);
    die "MariaDB error for [$sql]: $self->{last_error}" if $self->{last_rc} != 0;
    return $out;
}

# Runs SQL as root; returns the output; leaves the exit code and stderr in last_rc / last_error.
sub try_sql {
    my ($self, $sql) = @_;
    my ($out, $err) = ('', '');
    IPC::Run::run([ 'bash', "$lib_dir/mariadb.sh", 'client', $self->{dir}, '-N', '-B', '-e', $sql ],
        '>', \$out, '2>', \$err);
    $self->{last_rc} = $? >> 8;
    $self->{last_error} = $err;
    chomp $out;
    return $out;
}

sub stop {
    my ($self) = @_;
    return if $self->{stopped};
    # A server a test froze (SIGSTOP) must be able to act on the TERM.
    my $pid = $self->pid;
    kill 'CONT', $pid if $pid;
    system('bash', "$lib_dir/mariadb.sh", 'stop', $self->{dir});
    $self->{stopped} = 1;
}

# The mariadbd process id (undef when it is not running).
sub pid {
    my ($self) = @_;
    open(my $fh, '<', "$self->{dir}/mariadbd.launch.pid") or return undef;
    my $pid = <$fh>;
    close($fh);
    chomp $pid if defined $pid;
    return $pid;
}

# Starts the server again on the same data directory and port (after stop).
sub restart {
    my ($self) = @_;
    my $out = `bash $lib_dir/mariadb.sh restart $self->{dir}`;
    die "MariaDB did not restart in $self->{dir}" if $? != 0;
    $self->{stopped} = 0;
}

# Runs a SQL script in a background client session (script and output in files, so that the client
# never waits for this process); returns a ChameleonTest::Background whose finish() waits for it and
# returns (exit code, stdout, stderr).
sub background_sql {
    my ($self, $sql) = @_;
    my $base = "$self->{dir}/background." . ++$self->{background};
    open(my $fh, '>', "$base.sql") or die "cannot write $base.sql: $!";
    print $fh $sql;
    close($fh) or die "cannot close $base.sql: $!";
    my $bg = bless { base => $base }, 'ChameleonTest::Background';
    $bg->{harness} = IPC::Run::start([ 'bash', "$lib_dir/mariadb.sh", 'client', $self->{dir}, '-N', '-B' ],
        '<', "$base.sql", '>', "$base.out", '2>', "$base.err");
    return $bg;
}

package ChameleonTest::Background;

sub finish {
    my ($self) = @_;
    $self->{harness}->finish;
    my $read = sub {
        open(my $fh, '<', $_[0]) or return '';
        local $/;
        my $text = <$fh>;
        close($fh);
        return $text // '';
    };
    return ($self->{harness}->result(0), $read->("$self->{base}.out"), $read->("$self->{base}.err"));
}

1;
