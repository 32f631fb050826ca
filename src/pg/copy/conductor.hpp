// The conductor of a copy run: the backend that called init_replica, sync_tables, refresh_schema
// or copy_schema. It plans the run (catalogue, configuration, pre-flight check, MySQL metadata, DDL),
// hands the plan to copy workers through shared memory, reports progress while they work, and
// relays cancellation.
#pragma once

#include "ddl/copy_plan.hpp"

#include <string>
#include <vector>

namespace chameleon::pg {

struct CopyRequest {
    ddl::CopyOperation operation = ddl::CopyOperation::kInitReplica;
    std::string source;
    std::vector<std::string> tables; // sync_tables: origin "schema.table" names, or {"disabled"}
    std::string schema;              // refresh_schema: origin schema
};

// Runs the operation to its end; returns a one-line summary. Errors (including the workers') are
// raised as chameleon::Error / PgError.
std::string RunCopyOperation(const CopyRequest &request);

} // namespace chameleon::pg
