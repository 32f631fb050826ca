// A small RAII client connection to a MySQL or MariaDB server over libmariadb (Connector/C).
//
// Used by the pre-flight check, the initial copy and the binlog transport. mysql.h stays out of
// this header: the MYSQL handle is only forward-declared.
#pragma once

#include "common/cpp_only.hpp"

#include "common/error.hpp"
#include "mysql/preflight.hpp" // ConnectParams

#include <functional>
#include <optional>
#include <string>
#include <vector>

struct st_mysql;     // libmariadb's MYSQL
struct st_mysql_res; // libmariadb's MYSQL_RES

namespace chameleon::mysql {

// An error reported by libmariadb or by the server. SqlState() is the server's SQLSTATE for query
// errors (mysql_sqlstate(), e.g. "42S02"), 08001 for every failure to connect. ServerErrno() is
// mysql_errno(): a server error (1045 access denied, 1146 no such table...) or a client one
// (2002/2003 cannot connect, 2013 lost connection, 2006 gone away...).
class MysqlError : public Error {
public:
    MysqlError(const std::string &message, const char *sqlstate, unsigned int server_errno,
               std::string detail = {}, std::string hint = {})
        : Error(message, sqlstate, std::move(detail), std::move(hint)), server_errno_(server_errno) {}

    unsigned int ServerErrno() const noexcept { return server_errno_; }

private:
    unsigned int server_errno_;
};

// A value of a result row: std::nullopt is SQL NULL. Text protocol: every value arrives as text
// (numbers in decimal, dates as 'YYYY-MM-DD hh:mm:ss[.ffffff]', binary strings as raw bytes).
using TextValue = std::optional<std::string>;
using TextRow = std::vector<TextValue>;

struct ResultSet {
    std::vector<std::string> columns; // column names (aliases), empty for statements without a result set
    std::vector<TextRow> rows;
};

struct ServerInfo {
    bool mariadb = false;      // MariaDB (else MySQL or a MySQL-compatible server)
    unsigned long version = 0; // major*10000 + minor*100 + patch, e.g. 101119 for 10.11.19
    std::string version_text;  // as the server reports it, e.g. "10.11.19-MariaDB-0+deb12u1-log"

    int Major() const { return static_cast<int>(version / 10000); }
    int Minor() const { return static_cast<int>(version / 100 % 100); }
    int Patch() const { return static_cast<int>(version % 100); }
    // "MariaDB 10.11.19" or "MySQL 8.0.36".
    std::string Describe() const;
};

// The character set asked of the server: "" and pg_chameleon's "utf8" mean utf8mb4 (MySQL's utf8 is
// the 3-byte utf8mb3, which cannot carry every character PostgreSQL's UTF8 can); others pass through
// lower-cased.
std::string NormalizeCharset(const std::string &charset);

// IoWaiter (preflight.hpp) waits for a connection's socket in the caller's event loop; its bits:
inline constexpr int kWaitRead = 1;
inline constexpr int kWaitWrite = 2;
inline constexpr int kWaitExcept = 4;
inline constexpr int kWaitTimeout = 8;

class Connection;

// An unbuffered result (mysql_use_result): rows are read from the socket one at a time, so memory
// stays bounded by the largest row whatever the size of the result.
class RowStream {
public:
    RowStream() = default;
    ~RowStream();
    RowStream(RowStream &&other) noexcept;
    RowStream &operator=(RowStream &&other) noexcept;
    RowStream(const RowStream &) = delete;
    RowStream &operator=(const RowStream &) = delete;

