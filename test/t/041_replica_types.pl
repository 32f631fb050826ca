# Every type of DESIGN §6 at its edge values, inserted, updated and deleted THROUGH REPLICATION
# (start_replica first, then the writes on MariaDB), must end equal to what init_replica produces
# for the same rows: after wait_for_source, each replicated table is compared with a fresh copy of
# the same MySQL data by a second source, whole rows as text (every column). Under both zero_dates
# policies (null and -infinity: two replicating sources, two checking copies), with a type_override
# (tinyint(1) -> boolean) applied the same way to both. Also: primary key changes, and a table
# without primary key holding duplicate rows, found by their full before-image (rows made by the
# copy as well as rows made by replication), where UPDATE/DELETE ... LIMIT 1 change exactly one.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('replica_types');

# ---------------------------------------------------------------------------------------------
# The type table: [column, MySQL type, NOT NULL (DEFAULT when a row gives no value)].
my @columns = (
    ['c_bool',      'TINYINT(1)'],    # type_override: boolean (0 and 1: boolean input refuses others, in the copy too)
    ['c_tinyint',   'TINYINT'],
    ['c_utinyint',  'TINYINT UNSIGNED'],
    ['c_smallint',  'SMALLINT'],
    ['c_usmallint', 'SMALLINT UNSIGNED'],
    ['c_medium',    'MEDIUMINT'],
    ['c_umedium',   'MEDIUMINT UNSIGNED'],
    ['c_int',       'INT'],
    ['c_uint',      'INT UNSIGNED'],
    ['c_bigint',    'BIGINT'],
    ['c_ubigint',   'BIGINT UNSIGNED'],
    ['c_dec65',     'DECIMAL(65,30)'],
    ['c_dec10',     'DECIMAL(10,0)'],
    ['c_dec5',      'DECIMAL(5,2)'],
    ['c_float',     'FLOAT'],
    ['c_double',    'DOUBLE'],
    ['c_bit1',      'BIT(1)'],
    ['c_bit10',     'BIT(10)'],
    ['c_bit64',     'BIT(64)'],
    ['c_year',      'YEAR'],
    ['c_date',      'DATE'],
    ['c_date_nn',   "DATE NOT NULL DEFAULT '2000-01-01'", 1],
    ['c_dt0',       'DATETIME'],
    ['c_dt3',       'DATETIME(3)'],
    ['c_dt6',       'DATETIME(6)'],
    ['c_dt_nn',     "DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'", 1],
    ['c_ts0',       'TIMESTAMP NULL'],
    ['c_ts6',       'TIMESTAMP(6) NULL'],
    ['c_ts_nn',     "TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00'", 1],
    ['c_time3',     'TIME(3)'],
    ['c_time6',     'TIME(6)'],
    ['c_char',      'CHAR(10)'],
    ['c_char_wide', 'CHAR(255) CHARACTER SET utf8mb4'],    # over 255 bytes: a 2-byte length in the binlog
    ['c_varchar',   'VARCHAR(255) CHARACTER SET utf8mb4'],
    ['c_tinytext',  'TINYTEXT'],
    ['c_text',      'MEDIUMTEXT'],
    ['c_longtext',  'LONGTEXT'],
    ['c_latin1',    'VARCHAR(40) CHARACTER SET latin1'],
    ['c_latin1c',   'CHAR(6) CHARACTER SET latin1'],
    ['c_binary',    'BINARY(8)'],
    ['c_varbinary', 'VARBINARY(16)'],
    ['c_tinyblob',  'TINYBLOB'],
    ['c_blob',      'BLOB'],
    ['c_longblob',  'LONGBLOB'],
    ['c_enum',      q{ENUM('a','b''c','x,y','back\\\\slash','tab	here','é','NULL',' lead')}],
    ['c_set',       q{SET('x','y''q','z')}],
    ['c_json',      'JSON'],
    ['c_point',     'POINT'],
);

