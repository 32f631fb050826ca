// Shared state of the replication engine (see shared.hpp) and its GUCs.
#include "pg/replica/shared.hpp"

#include <cstring>

extern "C" {
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/guc.h"
}

namespace chameleon::pg {

namespace {

struct ReplicaShared {
    slock_t mutex;
    int32 launcher_pid;
    Latch *launcher_latch;
    ReplicaSlot slots[kMaxReplicaSources];
};

ReplicaShared *shared = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;
char *database_guc = nullptr;
int batch_latency_ms = 100;

void ReplicaShmemRequest(void) {
    if (previous_request_hook != nullptr)
        previous_request_hook();
    RequestAddinShmemSpace(MAXALIGN(sizeof(ReplicaShared)));
}

void ReplicaShmemStartup(void) {
    if (previous_startup_hook != nullptr)
        previous_startup_hook();
    bool found = false;
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    shared = static_cast<ReplicaShared *>(
        ShmemInitStruct("chameleon replica slots", sizeof(ReplicaShared), &found));
    if (!found) {
        memset(shared, 0, sizeof(ReplicaShared));
        SpinLockInit(&shared->mutex);
    }
    LWLockRelease(AddinShmemInitLock);
}

ReplicaSlot *FindLocked(int64 source_id) {
    for (ReplicaSlot &slot : shared->slots) {
        if (slot.source_id == source_id)
            return &slot;
    }
    return nullptr;
}

void RegisterLauncher() {
    BackgroundWorker w;
    memset(&w, 0, sizeof w);
    w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    w.bgw_start_time = BgWorkerStart_RecoveryFinished;
    w.bgw_restart_time = 5;
    strlcpy(w.bgw_library_name, "chameleon", BGW_MAXLEN);
    strlcpy(w.bgw_function_name, "chameleon_launcher_main", BGW_MAXLEN);
    strlcpy(w.bgw_name, "chameleon launcher", BGW_MAXLEN);
    strlcpy(w.bgw_type, "chameleon launcher", BGW_MAXLEN);
    RegisterBackgroundWorker(&w);
}

} // namespace

const char *ReplicaWorkerStateName(ReplicaWorkerState state) {
    switch (state) {
        case ReplicaWorkerState::kNone:
            return "stopped";
        case ReplicaWorkerState::kStarting:
            return "starting";
        case ReplicaWorkerState::kStreaming:
            return "streaming";
        case ReplicaWorkerState::kApplying:
            return "applying";
        case ReplicaWorkerState::kWaiting:
            return "waiting";
        case ReplicaWorkerState::kBackoff:
            return "backoff";
        case ReplicaWorkerState::kError:
            return "error";
    }
    return "unknown";
}

void SetLauncher(int pid, Latch *latch) {
    SpinLockAcquire(&shared->mutex);
    shared->launcher_pid = pid;
    shared->launcher_latch = latch;
    SpinLockRelease(&shared->mutex);
}

void WakeLauncher() {
    if (shared == nullptr)
        return;
    SpinLockAcquire(&shared->mutex);
    Latch *latch = shared->launcher_latch;
    SpinLockRelease(&shared->mutex);
    if (latch != nullptr)
        SetLatch(latch);
}

void LockReplicaShared() {
    SpinLockAcquire(&shared->mutex);
}

void UnlockReplicaShared() {
    SpinLockRelease(&shared->mutex);
}

ReplicaSlot *AcquireReplicaSlot(int64 source_id, const std::string &source) {
    SpinLockAcquire(&shared->mutex);
    ReplicaSlot *slot = FindLocked(source_id);
    if (slot == nullptr) {
        for (ReplicaSlot &s : shared->slots) {
            if (s.source_id == 0) {
                memset(&s, 0, sizeof s);
                s.source_id = source_id;
                slot = &s;
                break;
            }
        }
    }
    if (slot != nullptr)
        strlcpy(slot->source, source.c_str(), sizeof slot->source);
    SpinLockRelease(&shared->mutex);
    return slot;
}

ReplicaSlot *FindReplicaSlot(int64 source_id) {
    SpinLockAcquire(&shared->mutex);
    ReplicaSlot *slot = FindLocked(source_id);
    SpinLockRelease(&shared->mutex);
    return slot;
}

void FreeReplicaSlot(int64 source_id) {
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id))
        slot->source_id = 0;
    SpinLockRelease(&shared->mutex);
}

void SetWorkerState(int64 source_id, ReplicaRole role, ReplicaWorkerState state) {
    // pg_stat_activity shows it too (state and query columns of the worker).
    pgstat_report_activity(state == ReplicaWorkerState::kWaiting ? STATE_IDLE : STATE_RUNNING,
                           ReplicaWorkerStateName(state));
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id)) {
        ReplicaWorkerSlot &w = slot->workers[static_cast<int>(role)];
        w.state = static_cast<uint32>(state);
        if (state == ReplicaWorkerState::kStreaming || state == ReplicaWorkerState::kApplying ||
            state == ReplicaWorkerState::kWaiting) {
            w.pid = MyProcPid;
            w.latch = MyLatch;
        }
    }
    SpinLockRelease(&shared->mutex);
}

