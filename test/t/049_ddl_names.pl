# DDL replication (issue 11) on names PostgreSQL cannot take as they are: columns named like
# PostgreSQL's system columns (ctid, xmin, tableoid, cmin) added, changed and renamed by ALTER; a
# CREATE TABLE with a 64-byte table name and a 64-byte column name, then an ALTER adding another
# 64-byte column, and a table renamed to a 64-byte name; the source's rename map overriding a table
# created by DDL, a column added by ALTER to a renamed table, and a renamed column changed by
# MODIFY. DDL must use the same PostgreSQL names as the copy (ddl::PgName, see 038_names): the
# PostgreSQL names are checked one by one, v_renamed must show for the replicating source what a
# fresh copy shows for the checking one, and every table is compared with that copy.
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
my $long_table2 = 'ren_' . ('r' x 60);
my $long_column = 'col_' . ('c' x 60);
my $long_column2 = 'col_' . ('d' x 60);
die 'the long names must have 64 bytes' unless length($long_table) == 64 && length($long_column) == 64;
my ($pg_table, $pg_table2, $pg_column, $pg_column2) = map { long_name($_) } $long_table, $long_table2, $long_column, $long_column2;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_names');

$mysql->sql(q{
    CREATE DATABASE shop;
    CREATE TABLE shop.sys (id INT PRIMARY KEY, v INT);
    CREATE TABLE shop.orders (id INT PRIMARY KEY, state VARCHAR(10));
    CREATE TABLE shop.cols (id INT PRIMARY KEY, xmax INT);
    CREATE TABLE shop.to_long (id INT PRIMARY KEY, v INT);
    INSERT INTO shop.sys VALUES (1, 1);
    INSERT INTO shop.orders VALUES (1, 'new');
    INSERT INTO shop.cols VALUES (1, 1);
    INSERT INTO shop.to_long VALUES (1, 1);
});

my $rename = <<'YAML';
    rename:
      shop.orders: orders_mysql
      shop.orders.note: note_pg
      shop.cols.xmax: xmax_mysql
      shop.later: later_pg
      shop.later.body: body_pg
YAML
write_replica_config($node, $mysql, mappings => [['shop', 'shop_pg', 'shop_check']], src_extra => $rename,
    check_extra => $rename);
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

$mysql->sql(qq{
    ALTER TABLE shop.sys ADD COLUMN ctid INT, ADD COLUMN xmin VARCHAR(10);
    INSERT INTO shop.sys VALUES (2, 2, 20, 'b');
    UPDATE shop.sys SET xmin = 'a', ctid = 10 WHERE id = 1;
    ALTER TABLE shop.sys CHANGE xmin tableoid VARCHAR(20);
    INSERT INTO shop.sys VALUES (3, 3, 30, 'c is longer');
    ALTER TABLE shop.sys RENAME COLUMN ctid TO cmin;
    ALTER TABLE shop.sys ADD INDEX by_cmin (cmin), MODIFY tableoid VARCHAR(30) NOT NULL DEFAULT '';
    INSERT INTO shop.sys (id, v, cmin) VALUES (4, 4, 40);
    UPDATE shop.sys SET tableoid = 'upd' WHERE cmin = 20;
    CREATE TABLE shop.$long_table (id INT PRIMARY KEY, $long_column VARCHAR(20), xmax INT, KEY by_long ($long_column));
    INSERT INTO shop.$long_table VALUES (1, 'long one', 1);
    ALTER TABLE shop.$long_table ADD COLUMN $long_column2 INT;
    INSERT INTO shop.$long_table VALUES (2, 'long two', 2, 22);
    UPDATE shop.$long_table SET $long_column2 = 5, $long_column = 'long 1 again' WHERE id = 1;
    RENAME TABLE shop.to_long TO shop.$long_table2;
    INSERT INTO shop.$long_table2 VALUES (2, 2);
    UPDATE shop.$long_table2 SET v = 10 WHERE id = 1;
    ALTER TABLE shop.orders ADD COLUMN note VARCHAR(20);
    INSERT INTO shop.orders VALUES (2, 'paid', 'with a note');
    ALTER TABLE shop.orders MODIFY state VARCHAR(30);
    UPDATE shop.orders SET state = 'a state longer than ten', note = 'n' WHERE id = 1;
    ALTER TABLE shop.cols MODIFY xmax BIGINT;
    INSERT INTO shop.cols VALUES (2, 5000000000);
    CREATE TABLE shop.later (id INT PRIMARY KEY, body TEXT, ctid INT);
    INSERT INTO shop.later VALUES (1, 'body', 1);
    UPDATE shop.later SET body = 'body 2', ctid = 2 WHERE id = 1;
});
wait_for_source($node, 'src', 'wait_for_source: the DDL and its rows are replayed');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error')
  or diag query_or_error($node, "SELECT table_name, message, sql FROM sch_chameleon.v_errors");

# The PostgreSQL names, one by one.
sub columns_of {
    my ($table) = @_;
    return query_or_error($node, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
        . "WHERE attrelid = to_regclass('$table') AND attnum > 0 AND NOT attisdropped");
}
is(columns_of('shop_pg.sys'), 'id,v,cmin_,tableoid_', 'system column names added, changed and renamed by ALTER take a _');
is(columns_of(qq{shop_pg."$pg_table"}), "id,$pg_column,xmax_,$pg_column2",
    'CREATE TABLE and ALTER with 64-byte names: the same shortened names as the copy');
is(columns_of(qq{shop_pg."$pg_table2"}), 'id,v', 'a table renamed to a 64-byte name takes the shortened name');
is(columns_of('shop_pg.orders_mysql'), 'id,state,note_pg', 'the rename map names a column added by ALTER to a renamed table');
is(query_or_error($node, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass('shop_pg.cols') AND attname = 'xmax_mysql'"),
    'bigint', 'MODIFY of a column renamed by the map changes that column');
is(columns_of('shop_pg.later_pg'), 'id,body_pg,ctid_', 'the rename map names a table and a column made by CREATE TABLE');
is(query_or_error($node, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        . "WHERE n.nspname = 'shop_pg' AND c.relkind = 'r' AND c.relname IN ('orders', 'later', 'to_long', '" . substr($long_table, 0, 63) . "')"),
    '0', 'no table under a name the map or the shortening replaces');
is(query_or_error($node, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    join(',', sort('cols', 'later_pg', 'orders_mysql', 'sys', $pg_table, $pg_table2)), 'v_tables lists the PostgreSQL names');

# ---- the same names as a fresh copy, in v_renamed and in every table ----
my @tables = (['shop.sys', 'sys'], ["shop.$long_table", qq{"$pg_table"}], ["shop.$long_table2", qq{"$pg_table2"}],
              ['shop.orders', 'orders_mysql'], ['shop.cols', 'cols'], ['shop.later', 'later_pg']);
compare_tables($node, $mysql, 'names',
    tables => [ map { [$_->[0], "shop_pg.$_->[1]", "shop_check.$_->[1]", { ordered => 1, registry => 1 }] } @tables ]);
my $renamed = sub {
    my ($source) = @_;
    return query_or_error($node, "SELECT string_agg(concat_ws(',', kind, mysql_schema, mysql_table, mysql_column, pg_name, why), E'\\n' "
        . "ORDER BY mysql_table, mysql_column NULLS FIRST) FROM sch_chameleon.v_renamed WHERE source = '$source'");
};
is($renamed->('src'), $renamed->('check'), 'v_renamed shows for the replicated DDL what the copy shows');

done_testing();
