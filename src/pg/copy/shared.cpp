// Shared state of the copy family: run segments and the registry of runs in progress.
// Everything here is C-style code over shared memory: no C++ object is alive across a call that
// can raise a PostgreSQL error.
#include "pg/copy/shared.hpp"

#include <cstring>

extern "C" {
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
#include "utils/guc.h"
}

namespace chameleon::pg {

namespace {

struct CopyRegistry {
    LWLock *lock;
    CopyRegistrySlot slots[kMaxCopyRuns];
};

CopyRegistry *registry = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;
int progress_interval = 10;
int copy_on_error = 0; // 0: the source's on_error_copy, 1 exit, 2 skip
int split_rows = 500000;
int copy_dependents = 0; // DependentsPolicy
const struct config_enum_entry copy_dependents_options[] = {
    {"refuse", 0, false}, {"carry", 1, false}, {nullptr, 0, false}};
bool copy_binary = true;
const struct config_enum_entry copy_on_error_options[] = {
    {"config", 0, false}, {"exit", 1, false}, {"skip", 2, false}, {nullptr, 0, false}};

void CopyShmemRequest(void) {
    if (previous_request_hook != nullptr)
        previous_request_hook();
    RequestAddinShmemSpace(MAXALIGN(sizeof(CopyRegistry)));
    RequestNamedLWLockTranche("chameleon_copy", 1);
}

void CopyShmemStartup(void) {
    if (previous_startup_hook != nullptr)
        previous_startup_hook();
    bool found = false;
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    registry =
        static_cast<CopyRegistry *>(ShmemInitStruct("chameleon copy registry", sizeof(CopyRegistry), &found));
    if (!found) {
        memset(registry, 0, sizeof(CopyRegistry));
        registry->lock = &(GetNamedLWLockTranche("chameleon_copy"))->lock;
    }
    LWLockRelease(AddinShmemInitLock);
}

Size AlignUp(Size size) {
    return MAXALIGN(size);
}

// Is the run of `slot` still alive (its segment exists and is that run)?
bool SlotAlive(const CopyRegistrySlot &slot) {
    if (slot.handle == DSM_HANDLE_INVALID) // being planned: alive while its backend is
        return slot.conductor_pid != 0 && BackendPidGetProc(slot.conductor_pid) != nullptr;
    CopyRunShared *run = nullptr;
    bool attached = false;
    dsm_segment *seg = AttachRun(slot.handle, slot.run_id, &run, &attached);
    if (seg == nullptr)
        return false;
    RunPhase phase = static_cast<RunPhase>(pg_atomic_read_u32(&run->phase));
    bool alive = phase != RunPhase::kDone && phase != RunPhase::kFailed && phase != RunPhase::kCancelled;
    if (attached)
        dsm_detach(seg);
    return alive;
}

} // namespace

Size CopyRunSize(int ntables, Size strings_size, Size plan_size) {
    Size size = AlignUp(sizeof(CopyRunShared));
    size = add_size(size, AlignUp(mul_size(sizeof(CopyTableShared), ntables)));
    size = add_size(size, AlignUp(mul_size(sizeof(int32), ntables)));
    size = add_size(size, AlignUp(strings_size));
    size = add_size(size, AlignUp(plan_size));
    return size;
}

void InitCopyRun(CopyRunShared *run, int ntables, Size strings_size, Size plan_size) {
    run->magic = kCopyRunMagic;
    run->ntables = ntables;
    run->failed_table = -1;
    pg_atomic_init_u32(&run->phase, static_cast<uint32>(RunPhase::kStarting));
    pg_atomic_init_u32(&run->abort, static_cast<uint32>(AbortReason::kNone));
    pg_atomic_init_u32(&run->next_table, 0);
    pg_atomic_init_u32(&run->tables_done, 0);
    pg_atomic_init_u64(&run->total_rows, 0);
    pg_atomic_init_u32(&run->busy_workers, 0);
    pg_atomic_init_u32(&run->committed, 0);
    SpinLockInit(&run->mutex);
    for (int i = 0; i < kMaxCopyWorkers; ++i) {
        pg_atomic_init_u32(&run->workers[i].state, static_cast<uint32>(WorkerState::kNotStarted));
        run->workers[i].pid = 0;
        run->workers[i].table = -1;
    }
    Size offset = AlignUp(sizeof(CopyRunShared));
    run->tables_offset = offset;
    offset += AlignUp(sizeof(CopyTableShared) * ntables);
    run->order_offset = offset;
    offset += AlignUp(sizeof(int32) * ntables);
    run->strings_offset = offset;
    run->strings_size = static_cast<uint32>(strings_size);
    run->strings_used = 0;
    offset += AlignUp(strings_size);
    run->plan_offset = offset;
    run->plan_size = plan_size;
    CopyTableShared *tables = RunTables(run);
    for (int i = 0; i < ntables; ++i) {
        pg_atomic_init_u64(&tables[i].rows, 0);
        pg_atomic_init_u32(&tables[i].state, static_cast<uint32>(TableState::kPending));
        pg_atomic_init_u64(&tables[i].rows_discarded, 0);
        pg_atomic_init_u64(&tables[i].nul_stripped, 0);
        pg_atomic_init_u32(&tables[i].next_part, 0);
        pg_atomic_init_u32(&tables[i].participants_done, 0);
        pg_atomic_init_u64(&tables[i].rows_loaded, 0);
        tables[i].split_state = SplitState::kUndecided;
        tables[i].worker = -1;
    }
}

void RequestRunAbort(CopyRunShared *run, AbortReason reason) {
    uint32 expected = static_cast<uint32>(AbortReason::kNone);
    pg_atomic_compare_exchange_u32(&run->abort, &expected, static_cast<uint32>(reason));
    WakeConductor(run);
}

void RecordRunError(CopyRunShared *run, const char *sqlstate, const char *message, const char *detail,
                    const char *hint, const char *context) {
    SpinLockAcquire(&run->mutex);
    bool first =
        !run->has_error && static_cast<AbortReason>(pg_atomic_read_u32(&run->abort)) != AbortReason::kCancel;
    if (first) {
        run->has_error = true;
        strlcpy(run->sqlstate, sqlstate != nullptr && strlen(sqlstate) == 5 ? sqlstate : "XX000",
                sizeof run->sqlstate);
        strlcpy(run->message, message != nullptr ? message : "", sizeof run->message);
        strlcpy(run->detail, detail != nullptr ? detail : "", sizeof run->detail);
        strlcpy(run->hint, hint != nullptr ? hint : "", sizeof run->hint);
        strlcpy(run->context, context != nullptr ? context : "", sizeof run->context);
    }
    SpinLockRelease(&run->mutex);
    RequestRunAbort(run, AbortReason::kError);
}

void PostRunMessage(CopyRunShared *run, int elevel, const char *text) {
    SpinLockAcquire(&run->mutex);
    if (run->message_head - run->message_tail < static_cast<uint32>(kCopyMessageSlots)) {
        CopyMessage &m = run->messages[run->message_head % kCopyMessageSlots];
        m.elevel = elevel;
        strlcpy(m.text, text, sizeof m.text);
        run->message_head++;
    }
    SpinLockRelease(&run->mutex);
    WakeConductor(run);
}

bool StoreTableGtid(CopyRunShared *run, int t, const char *text, uint32 length) {
    CopyTableShared *tables = RunTables(run);
    bool stored = false;
    SpinLockAcquire(&run->mutex);
    for (int i = 0; i < run->ntables && !stored; ++i) {
        if (i != t && tables[i].gtid_length == length &&
            memcmp(RunStrings(run) + tables[i].gtid_offset, text, length) == 0) {
            tables[t].gtid_offset = tables[i].gtid_offset;
            tables[t].gtid_length = length;
            stored = true;
        }
    }
    if (!stored && run->strings_size - run->strings_used >= length) {
        memcpy(RunStrings(run) + run->strings_used, text, length);
        tables[t].gtid_offset = run->strings_used;
        tables[t].gtid_length = length;
        run->strings_used += length;
        stored = true;
    }
    SpinLockRelease(&run->mutex);
    return stored;
}

void WakeConductor(CopyRunShared *run) {
    if (run->conductor_procno < 0 || static_cast<uint32>(run->conductor_procno) >= ProcGlobal->allProcCount)
        return;
    PGPROC *proc = &ProcGlobal->allProcs[run->conductor_procno];
    if (proc->pid == run->conductor_pid)
        SetLatch(&proc->procLatch);
}

dsm_segment *AttachRun(dsm_handle handle, uint64 run_id, CopyRunShared **run, bool *attached) {
    dsm_segment *seg = dsm_find_mapping(handle);
    bool attached_here = false;
    *attached = false;
    if (seg == nullptr) {
        seg = dsm_attach(handle);
        attached_here = true;
    }
    if (seg == nullptr)
        return nullptr;
    auto *candidate = static_cast<CopyRunShared *>(dsm_segment_address(seg));
    if (dsm_segment_map_length(seg) < sizeof(CopyRunShared) || candidate->magic != kCopyRunMagic ||
        candidate->run_id != run_id) {
        if (attached_here)
            dsm_detach(seg);
        return nullptr;
    }
    *run = candidate;
    *attached = attached_here;
    return seg;
}

bool RegistryAvailable() {
    return registry != nullptr;
}

int ClaimRegistrySlot(int64 source_id, uint64 run_id, dsm_handle handle, const char *source,
                      const char *operation) {
    if (registry == nullptr)
        return -2;
    LWLockAcquire(registry->lock, LW_EXCLUSIVE);
    int free_slot = -1;
    for (int i = 0; i < kMaxCopyRuns; ++i) {
        CopyRegistrySlot &slot = registry->slots[i];
        if (!slot.in_use) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (!SlotAlive(slot)) {
            slot.in_use = false;
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (slot.source_id == source_id) {
            LWLockRelease(registry->lock);
            return -1;
        }
    }
    if (free_slot >= 0) {
        CopyRegistrySlot &slot = registry->slots[free_slot];
        slot.in_use = true;
        slot.source_id = source_id;
        slot.run_id = run_id;
        slot.handle = handle;
        slot.conductor_pid = MyProcPid;
        strlcpy(slot.source, source, sizeof slot.source);
        strlcpy(slot.operation, operation, sizeof slot.operation);
    }
    LWLockRelease(registry->lock);
    return free_slot >= 0 ? free_slot : -2;
}

void SetRegistrySlotHandle(int slot, uint64 run_id, dsm_handle handle) {
    if (registry == nullptr || slot < 0 || slot >= kMaxCopyRuns)
        return;
    LWLockAcquire(registry->lock, LW_EXCLUSIVE);
    if (registry->slots[slot].in_use && registry->slots[slot].run_id == run_id)
        registry->slots[slot].handle = handle;
    LWLockRelease(registry->lock);
}

void ReleaseRegistrySlot(int slot, uint64 run_id) {
    if (registry == nullptr || slot < 0 || slot >= kMaxCopyRuns)
        return;
    LWLockAcquire(registry->lock, LW_EXCLUSIVE);
    if (registry->slots[slot].in_use && registry->slots[slot].run_id == run_id)
        registry->slots[slot].in_use = false;
    LWLockRelease(registry->lock);
}

int SnapshotRegistry(CopyRegistrySlot *out, int max) {
    if (registry == nullptr)
        return 0;
    int n = 0;
    LWLockAcquire(registry->lock, LW_SHARED);
    for (int i = 0; i < kMaxCopyRuns && n < max; ++i) {
        const CopyRegistrySlot &slot = registry->slots[i];
        // A run being planned by a backend that is gone is not running.
        if (slot.in_use && (slot.handle != DSM_HANDLE_INVALID ||
                            (slot.conductor_pid != 0 && BackendPidGetProc(slot.conductor_pid) != nullptr)))
            out[n++] = slot;
    }
    LWLockRelease(registry->lock);
    return n;
}

int CopyProgressInterval() {
    return progress_interval;
}

bool CopyBinary() {
    return copy_binary;
}

int CopySplitRows() {
    return split_rows;
}

bool CopySkipBadRows(const std::string &source_on_error_copy) {
    if (copy_on_error == 0)
        return source_on_error_copy == "skip";
    return copy_on_error == 2;
}

uint32 CopyDependentsPolicy() {
    return static_cast<uint32>(copy_dependents);
}

void CopyModuleInit() {
    DefineCustomEnumVariable(
        "chameleon.copy_dependents",
        "What init_replica, refresh_schema and sync_tables do with objects chameleon did not create that "
        "depend on what they replace.",
        "refuse: the run is refused, listing them; carry: views, materialized views and foreign keys are "
        "created again on the new tables, and the destination schema's own tables, sequences, views, "
        "functions and types are moved into the new schema.",
        &copy_dependents, 0, copy_dependents_options, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "chameleon.copy_progress_interval",
        "Seconds between the progress NOTICEs of init_replica and its family (0: none).",
        "Each NOTICE gives the rows copied, the percentage, the rate and the time left, per "
        "table in progress and overall.",
        &progress_interval, 10, 0, 3600, PGC_USERSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable(
        "chameleon.copy_on_error", "What init_replica and its family do with a row PostgreSQL refuses.",
        "config: as the source's on_error_copy says (default exit); exit: the run fails, naming the "
        "table, the column, the row's key and the value; skip: the row goes to "
        "sch_chameleon.t_discarded_rows and the copy goes on.",
        &copy_on_error, 0, copy_on_error_options, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable(
        "chameleon.copy_binary", "Load rows in PostgreSQL's binary COPY format when every column allows it.",
        "Binary COPY spares PostgreSQL the parsing of text; off loads every table in text.", &copy_binary,
        true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "chameleon.copy_split_rows",
        "Tables with at least this many rows are copied by several workers, by key ranges.",
        "Only tables with an integer primary key, read from snapshots taken under one table "
        "lock; 0 never splits.",
        &split_rows, 500000, 0, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    if (process_shared_preload_libraries_in_progress) {
        previous_request_hook = shmem_request_hook;
        shmem_request_hook = CopyShmemRequest;
        previous_startup_hook = shmem_startup_hook;
        shmem_startup_hook = CopyShmemStartup;
    }
}

} // namespace chameleon::pg
