// replay_client: limit (a) of the replication benchmark (test/bench/replication_bench.sh) — one
// ordinary client session applying row changes to PostgreSQL with prepared statements, one round
// trip per source transaction. It also applies the changes to the publisher of limit (b).
//
//   replay_client --conninfo STR --schema NAME [--synchronous-commit on|off] [--chunk N] FILE
//
// FILE is written by binlog_changes.pl from the MariaDB binlog; tab-separated lines, values in
// COPY text escapes (\N is NULL, \\ \t \n \r):
//   T <n> <schema.table> <col,col,...> <primary key column indexes, 0-based>
//   B                                    a source transaction begins
//   I <n> <after image>   D <n> <before image>   U <n> <before image> <after image>
//   C                                    it commits
// The whole file is parsed before the clock starts. Each source transaction becomes BEGIN, one
// EXECUTE per row (INSERT all columns; UPDATE all columns WHERE primary key = before image's;
// DELETE WHERE primary key = before image's), COMMIT and one Sync, sent in libpq's pipeline mode:
// one round trip. A transaction of more than --chunk rows (default 1000) gets a Sync every --chunk
// rows inside it (still one PostgreSQL transaction), which bounds what sits in the socket buffers.
// Every UPDATE and DELETE must touch exactly one row, or the run fails.
// Prints one line with the figures and then
// "RESULT rows seconds backend_cpu_s client_cpu_s backend_VmHWM_kB".
#include <libpq-fe.h>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Table {
    std::string name; // without the schema
    std::vector<std::string> columns;
    std::vector<int> pk;
};

struct Row {
    char op; // I, U, D
    int table;
    size_t first; // index into values
};

struct Tx {
    size_t first_row, rows;
};

[[noreturn]] void Die(const std::string &msg) {
    std::fprintf(stderr, "replay_client: %s\n", msg.c_str());
    std::exit(1);
}

std::vector<char *> SplitTabs(char *line) {
    std::vector<char *> out;
    out.push_back(line);
    for (char *p = line; *p; ++p) {
        if (*p == '\t') {
            *p = '\0';
            out.push_back(p + 1);
        }
    }
    return out;
}

