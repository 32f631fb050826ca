// One table's rows from a MySQL stream into PostgreSQL through the COPY FROM machinery.
//
// BeginCopyFrom is given a data callback (it has no user-data argument, so the state is the
// process-wide `current_feeder`; a copy worker loads one table at a time). The callback converts
// MySQL rows to COPY text lines on demand: the MySQL read, the conversion and PostgreSQL's parsing
// and inserting interleave, and memory stays bounded by the largest row.
//
// Errors. A value the converter refuses (a NUL byte in text) is reported by the callback with the
// row's key at once. A value PostgreSQL refuses is reported by COPY with its line number; the
// feeder keeps the keys of the lines COPY may not have parsed yet, so the error can name the row.
//
// Skip mode (bad rows to t_discarded_rows): rows are converted in batches kept in memory, each
// batch loaded in a subtransaction; a failing line is taken out and the batch loaded again.
// Resources stay bounded however many rows are discarded or loaded:
//  - memory: each discarded row is recorded in a memory context reset right after it (the INSERT's
//    parameters used to stay in SPI's procedure context until the table committed: ~300 bytes a
//    row), and a batch loaded at the top level allocates in a context reset after it;
//  - subtransaction XIDs: a released subtransaction's XID stays in the transaction (and in PGPROC's
//    cache of 64, past which every snapshot in the cluster reads pg_subtrans) until the top-level
//    commit. A batch that loaded cleanly is kept in its subtransaction only while the transaction
//    holds at most kKeptSubxids of them, its own included; after that it is rolled back (its XID
//    leaves the cache) and loaded again, identical, in the table's transaction itself, where it has
//    just been shown to load. Only a failure that does not repeat (out of memory, a lock timeout)
//    can fail there, and it fails the table like any error of the streaming load.
// Each attempt runs through RunInSubtransaction (pg/guard.hpp), the one way this code carries on
// after a PostgreSQL error.
#include "pg/copy/load.hpp"

#include "common/error.hpp"
#include "convert/pg_binary.hpp"
#include "convert/pg_value.hpp"
#include "ddl/pg_text.hpp"
#include "pg/copy/shared.hpp"
#include "pg/guard.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <vector>

extern "C" {
#include "access/table.h"
#include "access/xact.h"
#include "commands/copy.h"
#include "commands/copyfrom_internal.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "nodes/value.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "utils/elog.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "storage/proc.h"
}

