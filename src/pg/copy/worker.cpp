// The copy workers: dynamic background workers started by the conductor (the backend running
// init_replica and its family), attached to the run's shared memory.
//
//  leader (worker 0)  prepare: status, loading schemas and tables (one transaction)
//                     copy tables like the others
//                     finish:  grants, t_replica_tables, swap, first batch, high watermark, status
//                              (one transaction), then drop what the swap replaced
//                     or, when the run is aborted, clean up: loading schemas dropped, status back
//                     to what it was (cancellation) or error with a t_error_log row (failure)
//  copiers            claim tables one by one (largest first) and copy each in its own transaction:
//                     snapshot in MySQL, COPY into PostgreSQL, indexes, commit
//  cleanup            started by the conductor only when the leader died: cleans up
#include "common/error.hpp"
#include "common/json.hpp"
#include "config/config.hpp"
#include "ddl/copy_plan.hpp"
#include "ddl/pg_text.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/copy/dependents.hpp"
#include "pg/copy/load.hpp"
#include "pg/copy/shared.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PGDLLEXPORT void chameleon_copy_worker_main(Datum main_arg);
}

namespace chameleon::pg {

namespace {

struct WorkerArgs {
    dsm_segment *seg;
    CopyRunShared *run;
    int index;
    WorkerRole role;
};

RunPhase Phase(CopyRunShared *run) {
    return static_cast<RunPhase>(pg_atomic_read_u32(&run->phase));
}

void SetPhase(CopyRunShared *run, RunPhase phase) {
    pg_atomic_write_u32(&run->phase, static_cast<uint32>(phase));
    WakeConductor(run);
}

AbortReason Abort(CopyRunShared *run) {
    return static_cast<AbortReason>(pg_atomic_read_u32(&run->abort));
}

bool IsFinal(RunPhase p) {
    return p == RunPhase::kDone || p == RunPhase::kFailed || p == RunPhase::kCancelled;
}

double Seconds(TimestampTz from, TimestampTz to) {
    return static_cast<double>(to - from) / 1000000.0;
}

// Sleeps on the latch for up to `ms`, with interrupt checks.
void Nap(long ms) {
    PgCall([ms] {
        int rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, ms, PG_WAIT_EXTENSION);
        if (rc & WL_LATCH_SET)
            ResetLatch(MyLatch);
        CHECK_FOR_INTERRUPTS();
    });
}

class Worker {
public:
    explicit Worker(const WorkerArgs &args)
        : run_(args.run), index_(args.index), role_(args.role), tables_(RunTables(args.run)) {}

    void Run();

private:
    void Setup();
    void Prepare();
    void CopyLoop();
    void CopyOneTable(int t);
    void CopyTableBody(int t);
    void CopySplitLeader(int t);
    bool HelpSplit();
    void CopyParts(int t);
    void CopyPartsBody(int t);
    LoadResult LoadRange(int t, const std::string &where);
    void SetSplitState(CopyTableShared &ts, SplitState state);
    void StoreCoordinates(int t, const mysql::BinlogCoordinates &at);
    void CheckDeferrableUnique(int t);
    void TableDone(int t, uint64 rows, int workers);
    void WaitForTables();
    void Finish();
    void DropReplaced();
    void Cleanup();
    void WaitForOtherWorkers();
    void RecordError(const std::string &sqlstate, const std::string &message, const std::string &detail,
                     const std::string &hint, const std::string &context);
    void Message(int elevel, const std::string &text) { PostRunMessage(run_, elevel, text.c_str()); }
    void SetLocals(bool replication_role);
    void OpenMysql();
    void RefreshControl();
    std::string StatusAfter() const;
    std::string StatusDuring() const;
    const char *Operation() const { return ddl::CopyOperationName(plan_.operation); }