# The rows: MySQL expressions per column (absent: NULL, or DEFAULT when NOT NULL). Inserted with
# sql_mode '' (zero dates, invalid enum values) from a +05:30 session.
my %rows = (
    1 => {    # minima and empty values
        c_bool => 0, c_tinyint => -128, c_utinyint => 0, c_smallint => -32768, c_usmallint => 0,
        c_medium => -8388608, c_umedium => 0, c_int => -2147483648, c_uint => 0,
        c_bigint => '-9223372036854775808', c_ubigint => 0,
        c_dec65 => '-99999999999999999999999999999999999.999999999999999999999999999999',
        c_dec10 => '-9999999999', c_dec5 => '-999.99',
        c_float => '-3.4028234663852886e38', c_double => '-1.7976931348623157e308',
        c_bit1 => "b'0'", c_bit10 => "b'0000000001'", c_bit64 => "b'0'",
        c_year => 1901, c_date => "'1000-01-01'", c_date_nn => "'1000-01-01'",
        c_dt0 => "'1000-01-01 00:00:00'", c_dt3 => "'1000-01-01 00:00:00.000'",
        c_dt6 => "'1000-01-01 00:00:00.000000'", c_dt_nn => "'1000-01-01 00:00:00'",
        c_ts0 => "'1970-01-01 05:30:01'", c_ts6 => "'1970-01-01 05:30:01.000000'", c_ts_nn => "'1970-01-01 05:30:01'",
        c_time3 => "'-838:59:59.000'", c_time6 => "'-838:59:59.000000'",
        c_char => "''", c_char_wide => "''", c_varchar => "''", c_tinytext => "''", c_text => "''", c_longtext => "''",
        c_latin1 => "''", c_latin1c => "''", c_binary => "x'41'", c_varbinary => "x'00'", c_tinyblob => "''",
        c_blob => "''", c_longblob => "''", c_enum => "'a'", c_set => "''", c_json => "'{}'",
        c_point => q{ST_GeomFromText('POINT(-180 -90)')},
    },
    2 => {    # maxima and rich values
        c_bool => 1, c_tinyint => 127, c_utinyint => 255, c_smallint => 32767, c_usmallint => 65535,
        c_medium => 8388607, c_umedium => 16777215, c_int => 2147483647, c_uint => 4294967295,
        c_bigint => '9223372036854775807', c_ubigint => '18446744073709551615',
        c_dec65 => '99999999999999999999999999999999999.999999999999999999999999999999',
        c_dec10 => '9999999999', c_dec5 => '999.99',
        c_float => '3.4028234663852886e38', c_double => '1.7976931348623157e308',
        c_bit1 => "b'1'", c_bit10 => "b'1111111111'", c_bit64 => "b'" . ('1' x 64) . "'",
        c_year => 2155, c_date => "'9999-12-31'", c_date_nn => "'9999-12-31'",
        c_dt0 => "'9999-12-31 23:59:59'", c_dt3 => "'9999-12-31 23:59:59.999'",
        c_dt6 => "'9999-12-31 23:59:59.999999'", c_dt_nn => "'9999-12-31 23:59:59'",
        c_ts0 => "'2038-01-19 08:44:07'", c_ts6 => "'2038-01-19 08:44:07.999999'", c_ts_nn => "'2038-01-19 08:44:07'",
        c_time3 => "'838:59:59.000'", c_time6 => "'838:59:59.000000'",
        c_char => "'abcdefghij'", c_char_wide => "REPEAT('日', 255)",
        c_varchar => "'😀 👍🏽 ü ñ 日本 \"q\" ''s'''", c_tinytext => "'ü😀'",
        c_text => "CONCAT('tab\\there', CHAR(10), 'new\\\\line back\\\\\\\\slash', CHAR(13), 'cr', REPEAT('x', 1000))",
        c_longtext => "REPEAT('ü€', 30000)",
        c_latin1 => "'déjà vu ÿ €'", c_latin1c => "'ÿé'", c_binary => "x'FFFFFFFFFFFF0000'",
        c_varbinary => "x'0001FF005C0A0900'", c_tinyblob => "x'00FF'", c_blob => "x'00010203045C5C0A0D09FF00'",
        c_longblob => "REPEAT(UNHEX('00FF5C0A'), 20000)", c_enum => "'back\\\\slash'", c_set => "'x,y''q,z'",
        c_json => q{'{"a": [1, 2.50, -3e10, null, true], "ü\\\\n": {"x": "\\\\u00e9 \\\\"q\\\\"", "empty": ""}, "big": 123456789012345678901234567890}'},
        c_point => q{ST_GeomFromText('POINT(180.5 90.25)')},
    },
    3 => {},    # NULL everywhere (the NOT NULL dates: their defaults)
    4 => {      # zero dates (nullable and NOT NULL), an invalid enum value, tiny floats, YEAR 0
        c_bool => 1, c_date => "'0000-00-00'", c_date_nn => "'0000-00-00'", c_dt0 => "'0000-00-00 00:00:00'",
        c_dt3 => "'2021-02-00 00:00:00'", c_dt6 => "'2020-00-15 10:00:00'", c_dt_nn => "'0000-00-00 00:00:00'",
        c_ts0 => "'0000-00-00 00:00:00'", c_ts6 => "'0000-00-00 00:00:00'", c_ts_nn => "'0000-00-00 00:00:00'",
        c_time3 => "'00:00:00'", c_time6 => "'-00:00:00.000001'", c_enum => "'not a label'",
        c_float => '1.17549435e-38', c_double => '5e-324', c_year => 0, c_varchar => "'NULL'",
        c_text => "'\\\\N'", c_dec5 => '0.01',
    },
    5 => {      # typical values, trailing spaces
        c_bool => 0, c_float => '3.14159274', c_double => '0.30000000000000004e0', c_time3 => "'-12:00:00.001'",
        c_time6 => "'12:34:56.789012'", c_dt3 => "'2024-02-29 12:00:00.5'", c_dt6 => "'2024-02-29 12:00:00.5'",
        c_ts6 => "'2024-02-29 12:00:00.5'", c_ts0 => "'2024-02-29 12:00:00'", c_enum => "'NULL'",
        c_json => q{'[1, "two", {"three": 3}]'}, c_bit10 => "b'101'", c_char => "'trail   '",
        c_char_wide => "'wide  '", c_latin1c => "'a  '", c_varchar => "'trail  '", c_set => "'z,x'",
        c_binary => "x'0000'", c_varbinary => "x'2000'",
    },
);