namespace chameleon::pg {

namespace {

constexpr uint64 kCheckEvery = 1024;          // rows between progress updates and interrupt checks
constexpr uint64 kKeyLag = 4096;              // keys kept behind COPY's current line
constexpr size_t kSkipBatchRows = 10000;      // skip mode: rows per subtransaction
constexpr size_t kSkipBatchBytes = 16u << 20; // skip mode: bytes per subtransaction
constexpr int kKeptSubxids = 8;               // skip mode: subtransaction XIDs a table's transaction keeps

const char *InternSqlState(const std::string &state) {
    static std::mutex mutex;
    static auto *states = new std::set<std::string>();
    std::lock_guard<std::mutex> lock(mutex);
    return states->insert(state).first->c_str();
}

struct Problem {
    int column = -1;
    std::string reason;
    const char *sqlstate = "22P02";
    bool names_column = true; // "column "c": reason" (our own checks) or PostgreSQL's wording
};

// Appends the current row: one COPY text line ("a\tb\t\\N\n"), or one binary COPY tuple, and adds
// to `stripped` the values whose NUL bytes were left out (nul_bytes: strip). On a value that
// cannot be converted, `out` is restored and `problem` filled.
bool AppendRow(const ddl::CopyTable &table, const mysql::RowStream &rows, std::string &out, Problem &problem,
               uint64 &stripped) {
    const size_t start = out.size();
    uint64 row_stripped = 0;
    const unsigned int n = rows.ColumnCount();
    if (table.binary_copy) {
        convert::AppendBinaryRowStart(out, static_cast<int>(n));
        for (unsigned int i = 0; i < n; ++i) {
            const char *value = rows.Value(i);
            if (value == nullptr) {
                convert::AppendBinaryNull(out);
                continue;
            }
            convert::BinaryProblem bp;
            if (convert::AppendBinaryField(out, table.columns[i].binary, table.columns[i].spec, value,
                                           rows.Length(i), bp)) {
                row_stripped += bp.nul_stripped ? 1 : 0;
                continue;
            }
            out.resize(start);
            problem.column = static_cast<int>(i);
            problem.sqlstate = bp.sqlstate;
            problem.reason = bp.message;
            problem.names_column = std::strcmp(bp.sqlstate, "22021") == 0;
            return false;
        }
        stripped += row_stripped;
        return true;
    }
    for (unsigned int i = 0; i < n; ++i) {
        if (i > 0)
            out += '\t';
        const char *value = rows.Value(i);
        if (value == nullptr) {
            out += "\\N";
            continue;
        }
        convert::ConvertStatus status =
            convert::AppendPgValue(out, table.columns[i].spec, value, rows.Length(i), /*copy_escape=*/true);
        if (status == convert::ConvertStatus::kOk)
            continue;
        if (status == convert::ConvertStatus::kStripped) {
            ++row_stripped;
            continue;
        }
        if (status == convert::ConvertStatus::kNull) {
            out += "\\N";
            continue;
        }
        out.resize(start);
        problem.column = static_cast<int>(i);
        problem.names_column = true;
        if (status == convert::ConvertStatus::kNulByte) {
            problem.reason = "the value contains a NUL byte, which PostgreSQL text cannot store";
            problem.sqlstate = "22021";
        } else {
            problem.reason = std::string("the value does not fit the column (") +
                             ddl::CopyKindName(table.columns[i].spec.kind) + ")";
            problem.sqlstate = "22P02";
        }
        return false;
    }
    out += '\n';
    stripped += row_stripped;
    return true;
}

// The key columns' raw values of the current row, packed (flag, length, bytes each): kept for
// the rows COPY may not have parsed yet, cheap for the usual short keys.
std::string PackKey(const ddl::CopyTable &table, const mysql::RowStream &rows) {
    std::string packed;
    for (int k : table.key_columns) {
        const char *v = rows.Value(static_cast<unsigned int>(k));
        if (v == nullptr) {
            packed += '\0';
            continue;
        }
        const uint32 n = static_cast<uint32>(rows.Length(static_cast<unsigned int>(k)));
        packed += '\1';
        packed.append(reinterpret_cast<const char *>(&n), sizeof n);
        packed.append(v, n);
    }
    return packed;
}

std::vector<std::optional<std::string>> UnpackKey(const std::string &packed) {
    std::vector<std::optional<std::string>> values;
    size_t i = 0;
    while (i < packed.size()) {
        if (packed[i++] == '\0') {
            values.emplace_back(std::nullopt);
            continue;
        }
        uint32 n = 0;
        memcpy(&n, packed.data() + i, sizeof n);
        i += sizeof n;
        values.emplace_back(packed.substr(i, n));
        i += n;
    }
    return values;
}

std::string DescribeKey(const ddl::CopyTable &table, const std::vector<std::optional<std::string>> &values) {
    if (table.key_columns.empty())
        return "";
    std::string names = "(";
    std::string text = "(";
    for (size_t i = 0; i < table.key_columns.size() && i < values.size(); ++i) {
        const int k = table.key_columns[i];
        if (i > 0) {
            names += ", ";
            text += ", ";
        }
        names += table.columns[k].name;
        text += values[i] ? convert::DescribeValue(values[i]->data(), values[i]->size(),
                                                   table.columns[k].spec.kind, 64)
                          : "NULL";
    }
    return names + ")=" + text + ")";
}

std::string TableDisplay(const ddl::CopyTable &t) {
    return mysql::QuoteIdentifier(t.origin_schema) + "." + mysql::QuoteIdentifier(t.origin_table);
}

std::string RowDescription(const std::string &key, uint64 row_number) {
    return key.empty() ? "Row " + std::to_string(row_number) + " (the table has no primary key)"
                       : "Row with primary key " + key;
}

struct BatchLine {
    size_t offset;
    size_t length;
    std::string key;
    uint64 row_number;
    bool skipped;
    uint64 nul_stripped; // values of the row stripped of NUL bytes
};

class Feeder {
public:
    explicit Feeder(const LoadRequest &request) : request_(request) {}