    CopyRunShared *run_;
    int index_;
    WorkerRole role_;
    CopyTableShared *tables_;
    ddl::CopyPlan plan_;
    mysql::ConnectParams params_;
    mysql::Connection control_;
    mysql::Connection reader_;
    int lock_wait_seconds_ = 120;
    mysql::BinlogCoordinates start_;
    bool have_start_ = false;
    int current_table_ = -1;
};

void Worker::Setup() {
    plan_ = ddl::DeserializePlan(RunPlan(run_), run_->plan_size);
    if (role_ == WorkerRole::kCleanup)
        return; // no MySQL needed
    const config::Configuration configuration = config::LoadConfiguration(ConfigDirectory(), plan_.config);
    params_ = ConnectParamsOf(configuration.Source(plan_.source));
    lock_wait_seconds_ = LockTimeoutSeconds(plan_.lock_timeout);
}

void Worker::OpenMysql() {
    if (!control_.IsOpen()) {
        control_ = mysql::Connection::Open(params_, LatchWaiter(run_));
        mysql::KeepSessionAlive(control_);
    }
    if (!reader_.IsOpen()) {
        reader_ = mysql::Connection::Open(params_, LatchWaiter(run_));
        mysql::PrepareReaderSession(reader_, 600);
    }
}

// Before the control connection is used after a wait of unknown length (the leader's through the
// whole copy): a connection that something closed meanwhile (the server's wait_timeout if the
// session's could not be raised, a proxy, a firewall) is opened again. Never while it holds a table
// lock: only before a snapshot and at the finish.
void Worker::RefreshControl() {
    if (control_.IsOpen()) {
        try {
            control_.Execute("DO 0");
            return;
        } catch (const mysql::MysqlError &e) {
            // Client errors (2006 gone away, 2013 lost...) and MySQL's 4031 (closed for inactivity)
            // mean the connection is gone; anything else is a real error.
            if ((e.ServerErrno() < 2000 || e.ServerErrno() >= 3000) && e.ServerErrno() != 4031)
                throw;
        }
        control_.Close();
        const std::string text = "chameleon copy worker " + std::to_string(index_) +
                                 ": the MySQL control connection was closed while idle; connecting again";
        PgCall([&] { ereport(LOG, (errmsg_internal("%s", text.c_str()))); });
    }
    OpenMysql();
}

void Worker::SetLocals(bool replication_role) {
    SpiExecute("SET LOCAL search_path = pg_catalog, pg_temp");
    SpiExecute("SET LOCAL lock_timeout = " + ddl::QuoteLiteral(plan_.lock_timeout));
    // Text fields of binary COPY arrive in UTF-8, converted to the database encoding.
    SpiExecute("SET LOCAL client_encoding = 'UTF8'");
    if (replication_role && PgCall([] { return superuser(); }))
        SpiExecute("SET LOCAL session_replication_role = replica");
}

std::string Worker::StatusDuring() const {
    switch (plan_.operation) {
        case ddl::CopyOperation::kSyncTables:
        case ddl::CopyOperation::kRefreshSchema:
            return "syncing";
        default:
            return "initialising";
    }
}

std::string Worker::StatusAfter() const {
    return plan_.operation == ddl::CopyOperation::kSyncTables ? "synced" : "initialised";
}

void Worker::RecordError(const std::string &sqlstate, const std::string &message, const std::string &detail,
                         const std::string &hint, const std::string &context) {
    if (current_table_ >= 0) {
        SpinLockAcquire(&run_->mutex);
        if (run_->failed_table < 0 && !run_->has_error)
            run_->failed_table = current_table_;
        SpinLockRelease(&run_->mutex);
        pg_atomic_write_u32(&tables_[current_table_].state, static_cast<uint32>(TableState::kFailed));
    }
    RecordRunError(run_, sqlstate.c_str(), message.c_str(), detail.c_str(), hint.c_str(), context.c_str());
}

// ---- leader: prepare ----

void Worker::Prepare() {
    SetPhase(run_, RunPhase::kPreparing);
    OpenMysql();
    start_ = mysql::ReadBinlogCoordinates(control_);
    have_start_ = true;
    BeginWorkerTransaction();
    SetLocals(false);
    SpiExecute("UPDATE sch_chameleon.t_sources SET enm_status = $1::sch_chameleon.en_src_status "
               "WHERE i_id_source = $2::bigint",
               {StatusDuring(), std::to_string(plan_.source_id)});
    if (!plan_.keep_existing_schema) {
        for (const ddl::LoadSchema &s : plan_.schemas) {
            const std::string mark = WorkSchemaMark("loading", plan_.source);
            RefuseUnmarked(s.load_schema, mark, Operation());
            if (SchemaExists(s.load_schema)) {
                Message(NOTICE, "dropping the loading schema " + ddl::QuoteIdent(s.load_schema) +
                                    " left by an earlier run");
                SpiExecute("DROP SCHEMA " + ddl::QuoteIdent(s.load_schema) + " CASCADE");
            }
            SpiExecute("CREATE SCHEMA " + ddl::QuoteIdent(s.load_schema));
            SpiExecute("COMMENT ON SCHEMA " + ddl::QuoteIdent(s.load_schema) + " IS " +
                       ddl::QuoteLiteral(mark));
        }
    }
    for (const std::string &sql : plan_.prepare_statements)
        SpiExecute(sql);
    if (!plan_.keep_existing_schema) {
        for (const ddl::CopyTable &t : plan_.tables) {
            for (const std::string &sql : t.create_statements)
                SpiExecute(sql);
        }
    }
    CommitWorkerTransaction();
}

// ---- everyone: copy ----

void Worker::CopyLoop() {
    for (;;) {
        if (Abort(run_) != AbortReason::kNone)
            throw RunAborted();
        uint32 i = pg_atomic_fetch_add_u32(&run_->next_table, 1);
        if (i < static_cast<uint32>(run_->ntables)) {
            CopyOneTable(RunOrder(run_)[i]);
            continue;
        }
        // Nothing left to claim: help copy a large table, while one may still be split.
        if (!HelpSplit())
            return;
    }
}

// Counts this worker as busy (copying a table or part of one) while it lives.
class BusyScope {
public:
    explicit BusyScope(CopyRunShared *run) : run_(run) { pg_atomic_fetch_add_u32(&run_->busy_workers, 1); }
    ~BusyScope() { pg_atomic_fetch_sub_u32(&run_->busy_workers, 1); }
    BusyScope(const BusyScope &) = delete;
    BusyScope &operator=(const BusyScope &) = delete;

private:
    CopyRunShared *run_;
};

void Worker::CopyOneTable(int t) {
    BusyScope busy(run_);
    try {
        CopyTableBody(t);
    } catch (const mysql::MysqlError &e) {
        const ddl::CopyTable &table = plan_.tables[t];
        throw Error("copy of MySQL table " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                        mysql::QuoteIdentifier(table.origin_table) + " failed: " + e.what(),
                    e.SqlState(), e.Detail(), e.Hint());
    }
}

void Worker::CopyTableBody(int t) {
    const ddl::CopyTable &table = plan_.tables[t];
    CopyTableShared &ts = tables_[t];
    current_table_ = t;
    run_->workers[index_].table = t;
    ts.worker = index_;
    ts.copy_started = GetCurrentTimestamp();
    pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kSnapshot));
    OpenMysql();
    RefreshControl();
    if (plan_.copy_data && !plan_.keep_existing_schema && !table.split_column.empty() && run_->nworkers > 1 &&
        table.transactional) {
        CopySplitLeader(t);
        return;
    }
    SetSplitState(ts, SplitState::kClosed);

    BeginWorkerTransaction();
    SetLocals(true);
    if (plan_.keep_existing_schema) {
        for (const std::string &sql : table.create_statements)
            SpiExecute(sql);
    }
    mysql::BinlogCoordinates at;
    LoadResult loaded;
    if (plan_.copy_data) {
        at = mysql::SnapshotTable(control_, reader_, table.origin_schema, table.origin_table,
                                  !table.transactional, lock_wait_seconds_);
        pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kCopying));
        loaded = LoadRange(t, "");
        reader_.Execute("COMMIT");
        if (!table.transactional)
            mysql::ReleaseTableLock(control_);
    } else {
        at = mysql::ReadBinlogCoordinates(control_);
    }
    ts.copy_finished = GetCurrentTimestamp();
    pg_atomic_write_u64(&ts.rows_discarded, loaded.discarded);
    pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kIndexing));
    for (const std::string &sql : table.index_statements)
        SpiExecute(sql);
    if (plan_.keep_existing_schema && plan_.copy_data)
        CheckDeferrableUnique(t);
    StoreCoordinates(t, at);
    CommitWorkerTransaction();
    TableDone(t, loaded.rows, 1);
}

