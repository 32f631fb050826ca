// SQL functions of the replication engine implemented in C++: the workers' state for the views,
// waking the launcher at commit, stopping a source's workers, and wait_for_source().
#include "common/error.hpp"
#include "mysql/binlog/position.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/replica/shared.hpp"
#include "pg/replica/source.hpp"
#include "pg/spi_util.hpp"

#include <csignal>
#include <string>
#include <vector>

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {

namespace {

bool callbacks_registered = false;
bool wake_at_commit = false;

void ReplicaXactCallback(XactEvent event, void *) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT) {
        ReleaseStops(MyProcPid);
        if (wake_at_commit)
            WakeLauncher();
        wake_at_commit = false;
    } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) {
        // The stop did not happen: the launcher starts the workers again.
        ReleaseStops(MyProcPid);
        WakeLauncher();
        wake_at_commit = false;
    }
}

void EnsureCallbacks() {
    if (!callbacks_registered) {
        PgCall([] { RegisterXactCallback(ReplicaXactCallback, nullptr); });
        callbacks_registered = true;
    }
}

std::string LastError(const ReplicaSlotCopy &s) {
    std::string out;
    const char *names[2] = {"read", "replay"};
    for (int r = 0; r < 2; ++r) {
        if (s.last_error[r].empty())
            continue;
        if (!out.empty())
            out += "; ";
        out += std::string(names[r]) + ": " + s.last_error[r];
    }
    return out;
}

} // namespace

} // namespace chameleon::pg

using namespace chameleon;
using namespace chameleon::pg;

// chameleon._replica_workers(): one row per source that has a slot.
CHAMELEON_FUNCTION(chameleon_replica_workers) {
    std::vector<Row> rows;
    for (const ReplicaSlotCopy &s : SnapshotReplicaSlots()) {
        Row r;
        r.push_back(std::to_string(s.source_id));
        for (int role = 0; role < 2; ++role) {
            r.push_back(s.pid[role] != 0 ? std::optional<std::string>(std::to_string(s.pid[role]))
                                         : std::nullopt);
            r.push_back(std::string(ReplicaWorkerStateName(s.state[role])));
        }
        std::string error = LastError(s);
        r.push_back(error.empty() ? std::nullopt : std::optional<std::string>(error));
        rows.push_back(std::move(r));
    }
    return ReturnTextRows(fcinfo, rows);
}

// chameleon._wake_launcher(): the launcher looks at the sources again when this transaction commits.
CHAMELEON_FUNCTION(chameleon_wake_launcher) {
    (void)fcinfo;
    EnsureCallbacks();
    wake_at_commit = true;
    PG_RETURN_VOID();
}

// chameleon._stop_workers(source_id, timeout_ms): asks the workers of a source to exit now and waits
// for them. Until this transaction ends the launcher starts none for the source; if it aborts, the
// launcher starts them again (the status change did not happen).
CHAMELEON_FUNCTION(chameleon_stop_workers) {
    const int64 source_id = PG_GETARG_INT64(0);
    const int timeout_ms = PG_GETARG_INT32(1);
    EnsureCallbacks();
    wake_at_commit = true;
    if (FindReplicaSlot(source_id) == nullptr)
        PG_RETURN_BOOL(true);
    RequestStop(source_id, MyProcPid);
    const TimestampTz start = GetCurrentTimestamp();
    for (;;) {
        int read_pid = 0, replay_pid = 0;
        WorkerPids(source_id, &read_pid, &replay_pid);
        if (read_pid == 0 && replay_pid == 0)
            PG_RETURN_BOOL(true);
        for (int pid : {read_pid, replay_pid}) {
            if (pid != 0)
                kill(pid, SIGTERM);
        }
        if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(), timeout_ms))
            PG_RETURN_BOOL(false);
        PgCall([] {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 20, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
            CHECK_FOR_INTERRUPTS();
        });
    }
}