    // Reads the next row; false at the end of the result. Errors (lost connection, timeout, a
    // server error in the middle of the result) throw MysqlError.
    bool Next();
    unsigned int ColumnCount() const noexcept { return columns_; }
    // Value i of the current row: nullptr for SQL NULL. Valid until the next call of Next().
    const char *Value(unsigned int i) const noexcept { return row_[i]; }
    unsigned long Length(unsigned int i) const noexcept { return lengths_[i]; }
    // Rows read so far.
    unsigned long long RowsRead() const noexcept { return rows_; }
    // Stops reading before the end: the connection's socket is shut down (the rest of the result
    // is not drained) and the connection closed. Also what the destructor does on an unfinished
    // stream.
    void Abandon() noexcept;

private:
    friend class Connection;
    Connection *conn_ = nullptr;
    st_mysql_res *res_ = nullptr;
    char **row_ = nullptr;
    unsigned long *lengths_ = nullptr;
    unsigned int columns_ = 0;
    unsigned long long rows_ = 0;
    bool done_ = false;
    std::string sql_;
};

class Connection {
public:
    // Connects over TCP with the connect/read/write timeouts and the charset of `params`.
    // Throws MysqlError (SQLSTATE 08001) with one line:
    //   could not connect to MySQL server at HOST:PORT: <client library message>
    // The password never appears in any message. Timeouts must be positive (else Error 22023).
    // Measured with libmariadb 3.3: connect_timeout bounds the TCP connect AND the wait for the
    // server's greeting (a server that accepts and stays silent fails after connect_timeout, errno
    // 2013); read_timeout bounds each later read (a stuck query fails after read_timeout, errno
    // 2013, no retries). Host name resolution is not bounded by either. A refused port fails at
    // once with errno 2002 and libmariadb's text "Can't connect to server on 'HOST' (115)"
    // (it reports EINPROGRESS, not ECONNREFUSED; with a waiter, non-blocking, it reports 111,
    // ECONNREFUSED).
    static Connection Open(const ConnectParams &params);
    // The same, in non-blocking mode: the connect and every later query and row read wait through
    // `waiter` (what it throws, a cancellation, abandons the connection and is thrown from here).
    static Connection Open(const ConnectParams &params, IoWaiter waiter);

    Connection() = default; // not connected
    ~Connection();
    Connection(Connection &&other) noexcept;
    Connection &operator=(Connection &&other) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool IsOpen() const noexcept { return mysql_ != nullptr; }
    void Close() noexcept;

    // Runs one statement and buffers its whole result (mysql_store_result). A statement without a
    // result set gives an empty ResultSet. Errors throw MysqlError with the server's SQLSTATE, e.g.
    //   MySQL error 1146: Table 'db.t' doesn't exist
    // with the statement (cut at 1000 bytes) in the detail.
    ResultSet Query(const std::string &sql);
    // Runs a statement and discards any result.
    void Execute(const std::string &sql);
    // The first column of the first row (nullopt for SQL NULL). A result without rows (or without
    // columns) throws Error XX000 "MySQL query returned no row", with the statement in the detail.
    TextValue QueryValue(const std::string &sql);

    // Runs a SELECT and returns its rows unbuffered. Only one stream may be open on a connection,
    // and no other statement may run on it until the stream has ended or been abandoned.
    RowStream Stream(const std::string &sql);

    // `text` as a string literal for this connection (mysql_real_escape_string, which follows the
    // connection's charset and NO_BACKSLASH_ESCAPES), with the surrounding single quotes.
    std::string Quote(const std::string &text);

    const ServerInfo &Server() const noexcept { return server_; }
    // "HOST:PORT" as given in the ConnectParams.
    const std::string &Endpoint() const noexcept { return endpoint_; }

    // The libmariadb handle, for the MySQL layer's own use (binlog transport). Do not close it.
    st_mysql *NativeHandle() const noexcept { return mysql_; }

private:
    friend class RowStream;
    [[noreturn]] void ThrowQueryError(const std::string &sql) const;
    // Runs mysql_real_query (non-blocking when a waiter is set).
    void RunQuery(const std::string &sql);
    // Waits for a non-blocking operation's socket; returns the ready bits for the *_cont call.
    int Wait(int status);

    st_mysql *mysql_ = nullptr;
    IoWaiter waiter_;
    ServerInfo server_;
    std::string endpoint_;
};

// SQL text helpers (no connection needed).
// `name` as a MySQL identifier: backticks, inner backticks doubled.
std::string QuoteIdentifier(const std::string &name);

} // namespace chameleon::mysql