void Worker::SetSplitState(CopyTableShared &ts, SplitState state) {
    SpinLockAcquire(&run_->mutex);
    ts.split_state = state;
    SpinLockRelease(&run_->mutex);
}

// keep_existing_schema loads into the user's tables with session_replication_role = replica, which
// skips the recheck of DEFERRABLE unique and primary keys: duplicates would be loaded silently.
// They are checked here, in the table's transaction, before it commits.
void Worker::CheckDeferrableUnique(int t) {
    const ddl::CopyTable &table = plan_.tables[t];
    const std::string target = ddl::QualifiedName(table.load_schema, table.table);
    for (const SpiRow &c : SpiQuery(
             "SELECT con.conname, pg_catalog.array_to_string(pg_catalog.array_agg(pg_catalog.quote_ident("
             "a.attname::text) ORDER BY k.ord), ', '), pg_catalog.array_to_string(pg_catalog.array_agg("
             "pg_catalog.format('t.%I IS NOT NULL', a.attname) ORDER BY k.ord), ' AND ') "
             "FROM pg_catalog.pg_constraint con CROSS JOIN LATERAL pg_catalog.unnest(con.conkey) "
             "WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid "
             "AND a.attnum = k.attnum WHERE con.conrelid = $1::pg_catalog.regclass AND con.contype IN ('p', "
             "'u') AND con.condeferrable GROUP BY con.oid, con.conname ORDER BY con.conname",
             {target})) {
        const std::string name = c[0].value_or("");
        const std::string columns = c[1].value_or("");
        SpiValue duplicate = SpiQueryValue("SELECT ROW(" + columns + ")::text FROM " + target + " t WHERE " +
                                           c[2].value_or("true") + " GROUP BY " + columns +
                                           " HAVING pg_catalog.count(*) > 1 LIMIT 1");
        if (!duplicate)
            continue;
        std::string key = *duplicate;
        if (key.size() >= 2 && key.front() == '(' && key.back() == ')')
            key = key.substr(1, key.size() - 2);
        throw Error("the rows copied from MySQL table " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                        mysql::QuoteIdentifier(table.origin_table) +
                        " violate the deferrable unique constraint " + ddl::QuoteIdent(name) + " of " +
                        target,
                    "23505",
                    "Key (" + columns + ")=(" + key +
                        ") is duplicated. The load (session_replication_role = replica) does not check "
                        "deferrable constraints, so they are checked after it.",
                    "Remove the duplicates in MySQL, or change the constraint, then run the copy again.");
    }
}

// The table's binlog point, kept for t_replica_tables. A GTID set the string area cannot hold fails
// the table (and so the run) rather than being lost: replication would start without it.
void Worker::StoreCoordinates(int t, const mysql::BinlogCoordinates &at) {
    CopyTableShared &ts = tables_[t];
    ts.binlog_position = at.position;
    strlcpy(ts.binlog_file, at.file.c_str(), sizeof ts.binlog_file);
    if (at.gtid_set.empty())
        return;
    if (at.gtid_set.size() > PG_UINT32_MAX / 2 ||
        !StoreTableGtid(run_, t, at.gtid_set.data(), static_cast<uint32>(at.gtid_set.size()))) {
        const ddl::CopyTable &table = plan_.tables[t];
        throw Error("the GTID set of MySQL table " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                        mysql::QuoteIdentifier(table.origin_table) + " (" +
                        std::to_string(at.gtid_set.size()) +
                        " bytes) does not fit the copy's shared string area (" +
                        std::to_string(run_->strings_size) + " bytes)",
                    sqlstate::kInternalError, "The set grew past twice its length at planning time.",
                    "Run the copy again: the area is sized from the set's length when the copy starts.");
    }
}

// Streams the rows of `where` (a key range, "" for all) from reader_'s snapshot into the table, in
// the current transaction.
LoadResult Worker::LoadRange(int t, const std::string &where) {
    const ddl::CopyTable &table = plan_.tables[t];
    mysql::RowStream rows =
        reader_.Stream(where.empty() ? table.select_sql : table.select_sql + " WHERE " + where);
    LoadRequest request;
    request.table = &table;
    request.rows = &rows;
    request.run = run_;
    request.progress = &tables_[t];
    request.skip_bad_rows = plan_.skip_bad_rows;
    request.discard = [&](const std::string &key, const std::string &reason, const std::string &row) {
        SpiExecute("INSERT INTO sch_chameleon.t_discarded_rows (i_id_batch, v_table_name, v_schema_name, "
                   "t_row_data) VALUES (0, $1, $2, $3)",
                   {table.table, table.dest_schema,
                    JsonObject({{"source", JsonString(plan_.source)},
                                {"mysql_table", JsonString(table.origin_schema + "." + table.origin_table)},
                                {"key", JsonString(key)},
                                {"error", JsonString(reason)},
                                {"row", JsonString(row)}})});
    };
    request.lookup = [&](const std::vector<std::optional<std::string>> &key,
                         int column) -> std::optional<std::string> {
        if (table.key_columns.empty() || key.size() != table.key_columns.size())
            return std::nullopt;
        std::string sql = "SELECT " + mysql::QuoteIdentifier(table.columns[column].name) + " FROM " +
                          mysql::QuoteIdentifier(table.origin_schema) + "." +
                          mysql::QuoteIdentifier(table.origin_table) + " WHERE ";
        try {
            for (size_t i = 0; i < key.size(); ++i) {
                sql += (i > 0 ? " AND " : "") +
                       mysql::QuoteIdentifier(table.columns[table.key_columns[i]].name) +
                       (key[i] ? " = " + control_.Quote(*key[i]) : std::string(" IS NULL"));
            }
            mysql::ResultSet rs = control_.Query(sql + " LIMIT 1");
            if (rs.rows.empty())
                return std::nullopt;
            const mysql::TextValue &v = rs.rows[0][0];
            return v ? convert::DescribeValue(v->data(), v->size(), table.columns[column].spec.kind, 100)
                     : std::string("NULL");
        } catch (const std::exception &) {
            return std::nullopt;
        }
    };
    return LoadTable(request);
}

