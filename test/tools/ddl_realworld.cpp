// The DDL parser and translator against real-world statements (issue 11): the table DDL of
// MariaDB's own test suite (mysql-test/*.test of Debian's mariadb-test-data, read where it is
// installed; nothing of it is copied into this repository).
//
//   ddl_realworld --mariadb-port N --pg 'CONNINFO' [--report FILE] [--details FILE] DIR|FILE.test...
//
// For each .test file, in a fresh database `test` on the MariaDB and a fresh schema "test" on the
// PostgreSQL:
//   1. extract the table DDL (CREATE/ALTER/DROP/RENAME TABLE, TRUNCATE, CREATE/DROP INDEX) the way
//      mysqltest reads the file: `delimiter`, `--` and `#` lines, mysqltest commands, statements up
//      to the delimiter; a statement announced to fail (`--error`, `error`) or using a $variable
//      is left out;
//   2. run each statement on MariaDB; only those it accepts count;
//   3. parse and translate the accepted statement against the registry the previous translations
//      left (schema test mapped to PostgreSQL schema test), under a time guard (a hang or a crash
//      aborts the run naming the statement);
//   4. run the translation on PostgreSQL, in one transaction: a rejection is a wrong translation.
// After a refusal or a rejection, the PostgreSQL schema and the registry are rebuilt from
// MariaDB's information_schema (what a re-copy does), so one defect is counted once.
// Prints the figures and the most frequent refusals; exits 1 on a crash, a hang or an internal
// error, 0 otherwise (the caller judges the figures).
#include "ddl/names.hpp"
#include "ddl/parser/parser.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/table_ddl.hpp"
#include "ddl/translate/translate.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace chameleon;
using namespace chameleon::ddl;