    // The data callback's work: fills `out` with up to `maxread` bytes; 0 at the end.
    int Fill(char *out, int maxread) {
        const size_t want = static_cast<size_t>(maxread);
        if (binary_ && !header_sent_) {
            buffer_ += convert::BinaryCopyHeader();
            header_sent_ = true;
        }
        while (buffer_.size() - pos_ < want && !eof_) {
            if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
                buffer_.erase(0, pos_);
                pos_ = 0;
            }
            if (!NextLine()) {
                if (binary_)
                    buffer_ += convert::BinaryCopyTrailer();
                eof_ = true;
            }
        }
        size_t n = std::min(want, buffer_.size() - pos_);
        if (n > 0)
            memcpy(out, buffer_.data() + pos_, n);
        pos_ += n;
        if (pos_ == buffer_.size()) {
            buffer_.clear();
            pos_ = 0;
        }
        TrimKeys();
        return static_cast<int>(n);
    }

    // Streaming mode (one COPY for the whole stream).
    void StartStream() {
        batch_ = nullptr;
        Reset();
    }

    // Batch mode: one COPY over the non-skipped lines of `lines` in `text`.
    void StartBatch(const std::string *text, const std::vector<BatchLine> *lines) {
        batch_ = text;
        batch_lines_ = lines;
        batch_next_ = 0;
        delivered_.clear();
        Reset();
    }

    void SetCopyState(CopyFromState cstate) { cstate_ = cstate; }
    CopyFromState CopyState() const { return cstate_; }
    bool OwnError() const { return own_error_; }
    uint64 RowsSeen() const { return rows_seen_; }
    uint64 NulStripped() const { return nul_stripped_; }
    void CountRow() { ++rows_seen_; }

    // Key (described, and its raw values) and row number of COPY line `lineno` of the current
    // COPY, if known.
    bool LineKey(uint64 lineno, std::string &key, uint64 &row_number, size_t *batch_index,
                 std::vector<std::optional<std::string>> *raw = nullptr) const {
        if (batch_ != nullptr) {
            if (lineno == 0 || lineno > delivered_.size())
                return false;
            size_t index = delivered_[lineno - 1];
            key = (*batch_lines_)[index].key;
            row_number = (*batch_lines_)[index].row_number;
            if (batch_index != nullptr)
                *batch_index = index;
            return true;
        }
        for (const auto &k : keys_) {
            if (k.line == lineno) {
                std::vector<std::optional<std::string>> values = UnpackKey(k.key);
                key = DescribeKey(*request_.table, values);
                row_number = k.row_number;
                if (raw != nullptr)
                    *raw = std::move(values);
                return true;
            }
        }
        return false;
    }

    // Brings the table's shared row count (several workers may load one table) to `rows` for this load.
    void Report(uint64 rows) {
        if (request_.progress != nullptr && rows != reported_) {
            pg_atomic_fetch_add_u64(&request_.progress->rows, static_cast<int64>(rows - reported_));
            reported_ = rows;
        }
    }

    // rows.Next(), a MySQL failure reworded to name the table.
    bool NextRow(mysql::RowStream &rows) {
        try {
            return rows.Next();
        } catch (const mysql::MysqlError &e) {
            own_error_ = true;
            throw Error("copy of MySQL table " + TableDisplay(*request_.table) + " failed: " + e.what(),
                        e.SqlState(), e.Detail(),
                        "The MySQL server went away or stopped answering (read_timeout bounds the wait).");
        }
    }

    // Progress, abort and interrupt check, every kCheckEvery rows.
    void Checkpoint() {
        Report(rows_seen_);
        if (request_.run != nullptr &&
            static_cast<AbortReason>(pg_atomic_read_u32(&request_.run->abort)) != AbortReason::kNone) {
            own_error_ = true;
            throw RunAborted();
        }
        PgCall([] { CHECK_FOR_INTERRUPTS(); });
    }

private:
    struct PendingKey {
        uint64 line;
        uint64 row_number;
        std::string key;
    };