// The worker that claimed a large table: while the table is locked in MySQL, idle workers take
// their snapshots too, so that every range they read is the table at the same binlog point.
void Worker::CopySplitLeader(int t) {
    const ddl::CopyTable &table = plan_.tables[t];
    CopyTableShared &ts = tables_[t];
    mysql::BinlogCoordinates at = mysql::SnapshotTable(control_, reader_, table.origin_schema,
                                                       table.origin_table, true, lock_wait_seconds_);
    StoreCoordinates(t, at);
    mysql::ResultSet bounds = reader_.Query("SELECT MIN(" + mysql::QuoteIdentifier(table.split_column) +
                                            "), MAX(" + mysql::QuoteIdentifier(table.split_column) +
                                            ") FROM " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                                            mysql::QuoteIdentifier(table.origin_table));
    const mysql::TextValue lo = bounds.rows.empty() ? std::nullopt : bounds.rows[0][0];
    const mysql::TextValue hi = bounds.rows.empty() ? std::nullopt : bounds.rows[0][1];
    const int parts = (lo && hi) ? 4 * run_->nworkers : 1;
    strlcpy(ts.split_lo, lo.value_or("0").c_str(), sizeof ts.split_lo);
    strlcpy(ts.split_hi, hi.value_or("0").c_str(), sizeof ts.split_hi);
    ts.split_parts = parts;
    int joined = 0;
    if (parts > 1) {
        SetSplitState(ts, SplitState::kRecruiting);
        const TimestampTz until = GetCurrentTimestamp() + 250 * 1000;
        for (;;) {
            if (Abort(run_) != AbortReason::kNone)
                throw RunAborted();
            SpinLockAcquire(&run_->mutex);
            const int joining = ts.split_joining;
            SpinLockRelease(&run_->mutex);
            // Wait only for the workers that are idle (or still starting): the busy ones would
            // come too late, and meanwhile the table stays locked.
            const int busy = static_cast<int>(pg_atomic_read_u32(&run_->busy_workers));
            if (joining >= run_->nworkers - busy || GetCurrentTimestamp() >= until)
                break;
            Nap(2);
        }
        SetSplitState(ts, SplitState::kClosing);
        const TimestampTz deadline = GetCurrentTimestamp() + 30 * USECS_PER_SEC;
        for (;;) {
            if (Abort(run_) != AbortReason::kNone)
                throw RunAborted();
            SpinLockAcquire(&run_->mutex);
            const bool all = ts.split_joined == ts.split_joining;
            joined = ts.split_joined;
            SpinLockRelease(&run_->mutex);
            if (all)
                break;
            if (GetCurrentTimestamp() > deadline)
                throw Error("a copy worker did not take its snapshot of " +
                            mysql::QuoteIdentifier(table.origin_schema) + "." +
                            mysql::QuoteIdentifier(table.origin_table) + " within 30 s");
            Nap(2);
        }
    }
    SpinLockAcquire(&run_->mutex);
    ts.split_participants = 1 + joined;
    ts.split_state = SplitState::kClosed;
    SpinLockRelease(&run_->mutex);
    mysql::ReleaseTableLock(control_);
    CopyParts(t);
}

// An idle worker joins a table being split, if one is recruiting. Returns false when no table can
// still be split (the worker may stop).
bool Worker::HelpSplit() {
    for (;;) {
        if (Abort(run_) != AbortReason::kNone)
            throw RunAborted();
        bool undecided = false;
        for (int t = 0; t < run_->ntables; ++t) {
            if (plan_.tables[t].split_column.empty())
                continue;
            CopyTableShared &ts = tables_[t];
            bool join = false;
            SpinLockAcquire(&run_->mutex);
            if (ts.split_state == SplitState::kRecruiting) {
                ts.split_joining++;
                join = true;
            } else if (ts.split_state == SplitState::kUndecided) {
                undecided = true;
            }
            SpinLockRelease(&run_->mutex);
            if (!join)
                continue;
            BusyScope busy(run_);
            current_table_ = t;
            run_->workers[index_].table = t;
            OpenMysql();
            reader_.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            SpinLockAcquire(&run_->mutex);
            ts.split_joined++;
            SpinLockRelease(&run_->mutex);
            // Copy only once the leader has unlocked the table (until then rows could be written).
            for (;;) {
                SpinLockAcquire(&run_->mutex);
                const bool closed = ts.split_state == SplitState::kClosed;
                SpinLockRelease(&run_->mutex);
                if (closed)
                    break;
                if (Abort(run_) != AbortReason::kNone)
                    throw RunAborted();
                Nap(2);
            }
            CopyParts(t);
            return true;
        }
        if (!undecided)
            return false;
        Nap(5);
    }
}

// Copies ranges of a split table until none is left; the last participant builds the indexes.
void Worker::CopyParts(int t) {
    try {
        CopyPartsBody(t);
    } catch (const mysql::MysqlError &e) {
        const ddl::CopyTable &table = plan_.tables[t];
        throw Error("copy of MySQL table " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                        mysql::QuoteIdentifier(table.origin_table) + " failed: " + e.what(),
                    e.SqlState(), e.Detail(), e.Hint());
    }
}

void Worker::CopyPartsBody(int t) {
    const ddl::CopyTable &table = plan_.tables[t];
    CopyTableShared &ts = tables_[t];
    const std::vector<std::string> ranges =
        ddl::SplitRanges(table.split_column, ts.split_lo, ts.split_hi, ts.split_parts, table.split_unsigned);
    pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kCopying));
    BeginWorkerTransaction();
    SetLocals(true);
    LoadResult mine;
    for (;;) {
        uint32 part = pg_atomic_fetch_add_u32(&ts.next_part, 1);
        if (part >= ranges.size())
            break;
        LoadResult r = LoadRange(t, ranges[part]);
        mine.rows += r.rows;
        mine.discarded += r.discarded;
    }
    reader_.Execute("COMMIT");
    CommitWorkerTransaction();
    pg_atomic_fetch_add_u64(&ts.rows_loaded, mine.rows);
    pg_atomic_fetch_add_u64(&ts.rows_discarded, mine.discarded);
    const uint32 done = pg_atomic_add_fetch_u32(&ts.participants_done, 1);
    run_->workers[index_].table = -1;
    if (done < static_cast<uint32>(ts.split_participants)) {
        current_table_ = -1;
        return;
    }
    // The last one: indexes, then the table is done.
    run_->workers[index_].table = t;
    ts.copy_finished = GetCurrentTimestamp();
    pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kIndexing));
    BeginWorkerTransaction();
    SetLocals(false);
    for (const std::string &sql : table.index_statements)
        SpiExecute(sql);
    CommitWorkerTransaction();
    TableDone(t, pg_atomic_read_u64(&ts.rows_loaded), ts.split_participants);
}