// Undoes the COPY text escapes in place; returns nullptr for \N.
char *Unescape(char *s) {
    if (s[0] == '\\' && s[1] == 'N' && s[2] == '\0')
        return nullptr;
    char *w = s;
    for (char *r = s; *r; ++r) {
        if (*r == '\\' && r[1]) {
            ++r;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return s;
}

std::vector<std::string> SplitComma(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        out.push_back(item);
    return out;
}

std::string Ident(const std::string &s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

double CpuSecondsOf(int pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    std::ifstream f(path);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t paren = text.rfind(')');
    if (paren == std::string::npos)
        return 0;
    std::istringstream rest(text.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // fields after the command: state(3) ... utime(14) stime(15)
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::strtoull(field.c_str(), nullptr, 10);
        if (i == 15)
            stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long PeakRssKbOf(int pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, 6, "VmHWM:") == 0)
            return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

double ClientCpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void Exec(PGconn *conn, const std::string &sql) {
    PGresult *res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        Die(sql + ": " + PQerrorMessage(conn));
    PQclear(res);
}

} // namespace

int main(int argc, char **argv) {
    std::string conninfo, schema, sync_commit = "off", file;
    size_t chunk = 1000;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc)
                Die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--conninfo")
            conninfo = val();
        else if (a == "--schema")
            schema = val();
        else if (a == "--synchronous-commit")
            sync_commit = val();
        else if (a == "--chunk")
            chunk = std::strtoul(val().c_str(), nullptr, 10);
        else if (!a.empty() && a[0] == '-')
            Die("unknown option " + a);
        else
            file = a;
    }
    if (file.empty() || schema.empty() || chunk == 0)
        Die("usage: replay_client --conninfo STR --schema NAME [--synchronous-commit on|off] [--chunk N] "
            "FILE");

    // ---- parse everything first ----
    std::ifstream in(file, std::ios::binary);
    if (!in)
        Die("cannot read " + file);
    std::ostringstream whole;
    whole << in.rdbuf();
    std::string text = whole.str();
    std::vector<Table> tables;
    std::vector<Row> rows;
    std::vector<const char *> values;
    std::vector<Tx> txs;
    size_t inserts = 0, updates = 0, deletes = 0;
    bool open = false;
    char *p = text.data(), *end = text.data() + text.size();
    while (p < end) {
        char *nl = static_cast<char *>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
        if (!nl)
            nl = end;
        *nl = '\0';
        char *line = p;
        p = nl + 1;
        if (!*line)
            continue;
        if (line[0] == 'B') {
            open = true;
            txs.push_back({rows.size(), 0});
            continue;
        }
        if (line[0] == 'C') {
            if (!open)
                Die("commit outside a transaction");
            txs.back().rows = rows.size() - txs.back().first_row;
            open = false;
            continue;
        }
        std::vector<char *> f = SplitTabs(line);
        if (line[0] == 'T') {
            if (f.size() < 5)
                Die("bad table line");
            Table t;
            std::string qualified = f[2];
            t.name = qualified.substr(qualified.find('.') + 1);
            t.columns = SplitComma(f[3]);
            for (const std::string &k : SplitComma(f[4]))
                t.pk.push_back(std::atoi(k.c_str()));
            if (t.pk.empty())
                Die("table " + qualified + " has no primary key");
            tables.push_back(t);
            continue;
        }
        if (!open || f.size() < 2)
            Die(std::string("unexpected line: ") + line);
        int table = std::atoi(f[1]);
        if (table < 0 || static_cast<size_t>(table) >= tables.size())
            Die("unknown table number");
        size_t ncols = tables[static_cast<size_t>(table)].columns.size();
        size_t want = line[0] == 'U' ? 2 * ncols : ncols;
        if (f.size() != want + 2)
            Die("row with " + std::to_string(f.size() - 2) + " values, expected " + std::to_string(want));
        rows.push_back({line[0], table, values.size()});
        for (size_t i = 2; i < f.size(); ++i)
            values.push_back(Unescape(f[i]));
        if (line[0] == 'I')
            ++inserts;
        else if (line[0] == 'U')
            ++updates;
        else
            ++deletes;
    }

    // ---- connect, prepare ----
    PGconn *conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK)
        Die(std::string("connection failed: ") + PQerrorMessage(conn));
    Exec(conn, "SET synchronous_commit = " + sync_commit);
    for (size_t t = 0; t < tables.size(); ++t) {
        const Table &tb = tables[t];
        std::string q = Ident(schema) + "." + Ident(tb.name);
        std::string cols, params, sets, where;
        size_t n = tb.columns.size();
        for (size_t i = 0; i < n; ++i) {
            cols += (i ? ", " : "") + Ident(tb.columns[i]);
            params += (i ? ", $" : "$") + std::to_string(i + 1);
            sets += (i ? ", " : "") + Ident(tb.columns[i]) + " = $" + std::to_string(i + 1);
        }
        std::string upd_where, del_where;
        for (size_t k = 0; k < tb.pk.size(); ++k) {
            const std::string &c = tb.columns[static_cast<size_t>(tb.pk[k])];
            upd_where += (k ? " AND " : "") + Ident(c) + " = $" + std::to_string(n + k + 1);
            del_where += (k ? " AND " : "") + Ident(c) + " = $" + std::to_string(k + 1);
        }
        const std::string stmts[3][2] = {
            {"i" + std::to_string(t), "INSERT INTO " + q + " (" + cols + ") VALUES (" + params + ")"},
            {"u" + std::to_string(t), "UPDATE " + q + " SET " + sets + " WHERE " + upd_where},
            {"d" + std::to_string(t), "DELETE FROM " + q + " WHERE " + del_where}};
        for (const auto &s : stmts) {
            PGresult *res = PQprepare(conn, s[0].c_str(), s[1].c_str(), 0, nullptr);
            if (PQresultStatus(res) != PGRES_COMMAND_OK)
                Die(s[1] + ": " + PQerrorMessage(conn));
            PQclear(res);
        }
    }

    // ---- apply, timed ----
    int backend = PQbackendPID(conn);
    double backend_cpu0 = CpuSecondsOf(backend), client_cpu0 = ClientCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    if (!PQenterPipelineMode(conn))
        Die("cannot enter pipeline mode");
    std::vector<char> expect; // what each result of the current round trip answers: x, I, U, D
    std::vector<const char *> args;
    std::vector<std::string> names;
    for (size_t t = 0; t < tables.size(); ++t)
        for (const char *k : {"i", "u", "d"})
            names.push_back(k + std::to_string(t));
    auto send_plain = [&](const char *sql) {
        if (!PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0))
            Die(std::string(sql) + ": " + PQerrorMessage(conn));
        expect.push_back('x');
    };
    auto round_trip = [&]() {
        if (!PQpipelineSync(conn))
            Die(std::string("sync: ") + PQerrorMessage(conn));
        size_t next = 0;
        bool was_null = false;
        for (;;) {
            PGresult *res = PQgetResult(conn);
            if (!res) { // end of one query's results
                if (was_null && PQstatus(conn) == CONNECTION_BAD)
                    Die(std::string("connection lost: ") + PQerrorMessage(conn));
                was_null = true;
                continue;
            }
            was_null = false;
            ExecStatusType st = PQresultStatus(res);
            if (st == PGRES_PIPELINE_SYNC) {
                PQclear(res);
                break;
            }
            if (st != PGRES_COMMAND_OK)
                Die(std::string("apply failed: ") + PQresultErrorMessage(res));
            char kind = next < expect.size() ? expect[next] : '?';
            ++next;
            if ((kind == 'U' || kind == 'D') && std::strcmp(PQcmdTuples(res), "1") != 0)
                Die(std::string(kind == 'U' ? "UPDATE" : "DELETE") + " touched " + PQcmdTuples(res) +
                    " rows instead of 1");
            PQclear(res);
        }
        expect.clear();
    };
    for (const Tx &tx : txs) {
        send_plain("BEGIN");
        for (size_t r = 0; r < tx.rows; ++r) {
            const Row &row = rows[tx.first_row + r];
            const Table &tb = tables[static_cast<size_t>(row.table)];
            size_t n = tb.columns.size();
            const char *const *v = values.data() + row.first;
            int which = row.op == 'I' ? 0 : row.op == 'U' ? 1 : 2;
            args.clear();
            if (row.op == 'I') {
                args.assign(v, v + n);
            } else if (row.op == 'U') {
                args.assign(v + n, v + 2 * n);
                for (int k : tb.pk)
                    args.push_back(v[k]);
            } else {
                for (int k : tb.pk)
                    args.push_back(v[k]);
            }
            const std::string &name = names[static_cast<size_t>(row.table) * 3 + static_cast<size_t>(which)];
            if (!PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(args.size()), args.data(), nullptr,
                                     nullptr, 0))
                Die(std::string("send: ") + PQerrorMessage(conn));
            expect.push_back(row.op);
            if ((r + 1) % chunk == 0 && r + 1 < tx.rows)
                round_trip();
        }
        send_plain("COMMIT");
        round_trip();
    }
    PQexitPipelineMode(conn);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double backend_cpu = CpuSecondsOf(backend) - backend_cpu0, client_cpu = ClientCpuSeconds() - client_cpu0;
    long backend_hwm = PeakRssKbOf(backend);
    PQfinish(conn);
    size_t total = inserts + updates + deletes;
    std::printf("replay_client: %zu transactions, %zu row changes (%zu inserts, %zu updates, %zu deletes) in "
                "%.3f s = %.0f changes/s; backend cpu %.2f s, client cpu %.2f s, backend VmHWM %ld kB\n",
                txs.size(), total, inserts, updates, deletes, seconds, static_cast<double>(total) / seconds,
                backend_cpu, client_cpu, backend_hwm);
    std::printf("RESULT %zu %.3f %.2f %.2f %ld\n", total, seconds, backend_cpu, client_cpu, backend_hwm);
    return 0;
}