namespace {

// ---- extraction ----

struct Extracted {
    int line = 0;
    std::string sql;
};

std::string Lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string Trim(const std::string &s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

std::string FirstWord(const std::string &s) {
    size_t i = 0;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_'))
        ++i;
    return Lower(s.substr(0, i));
}

// The leading keywords of `sql` (comments skipped), upper-cased, at most `n`.
std::vector<std::string> LeadingWords(const std::string &sql, size_t n) {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < sql.size() && words.size() < n) {
        unsigned char c = static_cast<unsigned char>(sql[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (sql.compare(i, 2, "/*") == 0 && sql.compare(i, 3, "/*!") != 0 &&
                   sql.compare(i, 3, "/*M") != 0) {
            size_t e = sql.find("*/", i + 2);
            i = e == std::string::npos ? sql.size() : e + 2;
        } else if (sql.compare(i, 3, "/*!") == 0 || sql.compare(i, 3, "/*M") == 0) {
            i += 3;
            while (i < sql.size() && (std::isdigit(static_cast<unsigned char>(sql[i])) || sql[i] == '!'))
                ++i;
        } else if (std::isalpha(c) || c == '_') {
            size_t b = i;
            while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_'))
                ++i;
            std::string w = sql.substr(b, i - b);
            for (char &ch : w)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            words.push_back(w);
        } else {
            break;
        }
    }
    return words;
}

// Is `sql` table DDL (the statements issue 11 is about)?
bool IsTableDdl(const std::string &sql) {
    std::vector<std::string> w = LeadingWords(sql, 8);
    size_t i = 0;
    auto at = [&](const char *k) { return i < w.size() && w[i] == k; };
    if (at("CREATE")) {
        ++i;
        if (at("OR")) {
            ++i;
            if (!at("REPLACE"))
                return false;
            ++i;
        }
        if (at("TEMPORARY"))
            return w.size() > i + 1 && w[i + 1] == "TABLE";
        if (at("TABLE"))
            return true;
        if (at("ONLINE") || at("OFFLINE"))
            ++i;
        if (at("UNIQUE") || at("FULLTEXT") || at("SPATIAL"))
            ++i;
        return at("INDEX");
    }
    if (at("ALTER")) {
        ++i;
        if (at("ONLINE") || at("OFFLINE"))
            ++i;
        if (at("IGNORE"))
            ++i;
        return at("TABLE");
    }
    if (at("DROP")) {
        ++i;
        if (at("TEMPORARY"))
            ++i;
        return at("TABLE") || at("TABLES") || at("INDEX");
    }
    if (at("RENAME")) {
        ++i;
        return at("TABLE") || at("TABLES");
    }
    return at("TRUNCATE");
}

// Statements that would touch the server's own schemas are not replayed.
bool TouchesSystemSchema(const std::string &sql) {
    std::string l = Lower(sql);
    for (const char *s : {"mysql.", "`mysql`.", "information_schema", "performance_schema", "sys."}) {
        size_t p = l.find(s);
        while (p != std::string::npos) {
            if (p == 0 || !(std::isalnum(static_cast<unsigned char>(l[p - 1])) || l[p - 1] == '_'))
                return true;
            p = l.find(s, p + 1);
        }
    }
    return false;
}

const std::set<std::string> &MysqltestCommands() {
    static const std::set<std::string> commands = {"append_file",
                                                   "assert",
                                                   "cat_file",
                                                   "change_user",
                                                   "character_set",
                                                   "chmod",
                                                   "connect",
                                                   "connection",
                                                   "copy_file",
                                                   "copy_files_wildcard",
                                                   "dec",
                                                   "diff_files",
                                                   "die",
                                                   "dirty_close",
                                                   "disconnect",
                                                   "echo",
                                                   "end",
                                                   "end_timer",
                                                   "exec",
                                                   "exec_in_background",
                                                   "execw",
                                                   "exit",
                                                   "file_exists",
                                                   "horizontal_results",
                                                   "inc",
                                                   "let",
                                                   "list_files",
                                                   "list_files_append_file",
                                                   "list_files_write_file",
                                                   "lowercase_result",
                                                   "mkdir",
                                                   "move_file",
                                                   "output",
                                                   "partially_sorted_result",
                                                   "perl",
                                                   "ping",
                                                   "query_attributes",
                                                   "query_get_value",
                                                   "query_horizontal",
                                                   "query_vertical",
                                                   "real_sleep",
                                                   "reap",
                                                   "remove_file",
                                                   "remove_files_wildcard",
                                                   "replace_column",
                                                   "replace_numeric_round",
                                                   "replace_regex",
                                                   "replace_result",
                                                   "require",
                                                   "reset_connection",
                                                   "result",
                                                   "result_format",
                                                   "rmdir",
                                                   "save_master_pos",
                                                   "send",
                                                   "send_eval",
                                                   "send_quit",
                                                   "send_shutdown",
                                                   "shutdown_server",
                                                   "skip",
                                                   "sleep",
                                                   "sorted_result",
                                                   "source",
                                                   "start_timer",
                                                   "sync_slave_with_master",
                                                   "sync_with_master",
                                                   "system",
                                                   "vertical_results",
                                                   "wait_for_slave_to_stop",
                                                   "write_file",
                                                   "write_line",
                                                   "query",
                                                   "single_query",
                                                   "enable_prepare_warnings",
                                                   "disable_prepare_warnings"};
    return commands;
}

// Reads a .test file the way mysqltest does, closely enough to find its SQL statements.
std::vector<Extracted> ExtractStatements(const std::string &text) {
    std::vector<Extracted> out;
    std::string delimiter = ";";
    bool expect_error = false;
    size_t i = 0;
    int line = 1;
    const size_t n = text.size();
    auto skip_line = [&]() {
        while (i < n && text[i] != '\n')
            ++i;
    };
    auto rest_of_line = [&]() {
        size_t b = i;
        skip_line();
        return text.substr(b, i - b);
    };
    // Skips lines up to one that is exactly `terminator` (write_file, perl).
    auto skip_block = [&](const std::string &terminator) {
        while (i < n) {
            if (text[i] == '\n') {
                ++line;
                ++i;
            }
            size_t b = i;
            skip_line();
            if (Trim(text.substr(b, i - b)) == terminator)
                return;
        }
    };
    auto block_terminator = [](const std::string &args) {
        std::istringstream in(args);
        std::string file, term;
        in >> file >> term;
        if (!term.empty() && term.back() == ';')
            term.pop_back();
        return term.empty() ? std::string("EOF") : term;
    };
    while (i < n) {
        char c = text[i];
        if (c == '\n') {
            ++line;
            ++i;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c)) || c == '{' || c == '}') {
            ++i;
            continue;
        }
        if (c == '#') {
            skip_line();
            continue;
        }
        if (text.compare(i, 2, "--") == 0) {
            i += 2;
            std::string directive = Trim(rest_of_line());
            std::string word = FirstWord(directive);
            std::string args = Trim(directive.substr(word.size()));
            if (word == "error")
                expect_error = true;
            else if (word == "delimiter")
                delimiter = args;
            else if (word == "write_file" || word == "append_file")
                skip_block(block_terminator(args));
            else if (word == "perl")
                skip_block(args.empty() ? "EOF" : Trim(args));
            continue;
        }
        std::string first = FirstWord(text.substr(i, 40));
        if ((first == "if" || first == "while") && text.find('(', i) != std::string::npos) {
            // if (cond) / while (cond): up to the matching parenthesis.
            size_t p = text.find('(', i);
            int depth = 0;
            for (i = p; i < n; ++i) {
                if (text[i] == '\n')
                    ++line;
                if (text[i] == '(')
                    ++depth;
                else if (text[i] == ')' && --depth == 0) {
                    ++i;
                    break;
                }
            }
            continue;
        }
        if (first == "delimiter") {
            // "delimiter X" ends at the end of its line (the old delimiter may follow).
            i += first.size();
            std::string d = Trim(rest_of_line());
            if (d.size() > delimiter.size() &&
                d.compare(d.size() - delimiter.size(), delimiter.size(), delimiter) == 0)
                d = Trim(d.substr(0, d.size() - delimiter.size()));
            if (!d.empty())
                delimiter = d;
            continue;
        }
        // A command up to the delimiter, outside quotes.
        const int start_line = line;
        size_t b = i;
        char quote = 0;
        size_t end = std::string::npos;
        while (i < n) {
            char ch = text[i];
            if (ch == '\n')
                ++line;
            if (quote) {
                if (ch == '\\' && quote != '`' && i + 1 < n) {
                    if (text[i + 1] == '\n')
                        ++line;
                    i += 2;
                    continue;
                }
                if (ch == quote)
                    quote = 0;
                ++i;
                continue;
            }
            if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
                ++i;
                continue;
            }
            if (text.compare(i, delimiter.size(), delimiter) == 0) {
                end = i;
                i += delimiter.size();
                break;
            }
            ++i;
        }
        if (end == std::string::npos)
            break; // unterminated: end of file
        std::string command = Trim(text.substr(b, end - b));
        std::string word = FirstWord(command);
        if (word == "error") {
            expect_error = true;
            continue;
        }
        if (word == "write_file" || word == "append_file") {
            skip_block(block_terminator(command.substr(word.size())));
            continue;
        }
        if (word == "perl") {
            std::string args = Trim(command.substr(word.size()));
            skip_block(args.empty() ? "EOF" : args);
            continue;
        }
        if (word == "eval") {
            command = Trim(command.substr(4));
        } else if (MysqltestCommands().count(word) || word.rfind("enable_", 0) == 0 ||
                   word.rfind("disable_", 0) == 0) {
            continue;
        }
        bool failing = expect_error;
        expect_error = false;
        if (failing || command.find('$') != std::string::npos || !IsTableDdl(command))
            continue;
        out.push_back({start_line, command});
    }
    return out;
}