void Worker::TableDone(int t, uint64 rows, int workers) {
    const ddl::CopyTable &table = plan_.tables[t];
    CopyTableShared &ts = tables_[t];
    ts.index_finished = GetCurrentTimestamp();
    pg_atomic_write_u64(&ts.rows, rows);
    pg_atomic_write_u32(&ts.state, static_cast<uint32>(TableState::kDone));
    pg_atomic_fetch_add_u64(&run_->total_rows, rows);
    pg_atomic_fetch_add_u32(&run_->tables_done, 1);
    run_->workers[index_].table = -1;
    current_table_ = -1;

    const double copy_s = Seconds(ts.copy_started, ts.copy_finished);
    const uint64 discarded = pg_atomic_read_u64(&ts.rows_discarded);
    std::string text = "copied " + mysql::QuoteIdentifier(table.origin_schema) + "." +
                       mysql::QuoteIdentifier(table.origin_table) + " to " +
                       ddl::QualifiedName(table.dest_schema, table.table) + ": " + std::to_string(rows) +
                       " rows in " + FormatDuration(copy_s) + " (" + FormatRate(rows, copy_s) + " rows/s, " +
                       (table.binary_copy ? "binary" : "text") + ")";
    if (workers > 1)
        text += " by " + std::to_string(workers) + " workers in " + std::to_string(ts.split_parts) +
                " key ranges";
    if (!table.index_statements.empty())
        text += ", " + std::to_string(table.index_statements.size()) + " indexes in " +
                FormatDuration(Seconds(ts.copy_finished, ts.index_finished));
    if (discarded > 0)
        text += ", " + std::to_string(discarded) + " rows discarded to sch_chameleon.t_discarded_rows";
    Message(NOTICE, text);
    if (const uint64 stripped = pg_atomic_read_u64(&ts.nul_stripped); stripped > 0)
        Message(NOTICE, "stripped NUL bytes from " + std::to_string(stripped) + " values of " +
                            mysql::QuoteIdentifier(table.origin_schema) + "." +
                            mysql::QuoteIdentifier(table.origin_table) + " (nul_bytes: strip), counted in " +
                            "sch_chameleon.t_replica_tables.i_nul_stripped");
}

// ---- leader: finish ----

void Worker::WaitForTables() {
    while (pg_atomic_read_u32(&run_->tables_done) < static_cast<uint32>(run_->ntables)) {
        if (Abort(run_) != AbortReason::kNone)
            throw RunAborted();
        Nap(100);
    }
}