void SetWorkerError(int64 source_id, ReplicaRole role, ReplicaWorkerState state, const std::string &message) {
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id)) {
        ReplicaWorkerSlot &w = slot->workers[static_cast<int>(role)];
        w.state = static_cast<uint32>(state);
        strlcpy(w.last_error, message.c_str(), sizeof w.last_error);
    }
    SpinLockRelease(&shared->mutex);
}

void ClearWorkerFailures(int64 source_id, ReplicaRole role) {
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id)) {
        ReplicaWorkerSlot &w = slot->workers[static_cast<int>(role)];
        w.failures = 0;
        w.last_error[0] = '\0';
    }
    SpinLockRelease(&shared->mutex);
}

void ClearWorkerPid(int64 source_id, ReplicaRole role, int pid) {
    if (shared == nullptr)
        return;
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id)) {
        ReplicaWorkerSlot &w = slot->workers[static_cast<int>(role)];
        if (w.pid == pid) {
            w.pid = 0;
            w.latch = nullptr;
        }
    }
    SpinLockRelease(&shared->mutex);
}

void WakeWorker(int64 source_id, ReplicaRole role) {
    Latch *latch = nullptr;
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id)) {
        ReplicaWorkerSlot &w = slot->workers[static_cast<int>(role)];
        if (w.pid != 0)
            latch = w.latch;
    }
    SpinLockRelease(&shared->mutex);
    if (latch != nullptr)
        SetLatch(latch);
}

void RequestStop(int64 source_id, int requester_pid) {
    SpinLockAcquire(&shared->mutex);
    if (ReplicaSlot *slot = FindLocked(source_id))
        slot->stop_requested_by = requester_pid;
    SpinLockRelease(&shared->mutex);
}

void ReleaseStops(int requester_pid) {
    if (shared == nullptr)
        return;
    SpinLockAcquire(&shared->mutex);
    for (ReplicaSlot &slot : shared->slots) {
        if (slot.source_id != 0 && slot.stop_requested_by == requester_pid)
            slot.stop_requested_by = 0;
    }
    SpinLockRelease(&shared->mutex);
}

bool StopRequested(int64 source_id) {
    SpinLockAcquire(&shared->mutex);
    ReplicaSlot *slot = FindLocked(source_id);
    bool requested = slot != nullptr && slot->stop_requested_by != 0;
    SpinLockRelease(&shared->mutex);
    return requested;
}

void WorkerPids(int64 source_id, int *read_pid, int *replay_pid) {
    SpinLockAcquire(&shared->mutex);
    ReplicaSlot *slot = FindLocked(source_id);
    *read_pid = slot != nullptr ? slot->workers[0].pid : 0;
    *replay_pid = slot != nullptr ? slot->workers[1].pid : 0;
    SpinLockRelease(&shared->mutex);
}

std::vector<ReplicaSlotCopy> SnapshotReplicaSlots() {
    std::vector<ReplicaSlotCopy> out;
    if (shared == nullptr)
        return out;
    ReplicaSlot copy[kMaxReplicaSources];
    SpinLockAcquire(&shared->mutex);
    memcpy(copy, shared->slots, sizeof copy);
    SpinLockRelease(&shared->mutex);
    for (const ReplicaSlot &s : copy) {
        if (s.source_id == 0)
            continue;
        ReplicaSlotCopy c;
        c.source_id = s.source_id;
        c.source = std::string(s.source, strnlen(s.source, sizeof s.source));
        for (int r = 0; r < 2; ++r) {
            c.pid[r] = s.workers[r].pid;
            c.state[r] = static_cast<ReplicaWorkerState>(s.workers[r].state);
            c.last_error[r] =
                std::string(s.workers[r].last_error, strnlen(s.workers[r].last_error, kReplicaErrorBytes));
        }
        out.push_back(std::move(c));
    }
    return out;
}

const char *ReplicaDatabase() {
    return database_guc != nullptr && database_guc[0] != '\0' ? database_guc : "postgres";
}

int ReplicaBatchLatencyMs() {
    return batch_latency_ms;
}

void ReplicaModuleInit() {
    DefineCustomStringVariable("chameleon.database", "Database holding chameleon's replica catalogue.",
                               "The launcher background worker connects to it and starts the replication "
                               "workers of its running sources.",
                               &database_guc, "postgres", PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "chameleon.batch_latency", "How long a batch of replicated rows may stay open.",
        "A batch closes at the first source transaction boundary after this time (or after "
        "replica_batch_size rows), so replay lag stays bounded on a busy source.",
        &batch_latency_ms, 100, 10, 60000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr, nullptr);
    if (process_shared_preload_libraries_in_progress) {
        previous_request_hook = shmem_request_hook;
        shmem_request_hook = ReplicaShmemRequest;
        previous_startup_hook = shmem_startup_hook;
        shmem_startup_hook = ReplicaShmemStartup;
        RegisterLauncher();
    }
}

} // namespace chameleon::pg