// ---- temporary tables ----
// A row-based binary log has no statement about a temporary table: those are left out.

// The table a CREATE [OR REPLACE] TEMPORARY TABLE [IF NOT EXISTS] creates ("" for another statement).
std::string TemporaryTableCreated(const std::string &sql) {
    std::vector<std::string> w = LeadingWords(sql, 8);
    size_t i = 0;
    if (i >= w.size() || w[i++] != "CREATE")
        return "";
    if (i + 1 < w.size() && w[i] == "OR" && w[i + 1] == "REPLACE")
        i += 2;
    if (i + 1 >= w.size() || w[i] != "TEMPORARY" || w[i + 1] != "TABLE")
        return "";
    // The name: after TABLE [IF NOT EXISTS], possibly quoted or qualified (the last part counts).
    std::string l = Lower(sql);
    size_t p = l.find("table");
    p += 5;
    auto skip_ws = [&] {
        while (p < sql.size() && std::isspace(static_cast<unsigned char>(sql[p])))
            ++p;
    };
    skip_ws();
    if (l.compare(p, 2, "if") == 0) {
        p = l.find("exists", p);
        if (p == std::string::npos)
            return "";
        p += 6;
        skip_ws();
    }
    std::string name;
    while (p < sql.size()) {
        if (sql[p] == '`') {
            size_t e = sql.find('`', p + 1);
            if (e == std::string::npos)
                return "";
            name = sql.substr(p + 1, e - p - 1);
            p = e + 1;
        } else {
            size_t b = p;
            while (p < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[p])) || sql[p] == '_' ||
                                      sql[p] == '$' || static_cast<unsigned char>(sql[p]) >= 0x80))
                ++p;
            name = sql.substr(b, p - b);
        }
        if (p < sql.size() && sql[p] == '.')
            ++p;
        else
            break;
    }
    return Lower(name);
}

// The tables a statement acts on, lower-cased (unqualified or in `test`), with what it does to
// them: dropped, or renamed (from → to).
struct Targets {
    std::vector<std::string> tables;
    std::vector<std::string> dropped;
    std::vector<std::pair<std::string, std::string>> renamed;
};