void Worker::Finish() {
    SetPhase(run_, RunPhase::kFinishing);
    OpenMysql();
    RefreshControl();
    mysql::BinlogCoordinates end = mysql::ReadBinlogCoordinates(control_);
    const std::string source_id = std::to_string(plan_.source_id);
    const ddl::CopyOperation op = plan_.operation;
    const bool whole_schemas = op != ddl::CopyOperation::kSyncTables;

    BeginWorkerTransaction();
    SetLocals(false);

    // Read access for grant_select_to (pg_chameleon: ignored with keep_existing_schema).
    if (!plan_.keep_existing_schema) {
        for (const std::string &role : plan_.grant_select_to) {
            if (!SpiQueryValue("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", {role})) {
                Message(WARNING, "role " + ddl::QuoteIdent(role) +
                                     " of grant_select_to does not exist: SELECT not granted");
                continue;
            }
            for (const ddl::LoadSchema &s : plan_.schemas) {
                const std::string schema = ddl::QuoteIdent(whole_schemas ? s.load_schema : s.dest_schema);
                SpiExecute("GRANT USAGE ON SCHEMA " + schema + " TO " + ddl::QuoteIdent(role));
                SpiExecute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT SELECT ON TABLES TO " +
                           ddl::QuoteIdent(role));
            }
            for (const ddl::CopyTable &t : plan_.tables)
                SpiExecute("GRANT SELECT ON " + ddl::QualifiedName(t.load_schema, t.table) + " TO " +
                           ddl::QuoteIdent(role));
        }
    }

    // The tables in the catalogue, with their own consistent points.
    if (op == ddl::CopyOperation::kInitReplica || op == ddl::CopyOperation::kCopySchema) {
        SpiExecute("DELETE FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint", {source_id});
    } else if (op == ddl::CopyOperation::kRefreshSchema) {
        for (const ddl::LoadSchema &s : plan_.schemas)
            SpiExecute("DELETE FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint "
                       "AND v_schema_name = $2",
                       {source_id, s.dest_schema});
    }
    for (size_t i = 0; i < plan_.tables.size(); ++i) {
        const ddl::CopyTable &t = plan_.tables[i];
        const CopyTableShared &ts = tables_[i];
        std::string pkey = "{";
        for (size_t k = 0; k < t.identity_columns.size(); ++k) {
            if (k > 0)
                pkey += ",";
            pkey += "\"";
            for (char c : t.identity_columns[k]) {
                if (c == '"' || c == '\\')
                    pkey += '\\';
                pkey += c;
            }
            pkey += "\"";
        }
        pkey += "}";
        std::vector<std::string> column_names; // the image columns replication stores, in MySQL order
        for (const ddl::CopyColumn &c : t.columns)
            column_names.push_back(c.name);
        SpiValue gtid;
        if (ts.gtid_length > 0)
            gtid = std::string(RunStrings(run_) + ts.gtid_offset, ts.gtid_length);
        SpiExecute("INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, "
                   "v_table_pkey, t_binlog_name, i_binlog_position, t_gtid_set, b_replica_enabled, "
                   "i_nul_stripped, v_columns) "
                   "VALUES ($1::bigint, $2, $3, $4::character varying[], $5, $6::bigint, $7, true, "
                   "$8::bigint, $9::text[]) "
                   "ON CONFLICT (i_id_source, v_table_name, v_schema_name) DO UPDATE SET "
                   "v_table_pkey = EXCLUDED.v_table_pkey, t_binlog_name = EXCLUDED.t_binlog_name, "
                   "i_binlog_position = EXCLUDED.i_binlog_position, t_gtid_set = EXCLUDED.t_gtid_set, "
                   "b_replica_enabled = true, i_nul_stripped = EXCLUDED.i_nul_stripped, "
                   "v_columns = EXCLUDED.v_columns",
                   {source_id, t.table, t.dest_schema, pkey, std::string(ts.binlog_file),
                    std::to_string(ts.binlog_position), gtid,
                    std::to_string(pg_atomic_read_u64(&tables_[i].nul_stripped)),
                    TextArrayLiteral(column_names)});
    }

    // The schema registry: each copied table's MySQL definition, from its copy point on (older
    // versions of the tables copied again go: their log rows are gone too).
    if (op == ddl::CopyOperation::kInitReplica || op == ddl::CopyOperation::kCopySchema) {
        SpiExecute("DELETE FROM sch_chameleon.t_schema_registry WHERE i_id_source = $1::bigint", {source_id});
    } else if (op == ddl::CopyOperation::kRefreshSchema) {
        for (const ddl::LoadSchema &s : plan_.schemas)
            SpiExecute("DELETE FROM sch_chameleon.t_schema_registry WHERE i_id_source = $1::bigint "
                       "AND v_schema_name = $2",
                       {source_id, s.origin_schema});
    } else {
        for (const ddl::CopyTable &t : plan_.tables)
            SpiExecute("DELETE FROM sch_chameleon.t_schema_registry WHERE i_id_source = $1::bigint "
                       "AND v_schema_name = $2 AND v_table_name = $3",
                       {source_id, t.origin_schema, t.origin_table});
    }
    for (size_t i = 0; i < plan_.tables.size(); ++i) {
        const ddl::CopyTable &t = plan_.tables[i];
        SpiExecute(
            "INSERT INTO sch_chameleon.t_schema_registry (i_id_source, v_schema_name, v_table_name, "
            "t_binlog_name, i_binlog_position, j_definition) "
            "VALUES ($1::bigint, $2, $3, $4, $5::bigint, $6::jsonb)",
            {source_id, t.origin_schema, t.origin_table,
             tables_[i].binlog_file[0] != '\0' ? SpiValue(std::string(tables_[i].binlog_file)) : SpiValue(),
             tables_[i].binlog_file[0] != '\0' ? SpiValue(std::to_string(tables_[i].binlog_position))
                                               : SpiValue(),
             t.definition_json});
    }

    // Swap into place, carrying over (or refusing) what chameleon did not create.
    if (!plan_.keep_existing_schema) {
        const auto policy = static_cast<DependentsPolicy>(run_->dependents_policy);
        const auto notice = [this](int elevel, const std::string &text) { Message(elevel, text); };
        for (const SwapScope &scope : SwapScopesOf(plan_)) {
            const std::string load = ddl::LoadSchemaName(scope.dest_schema);
            const std::string old = ddl::OldSchemaName(scope.dest_schema);
            std::vector<Dependent> found = FindDependents(scope);
            RefuseDependents(scope, found, policy);
            CarryState carried = DetachDependents(scope, found);
            if (scope.whole_schema) {
                const std::string replaced = WorkSchemaMark("replaced", plan_.source);
                RefuseUnmarked(old, replaced, Operation());
                if (SchemaExists(old)) {
                    SwapScope left = scope;
                    left.dest_schema = old;
                    left.everything_is_chameleons = true;
                    std::vector<Dependent> others = FindDependents(left);
                    if (!others.empty())
                        throw Error("schema " + ddl::QuoteIdent(old) +
                                        ", left by an earlier run, cannot be dropped",
                                    "2BP01", DescribeDependents(others),
                                    "Drop or move these objects, then drop the schema.");
                    SpiExecute("DROP SCHEMA " + ddl::QuoteIdent(old) + " CASCADE");
                }
                const bool had_dest = SchemaExists(scope.dest_schema);
                if (had_dest)
                    SpiExecute("ALTER SCHEMA " + ddl::QuoteIdent(scope.dest_schema) + " RENAME TO " +
                               ddl::QuoteIdent(old));
                SpiExecute("ALTER SCHEMA " + ddl::QuoteIdent(load) + " RENAME TO " +
                           ddl::QuoteIdent(scope.dest_schema));
                if (had_dest) {
                    CarrySchemaProperties(old, scope.dest_schema, notice);
                    SpiExecute("COMMENT ON SCHEMA " + ddl::QuoteIdent(old) + " IS " +
                               ddl::QuoteLiteral(replaced));
                } else {
                    SpiExecute("COMMENT ON SCHEMA " + ddl::QuoteIdent(scope.dest_schema) + " IS NULL");
                }
            } else {
                for (const ddl::CopyTable &t : plan_.tables) {
                    if (t.dest_schema != scope.dest_schema)
                        continue;
                    if (!SchemaExists(t.dest_schema))
                        SpiExecute("CREATE SCHEMA " + ddl::QuoteIdent(t.dest_schema));
                    SpiExecute("DROP TABLE IF EXISTS " + ddl::QualifiedName(t.dest_schema, t.table));
                    SpiExecute("ALTER TABLE " + ddl::QualifiedName(t.load_schema, t.table) + " SET SCHEMA " +
                               ddl::QuoteIdent(t.dest_schema));
                    for (const std::string &type : t.enum_types) {
                        SpiExecute("DROP TYPE IF EXISTS " + ddl::QualifiedName(t.dest_schema, type));
                        SpiExecute("ALTER TYPE " + ddl::QualifiedName(t.load_schema, type) + " SET SCHEMA " +
                                   ddl::QuoteIdent(t.dest_schema));
                    }
                }
            }
            ReattachDependents(scope, carried, old, notice);
        }
    }

    // Foreign keys (copy_schema): NOT VALID, then validated; a failure is a warning.
    for (const std::string &sql : plan_.foreign_key_statements) {
        if (auto failure = SpiTryExecute(sql))
            Message(WARNING, "foreign key not created: " + *failure + " (" + sql + ")");
    }

    // Replication restarts from the start of the run (init) and skips, table by table, what each
    // snapshot already holds; older log rows of reloaded tables are removed (sync, refresh).
    if (op == ddl::CopyOperation::kInitReplica || op == ddl::CopyOperation::kCopySchema) {
        SpiExecute("DELETE FROM sch_chameleon.t_replica_batch WHERE i_id_source = $1::bigint", {source_id});
        SpiValue log_table = SpiQueryValue(
            "UPDATE sch_chameleon.t_sources SET v_log_table = ARRAY[v_log_table[2], v_log_table[1]] "
            "WHERE i_id_source = $1::bigint RETURNING v_log_table[1]",
            {source_id});
        SpiExecute(
            "INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, "
            "t_gtid_set, v_log_table) VALUES ($1::bigint, $2, $3::bigint, $4, $5)",
            {source_id, start_.file, std::to_string(start_.position),
             start_.gtid_set.empty() ? SpiValue() : SpiValue(start_.gtid_set),
             log_table.value_or("t_log_replica")});
        SpiExecute(
            "UPDATE sch_chameleon.t_last_received SET ts_last_received = NULL WHERE i_id_source = $1::bigint",
            {source_id});
        SpiExecute(
            "UPDATE sch_chameleon.t_last_replayed SET ts_last_replayed = NULL WHERE i_id_source = $1::bigint",
            {source_id});
    } else {
        std::vector<SpiRow> logs =
            SpiQuery("SELECT pg_catalog.unnest(v_log_table) FROM sch_chameleon.t_sources "
                     "WHERE i_id_source = $1::bigint",
                     {source_id});
        for (const SpiRow &log : logs) {
            if (!log[0] || !SpiQueryValue("SELECT pg_catalog.to_regclass($1)",
                                          {"sch_chameleon." + ddl::QuoteIdent(*log[0])}))
                continue;
            for (const ddl::CopyTable &t : plan_.tables)
                SpiExecute("DELETE FROM sch_chameleon." + ddl::QuoteIdent(*log[0]) +
                               " WHERE v_schema_name = $1 AND v_table_name = $2",
                           {t.dest_schema, t.table});
        }
    }
    SpiExecute("UPDATE sch_chameleon.t_sources SET enm_status = $1::sch_chameleon.en_src_status, "
               "t_binlog_name = $2, i_binlog_position = $3::bigint, b_consistent = false "
               "WHERE i_id_source = $4::bigint",
               {StatusAfter(), end.file, std::to_string(end.position), source_id});
    CommitWorkerTransaction();
    // From here on the copy happened: a cancel or the leader's death only leaves the replaced schema.
    pg_atomic_write_u32(&run_->committed, 1);
    DropReplaced();
}

