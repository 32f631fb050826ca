// Shared state of the replication engine: one slot per source that has (or had) workers, kept
// in the main shared memory (shared_preload_libraries). The launcher owns the slots; the workers
// write their pid, state and last error in theirs; SQL functions read them (v_status) and ask
// for a stop.
//
// Plain C structs over shared memory, guarded by one spinlock: no C++ object lives here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {

inline constexpr int kMaxReplicaSources = 64;
inline constexpr int kReplicaErrorBytes = 1024;
inline constexpr int kSourceNameBytes = 64;

enum class ReplicaRole : int32 { kRead = 0, kReplay = 1 };

// What a worker is doing, for v_status.
enum class ReplicaWorkerState : uint32 {
    kNone = 0,      // no worker
    kStarting = 1,  // registered, not yet running
    kStreaming = 2, // read worker: reading the binlog
    kApplying = 3,  // replay worker: applying a batch
    kWaiting = 4,   // idle: nothing to do, or paused
    kBackoff = 5,   // exited on a transient failure; the launcher restarts it later
    kError = 6,     // stopped on an error (the source is in error)
};

const char *ReplicaWorkerStateName(ReplicaWorkerState state);

struct ReplicaWorkerSlot {
    int32 pid;              // 0 when not running
    uint32 state;           // ReplicaWorkerState
    int32 failures;         // consecutive transient failures (backoff grows with it)
    TimestampTz restart_at; // a worker in backoff starts again after this
    Latch *latch;           // the worker's latch while it runs (replay: woken by the reader)
    char last_error[kReplicaErrorBytes];
};

struct ReplicaSlot {
    int64 source_id; // 0: free
    char source[kSourceNameBytes];
    int32 stop_requested_by; // pid of a backend stopping this source (0: none)
    ReplicaWorkerSlot workers[2];
};

// Pid of the launcher and its latch; set by the launcher.
void SetLauncher(int pid, Latch *latch);
// Wakes the launcher (SQL functions call it at commit).
void WakeLauncher();

// The slot of source_id, created if needed (launcher); nullptr when there is no room.
ReplicaSlot *AcquireReplicaSlot(int64 source_id, const std::string &source);
ReplicaSlot *FindReplicaSlot(int64 source_id);
void FreeReplicaSlot(int64 source_id);
void LockReplicaShared();
void UnlockReplicaShared();

// The worker side: records state and errors in its own slot.
void SetWorkerState(int64 source_id, ReplicaRole role, ReplicaWorkerState state);
void SetWorkerError(int64 source_id, ReplicaRole role, ReplicaWorkerState state, const std::string &message);
void ClearWorkerFailures(int64 source_id, ReplicaRole role);
// At a worker's exit: its pid leaves the slot (stop_replica waits for that).
void ClearWorkerPid(int64 source_id, ReplicaRole role, int pid);
// Wakes the other worker of the same source (the reader wakes the replayer after a batch).
void WakeWorker(int64 source_id, ReplicaRole role);

// Requests / releases a stop of a source's workers by this backend (stop_replica).
void RequestStop(int64 source_id, int requester_pid);
void ReleaseStops(int requester_pid);
bool StopRequested(int64 source_id);
// Pids of the live workers of a source (0 when none).
void WorkerPids(int64 source_id, int *read_pid, int *replay_pid);

// A copy of every slot, for the views.
struct ReplicaSlotCopy {
    int64 source_id;
    std::string source;
    int pid[2];
    ReplicaWorkerState state[2];
    std::string last_error[2];
};
std::vector<ReplicaSlotCopy> SnapshotReplicaSlots();

// GUCs and shared memory (called from _PG_init).
void ReplicaModuleInit();
// The database the launcher works in (chameleon.database).
const char *ReplicaDatabase();
// Milliseconds a batch with rows may stay open before it closes at the next transaction boundary.
int ReplicaBatchLatencyMs();

} // namespace chameleon::pg
