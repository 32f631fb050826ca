// The launcher: a static background worker (registered from shared_preload_libraries) that owns
// every replication worker. Once a second, or when a SQL function or a worker wakes it, it reads
// the sources of the catalogue in chameleon.database and makes the workers match: a read worker
// and a replay worker for each source whose status is `running`, none for the others. A worker
// that exits while its source should run is started again after a growing delay (1 s, 2 s, 4 s
// ... 60 s); its last error stays visible in sch_chameleon.v_status meanwhile.
#include "ddl/pg_text.hpp"

#include "pg/copy/dependents.hpp"
#include "pg/copy/shared.hpp"
#include "pg/guard.hpp"
#include "pg/replica/shared.hpp"
#include "pg/spi_util.hpp"

#include <map>
#include <set>
#include <string>

extern "C" {
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"

PGDLLEXPORT void chameleon_launcher_main(Datum main_arg);
}

namespace chameleon::pg {

namespace {

struct Workers {
    BackgroundWorkerHandle *handle[2] = {nullptr, nullptr};
};

constexpr long kIdleWaitMs = 1000;
constexpr long kNoCatalogueWaitMs = 5000;

long BackoffMs(int failures) {
    long ms = 1000;
    for (int i = 1; i < failures && ms < 60000; ++i)
        ms *= 2;
    return ms > 60000 ? 60000 : ms;
}

bool StartWorker(int64 source_id, const std::string &source, ReplicaRole role,
                 BackgroundWorkerHandle **handle) {
    BackgroundWorker w;
    memset(&w, 0, sizeof w);
    w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    w.bgw_start_time = BgWorkerStart_RecoveryFinished;
    w.bgw_restart_time = BGW_NEVER_RESTART;
    strlcpy(w.bgw_library_name, "chameleon", BGW_MAXLEN);
    const bool read = role == ReplicaRole::kRead;
    strlcpy(w.bgw_function_name, read ? "chameleon_read_worker_main" : "chameleon_replay_worker_main",
            BGW_MAXLEN);
    snprintf(w.bgw_name, BGW_MAXLEN, "chameleon %s %s", read ? "read" : "replay", source.c_str());
    strlcpy(w.bgw_type, w.bgw_name, BGW_MAXLEN);
    w.bgw_main_arg = Int64GetDatum(source_id);
    w.bgw_notify_pid = MyProcPid;
    return RegisterDynamicBackgroundWorker(&w, handle);
}

bool Alive(BackgroundWorkerHandle *handle) {
    pid_t pid = 0;
    return handle != nullptr && GetBackgroundWorkerPid(handle, &pid) != BGWH_STOPPED;
}

class Launcher {
public:
    void Run() {
        for (;;) {
            long wait = Step();
            int rc =
                WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait, PG_WAIT_EXTENSION);
            (void)rc;
            ResetLatch(MyLatch);
            CHECK_FOR_INTERRUPTS();
            if (ConfigReloadPending) {
                ConfigReloadPending = false;
                ProcessConfigFile(PGC_SIGHUP);
            }
        }
    }

private:
    struct SourceRow {
        int64 id;
        std::string name;
        bool running;
        bool copying; // status initialising or syncing
    };

