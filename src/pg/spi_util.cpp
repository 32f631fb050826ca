#include "common/error.hpp"

#include "pg/guard.hpp"
#include "pg/spi_util.hpp"

#include <memory>

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
}

namespace chameleon::pg {

namespace {

// Runs SPI_execute_with_args with text parameters; returns the SPI result code.
int Run(const std::string &sql, const std::vector<SpiValue> &params, bool read_only) {
    const int n = static_cast<int>(params.size());
    std::unique_ptr<Oid[]> types(new Oid[n > 0 ? n : 1]);
    std::unique_ptr<Datum[]> values(new Datum[n > 0 ? n : 1]);
    std::string nulls(static_cast<size_t>(n), ' ');
    for (int i = 0; i < n; ++i)
        types[i] = TEXTOID;
    int rc = PgCall([&] {
        for (int i = 0; i < n; ++i) {
            if (params[i].has_value()) {
                values[i] = PointerGetDatum(cstring_to_text_with_len(params[i]->data(), params[i]->size()));
            } else {
                values[i] = (Datum)0;
                nulls[i] = 'n';
            }
        }
        return SPI_execute_with_args(sql.c_str(), n, types.get(), values.get(), nulls.c_str(), read_only, 0);
    });
    if (rc < 0)
        throw Error("SPI failed (" + std::string(SPI_result_code_string(rc)) + ") for: " + sql);
    return rc;
}

} // namespace

void SpiConnect() {
    PgCall([] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
    });
}

void SpiFinish() {
    PgCall([] { SPI_finish(); });
}

uint64 SpiExecute(const std::string &sql, const std::vector<SpiValue> &params) {
    Run(sql, params, false);
    return SPI_processed;
}

std::vector<SpiRow> SpiQuery(const std::string &sql, const std::vector<SpiValue> &params) {
    Run(sql, params, false);
    std::vector<SpiRow> rows;
    if (SPI_tuptable == nullptr)
        return rows;
    const uint64 nrows = SPI_processed;
    const int ncols = SPI_tuptable->tupdesc->natts;
    rows.reserve(nrows);
    for (uint64 r = 0; r < nrows; ++r) {
        SpiRow row;
        row.reserve(static_cast<size_t>(ncols));
        for (int c = 1; c <= ncols; ++c) {
            char *value =
                PgCall([&] { return SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c); });
            if (value == nullptr) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(std::string(value));
                pfree(value);
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

SpiValue SpiQueryValue(const std::string &sql, const std::vector<SpiValue> &params) {
    std::vector<SpiRow> rows = SpiQuery(sql, params);
    if (rows.empty() || rows.front().empty())
        return std::nullopt;
    return rows.front().front();
}

std::optional<std::string> SpiTryExecute(const std::string &sql) {
    std::optional<PgError> error = RunInSubtransaction([&] {
        Run(sql, {}, false);
        return SubtransactionEnd::kRelease;
    });
    if (!error)
        return std::nullopt;
    return std::string(error->what());
}

namespace {
// The context to return to after a worker transaction (CommitTransactionCommand leaves
// TopMemoryContext current).
MemoryContext worker_context = nullptr;
} // namespace

void BeginWorkerTransaction() {
    worker_context = CurrentMemoryContext;
    PgCall([] {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        PushActiveSnapshot(GetTransactionSnapshot());
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
    });
}

void CommitWorkerTransaction() {
    // Leave SPI's procedure context (SPI_finish deletes it) and the transaction's (the commit deletes
    // it) before anything can fail: PgCall copies a PostgreSQL error into the context that is current
    // when it is entered, and the commit can raise one (deferred constraints, serialization).
    MemoryContext safe = worker_context != nullptr ? worker_context : TopMemoryContext;
    MemoryContextSwitchTo(safe);
    PgCall([] {
        SPI_finish();
        PopActiveSnapshot();
        CommitTransactionCommand();
    });
    MemoryContextSwitchTo(safe);
}

void AbortWorkerTransaction() noexcept {
    // The same for the abort, which deletes the contexts of the transaction and of SPI.
    MemoryContext safe = worker_context != nullptr ? worker_context : TopMemoryContext;
    MemoryContextSwitchTo(safe);
    try {
        PgCall([] {
            HOLD_INTERRUPTS();
            AbortOutOfAnyTransaction();
            RESUME_INTERRUPTS();
        });
        MemoryContextSwitchTo(safe);
    } catch (...) {
        // Nothing more can be done; the worker exits next.
    }
}

} // namespace chameleon::pg
