// What one run of init_replica / sync_tables / refresh_schema / copy_schema does, decided by the
// calling backend and handed to the copy workers through shared memory (SerializePlan), so that the
// workers copy exactly the tables, with exactly the DDL and conversions, that were planned.
#pragma once

#include "common/cpp_only.hpp"

#include "convert/pg_binary.hpp"
#include "convert/pg_value.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace chameleon::ddl {

using convert::BinaryKind;
using convert::ValueSpec;

enum class CopyOperation : uint8_t {
    kInitReplica = 1,
    kSyncTables = 2,
    kRefreshSchema = 3,
    kCopySchema = 4,
};

const char *CopyOperationName(CopyOperation operation); // "init_replica", ...

struct CopyColumn {
    std::string name;
    ValueSpec spec;
    BinaryKind binary = BinaryKind::kNone; // encoder for binary COPY
};

struct CopyTable {
    std::string origin_schema;                  // MySQL schema
    std::string origin_table;                   // MySQL table
    std::string dest_schema;                    // PostgreSQL schema the table ends up in
    std::string load_schema;                    // PostgreSQL schema it is created and loaded in
    std::string table;                          // PostgreSQL table name
    std::vector<std::string> create_statements; // run before the data (types, table, sequences)
    std::vector<std::string> index_statements;  // run after the data (primary key first)
    std::vector<std::string> enum_types;        // enum types created in load_schema
    std::vector<std::string> identity_columns;  // replica identity (empty: full row)
    std::vector<CopyColumn> columns;
    std::vector<int> key_columns; // columns naming a row in error messages
    std::string select_sql;       // MySQL SELECT of the rows
    bool transactional = true;    // InnoDB-like engine: the lock is held only to snapshot
    bool binary_copy = false;     // every column has a binary encoder: COPY in binary
    uint64_t estimated_rows = 0;
    uint64_t estimated_bytes = 0;
    uint64_t estimated_cost = 0; // EstimateCopyCost: the claim order, most expensive first
    // Integer primary key column (MySQL name) by which the rows may be split into ranges copied by
    // several workers, each with a snapshot taken under the same table lock; "" when not split.
    std::string split_column;
    bool split_unsigned = false;
    // The MySQL definition copied (EncodeTableJson): the table's first version in the schema
    // registry, from its copy point on.
    std::string definition_json;
};

// A loading schema: created at the start, swapped into place (init_replica, refresh_schema, copy_schema)
// or emptied table by table (sync_tables), and dropped at the end or on failure.
struct LoadSchema {
    std::string origin_schema; // MySQL schema
    std::string dest_schema;   // destination PostgreSQL schema
    std::string load_schema;   // loading schema ("" with keep_existing_schema: load in place)
    std::string old_schema;    // where the previous destination goes before it is dropped
};

struct CopyPlan {
    CopyOperation operation = CopyOperation::kInitReplica;
    int64_t source_id = 0;
    std::string source;
    std::string config;
    bool copy_data = true; // false for copy_schema
    bool keep_existing_schema = false;
    bool skip_bad_rows = false; // bad rows go to t_discarded_rows instead of failing the run
    std::string lock_timeout = "120s";
    std::vector<std::string> grant_select_to;
    std::vector<LoadSchema> schemas;
    // Run by the leader in its prepare transaction, after the loading schemas are created
    // (keep_existing_schema: save the indexes and keys, drop the foreign keys).
    std::vector<std::string> prepare_statements;
    std::vector<CopyTable> tables;
    // Foreign keys to create after the swap (copy_schema): NOT VALID then VALIDATE statements.
    std::vector<std::string> foreign_key_statements;
};

std::string SerializePlan(const CopyPlan &plan);
// Throws chameleon::Error (XX000) on malformed input.
CopyPlan DeserializePlan(const char *data, size_t size);

// Is origin table schema.table selected by limit_tables / skip_tables (pg_chameleon semantics:
// limit_tables restricts only the schemas it names; skip_tables excludes)?
bool TableSelected(const std::vector<std::string> &limit_tables, const std::vector<std::string> &skip_tables,
                   const std::string &schema, const std::string &table);

// Splits "schema.table" at the first dot; throws chameleon::Error (22023) naming `what` when there is none.
std::pair<std::string, std::string> SplitTableName(const std::string &name, const std::string &what);

// The WHERE conditions splitting integer key `column` (MySQL name) from `lo` to `hi` (decimal text,
// both present in the table) into at most `parts` ranges of equal width: the first without a lower
// bound, the last without an upper one, so that together they cover every row whatever the bounds.
// A single range gives {""} (no condition).
std::vector<std::string> SplitRanges(const std::string &column, const std::string &lo, const std::string &hi,
                                     int parts, bool is_unsigned);

// The loading schema of destination `dest`: "_<dest>_tmp" within 63 bytes; and the name the
// previous destination takes during a swap: "_<dest>_old".
std::string LoadSchemaName(const std::string &dest);
std::string OldSchemaName(const std::string &dest);

} // namespace chameleon::ddl