    void Reset() {
        binary_ = batch_ == nullptr && request_.table->binary_copy;
        header_sent_ = false;
        buffer_.clear();
        pos_ = 0;
        eof_ = false;
        line_ = 0;
        keys_.clear();
        cstate_ = nullptr;
        own_error_ = false;
    }

    bool NextLine() {
        if (batch_ != nullptr) {
            while (batch_next_ < batch_lines_->size() && (*batch_lines_)[batch_next_].skipped)
                ++batch_next_;
            if (batch_next_ >= batch_lines_->size())
                return false;
            const BatchLine &l = (*batch_lines_)[batch_next_];
            buffer_.append(*batch_, l.offset, l.length);
            delivered_.push_back(batch_next_);
            ++batch_next_;
            ++line_;
            return true;
        }
        mysql::RowStream &rows = *request_.rows;
        if (!NextRow(rows))
            return false;
        ++rows_seen_;
        if (rows_seen_ % kCheckEvery == 0)
            Checkpoint();
        Problem problem;
        if (!AppendRow(*request_.table, rows, buffer_, problem, nul_stripped_)) {
            own_error_ = true;
            const ddl::CopyTable &t = *request_.table;
            const std::string &column = t.columns[problem.column].name;
            std::string value =
                convert::DescribeValue(rows.Value(problem.column), rows.Length(problem.column),
                                       t.columns[problem.column].spec.kind, 100);
            throw Error(
                "copy of MySQL table " + TableDisplay(t) + " failed: " +
                    (problem.names_column ? "column " + ddl::QuoteIdent(column) + ": " : std::string()) +
                    problem.reason,
                InternSqlState(problem.sqlstate),
                RowDescription(RowKey(t, rows), rows_seen_) + ", column " + ddl::QuoteIdent(column) +
                    ", value \"" + value + "\".",
                "Fix the value in MySQL, or set on_error_copy: skip in the source's configuration to "
                "send such rows to sch_chameleon.t_discarded_rows.");
        }
        ++line_;
        keys_.push_back(PendingKey{line_, rows_seen_, PackKey(*request_.table, rows)});
        return true;
    }

    void TrimKeys() {
        if (cstate_ == nullptr)
            return;
        const uint64 parsed = cstate_->cur_lineno;
        while (!keys_.empty() && keys_.front().line + kKeyLag < parsed)
            keys_.pop_front();
    }

