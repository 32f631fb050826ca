// The MySQL side of the initial copy: table metadata from information_schema, binary log
// coordinates, and a consistent snapshot of one table (pg_chameleon's per-table "soft init", with
// the lock held only until the snapshot exists).
#pragma once

#include "common/cpp_only.hpp"

#include "ddl/mysql_schema.hpp"
#include "mysql/connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace chameleon::mysql {

// A position in the source's binary log: file and position, and the GTID set executed up to there
// (MariaDB: @@gtid_binlog_pos; MySQL: Executed_Gtid_Set; "" when GTIDs are not in use).
struct BinlogCoordinates {
    std::string file;
    uint64_t position = 0;
    std::string gtid_set;
};

// SHOW MASTER STATUS (SHOW BINARY LOG STATUS on MySQL 8.2+) and the GTID position. Throws
// chameleon::Error (55000) when the binary log is disabled.
BinlogCoordinates ReadBinlogCoordinates(Connection &conn);

// Every base table of `schemas` with its columns, indexes and foreign keys, in (schema, table)
// order. Sets the session time zone to UTC first (TIMESTAMP defaults are shown in UTC).
std::vector<ddl::MysqlTable> ReadTables(Connection &conn, const std::vector<std::string> &schemas);

// How the server writes COLUMN_DEFAULT.
ddl::DefaultStyle DefaultStyleOf(const Connection &conn);

// Session settings of a connection that reads table data: UTC time zone (TIMESTAMP values are
// read as UTC), REPEATABLE READ, net timeouts of `net_timeout` seconds so a slow writer on
// our side does not make the server give up, and the idle timeout of KeepSessionAlive.
void PrepareReaderSession(Connection &reader, int net_timeout);

// The seconds a copy's MySQL session may stay idle before the server closes it (wait_timeout):
// a day, whatever the server's default. A copy leaves its connections idle for long stretches
// (the leader's control connection through the whole copy, a reader while PostgreSQL waits for a
// lock, a control connection holding a table lock while the table is read), and a short
// wait_timeout used to fail the run at its end.
inline constexpr int kCopySessionIdleSeconds = 86400;
void KeepSessionAlive(Connection &conn);

// Takes a consistent snapshot of `schema`.`table` for `reader`:
//   lock:    FLUSH TABLES `schema`.`table` WITH READ LOCK on `control` (waits at most
//            lock_wait_timeout seconds for running writers),
//   point:   the binary log coordinates, read while nothing can write the table,
//   snapshot START TRANSACTION WITH CONSISTENT SNAPSHOT on `reader`,
//   unlock:  UNLOCK TABLES on `control`, unless `keep_lock` (non-transactional engines: the lock
//            must last until the rows are read; call ReleaseTableLock then).
// The rows `reader` reads next are exactly the table at the returned coordinates.
BinlogCoordinates SnapshotTable(Connection &control, Connection &reader, const std::string &schema,
                                const std::string &table, bool keep_lock, int lock_wait_timeout);

void ReleaseTableLock(Connection &control);

} // namespace chameleon::mysql
