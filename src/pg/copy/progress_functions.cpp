// chameleon._copy_progress(): the copy runs in progress, read from shared memory by any session
// (the view sch_chameleon.v_progress). One row per run (table_name NULL: the whole run) and one per
// table of the run.
#include "common/error.hpp"
#include "ddl/copy_plan.hpp"

#include "pg/copy/shared.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"

#include <cstdio>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {
namespace {

const char *PhaseName(RunPhase p) {
    switch (p) {
        case RunPhase::kStarting:
            return "starting";
        case RunPhase::kPreparing:
            return "preparing";
        case RunPhase::kCopying:
            return "copying";
        case RunPhase::kFinishing:
            return "finishing";
        case RunPhase::kDone:
            return "done";
        case RunPhase::kFailed:
            return "failed";
        case RunPhase::kCancelled:
            return "cancelled";
    }
    return "?";
}

const char *StateName(TableState s) {
    switch (s) {
        case TableState::kPending:
            return "pending";
        case TableState::kSnapshot:
            return "snapshot";
        case TableState::kCopying:
            return "copying";
        case TableState::kIndexing:
            return "indexing";
        case TableState::kDone:
            return "done";
        case TableState::kFailed:
            return "failed";
    }
    return "?";
}

std::string Number(double v, const char *format) {
    char buf[64];
    snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string TimestampText(TimestampTz t) {
    return PgCall([&] { return timestamptz_to_str(t); });
}

// percent, rows/s, eta seconds (nullopt when unknown).
void Rates(uint64 rows, uint64 estimate, double seconds, Row &row) {
    row.push_back(estimate > 0 ? std::optional<std::string>(Number(
                                     std::min(100.0, 100.0 * static_cast<double>(rows) / estimate), "%.1f"))
                               : std::nullopt);
    double rate = seconds > 0 ? rows / seconds : 0.0;
    row.push_back(seconds > 0 ? std::optional<std::string>(Number(rate, "%.0f")) : std::nullopt);
    row.push_back(rate > 0 && estimate > rows
                      ? std::optional<std::string>(Number((estimate - rows) / rate, "%.1f"))
                      : std::nullopt);
}

} // namespace
} // namespace chameleon::pg

using namespace chameleon;
using namespace chameleon::pg;

// chameleon._copy_progress() RETURNS TABLE(source, operation, phase, schema_name, table_name, state,
//   rows_copied, rows_estimated, percent, rows_per_second, eta_seconds, worker_pid, started_at,
//   elapsed_seconds) — all text; the view casts them.
CHAMELEON_FUNCTION(chameleon_copy_progress) {
    CopyRegistrySlot slots[kMaxCopyRuns];
    int n = PgCall([&] { return SnapshotRegistry(slots, kMaxCopyRuns); });
    std::vector<Row> rows;
    const TimestampTz now = GetCurrentTimestamp();
    for (int s = 0; s < n; ++s) {
        CopyRunShared *run = nullptr;
        bool attached = false;
        dsm_segment *seg =
            PgCall([&] { return AttachRun(slots[s].handle, slots[s].run_id, &run, &attached); });
        if (seg == nullptr)
            continue;
        try {
            ddl::CopyPlan plan = ddl::DeserializePlan(RunPlan(run), run->plan_size);
            const RunPhase phase = static_cast<RunPhase>(pg_atomic_read_u32(&run->phase));
            CopyTableShared *tables = RunTables(run);
            uint64 total = 0, estimate = 0;
            std::vector<Row> table_rows;
            for (int i = 0; i < run->ntables && i < static_cast<int>(plan.tables.size()); ++i) {
                CopyTableShared &t = tables[i];
                const uint64 r = pg_atomic_read_u64(&t.rows);
                const TableState state = static_cast<TableState>(pg_atomic_read_u32(&t.state));
                const uint64 est =
                    state == TableState::kDone ? r : std::max<uint64>(r, plan.tables[i].estimated_rows);
                total += r;
                estimate += est;
                const TimestampTz end = state == TableState::kDone ? t.index_finished : now;
                const double seconds =
                    t.copy_started > 0 ? static_cast<double>(end - t.copy_started) / 1e6 : 0.0;
                const int worker = t.worker;
                Row row{plan.source,          ddl::CopyOperationName(plan.operation),
                        PhaseName(phase),     plan.tables[i].dest_schema,
                        plan.tables[i].table, StateName(state),
                        std::to_string(r),    std::to_string(est)};
                Rates(r, est, seconds, row);
                row.push_back(worker >= 0 && worker < kMaxCopyWorkers && run->workers[worker].pid > 0
                                  ? std::optional<std::string>(std::to_string(run->workers[worker].pid))
                                  : std::nullopt);
                row.push_back(t.copy_started > 0 ? std::optional<std::string>(TimestampText(t.copy_started))
                                                 : std::nullopt);
                row.push_back(t.copy_started > 0 ? std::optional<std::string>(Number(seconds, "%.3f"))
                                                 : std::nullopt);
                table_rows.push_back(std::move(row));
            }
            const double seconds = static_cast<double>(now - run->started_at) / 1e6;
            Row overall{plan.source,           ddl::CopyOperationName(plan.operation),
                        PhaseName(phase),      std::nullopt,
                        std::nullopt,          PhaseName(phase),
                        std::to_string(total), std::to_string(estimate)};
            Rates(total, estimate, seconds, overall);
            overall.push_back(std::to_string(run->conductor_pid));
            overall.push_back(TimestampText(run->started_at));
            overall.push_back(Number(seconds, "%.3f"));
            rows.push_back(std::move(overall));
            for (Row &r : table_rows)
                rows.push_back(std::move(r));
        } catch (...) {
            if (attached)
                PgCall([&] { dsm_detach(seg); });
            throw;
        }
        if (attached)
            PgCall([&] { dsm_detach(seg); });
    }
    return ReturnTextRows(fcinfo, rows);
}

// chameleon._copy_in_progress(source_id): the copy of that source running now, as
// "init_replica (backend pid 1234)", or NULL. The functions that change a source consult it, so
// that none of them acts on a source in the middle of a copy (whatever its status says).
CHAMELEON_FUNCTION(chameleon_copy_in_progress) {
    const int64 source_id = PG_GETARG_INT64(0);
    CopyRegistrySlot slots[kMaxCopyRuns];
    int n = PgCall([&] { return SnapshotRegistry(slots, kMaxCopyRuns); });
    for (int i = 0; i < n; ++i) {
        if (slots[i].source_id != source_id)
            continue;
        std::string run =
            std::string(slots[i].operation) + " (backend pid " + std::to_string(slots[i].conductor_pid) + ")";
        return ReturnText(run);
    }
    PG_RETURN_NULL();
}