// chameleon.wait_for_source(source, timeout): true once everything MySQL had committed when the call
// started has been replayed. The replayed frontier is the start of the source's oldest batch not
// replayed yet: everything before it is applied (the read worker moves an empty batch's start along
// while the source is idle).
CHAMELEON_FUNCTION(chameleon_wait_for_source) {
    const std::string source = TextArg(fcinfo, 0, "source");
    double timeout_s = 300;
    if (!PG_ARGISNULL(1)) {
        Interval *iv = PG_GETARG_INTERVAL_P(1);
        timeout_s = static_cast<double>(iv->time) / 1e6 + iv->day * 86400.0 + iv->month * 30 * 86400.0;
    }
    SpiConnect();
    std::vector<SpiRow> rows = SpiQuery("SELECT i_id_source, enm_status::text FROM sch_chameleon.t_sources "
                                        "WHERE t_source = $1",
                                        {source});
    if (rows.empty())
        throw Error("source \"" + source + "\" does not exist", sqlstate::kUndefinedObject, "",
                    "sch_chameleon.v_sources lists the sources.");
    const std::string id = rows[0][0].value_or("0");
    if (rows[0][1] == SpiValue("error")) {
        SpiValue last =
            SpiQueryValue("SELECT t_error_message FROM sch_chameleon.t_error_log WHERE i_id_source = "
                          "$1::bigint ORDER BY i_id_log DESC LIMIT 1",
                          {id});
        throw Error("source \"" + source + "\" is in error: " + last.value_or("(see sch_chameleon.v_errors)"),
                    sqlstate::kObjectNotInPrerequisiteState, "",
                    "sch_chameleon.v_errors says why; chameleon.enable_replica() resets the source.");
    }
    if (rows[0][1] != SpiValue("running"))
        throw Error("source \"" + source + "\" is " + rows[0][1].value_or("?") + ": nothing replicates it",
                    sqlstate::kObjectNotInPrerequisiteState, "", "Start it with chameleon.start_replica().");
    ReplicaSource src = LoadReplicaSource(std::stoll(id));
    mysql::BinlogCoordinates target;
    {
        mysql::Connection conn = mysql::Connection::Open(ConnectParamsOf(src.settings), LatchWaiter(nullptr));
        target = mysql::ReadBinlogCoordinates(conn);
    }
    const TimestampTz start = GetCurrentTimestamp();
    for (;;) {
        std::vector<SpiRow> state = SpiQuery(
            "SELECT src.enm_status::text, bat.t_binlog_name, bat.i_binlog_position, "
            "(SELECT t_error_message FROM sch_chameleon.t_error_log e WHERE e.i_id_source = src.i_id_source "
            " ORDER BY i_id_log DESC LIMIT 1) FROM sch_chameleon.t_sources src "
            "LEFT JOIN LATERAL (SELECT t_binlog_name, i_binlog_position FROM sch_chameleon.t_replica_batch b "
            " WHERE b.i_id_source = src.i_id_source AND NOT b.b_replayed ORDER BY b.i_id_batch LIMIT 1) bat "
            "ON true "
            "WHERE src.i_id_source = $1::bigint",
            {id});
        if (state.empty())
            throw Error("source \"" + source + "\" was dropped while waiting", sqlstate::kUndefinedObject);
        const std::string status = state[0][0].value_or("");
        if (status == "error")
            throw Error("source \"" + source +
                            "\" is in error: " + state[0][3].value_or("(see sch_chameleon.v_errors)"),
                        sqlstate::kObjectNotInPrerequisiteState, "",
                        "sch_chameleon.v_errors says why; chameleon.enable_replica() resets the source.");
        if (status != "running")
            throw Error("source \"" + source + "\" is " + status + ": nothing replicates it",
                        sqlstate::kObjectNotInPrerequisiteState, "",
                        "Start it with chameleon.start_replica().");
        if (state[0][1] &&
            mysql::binlog::CompareBinlogPositions(*state[0][1], std::stoull(state[0][2].value_or("0")),
                                                  target.file, target.position) >= 0) {
            // Caught up; but a table disabled by a replay error (on_error_replay: continue) is not
            // replicated: a cut-over must not take it for a copy of MySQL.
            SpiValue disabled = SpiQueryValue(
                "SELECT string_agg(format('%I.%I', v_schema_name, v_table_name), ', ' ORDER BY 1) "
                "FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint AND NOT "
                "b_replica_enabled",
                {id});
            SpiFinish();
            if (disabled) {
                const std::string list = *disabled;
                PgCall([&] {
                    ereport(WARNING,
                            (errmsg("source \"%s\" is caught up, but these tables are not replicated since a "
                                    "replay error: %s",
                                    source.c_str(), list.c_str()),
                             errhint("sch_chameleon.v_errors says why; copy them again with "
                                     "chameleon.sync_tables('%s', ARRAY['disabled']).",
                                     source.c_str())));
                });
            }
            PG_RETURN_BOOL(true);
        }
        if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(), static_cast<int>(timeout_s * 1000))) {
            SpiFinish();
            PG_RETURN_BOOL(false);
        }
        PgCall([] {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 50, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
            CHECK_FOR_INTERRUPTS();
        });
    }
}