Targets TargetsOf(const std::string &sql) {
    Targets out;
    auto local = [](const parser::TableName &t) { return t.schema.empty() || Lower(t.schema) == "test"; };
    for (const parser::Statement &st : parser::Parse(sql)) {
        if (st.refusal.has_value())
            continue;
        if (const auto *a = std::get_if<parser::AlterTable>(&st.body)) {
            if (!local(a->table))
                continue;
            out.tables.push_back(Lower(a->table.name));
            for (const parser::AlterSpec &spec : a->specs)
                if (spec.kind == parser::AlterKind::kRenameTable && spec.new_table.has_value())
                    out.renamed.emplace_back(Lower(a->table.name), Lower(spec.new_table->name));
        } else if (const auto *d = std::get_if<parser::DropTable>(&st.body)) {
            for (const parser::TableName &t : d->tables)
                if (local(t)) {
                    out.tables.push_back(Lower(t.name));
                    out.dropped.push_back(Lower(t.name));
                }
        } else if (const auto *r = std::get_if<parser::RenameTable>(&st.body)) {
            for (const auto &[from, to] : r->renames)
                if (local(from)) {
                    out.tables.push_back(Lower(from.name));
                    out.renamed.emplace_back(Lower(from.name), Lower(to.name));
                }
        } else if (const auto *t = std::get_if<parser::TruncateTable>(&st.body)) {
            if (local(t->table))
                out.tables.push_back(Lower(t->table.name));
        } else if (const auto *c = std::get_if<parser::CreateIndex>(&st.body)) {
            if (local(c->table))
                out.tables.push_back(Lower(c->table.name));
        } else if (const auto *x = std::get_if<parser::DropIndex>(&st.body)) {
            if (local(x->table))
                out.tables.push_back(Lower(x->table.name));
        }
    }
    return out;
}

// ---- PostgreSQL ----

struct Pg {
    PGconn *conn = nullptr;
    // The first column of each row of `sql` with parameters `params` (empty on error).
    std::vector<std::string> Column(const std::string &sql, const std::vector<std::string> &params) {
        std::vector<const char *> values;
        for (const std::string &p : params)
            values.push_back(p.c_str());
        PGresult *r = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                   nullptr, nullptr, 0);
        std::vector<std::string> out;
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            for (int i = 0; i < PQntuples(r); ++i)
                out.emplace_back(PQgetvalue(r, i, 0));
        PQclear(r);
        return out;
    }
    // Runs `sql`; "" when it succeeded, else the error message.
    std::string Run(const std::string &sql) {
        PGresult *r = PQexec(conn, sql.c_str());
        std::string error;
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            error = Trim(PQresultErrorMessage(r));
        PQclear(r);
        return error;
    }
};

// ---- crash and hang guard ----

volatile sig_atomic_t g_guarded = 0;
char g_current[4096];

void OnSignal(int sig) {
    const char *what = sig == SIGALRM ? "HANG (time guard)" : "CRASH (signal)";
    ssize_t unused = write(2, "\nddl_realworld: ", 16);
    unused = write(2, what, strlen(what));
    unused = write(2, " in the parser/translator on: ", 30);
    unused = write(2, g_current, strlen(g_current));
    unused = write(2, "\n", 1);
    (void)unused;
    _exit(3);
}

// ---- the run ----

struct Figures {
    size_t files = 0, extracted = 0, skipped_system = 0, accepted = 0, rejected_by_mariadb = 0,
           on_temporary = 0;
    size_t applied = 0, ignored = 0, refused = 0, pg_rejected = 0, pg_statements = 0, resync_errors = 0;
    std::map<std::string, size_t> refusals;        // normalized message → count
    std::map<std::string, std::string> refusal_ex; // message → an example
    std::map<std::string, size_t> ignored_why;
    std::vector<std::string> pg_examples;
    std::vector<std::string> resync_examples;
};

// A refusal message without its names (quoted identifiers and numbers), to group them.
std::string Normalize(const std::string &message) {
    std::string out;
    for (size_t i = 0; i < message.size(); ++i) {
        char c = message[i];
        if (c == '`' || c == '\'') {
            size_t e = message.find(c, i + 1);
            if (e != std::string::npos) {
                out += c;
                out += "…";
                out += c;
                i = e;
                continue;
            }
        }
        // A number on its own (not UTF-8's 8, not 0x..., not a name's digits) becomes N.
        if (std::isdigit(static_cast<unsigned char>(c)) &&
            (out.empty() || (!std::isalnum(static_cast<unsigned char>(out.back())) && out.back() != '-' &&
                             out.back() != '_'))) {
            size_t e = i;
            while (e + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[e + 1])))
                ++e;
            if (e + 1 >= message.size() ||
                !(std::isalpha(static_cast<unsigned char>(message[e + 1])) || message[e + 1] == '_')) {
                i = e;
                out += "N";
                continue;
            }
        }
        out += c;
    }
    return out;
}

