#!/usr/bin/env bash
# Regenerates the binlog fixtures of the binlog unit tests (test/unit/binlog_fixture_test.cpp):
# starts a throwaway MariaDB (test/lib/mariadb.sh), runs one scenario per binlog file, and saves
#   <scenario>.binlog                  the binlog file of the scenario
#   <scenario>.<table>.<stage>.tsv     the server's SELECT of that table at that stage
#                                      (ins = after the INSERTs, upd = after the UPDATEs)
# The SELECTs render every column in a form the test reproduces from the decoded value: text as
# HEX(CONVERT(col USING utf8mb4)), binary and geometry as HEX(col), FLOAT as CAST(col AS DOUBLE),
# BIT as col+0, everything else as the server prints it.
#
#   bash test/unit/data/binlog/capture.sh [OUTPUT_DIR]     (default: this directory)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
out=${1:-$here}
# shellcheck source=../../../lib/common.sh
. "$root/test/lib/common.sh"
ensure_test_user

dir=$(make_scratch binlog-capture)
cleanup() {
    as_test_user bash "$root/test/lib/mariadb.sh" stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT
as_test_user bash "$root/test/lib/mariadb.sh" start "$dir" --server-id 1 >/dev/null

sql() { as_test_user bash "$root/test/lib/mariadb.sh" client "$dir" "$@"; }
current_binlog() { sql -N -B -e "SHOW MASTER STATUS" | cut -f1; }

scenario_file=""
begin_scenario() {
    sql -e "FLUSH BINARY LOGS"
    scenario_file=$(current_binlog)
}
end_scenario() { # NAME
    sql -e "FLUSH BINARY LOGS"
    cp "$dir/data/$scenario_file" "$out/$1.binlog"
    chmod 644 "$out/$1.binlog"
}

# snapshot SCENARIO DB TABLE STAGE
snapshot() {
    local cols
    cols=$(sql -N -B -e "
      SELECT GROUP_CONCAT(
        CASE
          WHEN DATA_TYPE = 'float' THEN CONCAT('CAST(\`', COLUMN_NAME, '\` AS DOUBLE)')
          WHEN DATA_TYPE = 'bit' THEN CONCAT('\`', COLUMN_NAME, '\`+0')
          WHEN DATA_TYPE IN ('char','varchar','tinytext','text','mediumtext','longtext')
               AND CHARACTER_SET_NAME <> 'binary'
            THEN CONCAT('HEX(CONVERT(\`', COLUMN_NAME, '\` USING utf8mb4))')
          WHEN DATA_TYPE IN ('binary','varbinary','tinyblob','blob','mediumblob','longblob','geometry','point',
                             'linestring','polygon','multipoint','multilinestring','multipolygon',
                             'geometrycollection','uuid','inet6','inet4')
            THEN CONCAT('HEX(\`', COLUMN_NAME, '\`)')
          ELSE CONCAT('\`', COLUMN_NAME, '\`')
        END, ' AS \`', COLUMN_NAME, '\`' ORDER BY ORDINAL_POSITION SEPARATOR ', ')
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$2' AND TABLE_NAME = '$3'")
    sql -B -e "SET time_zone = '+00:00'; SELECT $cols FROM \`$2\`.\`$3\` ORDER BY 1, 2" > "$out/$1.$3.$4.tsv"
}

# rotate_values DB TABLE NROWS: every row takes the values of row (id % NROWS) + 1, by one UPDATE.
rotate_values() {
    local set
    set=$(sql -N -B -e "SELECT GROUP_CONCAT(CONCAT('t.\`', COLUMN_NAME, '\` = c.\`', COLUMN_NAME, '\`')
                         ORDER BY ORDINAL_POSITION SEPARATOR ', ')
                         FROM information_schema.COLUMNS
                         WHERE TABLE_SCHEMA = '$1' AND TABLE_NAME = '$2' AND COLUMN_NAME <> 'id'")
    sql -e "SET sql_log_bin = 0; CREATE TABLE \`$1\`.\`copy_$2\` AS SELECT * FROM \`$1\`.\`$2\`; SET sql_log_bin = 1;
            SET sql_mode = ''; SET time_zone = '+00:00';
            UPDATE \`$1\`.\`$2\` t JOIN \`$1\`.\`copy_$2\` c ON c.id = t.id % $3 + 1 SET $set;
            SET sql_log_bin = 0; DROP TABLE \`$1\`.\`copy_$2\`; SET sql_log_bin = 1;"
}

rm -f "$out"/*.binlog "$out"/*.tsv

# ---------------------------------------------------------------------------------------------
# types: one table per type family, edge values, NULLs; FULL image, CRC32, full metadata.
enum300=$(seq 1 300 | sed 's/^/v/; s/.*/'"'"'&'"'"'/' | paste -sd, -)
set64=$(seq 1 64 | sed 's/^/m/; s/.*/'"'"'&'"'"'/' | paste -sd, -)
set26=$(printf "'%s'," {a..z} | sed 's/,$//')
begin_scenario
sql <<SQL
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
CREATE DATABASE ty;
USE ty;
CREATE TABLE t_int (id INT PRIMARY KEY, i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u16 SMALLINT UNSIGNED,
  i24 MEDIUMINT, u24 MEDIUMINT UNSIGNED, i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED);
INSERT INTO t_int VALUES
  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0),
  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615),
  (3, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 0, 128, 0, 32768, 0, 8388608, 0, 2147483648, 0, 9223372036854775808);

CREATE TABLE t_decimal (id INT PRIMARY KEY, d65 DECIMAL(65,30), d10 DECIMAL(10,2), d20 DECIMAL(20,6),
  d5 DECIMAL(5,0), d18 DECIMAL(18,9), d9 DECIMAL(9,9), d1 DECIMAL(1,0), du DECIMAL(12,4) UNSIGNED);
INSERT INTO t_decimal VALUES
  (1, -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.90,
      -12345678901234.567891, -99999, -123456789.123456789, -0.999999999, -9, 0),
  (2, 99999999999999999999999999999999999.999999999999999999999999999999, 12345678.90,
      12345678901234.567891, 99999, 1.000000001, 0.000000001, 9, 99999999.9999),
  (3, -0.000000000000000000000000000001, 0, -0.5, 0, -0.000000001, 0, 0, 1234567.8901),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 1234567890.1234, -0.01, 0.000001, 1, 999999999.999999999, 0.5, -1, 0.0001);

CREATE TABLE t_float (id INT PRIMARY KEY, f FLOAT, d DOUBLE);
INSERT INTO t_float VALUES (1, 3.40282e38, 1.7976931348623157e308), (2, -1.17549e-38, -2.2250738585072014e-308),
  (3, 0, -0.0), (4, 1.5, 5e-324), (5, NULL, NULL), (6, -123.456, 0.1);

CREATE TABLE t_bit (id INT PRIMARY KEY, b1 BIT(1), b7 BIT(7), b10 BIT(10), b64 BIT(64));
INSERT INTO t_bit VALUES (1, 1, b'1111111', b'1010101010', x'FFFFFFFFFFFFFFFF'), (2, 0, 0, 0, 0),
  (3, NULL, NULL, NULL, NULL), (4, 0, b'1000000', b'1000000001', x'8000000000000001');

CREATE TABLE t_date (id INT PRIMARY KEY, y YEAR, d DATE);
INSERT INTO t_date VALUES (1, 0, '0000-00-00'), (2, 1901, '1000-01-01'), (3, 2155, '9999-12-31'),
  (4, NULL, '2024-00-15'), (5, 2024, '2024-02-00'), (6, NULL, NULL), (7, 1970, '2024-02-29');

CREATE TABLE t_time (id INT PRIMARY KEY, t0 TIME, t1 TIME(1), t2 TIME(2), t3 TIME(3), t4 TIME(4), t5 TIME(5),
  t6 TIME(6));
INSERT INTO t_time VALUES
  (1, '-838:59:59', '-838:59:58.9', '-838:59:58.99', '-838:59:58.999', '-838:59:58.9999', '-838:59:58.99999',
      '-838:59:58.999999'),
  (2, '838:59:59', '838:59:59.9', '838:59:59.99', '838:59:59.999', '838:59:59.9999', '838:59:59.99999',
      '838:59:59.999999'),
  (3, '00:00:00', '-00:00:00.1', '-00:00:00.01', '-00:00:00.500', '-00:00:00.0001', '-00:00:00.00001',
      '-00:00:00.000001'),
  (4, '-00:00:01', '-00:00:01.5', '-00:00:01.25', '-01:02:03.004', '12:34:56.7891', '-12:34:56.78912',
      '12:34:56.789123'),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (6, '-12:00:00', '00:00:00.1', '-838:00:00.01', '00:00:00.000', '-00:00:59.9999', '00:00:00.00001', '-00:00:00');

CREATE TABLE t_datetime (id INT PRIMARY KEY, dt0 DATETIME, dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3),
  dt4 DATETIME(4), dt5 DATETIME(5), dt6 DATETIME(6));
INSERT INTO t_datetime VALUES
  (1, '1000-01-01 00:00:00', '1000-01-01 00:00:00.1', '1000-01-01 00:00:00.01', '1000-01-01 00:00:00.001',
      '1000-01-01 00:00:00.0001', '1000-01-01 00:00:00.00001', '1000-01-01 00:00:00.000001'),
  (2, '9999-12-31 23:59:59', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999',
      '9999-12-31 23:59:59.9999', '9999-12-31 23:59:59.99999', '9999-12-31 23:59:59.999999'),
  (3, '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
      '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
  (4, '2024-02-29 12:34:56', '2024-00-00 10:00:00.5', '2024-07-00 01:02:03.25', '2038-01-19 03:14:07.123',
      '1970-01-01 00:00:00.5', '1999-12-31 23:59:59.12345', '2024-01-02 03:04:05.123456'),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE t_timestamp (id INT PRIMARY KEY, ts0 TIMESTAMP NULL DEFAULT NULL, ts1 TIMESTAMP(1) NULL DEFAULT NULL,
  ts2 TIMESTAMP(2) NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL DEFAULT NULL, ts4 TIMESTAMP(4) NULL DEFAULT NULL,
  ts5 TIMESTAMP(5) NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL);
INSERT INTO t_timestamp VALUES
  (1, '1970-01-01 00:00:01', '1970-01-01 00:00:01.1', '1970-01-01 00:00:01.01', '1970-01-01 00:00:01.001',
      '1970-01-01 00:00:01.0001', '1970-01-01 00:00:01.00001', '1970-01-01 00:00:01.000001'),
  (2, '2038-01-19 03:14:07', '2038-01-19 03:14:07.9', '2038-01-19 03:14:07.99', '2038-01-19 03:14:07.999',
      '2038-01-19 03:14:07.9999', '2038-01-19 03:14:07.99999', '2038-01-19 03:14:07.999999'),
  (3, '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
      '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '2024-02-29 12:34:56', '2000-01-01 00:00:00.5', '2001-09-09 01:46:40.25', '2024-06-30 23:59:59.999',
      '1999-12-31 23:59:59.1234', '2010-10-10 10:10:10.12345', '2024-01-02 03:04:05.123456');

CREATE TABLE t_char (id INT PRIMARY KEY, c CHAR(10) CHARACTER SET utf8mb4, c255 CHAR(255) CHARACTER SET utf8mb4,
  vc VARCHAR(100) CHARACTER SET utf8mb4, vs VARCHAR(50) CHARACTER SET utf8mb4,
  vl VARCHAR(200) CHARACTER SET latin1, cl CHAR(10) CHARACTER SET latin1, u3 VARCHAR(20) CHARACTER SET utf8mb3,
  a CHAR(5) CHARACTER SET ascii, vb VARBINARY(20), b BINARY(8));
INSERT INTO t_char VALUES
  (1, 'abc  ', 'x', 'héllo 😀 wörld', '😀', CONCAT(_latin1 x'808182838485868788898A8B8C8D8E8F',
      _latin1 x'909192939495969798999A9B9C9D9E9F', _latin1 x'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF',
      _latin1 x'B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF', _latin1 x'C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF',
      _latin1 x'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF', _latin1 x'E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF',
      _latin1 x'F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'),
      'café  ', 'ü€', 'ab  ', x'00010200', x'0102030000000000'),
  (2, '', REPEAT('é', 255), REPEAT('😀', 100), '', '', '', '', '', x'', x'0000000000000000'),
  (3, '  lead', 'y  ', 'trailing  ', 'a', 'plain', 'x', 'ü', 'z', x'ff00', x'ff'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '中文字符', REPEAT('ab', 100), 'tab	and
newline', 'quote''s', 'Ærø', 'ÿ', '日本', '~', x'2020', x'20');

CREATE TABLE t_charset (id INT PRIMARY KEY, a VARCHAR(10) CHARACTER SET utf8mb4, b VARCHAR(10) CHARACTER SET latin1,
  c VARCHAR(10) CHARACTER SET ascii, d VARCHAR(10) CHARACTER SET utf8mb3, e TEXT CHARACTER SET latin1,
  f TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin);
INSERT INTO t_charset VALUES (1, '😀', 'é', 'x', 'ü', 'ñ', 'ok'), (2, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 'a', 'b', 'c', 'd', 'e', 'f');

CREATE TABLE t_blob (id INT PRIMARY KEY, tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tb TINYBLOB, bl BLOB,
  mb MEDIUMBLOB, lb LONGBLOB);
INSERT INTO t_blob VALUES
  (1, 'tiny😀', REPEAT('text ', 100), REPEAT('m', 300), 'long é', x'00ff', REPEAT(x'00', 300), x'', x'deadbeef'),
  (2, '', '', '', '', x'', x'', x'', x''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 'a', 'b', 'c', 'd', x'01', x'02', x'03', x'04');

CREATE TABLE t_enum (id INT PRIMARY KEY, e ENUM('a','b','c'), e300 ENUM($enum300), s SET('a','b','c'),
  s26 SET($set26), s64 SET($set64), el ENUM('é','ü') CHARACTER SET latin1);
INSERT INTO t_enum VALUES (1, 'a', 'v300', 'a,c', 'a,z', 'm1,m64', 'ü'), (2, 'c', 'v1', '', 'b,c,d', 'm33', 'é'),
  (3, 'bogus', 'v256', 'a,b,c', 'z', 'm2,m3,m4', NULL), (4, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE t_json (id INT PRIMARY KEY, j JSON);
INSERT INTO t_json VALUES (1, '{"a": [1, 2.5, "x"], "b": null}'), (2, '[]'), (3, '"str"'), (4, NULL),
  (5, '{"k": "😀", "n": -1.5e300}');

CREATE TABLE t_geo (id INT PRIMARY KEY, g GEOMETRY, p POINT, l LINESTRING);
INSERT INTO t_geo VALUES (1, ST_GeomFromText('POINT(1 2)', 4326), POINT(3, 4), LINESTRING(POINT(0, 0), POINT(1, 1))),
  (2, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), NULL, NULL), (3, NULL, NULL, NULL);

CREATE TABLE t_misc (id INT PRIMARY KEY, u UUID, i6 INET6, i4 INET4);
INSERT INTO t_misc VALUES (1, '123e4567-e89b-12d3-a456-426614174000', '2001:db8::1', '192.168.0.1'),
  (2, '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0'), (3, NULL, NULL, NULL);

CREATE TABLE t_nopk (a INT, b VARCHAR(10));
INSERT INTO t_nopk VALUES (1, 'x'), (1, 'x'), (2, NULL);
SQL
for t in t_int t_decimal t_float t_bit t_date t_time t_datetime t_timestamp t_char t_charset t_blob t_enum t_json \
         t_geo t_misc t_nopk; do
    snapshot types ty "$t" ins
done
for t in t_int:5 t_decimal:5 t_float:6 t_bit:4 t_date:7 t_time:6 t_datetime:5 t_timestamp:5 t_char:5 t_charset:3 \
         t_blob:4 t_enum:4 t_json:5 t_geo:3 t_misc:3; do
    rotate_values ty "${t%%:*}" "${t##*:}"
done
sql -e "UPDATE ty.t_nopk SET b = 'y' WHERE a = 1"
for t in t_int t_decimal t_float t_bit t_date t_time t_datetime t_timestamp t_char t_charset t_blob t_enum t_json \
         t_geo t_misc t_nopk; do
    snapshot types ty "$t" upd
    sql -e "DELETE FROM ty.$t"
done
end_scenario types

# ---------------------------------------------------------------------------------------------
# MINIMAL and NOBLOB row images (absent columns are not NULL).
for image in minimal noblob; do
    begin_scenario
    sql <<SQL
SET SESSION binlog_row_image = '${image^^}';
CREATE DATABASE im_$image;
USE im_$image;
CREATE TABLE pk (id INT PRIMARY KEY, a INT, b TEXT, c VARCHAR(20));
CREATE TABLE nopk (a INT, b TEXT, c VARCHAR(20));
INSERT INTO pk VALUES (1, 10, 'blob one', 'c1'), (2, 20, 'blob two', 'c2');
INSERT INTO pk (id, c) VALUES (3, 'only c');
INSERT INTO nopk VALUES (1, 'x', 'y');
SQL
    snapshot "image_$image" "im_$image" pk ins
    snapshot "image_$image" "im_$image" nopk ins
    sql <<SQL
SET SESSION binlog_row_image = '${image^^}';
USE im_$image;
UPDATE pk SET c = 'c1x' WHERE id = 1;
UPDATE pk SET b = 'blob two changed' WHERE id = 2;
UPDATE pk SET a = NULL WHERE id = 1;
UPDATE nopk SET c = 'z';
SQL
    snapshot "image_$image" "im_$image" pk upd
    snapshot "image_$image" "im_$image" nopk upd
    sql <<SQL
SET SESSION binlog_row_image = '${image^^}';
USE im_$image;
DELETE FROM pk;
DELETE FROM nopk;
SQL
    end_scenario "image_$image"
done

# ---------------------------------------------------------------------------------------------
# MariaDB compressed events (log_bin_compress): QUERY_COMPRESSED and *_ROWS_COMPRESSED_EVENT_V1.
sql -e "SET GLOBAL log_bin_compress = ON; SET GLOBAL log_bin_compress_min_len = 10"
begin_scenario
sql <<'SQL'
CREATE DATABASE cz;
USE cz;
CREATE TABLE t (id INT PRIMARY KEY, txt TEXT, v VARCHAR(100), n BIGINT);
INSERT INTO t VALUES (1, REPEAT('compressible ', 200), 'v1', -1), (2, REPEAT('xyz', 1000), 'v2😀', 2),
  (3, NULL, NULL, NULL);
SQL
snapshot compressed cz t ins
sql -e "UPDATE cz.t SET txt = CONCAT(txt, 'tail'), n = n * 1000"
snapshot compressed cz t upd
sql -e "DELETE FROM cz.t"
end_scenario compressed
sql -e "SET GLOBAL log_bin_compress = OFF"

# ---------------------------------------------------------------------------------------------
# binlog_checksum = NONE.
sql -e "SET GLOBAL binlog_checksum = NONE"
begin_scenario
sql <<'SQL'
CREATE DATABASE nc;
USE nc;
CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), d DATETIME(3));
INSERT INTO t VALUES (1, 'no crc', '2024-05-06 07:08:09.123'), (2, NULL, NULL);
SQL
snapshot nochecksum nc t ins
sql -e "UPDATE nc.t SET s = 'changed' WHERE id = 1"
snapshot nochecksum nc t upd
sql -e "DELETE FROM nc.t"
end_scenario nochecksum
sql -e "SET GLOBAL binlog_checksum = CRC32"

# ---------------------------------------------------------------------------------------------
# Statement-based DML (must be rejected by the reader).
begin_scenario
sql <<'SQL'
CREATE DATABASE sb;
USE sb;
CREATE TABLE t (id INT PRIMARY KEY);
SET SESSION binlog_format = 'STATEMENT';
INSERT INTO t VALUES (1);
SQL
end_scenario statement

# ---------------------------------------------------------------------------------------------
# MariaDB's pre-10.1 temporal format (mysql56_temporal_format=OFF).
sql -e "SET GLOBAL mysql56_temporal_format = OFF"
begin_scenario
sql <<'SQL'
SET SESSION time_zone = '+00:00';
CREATE DATABASE lg;
USE lg;
CREATE TABLE leg0 (id INT PRIMARY KEY, dt DATETIME, t TIME, ts TIMESTAMP NULL DEFAULT NULL);
CREATE TABLE leg3 (id INT PRIMARY KEY, dt DATETIME(3));
INSERT INTO leg0 VALUES (1, '2024-01-02 03:04:05', '-838:59:59', '2038-01-19 03:14:07'), (2, NULL, '12:00:01', NULL);
INSERT INTO leg3 VALUES (1, '2024-01-02 03:04:05.678');
SQL
snapshot legacy lg leg0 ins
end_scenario legacy
sql -e "SET GLOBAL mysql56_temporal_format = ON"

# ---------------------------------------------------------------------------------------------
# binlog_row_metadata MINIMAL and NO_LOG (names / charsets / signedness missing).
for md in minimal no_log; do
    sql -e "SET GLOBAL binlog_row_metadata = '${md^^}'"
    begin_scenario
    sql <<SQL
CREATE DATABASE md_$md;
USE md_$md;
CREATE TABLE t (id INT UNSIGNED PRIMARY KEY, l VARCHAR(10) CHARACTER SET latin1, e ENUM('x','y'), s SMALLINT);
INSERT INTO t VALUES (4294967295, 'é', 'y', -2), (1, 'a', 'x', 3);
SQL
    snapshot "metadata_$md" "md_$md" t ins
    end_scenario "metadata_$md"
done
sql -e "SET GLOBAL binlog_row_metadata = FULL"

ls -la "$out"
