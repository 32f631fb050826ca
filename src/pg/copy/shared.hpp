// Shared state of the copy family (init_replica, sync_tables, refresh_schema, copy_schema).
//
// A run lives in one dynamic shared memory segment created by the calling backend (the
// "conductor"): a header (phase, abort flag, first error, NOTICE ring, worker slots), one
// CopyTableShared per table (state, rows copied, snapshot coordinates), the order in which tables
// are claimed, and the serialized plan. Copy workers attach to it. A small fixed registry in the
// main shared memory (shared_preload_libraries) lists the runs in progress, so that any session
// can read sch_chameleon.v_progress and two runs of one source cannot overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" {
#include "postgres.h"
#include "port/atomics.h"
#include "storage/dsm.h"
#include "storage/spin.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {

inline constexpr uint32 kCopyRunMagic = 0x43504D52; // "CPMR"
inline constexpr int kMaxCopyWorkers = 32;
inline constexpr int kMaxCopyRuns = 16;
inline constexpr int kCopyMessageSlots = 64;
inline constexpr int kCopyMessageBytes = 1024;
inline constexpr int kBinlogFileBytes = 256;

enum class RunPhase : uint32 {
    kStarting = 0,
    kPreparing = 1,
    kCopying = 2,
    kFinishing = 3,
    kDone = 4,      // final: success
    kFailed = 5,    // final: error, cleaned up
    kCancelled = 6, // final: cancelled, cleaned up
};

enum class AbortReason : uint32 {
    kNone = 0,
    kCancel = 1, // the caller cancelled (or went away): restore the previous state
    kError = 2,  // a failure: status error, message in t_error_log
};

enum class TableState : uint32 {
    kPending = 0,
    kSnapshot = 1, // waiting for the MySQL lock / taking the snapshot
    kCopying = 2,
    kIndexing = 3,
    kDone = 4,
    kFailed = 5,
};

enum class WorkerState : uint32 {
    kNotStarted = 0,
    kRunning = 1,
    kExited = 2, // returned normally (after recording any error)
};

// Roles a worker is started in (bgw_extra).
enum class WorkerRole : int32 {
    kLeader = 0,  // prepares, copies, finishes (or cleans up)
    kCopier = 1,  // copies
    kCleanup = 2, // only cleans up a run whose leader died
};

struct CopyWorkerSlot {
    pg_atomic_uint32 state; // WorkerState
    int32 pid;
    int32 table; // table being copied, -1 when none
};

// Splitting a table by key ranges (protected by CopyRunShared::mutex).
enum class SplitState : uint32 {
    kUndecided = 0,  // not claimed yet, or its leader is taking the snapshot
    kRecruiting = 1, // the table is locked in MySQL: idle workers may take a snapshot and join
    kClosing = 2,    // no new joiner; waiting for the joiners' snapshots before unlocking
    kClosed = 3,     // decided (split or not)
};

struct CopyTableShared {
    pg_atomic_uint64 rows;           // rows copied so far
    pg_atomic_uint32 state;          // TableState
    int32 worker;                    // worker copying it (the split leader), -1 before
    pg_atomic_uint64 rows_discarded; // bad rows sent to t_discarded_rows (skip mode)
    pg_atomic_uint64 nul_stripped;   // values stored without their NUL bytes (nul_bytes: strip)
    // Range split (see SplitState): under CopyRunShared::mutex unless atomic.
    SplitState split_state;
    int32 split_joining;      // workers that started joining
    int32 split_joined;       // workers whose snapshot exists
    int32 split_participants; // 1 + joined, once closed
    int32 split_parts;        // ranges asked of SplitRanges
    char split_lo[48];
    char split_hi[48];
    pg_atomic_uint32 next_part;
    pg_atomic_uint32 participants_done;
    pg_atomic_uint64 rows_loaded;
    TimestampTz copy_started;   // 0 before
    TimestampTz copy_finished;  // rows loaded
    TimestampTz index_finished; // indexes built, committed
    uint64 binlog_position;
    char binlog_file[kBinlogFileBytes];
    uint32 gtid_offset; // into the string area
    uint32 gtid_length;
};

struct CopyMessage {
    int32 elevel; // NOTICE, WARNING, INFO
    char text[kCopyMessageBytes];
};

struct CopyRunShared {
    uint32 magic;
    uint64 run_id;
    Oid database;
    Oid user;
    int32 conductor_pid;
    int32 conductor_procno; // PGPROC number, to set its latch
    int32 nworkers;
    int32 ntables;
    int64 source_id;
    TimestampTz started_at;
    char previous_status[32]; // source status before the run (restored on cancellation)
    int32 failed_table;       // table whose copy failed first, -1 when none
    uint32 dependents_policy; // DependentsPolicy: chameleon.copy_dependents of the caller

    pg_atomic_uint32 phase;        // RunPhase
    pg_atomic_uint32 abort;        // AbortReason
    pg_atomic_uint32 next_table;   // next index into the claim order
    pg_atomic_uint32 tables_done;  // tables loaded and committed
    pg_atomic_uint64 total_rows;   // sum of the tables' rows at the end of each table
    pg_atomic_uint32 busy_workers; // workers copying a table (or part of one) right now
    pg_atomic_uint32 committed;    // 1 once the leader's final transaction committed: the copy happened