std::string OneLine(std::string s, size_t max = 300) {
    for (char &c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    if (s.size() > max)
        s = s.substr(0, max) + "...";
    return s;
}

class Runner {
public:
    Runner(mysql::Connection &my, Pg &pg, std::ostream *details) : my_(my), pg_(pg), details_(details) {}

    void RunFile(const std::string &path) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::vector<Extracted> statements = ExtractStatements(ss.str());
        ++f_.files;
        f_.extracted += statements.size();
        if (statements.empty())
            return;
        Retrying([&] { ResetDatabases(); });
        for (const Extracted &e : statements)
            RunStatement(path, e);
    }

    Figures &Result() { return f_; }

private:
    void ResetDatabases() {
        // Every database a test left behind goes, then a fresh `test`.
        mysql::ResultSet dbs = my_.Query("SELECT schema_name FROM information_schema.schemata");
        for (const mysql::TextRow &row : dbs.rows) {
            const std::string &db = *row[0];
            if (db == "mysql" || db == "information_schema" || db == "performance_schema" || db == "sys")
                continue;
            my_.Execute("DROP DATABASE IF EXISTS " + mysql::QuoteIdentifier(db));
        }
        my_.Execute("CREATE DATABASE test");
        my_.Execute("USE test");
        registry_ = translate::Registry();
        temporary_.clear();
        std::string err = pg_.Run("DROP SCHEMA IF EXISTS test CASCADE; CREATE SCHEMA test");
        if (!err.empty())
            throw Error("PostgreSQL: " + err);
    }

    // Runs `f`, again once after reconnecting when the connection to MariaDB was lost.
    template <typename F>
    void Retrying(F &&f) {
        try {
            f();
        } catch (const mysql::MysqlError &ex) {
            if (ex.ServerErrno() != 2013 && ex.ServerErrno() != 2006)
                throw;
            fprintf(stderr, "ddl_realworld: %s; reconnecting\n", ex.what());
            Reconnect();
            f();
        }
    }

    void Resync() {
        try {
            Retrying([&] { ResyncOnce(); });
        } catch (const mysql::MysqlError &ex) {
            ++f_.resync_errors;
            if (f_.resync_examples.size() < 20)
                f_.resync_examples.push_back(std::string("reading information_schema: ") + ex.what());
        }
    }

    // The registry and the PostgreSQL schema from MariaDB's information_schema (a re-copy).
    void ResyncOnce() {
        registry_ = translate::Registry();
        std::string err = pg_.Run("DROP SCHEMA IF EXISTS test CASCADE; CREATE SCHEMA test");
        if (!err.empty())
            throw Error("PostgreSQL: " + err);
        std::vector<MysqlTable> tables = mysql::ReadTables(my_, {"test"});
        SchemaNames names;
        for (const MysqlTable &t : tables)
            names.TryRelation(PgTableName(t.schema, t.name, {}));
        for (const MysqlTable &t : tables) {
            TableDdlOptions options;
            options.schema = "test";
            std::vector<std::string> sql;
            try {
                TableDdl ddl = BuildTableDdl(t, options, names);
                sql = ddl.create_statements;
                for (const IndexDdl &ix : ddl.indexes)
                    sql.push_back(ix.sql);
            } catch (const std::exception &ex) {
                continue; // not copied: not replicated
            }
            std::string error;
            pg_.Run("BEGIN");
            for (const std::string &s : sql)
                if (error.empty())
                    error = pg_.Run(s);
            pg_.Run(error.empty() ? "COMMIT" : "ROLLBACK");
            if (!error.empty()) {
                ++f_.resync_errors;
                if (f_.resync_examples.size() < 20)
                    f_.resync_examples.push_back("table " + t.name + ": " + OneLine(error));
                continue;
            }
            registry_.Put(t);
        }
        my_.Execute("USE test");
    }

    void RunStatement(const std::string &path, const Extracted &e) {
        std::string where =
            path.substr(path.rfind("/mysql-test/") == std::string::npos ? 0
                                                                        : path.rfind("/mysql-test/") + 12) +
            ":" + std::to_string(e.line);
        if (TouchesSystemSchema(e.sql)) {
            ++f_.skipped_system;
            return;
        }
        try {
            my_.Execute(e.sql);
        } catch (const mysql::MysqlError &ex) {
            ++f_.rejected_by_mariadb;
            if (ex.ServerErrno() == 2013 || ex.ServerErrno() == 2006) {
                fprintf(stderr, "ddl_realworld: %s: %s; reconnecting\n", where.c_str(), ex.what());
                Reconnect();
            }
            // DROP TABLE a, missing drops `a` before it fails: what MariaDB has is read again.
            std::vector<std::string> words = LeadingWords(e.sql, 1);
            if (!words.empty() && words[0] == "DROP")
                Resync();
            return;
        }
        ++f_.accepted;
        // Statements on a temporary table (it hides the table of that name) are not in a row-based
        // binary log.
        std::string sql = e.sql; // what the binary log would have
        std::vector<std::string> lead = LeadingWords(e.sql, 2);
        if (const std::string created = TemporaryTableCreated(e.sql); !created.empty()) {
            temporary_.insert(created);
        } else if (lead.size() == 2 && lead[0] == "DROP" && lead[1] == "TEMPORARY") {
            // Read as a DROP TABLE for its names.
            std::string drop = e.sql;
            const size_t at = Lower(drop).find("temporary");
            drop.erase(at, 9);
            for (const std::string &t : TargetsOf(drop).dropped)
                temporary_.erase(t);
        } else {
            Targets targets = TargetsOf(e.sql);
            bool on_temporary = false;
            for (const std::string &t : targets.tables)
                on_temporary = on_temporary || temporary_.count(t) > 0;
            // DROP TABLE of temporary and base tables: the binary log has the base ones.
            std::string base;
            for (const std::string &t : targets.dropped)
                if (temporary_.count(t) == 0)
                    base += (base.empty() ? "DROP TABLE `" : ", `") + t + "`";
            if (on_temporary && !base.empty()) {
                for (const std::string &t : targets.dropped)
                    temporary_.erase(t);
                sql = base;
            } else if (on_temporary) {
                for (const std::string &t : targets.dropped)
                    temporary_.erase(t);
                for (const auto &[from, to] : targets.renamed)
                    if (temporary_.erase(from))
                        temporary_.insert(to);
                ++f_.on_temporary;
                Detail(where, "temporary", "", e.sql);
                return;
            }
        }
        // Translate under the guard.
        snprintf(g_current, sizeof g_current, "%s: %s", where.c_str(), OneLine(sql, 3500).c_str());
        translate::Context ctx;
        ctx.current_schema = "test";
        ctx.schema_mappings = {{"test", "test"}};
        ctx.registry = &registry_;
        // Names of existing objects from the catalogue, as the extension answers them.
        ctx.reserve_names = [this](const std::string &pg_schema, SchemaNames &names) {
            for (const std::string &n :
                 pg_.Column("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                            "c.relnamespace WHERE n.nspname = $1",
                            {pg_schema}))
                names.TryRelation(n);
            for (const std::string &n :
                 pg_.Column("SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = "
                            "t.typnamespace WHERE n.nspname = $1",
                            {pg_schema}))
                names.Type(n);
        };
        ctx.enum_type_name = [this](const std::string &pg_schema, const std::string &pg_table,
                                    const std::string &column) {
            std::vector<std::string> t = pg_.Column(
                "SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE t.typtype = "
                "'e' "
                "AND a.attrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = "
                "c.relnamespace "
                "WHERE n.nspname = $1 AND c.relname = $2) AND a.attname = $3 AND NOT a.attisdropped",
                {pg_schema, pg_table, column});
            return t.empty() ? EnumTypeName(pg_table, column) : t.front();
        };
        ctx.index_name = [this](const std::string &pg_schema, const std::string &pg_table,
                                const std::string &index) {
            std::vector<std::string> names =
                pg_.Column("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN "
                           "pg_class c ON c.oid = "
                           "x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
                           "AND c.relname = $2 "
                           "ORDER BY x.indisprimary DESC",
                           {pg_schema, pg_table});
            const std::string wanted = index == "PRIMARY" ? PrimaryKeyName(pg_table) : index;
            for (const std::string &n : names)
                if (n == wanted)
                    return n;
            // Named after the table when the index name was taken (BuildIndexDdl).
            const std::string prefix = TruncateUtf8(pg_table, 30) + "_" + TruncateUtf8(wanted, 30);
            for (const std::string &n : names)
                if (n.compare(0, prefix.size(), prefix) == 0 &&
                    (n.size() == prefix.size() || n[prefix.size()] == '_'))
                    return n;
            // Named after the table's old name (renamed since): ..._<index>[_N].
            for (const std::string &n : names) {
                const size_t at = n.rfind("_" + wanted);
                if (at != std::string::npos && at > 0 &&
                    (at + 1 + wanted.size() == n.size() || n[at + 1 + wanted.size()] == '_'))
                    return n;
            }
            return wanted.size() <= 63 ? wanted : prefix;
        };
        std::vector<translate::Translation> ts;
        alarm(10);
        g_guarded = 1;
        try {
            ts = translate::TranslateText(sql, ctx);
        } catch (const std::exception &ex) {
            alarm(0);
            fprintf(stderr, "ddl_realworld: EXCEPTION %s in the parser/translator on %s\n", ex.what(),
                    g_current);
            _exit(3);
        }
        g_guarded = 0;
        alarm(0);
        const translate::Translation *refused = nullptr;
        bool applied = false;
        for (const translate::Translation &t : ts) {
            if (t.outcome == translate::Outcome::kRefused && refused == nullptr)
                refused = &t;
            if (t.outcome == translate::Outcome::kApplied)
                applied = true;
        }
        if (refused != nullptr) {
            ++f_.refused;
            std::string key = Normalize(refused->message);
            if (f_.refusals[key]++ == 0)
                f_.refusal_ex[key] = where + ": " + OneLine(sql, 200) + "  →  " + refused->message;
            Detail(where, "refused", refused->message, sql);
            Resync();
            return;
        }
        if (!applied) {
            ++f_.ignored;
            std::string why = ts.empty() ? "no statement" : Normalize(ts.front().message);
            ++f_.ignored_why[why];
            Detail(where, "ignored", ts.empty() ? "" : ts.front().message, sql);
            return;
        }
        ++f_.applied;
        std::vector<std::string> pg_sql;
        for (const translate::Translation &t : ts)
            for (const std::string &s : t.statements)
                pg_sql.push_back(s);
        std::string error;
        std::string failed;
        if (!pg_sql.empty()) {
            pg_.Run("BEGIN");
            for (const std::string &s : pg_sql) {
                ++f_.pg_statements;
                error = pg_.Run(s);
                if (!error.empty()) {
                    failed = s;
                    break;
                }
            }
            pg_.Run(error.empty() ? "COMMIT" : "ROLLBACK");
        }
        if (!error.empty()) {
            ++f_.pg_rejected;
            if (f_.pg_examples.size() < 40)
                f_.pg_examples.push_back(where + ": " + OneLine(sql, 400) + "\n      PostgreSQL: " +
                                         OneLine(failed, 400) + "\n      error: " + OneLine(error));
            Detail(where, "pg-rejected", error + " :: " + failed, sql);
            Resync();
            return;
        }
        Detail(where, "applied", "", sql);
        bool copy = false;
        for (const translate::Translation &t : ts) {
            registry_.Apply(t);
            for (const translate::TableChange &c : t.changes)
                copy = copy || c.kind == translate::ChangeKind::kCreateFromRows ||
                       c.kind == translate::ChangeKind::kStartReplicating;
        }
        // CREATE TABLE ... SELECT takes its columns from the rows' table map, a table renamed into
        // the schema is copied: both come from MariaDB's definition here.
        if (copy)
            Resync();
    }

    void Detail(const std::string &where, const char *outcome, const std::string &message,
                const std::string &sql) {
        if (details_ != nullptr)
            *details_ << where << '\t' << outcome << '\t' << OneLine(message, 2000) << '\t'
                      << OneLine(sql, 4000) << '\n';
    }

    void Reconnect();

    mysql::Connection &my_;
    Pg &pg_;
    std::ostream *details_;
    translate::Registry registry_;
    std::set<std::string> temporary_; // the temporary tables of the session (lower-cased)
    Figures f_;

public:
    mysql::ConnectParams params;
};

