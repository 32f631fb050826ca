// Loading one table: the rows of a MySQL stream converted to COPY text and fed to PostgreSQL's
// own COPY FROM machinery (BeginCopyFrom with a data callback, CopyFrom), so that the load runs at
// COPY speed, with the executor's constraint checks, in bounded memory.
#pragma once

#include "ddl/copy_plan.hpp"
#include "mysql/connection.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
}

namespace chameleon::pg {

struct CopyRunShared;
struct CopyTableShared;

// Thrown when the run was aborted by someone else (another worker's error, cancellation): the
// worker stops without recording an error of its own.
class RunAborted : public std::exception {
public:
    const char *what() const noexcept override { return "copy run aborted"; }
};

struct LoadRequest {
    const ddl::CopyTable *table = nullptr;
    mysql::RowStream *rows = nullptr;
    CopyRunShared *run = nullptr;
    CopyTableShared *progress = nullptr;
    // Skip mode: rows PostgreSQL refuses are passed here (in the worker's transaction, after the
    // failed attempt was rolled back) instead of failing the load.
    bool skip_bad_rows = false;
    std::function<void(const std::string &key, const std::string &reason, const std::string &row)> discard;
    // Binary COPY: reads the value of column `column` of the row with these key values again from
    // MySQL, described for an error message (nullopt when it cannot).
    std::function<std::optional<std::string>(const std::vector<std::optional<std::string>> &key, int column)>
        lookup;
};

struct LoadResult {
    uint64 rows = 0;      // rows stored
    uint64 discarded = 0; // rows sent to discard
    uint64 nul_stripped = 0; // values stored without their NUL bytes (nul_bytes: strip)
};

// Loads request.rows into table.load_schema.table in the current transaction. A value PostgreSQL
// cannot store fails with an error naming the MySQL table, the column, the row's key and the value.
// Values stripped of NUL bytes are added to request.progress->nul_stripped.
LoadResult LoadTable(const LoadRequest &request);

// "(id, k)=(5, x)" for the current row of `rows`, or "" when the table has no key columns.
std::string RowKey(const ddl::CopyTable &table, const mysql::RowStream &rows);

} // namespace chameleon::pg
