# MySQL names PostgreSQL cannot take as they are (issue 9, item 7): columns named like PostgreSQL's
# system columns (ctid, xmin, tableoid) and a table and a column with 64-byte names are copied under
# deterministic names, each named in a NOTICE; the source's rename map overrides a table's and a
# column's name; sch_chameleon.v_renamed shows every mapping; replication then writes rows to the
# same PostgreSQL names. Values compared one by one with MariaDB's.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

# ddl::PgName's name for a name over 63 bytes: 54 bytes, '_', FNV-1a (32 bits) of the whole name.
sub long_name {
    my ($name) = @_;
    my $h = 2166136261;
    for my $c (unpack('C*', $name)) {
        $h ^= $c;
        $h = ($h * 16777619) % 4294967296;
    }
    return substr($name, 0, 54) . sprintf('_%08x', $h);
}

my $long_table = 'tbl_' . ('t' x 60);
my $long_column = 'col_' . ('c' x 60);
is(length($long_table), 64, 'the table name has 64 bytes');
my $pg_table = long_name($long_table);
my $pg_column = long_name($long_column);

my $mysql = start_mariadb();
my $node = chameleon_node('names');

$mysql->sql(qq{
    CREATE DATABASE shop;
    CREATE TABLE shop.sys (id INT PRIMARY KEY, ctid INT, xmin VARCHAR(10), tableoid DATE, xmax INT);
    CREATE TABLE shop.$long_table (id INT PRIMARY KEY, $long_column VARCHAR(20));
    CREATE TABLE shop.orders (id INT PRIMARY KEY, state VARCHAR(10));
    INSERT INTO shop.sys VALUES (1, 10, 'a', '2024-01-02', 100), (2, 20, 'b', '1999-12-31', 200);
    INSERT INTO shop.$long_table VALUES (1, 'long one'), (2, 'long two');
    INSERT INTO shop.orders VALUES (1, 'new');
});

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
$conn    schema_mappings:
      shop: shop_pg
    on_error_replay: exit
    rename:
      shop.orders: orders_mysql
      shop.sys.xmax: xmax_mysql
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");

my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.init_replica('src')");
is($rc, 0, 'init_replica succeeds') or diag $err;
my @notices = map { s/^psql:<stdin>:\d+: //r } grep { /is named/ } split /\n/, $err;
is_deeply(\@notices, [
    q{NOTICE:  MySQL table `shop`.`orders` is named "orders_mysql" in PostgreSQL (configured)},
    q{NOTICE:  MySQL column `ctid` of table `shop`.`sys` is named "ctid_" in PostgreSQL (system column)},
    q{NOTICE:  MySQL column `xmin` of table `shop`.`sys` is named "xmin_" in PostgreSQL (system column)},
    q{NOTICE:  MySQL column `tableoid` of table `shop`.`sys` is named "tableoid_" in PostgreSQL (system column)},
    q{NOTICE:  MySQL column `xmax` of table `shop`.`sys` is named "xmax_mysql" in PostgreSQL (configured)},
    qq{NOTICE:  MySQL table `shop`.`$long_table` is named "$pg_table" in PostgreSQL (too long)},
    qq{NOTICE:  MySQL column `$long_column` of table `shop`.`$long_table` is named "$pg_column" in PostgreSQL (too long)},
], 'a NOTICE names each renamed table and column') or diag $err;

is($node->safe_psql('postgres',
        "SELECT string_agg(concat_ws(',', source, kind, mysql_schema, mysql_table, mysql_column, pg_name, why), E'\\n' "
        . "ORDER BY mysql_table, mysql_column NULLS FIRST) FROM sch_chameleon.v_renamed"),
    join("\n",
        'src,table,shop,orders,orders_mysql,configured',
        'src,column,shop,sys,ctid,ctid_,system column',
        'src,column,shop,sys,tableoid,tableoid_,system column',
        'src,column,shop,sys,xmax,xmax_mysql,configured',
        'src,column,shop,sys,xmin,xmin_,system column',
        "src,table,shop,$long_table,$pg_table,too long",
        "src,column,shop,$long_table,$long_column,$pg_column,too long"),
    'v_renamed shows every mapping');

# Source and target, value by value.
sub compare {
    my ($what) = @_;
    my @pairs = (
        ['SELECT id, ctid, xmin, tableoid, xmax FROM shop.sys ORDER BY id',
         'SELECT id, ctid_, xmin_, tableoid_, xmax_mysql FROM shop_pg.sys ORDER BY id', 'sys'],
        ["SELECT id, $long_column FROM shop.$long_table ORDER BY id",
         qq{SELECT id, "$pg_column" FROM shop_pg."$pg_table" ORDER BY id}, 'the long-named table'],
        ['SELECT id, state FROM shop.orders ORDER BY id',
         'SELECT id, state FROM shop_pg.orders_mysql ORDER BY id', 'orders (renamed)'],
    );
    for my $p (@pairs) {
        my @source = map { [ split /\t/, $_, -1 ] } split /\n/, $mysql->sql($p->[0]);
        my @target = map { [ split /\|/, $_, -1 ] } split /\n/, $node->safe_psql('postgres', $p->[1]);
        ok(@source > 0, "$what: $p->[2] has rows in MySQL");
        is_deeply(\@target, \@source, "$what: $p->[2], every value equal");
    }
}
compare('after init_replica');

# ---- replication writes to the same names ----
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;
$mysql->sql(qq{
    INSERT INTO shop.sys VALUES (3, 30, 'c', '2000-02-29', 300);
    UPDATE shop.sys SET xmin = 'changed', ctid = ctid + 1, xmax = 201 WHERE id = 2;
    DELETE FROM shop.sys WHERE id = 1;
    INSERT INTO shop.$long_table VALUES (3, 'long three');
    UPDATE shop.$long_table SET $long_column = 'long 2 again' WHERE id = 2;
    INSERT INTO shop.orders VALUES (2, 'paid');
    UPDATE shop.orders SET state = 'done' WHERE id = 1;
});
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '120 s')"), 't',
    'wait_for_source: everything MySQL committed is replayed');
compare('after replication');
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no replication error');

# ---- sync_tables('disabled') finds renamed tables by their MySQL names ----
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
$node->safe_psql('postgres', "UPDATE sch_chameleon.t_replica_tables SET b_replica_enabled = false "
    . "WHERE v_table_name IN ('orders_mysql', '$pg_table')");
$mysql->sql(qq{INSERT INTO shop.orders VALUES (3, 'late'); INSERT INTO shop.$long_table VALUES (4, 'long four');});
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['disabled'])");
is($rc, 0, 'sync_tables of the disabled renamed tables succeeds') or diag $err;
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.t_replica_tables WHERE NOT b_replica_enabled"),
    '0', 'both tables are enabled again');
compare('after sync_tables');
done_testing();