    // A source initialising or syncing with no copy run alive (the run registry lives in shared
    // memory: a crash or restart of PostgreSQL empties it, and a run holds its slot until its final
    // status is written) was interrupted: say so in its status and t_error_log, and drop the loading
    // schemas chameleon made for it. init_replica / sync_tables start clean after that.
    void RecoverInterruptedCopies(const std::vector<SourceRow> &sources) {
        std::vector<CopyRegistrySlot> runs(kMaxCopyRuns);
        const int nruns = PgCall([&] { return SnapshotRegistry(runs.data(), kMaxCopyRuns); });
        for (const SourceRow &s : sources) {
            if (!s.copying)
                continue;
            bool alive = false;
            for (int i = 0; i < nruns; ++i)
                alive = alive || runs[i].source_id == s.id;
            if (alive)
                continue;
            try {
                BeginWorkerTransaction();
                const std::string id = std::to_string(s.id);
                SpiValue status = SpiQueryValue(
                    "UPDATE sch_chameleon.t_sources SET enm_status = 'error' WHERE i_id_source = $1::bigint "
                    "AND enm_status IN ('initialising', 'syncing') RETURNING (SELECT enm_status::text FROM "
                    "sch_chameleon.t_sources WHERE i_id_source = $1::bigint)",
                    {id});
                if (status) {
                    std::vector<std::string> dropped;
                    for (const SpiRow &r : SpiQuery("SELECT nspname FROM pg_catalog.pg_namespace WHERE "
                                                    "pg_catalog.obj_description(oid, 'pg_namespace') = $1 "
                                                    "ORDER BY nspname",
                                                    {WorkSchemaMark("loading", s.name)})) {
                        SpiExecute("DROP SCHEMA " + ddl::QuoteIdent(*r[0]) + " CASCADE");
                        dropped.push_back(*r[0]);
                    }
                    std::string message = "the copy of source \"" + s.name + "\" (status " + *status +
                                          ") was interrupted: PostgreSQL restarted or a copy worker died";
                    message += dropped.empty() ? "" : "; its loading schemas were dropped";
                    for (size_t i = 0; i < dropped.size(); ++i)
                        message += (i == 0 ? " (" : ", ") + dropped[i] + (i + 1 == dropped.size() ? ")" : "");
                    message += "; run it again";
                    SpiExecute(
                        "INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, "
                        "v_schema_name, t_table_pkey, t_binlog_name, i_binlog_position, ts_error, "
                        "t_error_message, t_sqlstate) VALUES (0, $1::bigint, '', '', '', '', 0, "
                        "pg_catalog.clock_timestamp(), $2, '57P01')",
                        {id, message});
                    elog(LOG, "chameleon launcher: %s", message.c_str());
                }
                CommitWorkerTransaction();
            } catch (const PgError &e) {
                AbortWorkerTransaction();
                elog(LOG, "chameleon launcher: cannot mark the interrupted copy of source \"%s\": %s",
                     s.name.c_str(), e.what());
            }
        }
    }