void Runner::Reconnect() {
    my_ = mysql::Connection::Open(params);
    my_.Execute("SET SESSION max_statement_time = 10");
    my_.Execute("USE test");
}

void ListTests(const std::string &path, std::vector<std::string> &out) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        return;
    if (S_ISREG(st.st_mode)) {
        if (path.size() > 5 && path.compare(path.size() - 5, 5, ".test") == 0)
            out.push_back(path);
        return;
    }
    if (!S_ISDIR(st.st_mode))
        return;
    std::vector<std::string> entries;
    if (DIR *d = ::opendir(path.c_str())) {
        while (dirent *ent = ::readdir(d))
            if (ent->d_name[0] != '.')
                entries.push_back(path + "/" + ent->d_name);
        ::closedir(d);
    }
    std::sort(entries.begin(), entries.end());
    for (const std::string &e : entries)
        ListTests(e, out);
}

} // namespace

int main(int argc, char **argv) {
    mysql::ConnectParams params;
    params.host = "127.0.0.1";
    params.user = "root";
    params.read_timeout = 30;
    std::string pg_conninfo, report_path, details_path;
    std::vector<std::string> inputs;
    bool extract_only = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mariadb-port" && i + 1 < argc)
            params.port = std::atoi(argv[++i]);
        else if (a == "--pg" && i + 1 < argc)
            pg_conninfo = argv[++i];
        else if (a == "--report" && i + 1 < argc)
            report_path = argv[++i];
        else if (a == "--details" && i + 1 < argc)
            details_path = argv[++i];
        else if (a == "--extract-only")
            extract_only = true;
        else
            inputs.push_back(a);
    }
    std::vector<std::string> files;
    for (const std::string &in : inputs)
        ListTests(in, files);
    if (files.empty()) {
        fprintf(stderr,
                "usage: ddl_realworld --mariadb-port N --pg CONNINFO [--report F] [--details F] DIR|FILE...\n"
                "       ddl_realworld --extract-only DIR|FILE...\n");
        return 2;
    }
    if (extract_only) {
        for (const std::string &f : files) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            for (const Extracted &e : ExtractStatements(ss.str()))
                printf("%s:%d\t%s\n", f.c_str(), e.line, OneLine(e.sql, 100000).c_str());
        }
        return 0;
    }
    signal(SIGALRM, OnSignal);
    signal(SIGSEGV, OnSignal);
    signal(SIGABRT, OnSignal);
    signal(SIGBUS, OnSignal);
    signal(SIGFPE, OnSignal);
    std::ofstream details;
    if (!details_path.empty())
        details.open(details_path);
    try {
        mysql::Connection my = mysql::Connection::Open(params);
        my.Execute("SET SESSION max_statement_time = 10");
        Pg pg;
        pg.conn = PQconnectdb(pg_conninfo.c_str());
        if (PQstatus(pg.conn) != CONNECTION_OK) {
            fprintf(stderr, "ddl_realworld: PostgreSQL: %s\n", PQerrorMessage(pg.conn));
            return 1;
        }
        pg.Run("SET client_min_messages = warning");
        Runner runner(my, pg, details_path.empty() ? nullptr : &details);
        runner.params = params;
        for (const std::string &f : files)
            runner.RunFile(f);
        Figures &f = runner.Result();
        std::ostringstream r;
        const size_t concern = f.applied + f.refused;
        char pct[32];
        snprintf(pct, sizeof pct, "%.2f",
                 concern ? 100.0 * static_cast<double>(f.applied) / static_cast<double>(concern) : 0.0);
        r << "DDL real-world run: " << files.size() << " test files (" << f.files << " read)\n"
          << "  statements extracted:          " << f.extracted << "\n"
          << "  left out (system schemas):     " << f.skipped_system << "\n"
          << "  rejected by MariaDB:           " << f.rejected_by_mariadb << "\n"
          << "  accepted by MariaDB:           " << f.accepted << "\n"
          << "    on a temporary table (not in a row-based binlog): " << f.on_temporary << "\n"
          << "    translated (applied):        " << f.applied << "\n"
          << "    ignored by design:           " << f.ignored << "\n"
          << "    refused:                     " << f.refused << "\n"
          << "  translated among applied+refused: " << pct << " %\n"
          << "  PostgreSQL statements run:     " << f.pg_statements << "\n"
          << "  rejected by PostgreSQL:        " << f.pg_rejected << "\n"
          << "  re-copy errors (BuildTableDdl on PostgreSQL): " << f.resync_errors << "\n"
          << "  crashes / hangs:               0\n";
        std::vector<std::pair<size_t, std::string>> top;
        for (const auto &[msg, n] : f.refusals)
            top.emplace_back(n, msg);
        std::sort(top.begin(), top.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        r << "\nTop refusals:\n";
        for (size_t i = 0; i < top.size() && i < 20; ++i)
            r << "  " << top[i].first << "  " << top[i].second << "\n      e.g. "
              << f.refusal_ex[top[i].second] << "\n";
        std::vector<std::pair<size_t, std::string>> ign;
        for (const auto &[msg, n] : f.ignored_why)
            ign.emplace_back(n, msg);
        std::sort(ign.begin(), ign.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        r << "\nIgnored by design:\n";
        for (size_t i = 0; i < ign.size() && i < 10; ++i)
            r << "  " << ign[i].first << "  " << ign[i].second << "\n";
        r << "\nPostgreSQL rejections (first " << f.pg_examples.size() << "):\n";
        for (const std::string &ex : f.pg_examples)
            r << "  " << ex << "\n";
        if (!f.resync_examples.empty()) {
            r << "\nRe-copy errors:\n";
            for (const std::string &ex : f.resync_examples)
                r << "  " << ex << "\n";
        }
        r << "\nRESULT extracted=" << f.extracted << " accepted=" << f.accepted << " applied=" << f.applied
          << " ignored=" << f.ignored << " refused=" << f.refused << " translated_pct=" << pct
          << " pg_rejected=" << f.pg_rejected << " crashes=0\n";
        fputs(r.str().c_str(), stdout);
        if (!report_path.empty()) {
            std::ofstream out(report_path);
            out << r.str();
        }
        PQfinish(pg.conn);
    } catch (const std::exception &ex) {
        fprintf(stderr, "ddl_realworld: %s\n", ex.what());
        return 1;
    }
    return 0;
}