my $session = "SET SESSION sql_mode = ''; SET SESSION time_zone = '+05:30';";
sub value_list {
    my ($row) = @_;
    return map { $rows{$row}{ $_->[0] } // ($_->[2] ? 'DEFAULT' : 'NULL') } @columns;
}
sub insert_sql {    # INSERT of row `row` of %rows with `id` into types.`table`
    my ($table, $id, $row) = @_;
    return "INSERT INTO types.$table (id, " . join(', ', map { $_->[0] } @columns) . ") VALUES ($id, "
      . join(', ', value_list($row)) . ');';
}
sub update_sql {    # every column of the rows matching `where` set to row `row` of %rows
    my ($table, $where, $row) = @_;
    my @values = value_list($row);
    return "UPDATE types.$table SET " . join(', ', map { "$columns[$_][0] = $values[$_]" } 0 .. $#columns)
      . " WHERE $where;";
}

my $definition = join(",\n", map { "$_->[0] $_->[1]" } @columns);
$mysql->sql("CREATE DATABASE types");
$mysql->sql("CREATE TABLE types.t (id INT PRIMARY KEY,\n$definition)");
$mysql->sql("CREATE TABLE types.np (id INT,\n$definition)");
# MariaDB's UUID type (16 bytes in MariaDB's record order in the binlog), on its own table and source.
$mysql->sql("CREATE TABLE types.uuids (id INT PRIMARY KEY, u UUID, n INT)");
# Rows the copy makes: replication must find them by their full before-image.
$mysql->sql($session . join('', map { insert_sql('np', 50 + $_, $_) } 1 .. 5));
# A non-UTC server: a reader that did not read TIMESTAMPs as UTC instants would shift them.
$mysql->sql("SET GLOBAL time_zone = '-03:00'");

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
type_override:
  "tinyint(1)":
    override_to: boolean
    override_tables:
      - "*"
sources:
  src:
    type: mysql
$conn    my_server_id: 201
    schema_mappings:
      types: types_rep
    skip_tables: [types.uuids]
    on_error_replay: exit
  inf:
    type: mysql
$conn    my_server_id: 202
    schema_mappings:
      types: types_inf
    skip_tables: [types.uuids]
    zero_dates: -infinity
    on_error_replay: exit
  uu:
    type: mysql
$conn    my_server_id: 203
    schema_mappings:
      types: types_uu
    limit_tables: [types.uuids]
  check:
    type: mysql
$conn    schema_mappings:
      types: types_chk
  check_inf:
    type: mysql
$conn    schema_mappings:
      types: types_chk_inf
    zero_dates: -infinity
YAML
for my $s (qw(src inf uu)) {
    $node->safe_psql('postgres', "SELECT chameleon.add_source('$s')");
    $node->safe_psql('postgres', "SELECT chameleon.init_replica('$s')");
    my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('$s')");
    is($rc, 0, "start_replica('$s')") or diag $err;
}
ok($node->poll_query_until('postgres', q{SELECT count(*) = 6 FROM pg_stat_activity
        WHERE backend_type IN ('chameleon read src', 'chameleon replay src', 'chameleon read inf', 'chameleon replay inf',
                               'chameleon read uu', 'chameleon replay uu')}),
    'each source has its read and replay worker');
is($node->safe_psql('postgres', q{SELECT string_agg(name || ' ' || read_state || ' ' || (read_pid IS NOT NULL) || ' '
      || (replay_pid IS NOT NULL), ', ' ORDER BY name) FROM sch_chameleon.v_status WHERE name IN ('src', 'inf')}),
    'inf streaming true true, src streaming true true', 'v_status shows the workers streaming');
is($node->safe_psql('postgres', "SELECT count(*) FROM types_rep.t"), '0', 'the table with a key starts empty');

# ---------------------------------------------------------------------------------------------
# The writes, all through replication.
# Table with a primary key: inserts of every row; rows updated from one edge to another; rows
# inserted then deleted; a one-column update; primary key changes.
$mysql->sql($session . join('', map { insert_sql('t', $_, $_) } 1 .. 5));
$mysql->sql($session . 'BEGIN;' . join('', map { insert_sql('t', 10 + $_, $_) } 1 .. 5) . 'COMMIT;');
$mysql->sql($session . join('', map { update_sql('t', 'id = ' . (10 + $_), $_ % 5 + 1) } 1 .. 5));
$mysql->sql($session . 'BEGIN;' . join('', map { insert_sql('t', 20 + $_, $_) } 1 .. 5)
      . 'DELETE FROM types.t WHERE id BETWEEN 21 AND 23; COMMIT; DELETE FROM types.t WHERE id IN (24, 25);');
$mysql->sql($session . "UPDATE types.t SET c_varchar = 'partial' WHERE id = 1;");
$mysql->sql($session . 'UPDATE types.t SET id = 102 WHERE id = 2; UPDATE types.t SET id = id + 1000 WHERE id IN (4, 5);');

# Table without a key: every edge row inserted; triplicates; every row (from the copy and from
# replication) updated and some deleted, found by full image; LIMIT 1 on the duplicates.
$mysql->sql($session . join('', map { insert_sql('np', $_, $_) } 1 .. 5)
      . join('', map { insert_sql('np', 7, 2) } 1 .. 3) . join('', map { insert_sql('np', 8, 4) } 1 .. 3));
$mysql->sql($session . 'UPDATE types.np SET c_smallint = 7 WHERE id IN (1, 2, 3, 4, 5, 51, 52, 53, 54, 55);'
      . 'DELETE FROM types.np WHERE id IN (3, 4, 53, 54);');
$mysql->sql($session . q{
    UPDATE types.np SET c_varchar = 'changed one' WHERE id = 7 LIMIT 1;
    DELETE FROM types.np WHERE id = 7 AND c_varchar <> 'changed one' LIMIT 1;
    UPDATE types.np SET c_varchar = 'changed one' WHERE id = 8 LIMIT 1;
    DELETE FROM types.np WHERE id = 8 AND c_varchar <> 'changed one' LIMIT 1;
});
# UUID: inserted, updated (both halves of its byte-swapped storage), deleted.
$mysql->sql(q{
    INSERT INTO types.uuids VALUES (1, '00000000-0000-0000-0000-000000000000', 1), (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', 2),
        (3, '01234567-89ab-cdef-0011-223344556677', 3), (4, NULL, 4), (5, '11111111-2222-3333-4444-555555555555', 5);
    UPDATE types.uuids SET u = '6ba7b810-9dad-11d1-80b4-00c04fd430c8' WHERE id = 3;
    UPDATE types.uuids SET n = 20 WHERE id = 2;
    DELETE FROM types.uuids WHERE id = 5;
});
is($mysql->sql("SELECT id, c_varchar = 'changed one', count(*) FROM types.np WHERE id IN (7, 8) GROUP BY 1, 2 ORDER BY 1, 2"),
    "7\t0\t1\n7\t1\t1\n8\t0\t1\n8\t1\t1", 'MySQL: one duplicate changed, one deleted, one left as it was');

for my $s (qw(src inf)) {
    my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('$s', '60 s')");
    is($out, 't', "wait_for_source('$s'): everything MySQL committed is replayed") or diag $err;
}
my ($uu_rc, $uu_out, $uu_err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('uu', '60 s')");

# ---------------------------------------------------------------------------------------------
# Replicated rows against the copy of the same rows, every column, under both zero_dates policies.
compare_with_copy($node, $mysql, 'zero_dates null', check => 'check',
    tables => [ ['types.t', 'types_rep', 'types_chk'], ['types.np', 'types_rep', 'types_chk'] ]);
is($uu_out, 't', "wait_for_source('uu'): the UUID table is replayed") or diag $uu_err;
my $uuids = q{SELECT string_agg(id || ':' || coalesce(u::text, 'NULL') || ':' || n, ',' ORDER BY id) FROM };
is($node->safe_psql('postgres', $uuids . 'types_uu.uuids'), $node->safe_psql('postgres', $uuids . 'types_chk.uuids'),
    'UUID: replicated values equal copied ones');
compare_with_copy($node, $mysql, 'zero_dates -infinity', check => 'check_inf',
    tables => [ ['types.t', 'types_inf', 'types_chk_inf'], ['types.np', 'types_inf', 'types_chk_inf'] ]);

# The comparison means something: the replicated values are the edge values themselves.
is($node->safe_psql('postgres', 'SELECT string_agg(id::text, \',\' ORDER BY id) FROM types_rep.t'),
    '1,3,11,12,13,14,15,102,1004,1005', 'the rows with a key: inserted, updated, deleted, keys changed');
is($node->safe_psql('postgres', q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
      WHERE attrelid = 'types_rep.t'::regclass AND attname = 'c_bool'}), 'boolean', 'type_override: tinyint(1) is boolean');
is($node->safe_psql('postgres', 'SELECT string_agg(id || \'=\' || c_bool, \',\' ORDER BY id) FROM types_rep.t WHERE c_bool IS NOT NULL'),
    '1=false,11=true,13=true,14=false,15=false,102=true,1004=true,1005=false',
    'type_override: the replicated values converted');
is($node->safe_psql('postgres', q{SELECT c_ubigint, c_uint, c_umedium, c_dec65, c_bit64 = B'} . ('1' x 64) . q{',
      c_time6 = interval '838:59:59', c_time3 = interval '838:59:59', c_binary, c_ts6 = '2038-01-19 03:14:07.999999+00'
      FROM types_rep.t WHERE id = 102}),
    '18446744073709551615|4294967295|16777215|99999999999999999999999999999999999.999999999999999999999999999999|t|t|t|'
      . '\\xffffffffffff0000|t',
    'unsigned maxima, DECIMAL(65,30), BIT(64), TIME beyond 24 h, BINARY, TIMESTAMP(6) as an instant');
is($node->safe_psql('postgres', q{SELECT c_binary, c_latin1c, length(c_char_wide), c_time6 = interval '-838:59:59'
      FROM types_rep.t WHERE id = 1}),
    "\\x4100000000000000|      |0|t", 'BINARY(8) keeps its zero padding; the negative TIME limit');
is($node->safe_psql('postgres', q{SELECT c_varchar, c_latin1, c_latin1c, c_char_wide = repeat('日', 255), c_tinytext
      FROM types_rep.t WHERE id = 11}),
    "😀 👍🏽 ü ñ 日本 \"q\" 's'|déjà vu ÿ €|ÿé    |t|ü😀", 'utf8mb4 and latin1 text (row 11, updated to the maxima)');
is($node->safe_psql('postgres', q{SELECT c_date IS NULL, c_date_nn, c_dt0 IS NULL, c_dt3 IS NULL, c_dt6 IS NULL,
      c_dt_nn, c_ts0 IS NULL, c_ts6 IS NULL, c_ts_nn, c_enum, c_year FROM types_rep.t WHERE id = 1004}),
    't|-infinity|t|t|t|-infinity|t|t|-infinity||0',
    'zero_dates null: zero dates are NULL, -infinity where NOT NULL; the invalid enum value is the empty label');
is($node->safe_psql('postgres', q{SELECT c_date, c_date_nn, c_dt0, c_dt3, c_dt6, c_dt_nn, c_ts0, c_ts6, c_ts_nn
      FROM types_inf.t WHERE id = 1004}),
    join('|', ('-infinity') x 9), 'zero_dates -infinity: every zero date is -infinity');
is($node->safe_psql('postgres', q{SELECT id, c_varchar = 'changed one', count(*) FROM types_rep.np
      WHERE id IN (7, 8) GROUP BY 1, 2 ORDER BY 1, 2}),
    "7|f|1\n7|t|1\n8|f|1\n8|t|1", 'without a key: UPDATE/DELETE ... LIMIT 1 changed exactly one of the duplicates');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || c_smallint, ',' ORDER BY id) FROM types_rep.np WHERE id NOT IN (7, 8)}),
    '1:7,2:7,5:7,51:7,52:7,55:7', 'without a key: rows of the copy and of replication found by their full image');

# What replay counted, table by table.
is($node->safe_psql('postgres', q{SELECT source || '.' || table_name || ' ' || inserts || '/' || updates || '/' || deletes
      || ' ' || errors || ' ' || enabled FROM sch_chameleon.v_tables WHERE source IN ('src', 'inf') ORDER BY 1}),
    join("\n", 'inf.np 11/12/6 0 true', 'inf.t 15/9/5 0 true', 'src.np 11/12/6 0 true', 'src.t 15/9/5 0 true'),
    'v_tables: inserts, updates and deletes counted per row change');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.v_errors WHERE source IN ('src', 'inf')}), '0', 'no error');
is($node->safe_psql('postgres', q{SELECT string_agg(status::text, ',') FROM sch_chameleon.v_status WHERE name IN ('src', 'inf')}),
    'running,running', 'both sources still running');

$node->safe_psql('postgres', "SELECT chameleon.stop_replica('$_')") for qw(src inf uu);
done_testing();