    const LoadRequest &request_;
    CopyFromState cstate_ = nullptr;
    std::string buffer_;
    size_t pos_ = 0;
    bool eof_ = false;
    uint64 line_ = 0;
    uint64 rows_seen_ = 0;
    uint64 reported_ = 0;
    uint64 nul_stripped_ = 0; // streaming: values stripped of NUL bytes
    bool binary_ = false;
    bool header_sent_ = false;
    bool own_error_ = false;
    std::deque<PendingKey> keys_;
    const std::string *batch_ = nullptr;
    const std::vector<BatchLine> *batch_lines_ = nullptr;
    size_t batch_next_ = 0;
    std::vector<size_t> delivered_;
};

Feeder *current_feeder = nullptr;

struct FillArgs {
    char *out;
    int maxread;
    int result;
};

void FillBody(void *arg) {
    auto *a = static_cast<FillArgs *>(arg);
    a->result = current_feeder->Fill(a->out, a->maxread);
}

extern "C" int ChameleonCopyData(void *outbuf, int minread, int maxread) {
    (void)minread;
    FillArgs args{static_cast<char *>(outbuf), maxread, 0};
    RunGuardedVoid("chameleon copy", FillBody, &args);
    return args.result;
}

// What COPY was doing when it failed, read from its state before the transaction is aborted.
struct CopyFailure {
    uint64 lineno = 0;
    std::string column;
    std::string value;
};

CopyFailure ReadFailure(CopyFromState cstate) {
    CopyFailure f;
    if (cstate == nullptr)
        return f;
    f.lineno = cstate->cur_lineno;
    if (cstate->cur_attname != nullptr)
        f.column = cstate->cur_attname;
    if (cstate->cur_attval != nullptr) {
        std::string v = cstate->cur_attval;
        f.value = convert::DescribeValue(v.data(), v.size(), ddl::CopyKind::kText, 100);
    }
    return f;
}

// A PostgreSQL error of COPY, reworded to name the MySQL table, the row's key, the column and the value.
Error EnrichCopyError(const PgError &e, const LoadRequest &request, const Feeder &feeder, CopyFailure f) {
    const ddl::CopyTable &table = *request.table;
    ErrorData *edata = e.Data();
    std::string key;
    uint64 row_number = 0;
    std::vector<std::optional<std::string>> raw;
    bool known = feeder.LineKey(f.lineno, key, row_number, nullptr, &raw);
    if (f.value.empty() && !f.column.empty() && known && !raw.empty() && request.lookup) {
        // Binary COPY does not keep the value's text: read it again from MySQL by its key.
        for (size_t i = 0; i < table.columns.size(); ++i) {
            if (table.columns[i].name == f.column) {
                f.value = request.lookup(raw, static_cast<int>(i)).value_or("?");
                break;
            }
        }
    }
    std::string detail;
    if (known)
        detail = RowDescription(key, row_number);
    else
        detail = "Line " + std::to_string(f.lineno) + " of the COPY";
    if (!f.column.empty())
        detail += ", column " + ddl::QuoteIdent(f.column);
    if (!f.column.empty() || !f.value.empty())
        detail += ", value \"" + f.value + "\"";
    detail += ".";
    if (edata->detail != nullptr)
        detail += "\n" + std::string(edata->detail);
    return Error("copy of MySQL table " + TableDisplay(table) +
                     " failed: " + std::string(edata->message != nullptr ? edata->message : "error"),
                 InternSqlState(unpack_sql_state(edata->sqlerrcode)), detail,
                 edata->hint != nullptr ? edata->hint : "");
}

struct CopyHandles {
    Relation rel = nullptr;
    ParseState *pstate = nullptr;
    CopyFromState cstate = nullptr;
};

// Opens the target and begins a COPY reading from ChameleonCopyData. C zone: no C++ temporaries.
void BeginCopy(const ddl::CopyTable &table, CopyHandles &h, bool batch) {
    PgCall([&] {
        CommandCounterIncrement();
        PushActiveSnapshot(GetTransactionSnapshot());
        RangeVar *rv = makeRangeVar(pstrdup(table.load_schema.c_str()), pstrdup(table.table.c_str()), -1);
        h.rel = table_openrv(rv, RowExclusiveLock);
        h.pstate = make_parsestate(nullptr);
        ParseNamespaceItem *nsitem =
            addRangeTableEntryForRelation(h.pstate, h.rel, RowExclusiveLock, nullptr, false, false);
        nsitem->p_rte->requiredPerms = ACL_INSERT;
        ExecCheckRTPerms(h.pstate->p_rtable, true);
        List *columns = NIL;
        for (const ddl::CopyColumn &c : table.columns)
            columns = lappend(columns, makeString(pstrdup(c.name.c_str())));
        List *options =
            table.binary_copy && !batch
                ? list_make1(makeDefElem(pstrdup("format"), (Node *)makeString(pstrdup("binary")), -1))
                : list_make1(makeDefElem(pstrdup("encoding"), (Node *)makeString(pstrdup("UTF8")), -1));
        h.cstate =
            BeginCopyFrom(h.pstate, h.rel, nullptr, nullptr, false, ChameleonCopyData, columns, options);
    });
}

void EndCopy(CopyHandles &h) {
    PgCall([&] {
        EndCopyFrom(h.cstate);
        table_close(h.rel, NoLock);
        free_parsestate(h.pstate);
        PopActiveSnapshot();
    });
    h = CopyHandles{};
}

// Clears current_feeder however the load ends.
struct FeederScope {
    explicit FeederScope(Feeder *f) { current_feeder = f; }
    ~FeederScope() { current_feeder = nullptr; }
};

LoadResult LoadStreaming(const LoadRequest &request) {
    const ddl::CopyTable &table = *request.table;
    Feeder feeder(request);
    FeederScope scope(&feeder);
    feeder.StartStream();
    CopyHandles h;
    BeginCopy(table, h, false);
    feeder.SetCopyState(h.cstate);
    uint64 processed = 0;
    try {
        processed = PgCall([&] { return CopyFrom(h.cstate); });
    } catch (const PgError &e) {
        if (feeder.OwnError())
            throw;
        throw EnrichCopyError(e, request, feeder, ReadFailure(h.cstate));
    }
    EndCopy(h);
    feeder.Report(processed);
    LoadResult result;
    result.rows = processed;
    result.nul_stripped = feeder.NulStripped();
    return result;
}

// Switches to `context` for a scope; the previous context is current again however the scope ends.
class ContextScope {
public:
    explicit ContextScope(MemoryContext context) : previous_(MemoryContextSwitchTo(context)) {}
    ~ContextScope() { MemoryContextSwitchTo(previous_); }
    ContextScope(const ContextScope &) = delete;
    ContextScope &operator=(const ContextScope &) = delete;

private:
    MemoryContext previous_;
};

LoadResult LoadInBatches(const LoadRequest &request) {
    const ddl::CopyTable &table = *request.table;
    mysql::RowStream &rows = *request.rows;
    Feeder feeder(request);
    FeederScope scope(&feeder);
    LoadResult result;
    std::string text;
    std::vector<BatchLine> lines;
    // Reset after each discarded row and after each batch loaded at the top level. A child of the
    // transaction's context: an error unwinds without touching it, the abort deletes it.
    MemoryContext scratch = PgCall([] {
        return AllocSetContextCreate(CurrentMemoryContext, "chameleon skip mode", ALLOCSET_DEFAULT_SIZES);
    });
    // Sends a row to request.discard, whatever it allocates freed right after (not on an error: the
    // error's data may live there; the transaction's abort frees it).
    const auto discard = [&](const std::string &key, const std::string &reason, const std::string &row) {
        {
            ContextScope in(scratch);
            request.discard(key, reason, row);
        }
        PgCall([&] { MemoryContextReset(scratch); });
        ++result.discarded;
    };
    uint64 batches = 0;
    uint64 kept = 0;
    uint64 again = 0;
    bool end = false;
    while (!end) {
        text.clear();
        lines.clear();
        while (lines.size() < kSkipBatchRows && text.size() < kSkipBatchBytes) {
            if (!feeder.NextRow(rows)) {
                end = true;
                break;
            }
            feeder.CountRow();
            if (feeder.RowsSeen() % kCheckEvery == 0)
                feeder.Checkpoint();
            Problem problem;
            size_t start = text.size();
            uint64 stripped = 0;
            if (!AppendRow(table, rows, text, problem, stripped)) {
                const std::string &column = table.columns[problem.column].name;
                std::string value =
                    convert::DescribeValue(rows.Value(problem.column), rows.Length(problem.column),
                                           table.columns[problem.column].spec.kind, 100);
                std::string row_text;
                for (unsigned int i = 0; i < rows.ColumnCount(); ++i) {
                    if (i > 0)
                        row_text += '\t';
                    row_text += rows.Value(i) == nullptr
                                    ? "\\N"
                                    : convert::DescribeValue(rows.Value(i), rows.Length(i),
                                                             table.columns[i].spec.kind, 1000);
                }
                discard(RowKey(table, rows),
                        "column " + ddl::QuoteIdent(column) + ": " + problem.reason + " (value \"" + value +
                            "\")",
                        row_text);
                continue;
            }
            lines.push_back(BatchLine{start, text.size() - start, RowKey(table, rows), feeder.RowsSeen(),
                                      false, stripped});
        }
        if (lines.empty())
            continue;
        ++batches;
        for (;;) {
            feeder.StartBatch(&text, &lines);
            CopyHandles h;
            uint64 processed = 0;
            CopyFailure failure;
            bool keep = false;
            std::optional<PgError> error;
            {
                // What the attempt allocates in the caller's context, and its error, go with the
                // reset of `scratch` below.
                ContextScope in(scratch);
                error = RunInSubtransaction([&] {
                    BeginCopy(table, h, true);
                    feeder.SetCopyState(h.cstate);
                    try {
                        processed = PgCall([&] { return CopyFrom(h.cstate); });
                    } catch (const PgError &) {
                        failure = ReadFailure(h.cstate); // COPY's state goes with the rollback
                        throw;
                    }
                    EndCopy(h);
                    // The subtransaction's XID is in MyProc's cache (count) from its first row on.
                    keep = PgCall([] {
                        return !MyProc->subxidStatus.overflowed && MyProc->subxidStatus.count <= kKeptSubxids;
                    });
                    return keep ? SubtransactionEnd::kRelease : SubtransactionEnd::kRollback;
                });
            }
            if (!error) {
                if (keep) {
                    ++kept;
                } else {
                    // The same lines again, in the table's transaction: no XID of their own.
                    ++again;
                    ContextScope in(scratch);
                    feeder.StartBatch(&text, &lines);
                    BeginCopy(table, h, true);
                    feeder.SetCopyState(h.cstate);
                    try {
                        processed = PgCall([&] { return CopyFrom(h.cstate); });
                    } catch (const PgError &e) {
                        throw EnrichCopyError(e, request, feeder, ReadFailure(h.cstate));
                    }
                    EndCopy(h);
                }
                PgCall([&] { MemoryContextReset(scratch); });
                result.rows += processed;
                for (const BatchLine &l : lines)
                    result.nul_stripped += l.skipped ? 0 : l.nul_stripped; // discarded rows store nothing
                break;
            }
            // Not a row's fault (lock, permission...): give up like the streaming load.
            if (failure.lineno == 0 || failure.lineno > lines.size())
                throw EnrichCopyError(*error, request, feeder, failure);
            const std::string message = error->Data()->message != nullptr ? error->Data()->message : "error";
            std::string key;
            uint64 row_number = 0;
            size_t index = 0;
            if (!feeder.LineKey(failure.lineno, key, row_number, &index))
                throw Error("copy of MySQL table " + TableDisplay(table) + " failed: " + message);
            PgCall([&] { MemoryContextReset(scratch); }); // the error's data
            lines[index].skipped = true;
            std::string reason = message;
            if (!failure.column.empty())
                reason +=
                    " (column " + ddl::QuoteIdent(failure.column) + ", value \"" + failure.value + "\")";
            std::string row_text = text.substr(lines[index].offset, lines[index].length);
            if (!row_text.empty() && row_text.back() == '\n')
                row_text.pop_back();
            discard(key, reason, row_text);
        }
    }
    feeder.Report(result.rows);
    const std::string what = TableDisplay(table);
    PgCall([&] {
        ereport(DEBUG1, (errmsg_internal("skip-mode load of %s: " UINT64_FORMAT " batches, " UINT64_FORMAT
                                         " kept in their subtransactions, " UINT64_FORMAT
                                         " loaded again in the table's transaction, %d subtransaction XIDs "
                                         "held, overflowed %s",
                                         what.c_str(), batches, kept, again, MyProc->subxidStatus.count,
                                         MyProc->subxidStatus.overflowed ? "yes" : "no")));
        MemoryContextDelete(scratch);
    });
    return result;
}

} // namespace