    slock_t mutex; // error, messages, string area
    bool has_error;
    char sqlstate[6];
    char message[4096];
    char detail[4096];
    char hint[1024];
    char context[2048];

    uint32 message_head; // next slot to write
    uint32 message_tail; // next slot the conductor reads
    CopyMessage messages[kCopyMessageSlots];

    CopyWorkerSlot workers[kMaxCopyWorkers];

    uint32 strings_used;
    uint32 strings_size;
    Size tables_offset;  // CopyTableShared[ntables]
    Size order_offset;   // int32[ntables]: claim order
    Size strings_offset; // char[strings_size]
    Size plan_offset;    // serialized plan
    Size plan_size;
};

// Size of a run segment.
Size CopyRunSize(int ntables, Size strings_size, Size plan_size);

inline CopyTableShared *RunTables(CopyRunShared *run) {
    return reinterpret_cast<CopyTableShared *>(reinterpret_cast<char *>(run) + run->tables_offset);
}
inline int32 *RunOrder(CopyRunShared *run) {
    return reinterpret_cast<int32 *>(reinterpret_cast<char *>(run) + run->order_offset);
}
inline char *RunStrings(CopyRunShared *run) {
    return reinterpret_cast<char *>(run) + run->strings_offset;
}
inline const char *RunPlan(CopyRunShared *run) {
    return reinterpret_cast<char *>(run) + run->plan_offset;
}

// Initialises a freshly created segment (zeroed by the caller).
void InitCopyRun(CopyRunShared *run, int ntables, Size strings_size, Size plan_size);

// Records the first error of the run (later ones are dropped) and requests an abort.
void RecordRunError(CopyRunShared *run, const char *sqlstate, const char *message, const char *detail,
                    const char *hint, const char *context);
// Requests an abort without an error (cancellation). The first reason wins.
void RequestRunAbort(CopyRunShared *run, AbortReason reason);
// Queues a message for the conductor to show (dropped when the ring is full).
void PostRunMessage(CopyRunShared *run, int elevel, const char *text);
// Stores the GTID set of table `t` in the string area, once for identical sets; returns false when
// it does not fit (the caller fails the run: a set is never dropped).
bool StoreTableGtid(CopyRunShared *run, int t, const char *text, uint32 length);
// Wakes the conductor.
void WakeConductor(CopyRunShared *run);

// ---- the registry of runs in progress (main shared memory) ----

struct CopyRegistrySlot {
    bool in_use;
    int64 source_id;
    uint64 run_id;
    dsm_handle handle;
    int32 conductor_pid;
    char source[NAMEDATALEN * 2];
    char operation[32];
};

// Claims a slot for `source_id`; returns -1 when another run of the source is alive (its segment
// still exists, or it is being planned by a live backend), -2 when all slots are busy. Stale slots
// are reclaimed. The conductor claims its slot before planning, with DSM_HANDLE_INVALID (the run is
// being planned: alive while the claiming backend is), and sets the segment once it exists.
int ClaimRegistrySlot(int64 source_id, uint64 run_id, dsm_handle handle, const char *source,
                      const char *operation);
// The segment of a run claimed before planning.
void SetRegistrySlotHandle(int slot, uint64 run_id, dsm_handle handle);
// Frees a slot if it still belongs to run_id.
void ReleaseRegistrySlot(int slot, uint64 run_id);
// Copies the slots in use.
int SnapshotRegistry(CopyRegistrySlot *out, int max);
// True when the registry exists (chameleon is in shared_preload_libraries).
bool RegistryAvailable();

// Attaches to a run segment for reading, checking it is the run it should be; nullptr when gone.
// *attached says whether this call attached it (then the caller detaches) or it was already mapped.
dsm_segment *AttachRun(dsm_handle handle, uint64 run_id, CopyRunShared **run, bool *attached);

// Called from _PG_init: shared memory hooks (when preloaded) and the copy GUCs.
void CopyModuleInit();

// GUC chameleon.copy_progress_interval (seconds between progress NOTICEs; 0 = none).
int CopyProgressInterval();

// GUC chameleon.copy_split_rows: tables of at least this many rows (MySQL's estimate) with an
// integer primary key are split by key ranges among idle workers; 0 never splits.
int CopySplitRows();

// GUC chameleon.copy_binary: load in PostgreSQL's binary COPY format the tables whose every column
// type has a binary encoder (the others in text).
bool CopyBinary();

// Whether rows PostgreSQL refuses go to sch_chameleon.t_discarded_rows (true) or fail the run:
// the source's on_error_copy (exit | skip), unless GUC chameleon.copy_on_error overrides it for the
// session ('exit' or 'skip' instead of the default 'config').
bool CopySkipBadRows(const std::string &source_on_error_copy);

// GUC chameleon.copy_dependents: what a schema swap does with the objects chameleon did not create
// that depend on what it replaces: 'refuse' (default) or 'carry' (see dependents.hpp).
uint32 CopyDependentsPolicy();

} // namespace chameleon::pg