    // One pass; returns how long to sleep.
    long Step() {
        std::vector<SourceRow> sources;
        bool catalogue = false;
        try {
            BeginWorkerTransaction();
            SpiValue version =
                SpiQueryValue("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'chameleon'");
            catalogue = version.has_value() && *version == "2.1";
            if (catalogue) {
                for (const SpiRow &r : SpiQuery("SELECT i_id_source, t_source, enm_status::text "
                                                "FROM sch_chameleon.t_sources ORDER BY i_id_source")) {
                    const std::string status = r[2].value_or("");
                    sources.push_back(SourceRow{std::stoll(*r[0]), *r[1], status == "running",
                                                status == "initialising" || status == "syncing"});
                }
            }
            CommitWorkerTransaction();
        } catch (const PgError &e) {
            AbortWorkerTransaction();
            elog(LOG, "chameleon launcher: cannot read the catalogue: %s", e.what());
            catalogue = false;
        }
        if (catalogue)
            RecoverInterruptedCopies(sources);
        pgstat_report_activity(STATE_IDLE, nullptr);

        std::set<int64> seen;
        long wait = catalogue ? kIdleWaitMs : kNoCatalogueWaitMs;
        const TimestampTz now = GetCurrentTimestamp();
        for (const SourceRow &s : sources) {
            seen.insert(s.id);
            ReplicaSlot *slot = AcquireReplicaSlot(s.id, s.name);
            if (slot == nullptr) {
                elog(WARNING, "chameleon launcher: no room for source \"%s\" (at most %d sources)",
                     s.name.c_str(), kMaxReplicaSources);
                continue;
            }
            const bool want = s.running && !StopRequested(s.id);
            Workers &w = workers_[s.id];
            for (int r = 0; r < 2; ++r) {
                const auto role = static_cast<ReplicaRole>(r);
                Reap(slot, w, r, want, now);
                const bool alive = Alive(w.handle[r]);
                if (want && !alive) {
                    LockReplicaShared();
                    const TimestampTz restart_at = slot->workers[r].restart_at;
                    UnlockReplicaShared();
                    if (restart_at > now) {
                        long ms = (restart_at - now) / 1000 + 1;
                        wait = std::min(wait, ms);
                        continue;
                    }
                    if (!StartWorker(s.id, s.name, role, &w.handle[r])) {
                        SetWorkerError(s.id, role, ReplicaWorkerState::kBackoff,
                                       "could not start a background worker: raise max_worker_processes");
                        LockReplicaShared();
                        slot->workers[r].restart_at = TimestampTzPlusMilliseconds(now, 5000);
                        UnlockReplicaShared();
                        w.handle[r] = nullptr;
                    } else {
                        LockReplicaShared();
                        slot->workers[r].state = static_cast<uint32>(ReplicaWorkerState::kStarting);
                        UnlockReplicaShared();
                    }
                } else if (!want && alive) {
                    TerminateBackgroundWorker(w.handle[r]);
                }
            }
        }
        // Sources that are gone: stop their workers and free their slots once they have exited.
        for (auto it = workers_.begin(); it != workers_.end();) {
            if (seen.count(it->first) > 0) {
                ++it;
                continue;
            }
            bool any = false;
            for (BackgroundWorkerHandle *h : it->second.handle) {
                if (Alive(h)) {
                    TerminateBackgroundWorker(h);
                    any = true;
                }
            }
            if (any) {
                ++it;
                continue;
            }
            FreeReplicaSlot(it->first);
            it = workers_.erase(it);
        }
        return wait;
    }

    // A worker that has exited: forget its handle; when its source should still run, schedule
    // a restart after the backoff delay.
    void Reap(ReplicaSlot *slot, Workers &w, int r, bool want, TimestampTz now) {
        if (w.handle[r] == nullptr || Alive(w.handle[r]))
            return;
        pfree(w.handle[r]);
        w.handle[r] = nullptr;
        LockReplicaShared();
        ReplicaWorkerSlot &ws = slot->workers[r];
        ws.pid = 0;
        ws.latch = nullptr;
        const auto state = static_cast<ReplicaWorkerState>(ws.state);
        if (want && state != ReplicaWorkerState::kError) {
            ws.failures++;
            ws.restart_at = TimestampTzPlusMilliseconds(now, BackoffMs(ws.failures));
            ws.state = static_cast<uint32>(ReplicaWorkerState::kBackoff);
            if (ws.last_error[0] == '\0')
                strlcpy(ws.last_error, "the worker exited (killed, or the server is shutting down)",
                        sizeof ws.last_error);
        } else if (state != ReplicaWorkerState::kError) {
            ws.state = static_cast<uint32>(ReplicaWorkerState::kNone);
            ws.restart_at = 0;
            ws.failures = 0;
        }
        UnlockReplicaShared();
    }

    std::map<int64, Workers> workers_;
};

void LauncherBody(void *) {
    Launcher launcher;
    launcher.Run();
}

} // namespace

} // namespace chameleon::pg

void chameleon_launcher_main(Datum main_arg) {
    (void)main_arg;
    pqsignal(SIGTERM, die);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnection(chameleon::pg::ReplicaDatabase(), nullptr, 0);
    pgstat_report_appname("chameleon launcher");
    chameleon::pg::SetLauncher(MyProcPid, MyLatch);
    MemoryContext context =
        AllocSetContextCreate(TopMemoryContext, "chameleon launcher", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(context);
    chameleon::pg::RunGuardedVoid("chameleon launcher", chameleon::pg::LauncherBody, nullptr);
}