// What the swap replaced: the previous destination schemas (init, refresh) or the emptied loading
// schema (sync). A failure (a lock held too long) leaves it for the DBA, with a warning.
void Worker::DropReplaced() {
    for (const ddl::LoadSchema &s : plan_.schemas) {
        if (plan_.keep_existing_schema)
            break;
        const bool sync = plan_.operation == ddl::CopyOperation::kSyncTables;
        const std::string target = sync ? s.load_schema : s.old_schema;
        try {
            BeginWorkerTransaction();
            SetLocals(false);
            // Only a schema chameleon marked, and only when nothing outside it depends on it (an object
            // made since the swap committed).
            if (SchemaExists(target) &&
                SchemaMarked(target, WorkSchemaMark(sync ? "loading" : "replaced", plan_.source))) {
                SwapScope left;
                left.operation = Operation();
                left.source = plan_.source;
                left.source_id = plan_.source_id;
                left.dest_schema = target;
                left.everything_is_chameleons = true;
                std::vector<Dependent> others = FindDependents(left);
                if (!others.empty()) {
                    Message(WARNING, "schema " + ddl::QuoteIdent(target) +
                                         " was not dropped: other objects " + "depend on it:\n" +
                                         DescribeDependents(others) +
                                         "\nDrop or move them, then drop the schema by hand.");
                } else {
                    SpiExecute("DROP SCHEMA " + ddl::QuoteIdent(target) + " CASCADE");
                }
            }
            CommitWorkerTransaction();
        } catch (const std::exception &e) {
            std::string message = e.what();
            AbortWorkerTransaction();
            Message(WARNING, "could not drop schema " + ddl::QuoteIdent(target) + ": " + message +
                                 "; drop it with: DROP SCHEMA " + ddl::QuoteIdent(target) + " CASCADE");
        }
    }
}

// ---- on abort ----

void Worker::WaitForOtherWorkers() {
    for (int i = 0; i < 6000; ++i) { // at most 10 minutes; each of them watches the abort flag
        bool others = false;
        for (int w = 0; w < run_->nworkers; ++w) {
            if (w == index_)
                continue;
            CopyWorkerSlot &slot = run_->workers[w];
            if (static_cast<WorkerState>(pg_atomic_read_u32(&slot.state)) != WorkerState::kRunning)
                continue;
            bool alive = PgCall([&] { return slot.pid != 0 && BackendPidGetProc(slot.pid) != nullptr; });
            if (alive)
                others = true;
        }
        if (!others)
            return;
        PgCall([] {
            int rc =
                WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 100, PG_WAIT_EXTENSION);
            if (rc & WL_LATCH_SET)
                ResetLatch(MyLatch);
        });
    }
}

