// SPI from C++: statements and queries whose PostgreSQL errors arrive as PgError exceptions
// (through PgCall), with results copied into C++ strings before SPI memory goes away.
#pragma once

#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
}

namespace chameleon::pg {

using SpiValue = std::optional<std::string>;
using SpiRow = std::vector<SpiValue>;

// SPI_connect / SPI_finish. On an error path the transaction abort cleans SPI up.
void SpiConnect();
void SpiFinish();

// Runs one statement; parameters are text ($1, $2, ... cast in the SQL as needed).
// Returns the number of rows processed.
uint64 SpiExecute(const std::string &sql, const std::vector<SpiValue> &params = {});

// Runs a query and returns its rows as text (NULL as nullopt).
std::vector<SpiRow> SpiQuery(const std::string &sql, const std::vector<SpiValue> &params = {});

// The first column of the first row, nullopt when there is no row or it is NULL.
SpiValue SpiQueryValue(const std::string &sql, const std::vector<SpiValue> &params = {});

// Runs one statement in a subtransaction (RunInSubtransaction); on failure the subtransaction is
// rolled back and the error returned as "message" (nullopt on success).
std::optional<std::string> SpiTryExecute(const std::string &sql);

// A transaction of a background worker: SetCurrentStatementStartTimestamp, StartTransactionCommand,
// a snapshot and SPI. Commit pops, finishes and commits; AbortWorkerTransaction aborts whatever is
// open (safe to call anywhere, also after a PgError).
void BeginWorkerTransaction();
void CommitWorkerTransaction();
void AbortWorkerTransaction() noexcept;

} // namespace chameleon::pg
