# Shared shell helpers of the test harness. Source it; do not run it.
# The servers PostgreSQL and MariaDB run as an unprivileged OS user (PostgreSQL refuses root).

CHAMELEON_TEST_USER=${CHAMELEON_TEST_USER:-chameleon}
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PGXS_DIR=$("$PG_BINDIR/pg_config" --pgxs 2>/dev/null | xargs dirname 2>/dev/null)/.. || true
PG_REGRESS_BIN=${PG_REGRESS_BIN:-/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress}
PG_PERL_LIB=${PG_PERL_LIB:-/usr/lib/postgresql/15/lib/pgxs/src/test/perl}

# Creates the unprivileged test user when running as root and it does not exist yet.
ensure_test_user() {
    if [ "$(id -u)" -ne 0 ]; then
        CHAMELEON_TEST_USER=$(id -un)
        return 0
    fi
    if ! id "$CHAMELEON_TEST_USER" >/dev/null 2>&1; then
        useradd --system --create-home --shell /bin/bash "$CHAMELEON_TEST_USER"
    fi
}

# Runs a command as the test user (directly when not root).
as_test_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$CHAMELEON_TEST_USER" -- "$@"
    else
        "$@"
    fi
}

# Makes a scratch directory owned by the test user and prints its path.
make_scratch() {
    local dir
    dir=$(mktemp -d "/tmp/chameleon-$1.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$CHAMELEON_TEST_USER" "$dir"
    echo "$dir"
}

# Prints a free TCP port on 127.0.0.1.
free_port() {
    perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die "no port: $!"; print $s->sockport, "\n"'
}