void Worker::Cleanup() {
    // The conductor sends SIGINT to every worker when the run aborts; it must not cancel this.
    PgCall([] { HOLD_CANCEL_INTERRUPTS(); });
    WaitForOtherWorkers();
    const bool cancelled = Abort(run_) == AbortReason::kCancel;
    std::string message, sqlstate, table_name, schema_name;
    SpinLockAcquire(&run_->mutex);
    message = run_->message;
    sqlstate = run_->sqlstate;
    int failed = run_->failed_table;
    SpinLockRelease(&run_->mutex);
    if (failed >= 0 && failed < static_cast<int>(plan_.tables.size())) {
        table_name = plan_.tables[failed].table;
        schema_name = plan_.tables[failed].dest_schema;
    }
    try {
        BeginWorkerTransaction();
        SetLocals(false);
        if (!plan_.keep_existing_schema) {
            // Only what this run (or an earlier one of the source) marked as its loading schema.
            for (const ddl::LoadSchema &s : plan_.schemas) {
                if (SchemaMarked(s.load_schema, WorkSchemaMark("loading", plan_.source)))
                    SpiExecute("DROP SCHEMA " + ddl::QuoteIdent(s.load_schema) + " CASCADE");
            }
        }
        std::string status = cancelled ? std::string(run_->previous_status) : "error";
        if (status.empty())
            status = "error";
        SpiExecute("UPDATE sch_chameleon.t_sources SET enm_status = $1::sch_chameleon.en_src_status "
                   "WHERE i_id_source = $2::bigint",
                   {status, std::to_string(plan_.source_id)});
        if (!cancelled) {
            SpiExecute("INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, "
                       "v_schema_name, "
                       "t_table_pkey, t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message) "
                       "VALUES (0, $1::bigint, $2, $3, '', '', 0, pg_catalog.clock_timestamp(), $4, $5)",
                       {std::to_string(plan_.source_id), table_name, schema_name,
                        std::string(Operation()) + "('" + plan_.source + "')",
                        (sqlstate.empty() ? std::string("XX000") : sqlstate) + " - " + message});
        }
        CommitWorkerTransaction();
    } catch (const std::exception &e) {
        std::string text = e.what();
        AbortWorkerTransaction();
        Message(WARNING,
                std::string("cleanup after the failed ") + Operation() + " did not complete: " + text);
    }
    SetPhase(run_, cancelled ? RunPhase::kCancelled : RunPhase::kFailed);
    PgCall([] { RESUME_CANCEL_INTERRUPTS(); });
}

// ---- main ----

void Worker::Run() {
    bool failed = false;
    try {
        Setup();
        if (role_ == WorkerRole::kCleanup) {
            Cleanup();
            return;
        }
        if (role_ == WorkerRole::kLeader) {
            Prepare();
            SetPhase(run_, RunPhase::kCopying);
        } else {
            while (Phase(run_) < RunPhase::kCopying) {
                if (Abort(run_) != AbortReason::kNone || IsFinal(Phase(run_)))
                    return;
                Nap(50);
            }
        }
        CopyLoop();
        if (role_ == WorkerRole::kLeader) {
            WaitForTables();
            Finish();
            SetPhase(run_, RunPhase::kDone);
        }
        return;
    } catch (const RunAborted &) {
        failed = true;
    } catch (const PgError &e) {
        failed = true;
        ErrorData *edata = e.Data();
        RecordError(unpack_sql_state(edata->sqlerrcode), edata->message ? edata->message : "",
                    edata->detail ? edata->detail : "", edata->hint ? edata->hint : "",
                    edata->context ? edata->context : "");
    } catch (const Error &e) {
        failed = true;
        RecordError(e.SqlState(), e.what(), e.Detail(), e.Hint(), "");
    } catch (const std::exception &e) {
        failed = true;
        RecordError("XX000", std::string("chameleon internal error in copy worker: ") + e.what(), "", "", "");
    }
    if (failed) {
        AbortWorkerTransaction();
        reader_.Close();
        control_.Close();
        if (Abort(run_) == AbortReason::kNone)
            RequestRunAbort(run_, AbortReason::kError);
        if (role_ == WorkerRole::kLeader) {
            if (pg_atomic_read_u32(&run_->committed) != 0)
                SetPhase(run_, RunPhase::kDone); // nothing to undo: the copy committed
            else
                Cleanup();
        }
    }
}

void WorkerBody(void *arg) {
    const WorkerArgs &args = *static_cast<WorkerArgs *>(arg);
    Worker worker(args);
    worker.Run();
}

} // namespace

} // namespace chameleon::pg

using namespace chameleon::pg;

void chameleon_copy_worker_main(Datum main_arg) {
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();

    int32 extra[2];
    uint64 run_id = 0;
    memcpy(extra, MyBgworkerEntry->bgw_extra, sizeof extra);
    memcpy(&run_id, MyBgworkerEntry->bgw_extra + sizeof extra, sizeof run_id);
    dsm_segment *seg = dsm_attach(DatumGetUInt32(main_arg));
    if (seg == nullptr)
        ereport(ERROR, (errmsg("chameleon copy worker: the run's shared memory is gone")));
    auto *run = static_cast<CopyRunShared *>(dsm_segment_address(seg));
    if (run->magic != kCopyRunMagic || run->run_id != run_id)
        ereport(ERROR, (errmsg("chameleon copy worker: unexpected shared memory segment")));
    const int index = extra[0];
    if (index < 0 || index >= kMaxCopyWorkers)
        ereport(ERROR, (errmsg("chameleon copy worker: bad worker index %d", index)));

    BackgroundWorkerInitializeConnectionByOid(run->database, run->user, 0);
    CopyWorkerSlot &slot = run->workers[index];
    slot.pid = MyProcPid;
    pg_atomic_write_u32(&slot.state, static_cast<uint32>(WorkerState::kRunning));
    SetConfigOption("application_name", MyBgworkerEntry->bgw_name, PGC_USERSET, PGC_S_SESSION);
    pgstat_report_appname(MyBgworkerEntry->bgw_name);

    MemoryContext context =
        AllocSetContextCreate(TopMemoryContext, "chameleon copy worker", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(context);
    WorkerArgs args{seg, run, index, static_cast<WorkerRole>(extra[1])};
    RunGuardedVoid("chameleon copy worker", WorkerBody, &args);

    pg_atomic_write_u32(&slot.state, static_cast<uint32>(WorkerState::kExited));
    WakeConductor(run);
    dsm_detach(seg);
}