std::string RowKey(const ddl::CopyTable &table, const mysql::RowStream &rows) {
    if (table.key_columns.empty())
        return "";
    std::string names = "(";
    std::string values = "(";
    bool first = true;
    for (int k : table.key_columns) {
        if (!first) {
            names += ", ";
            values += ", ";
        }
        first = false;
        names += table.columns[k].name;
        const char *v = rows.Value(static_cast<unsigned int>(k));
        values +=
            v == nullptr ? "NULL" : convert::DescribeValue(v, rows.Length(k), table.columns[k].spec.kind, 64);
    }
    return names + ")=" + values + ")";
}

LoadResult LoadTable(const LoadRequest &request) {
    if (request.rows->ColumnCount() != request.table->columns.size()) {
        throw Error("copy of MySQL table " + TableDisplay(*request.table) + " failed: the SELECT returned " +
                    std::to_string(request.rows->ColumnCount()) + " columns, " +
                    std::to_string(request.table->columns.size()) + " were planned");
    }
    LoadResult result = request.skip_bad_rows ? LoadInBatches(request) : LoadStreaming(request);
    // The table's count (several workers may load one table), for its NOTICE and the catalogue.
    if (request.progress != nullptr && result.nul_stripped > 0)
        pg_atomic_fetch_add_u64(&request.progress->nul_stripped, result.nul_stripped);
    return result;
}

} // namespace chameleon::pg
