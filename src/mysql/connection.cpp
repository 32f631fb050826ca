#include "mysql/connection.hpp"

#include <mysql.h>

#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <cctype>
#include <mutex>
#include <set>
#include <utility>

namespace chameleon::mysql {

namespace {

// chameleon::Error keeps its SQLSTATE as a `const char *`: server SQLSTATEs are copied into this
// set once and live for the whole process (there are only a few hundred codes).
const char *InternSqlState(const char *state) {
    if (state == nullptr || std::char_traits<char>::length(state) != 5) {
        return sqlstate::kInternalError;
    }
    static std::mutex mutex;
    static std::set<std::string> *codes = new std::set<std::string>(); // never freed: pointers stay valid
    std::lock_guard<std::mutex> lock(mutex);
    return codes->insert(state).first->c_str();
}

void InitLibrary() {
    static std::once_flag once;
    static int status = 0;
    std::call_once(once, [] { status = mysql_library_init(0, nullptr, nullptr); });
    if (status != 0) {
        throw Error("could not initialise the MySQL client library", sqlstate::kInternalError);
    }
}

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

constexpr size_t kMaxStatementInDetail = 1000;

// Network buffer of the connections that stream rows (non-blocking ones): fewer, larger reads.
unsigned long kStreamBuffer = 1024 * 1024;

std::string StatementDetail(const std::string &sql) {
    if (sql.size() <= kMaxStatementInDetail) {
        return "statement: " + sql;
    }
    return "statement: " + sql.substr(0, kMaxStatementInDetail) + "...";
}

} // namespace

std::string ServerInfo::Describe() const {
    return std::string(mariadb ? "MariaDB " : "MySQL ") + std::to_string(Major()) + "." +
           std::to_string(Minor()) + "." + std::to_string(Patch());
}

std::string NormalizeCharset(const std::string &charset) {
    std::string lower = Lower(charset);
    if (lower.empty() || lower == "utf8" || lower == "utf-8") {
        return "utf8mb4";
    }
    return lower;
}

std::string QuoteIdentifier(const std::string &name) {
    std::string quoted = "`";
    for (char c : name) {
        if (c == '`') {
            quoted += '`';
        }
        quoted += c;
    }
    quoted += '`';
    return quoted;
}

Connection Connection::Open(const ConnectParams &params) {
    return Open(params, IoWaiter());
}

Connection Connection::Open(const ConnectParams &params, IoWaiter waiter) {
    InitLibrary();
    std::string endpoint = params.host + ":" + std::to_string(params.port);
    auto invalid = [&](const std::string &what) {
        return Error("invalid MySQL connection setting for " + endpoint + ": " + what,
                     sqlstate::kInvalidParameterValue);
    };
    if (params.connect_timeout <= 0 || params.read_timeout <= 0 || params.write_timeout <= 0) {
        throw invalid("connect_timeout, read_timeout and write_timeout must be positive numbers of seconds");
    }
    if (params.port <= 0 || params.port > 65535) {
        throw invalid("port must be between 1 and 65535");
    }

    Connection conn;
    conn.endpoint_ = endpoint;
    conn.mysql_ = mysql_init(nullptr);
    if (conn.mysql_ == nullptr) {
        throw Error("could not allocate a MySQL connection handle", sqlstate::kInternalError);
    }
    unsigned int connect_timeout = static_cast<unsigned int>(params.connect_timeout);
    unsigned int read_timeout = static_cast<unsigned int>(params.read_timeout);
    unsigned int write_timeout = static_cast<unsigned int>(params.write_timeout);
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    my_bool no = 0;
    unsigned int local_infile = 0; // a server must never be able to make us read local files
    std::string charset = NormalizeCharset(params.charset);
    MYSQL *m = conn.mysql_;
    if (mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout) != 0 ||
        mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout) != 0 ||
        mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout) != 0 ||
        mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol) != 0 ||
        mysql_options(m, MYSQL_OPT_RECONNECT, &no) != 0 ||
        mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &local_infile) != 0 ||
        mysql_options(m, MYSQL_SET_CHARSET_NAME, charset.c_str()) != 0 ||
        (waiter && mysql_options(m, MYSQL_OPT_NONBLOCK, nullptr) != 0) ||
        (waiter && mysql_options(m, MYSQL_OPT_NET_BUFFER_LENGTH, &kStreamBuffer) != 0)) {
        throw Error("could not set the options of a MySQL connection to " + endpoint,
                    sqlstate::kInternalError);
    }
    MYSQL *connected = nullptr;
    if (waiter) {
        // Non-blocking: the wait for the server's greeting goes through the waiter too.
        conn.waiter_ = waiter;
        int status = mysql_real_connect_start(&connected, m, params.host.c_str(), params.user.c_str(),
                                              params.password.c_str(), nullptr,
                                              static_cast<unsigned int>(params.port), nullptr, 0);
        while (status != 0)
            status = mysql_real_connect_cont(&connected, m, conn.Wait(status));
    } else {
        connected = mysql_real_connect(m, params.host.c_str(), params.user.c_str(), params.password.c_str(),
                                       nullptr, static_cast<unsigned int>(params.port), nullptr, 0);
    }
    if (connected == nullptr) {
        // mysql_error() never contains the password (the server only ever sees a scramble).
        std::string message = "could not connect to MySQL server at " + endpoint + ": " + mysql_error(m);
        unsigned int code = mysql_errno(m);
        throw MysqlError(message, sqlstate::kUnableToConnect, code);
    }
    const char *info = mysql_get_server_info(m);
    conn.server_.version_text = info != nullptr ? info : "";
    conn.server_.version = mysql_get_server_version(m);
    conn.server_.mariadb =
        mariadb_connection(m) != 0 || Lower(conn.server_.version_text).find("mariadb") != std::string::npos;
    conn.waiter_ = std::move(waiter);
    return conn;
}

Connection::~Connection() {
    Close();
}

Connection::Connection(Connection &&other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)), waiter_(std::move(other.waiter_)),
      server_(std::move(other.server_)), endpoint_(std::move(other.endpoint_)) {}

Connection &Connection::operator=(Connection &&other) noexcept {
    if (this != &other) {
        Close();
        mysql_ = std::exchange(other.mysql_, nullptr);
        waiter_ = std::move(other.waiter_);
        server_ = std::move(other.server_);
        endpoint_ = std::move(other.endpoint_);
    }
    return *this;
}

void Connection::Close() noexcept {
    if (mysql_ != nullptr) {
        mysql_close(mysql_);
        mysql_ = nullptr;
    }
}

void Connection::ThrowQueryError(const std::string &sql) const {
    unsigned int code = mysql_errno(mysql_);
    std::string message = "MySQL error " + std::to_string(code) + ": " + mysql_error(mysql_);
    throw MysqlError(message, InternSqlState(mysql_sqlstate(mysql_)), code, StatementDetail(sql));
}

namespace {
struct ResultDeleter {
    void operator()(MYSQL_RES *res) const { mysql_free_result(res); }
};
} // namespace

ResultSet Connection::Query(const std::string &sql) {
    if (mysql_ == nullptr) {
        throw Error("MySQL connection is not open", sqlstate::kConnectionFailure, StatementDetail(sql));
    }
    RunQuery(sql);
    ResultSet result;
    MYSQL_RES *stored = nullptr;
    if (waiter_) {
        int status = mysql_store_result_start(&stored, mysql_);
        while (status != 0)
            status = mysql_store_result_cont(&stored, mysql_, Wait(status));
    } else {
        stored = mysql_store_result(mysql_);
    }
    std::unique_ptr<MYSQL_RES, ResultDeleter> res(stored);
    if (!res) {
        if (mysql_field_count(mysql_) != 0) { // a result set was expected but could not be read
            ThrowQueryError(sql);
        }
        return result;
    }
    unsigned int ncols = mysql_num_fields(res.get());
    MYSQL_FIELD *fields = mysql_fetch_fields(res.get());
    result.columns.reserve(ncols);
    for (unsigned int i = 0; i < ncols; ++i) {
        result.columns.emplace_back(fields[i].name, fields[i].name_length);
    }
    result.rows.reserve(static_cast<size_t>(mysql_num_rows(res.get())));
    while (MYSQL_ROW row = mysql_fetch_row(res.get())) {
        unsigned long *lengths = mysql_fetch_lengths(res.get());
        TextRow out;
        out.reserve(ncols);
        for (unsigned int i = 0; i < ncols; ++i) {
            if (row[i] == nullptr) {
                out.emplace_back(std::nullopt);
            } else {
                out.emplace_back(std::string(row[i], lengths[i]));
            }
        }
        result.rows.push_back(std::move(out));
    }
    return result;
}

int Connection::Wait(int status) {
    int timeout =
        (status & MYSQL_WAIT_TIMEOUT) != 0 ? static_cast<int>(mysql_get_timeout_value_ms(mysql_)) : -1;
    int socket = mysql_get_socket(mysql_);
    try {
        return waiter_(socket, status, timeout);
    } catch (...) {
        // The operation in progress is abandoned half-way: the connection cannot be used again.
        shutdown(socket, SHUT_RDWR);
        throw;
    }
}

void Connection::RunQuery(const std::string &sql) {
    if (mysql_ == nullptr) {
        throw Error("MySQL connection is not open", sqlstate::kConnectionFailure, StatementDetail(sql));
    }
    int err = 0;
    if (waiter_) {
        int status = mysql_real_query_start(&err, mysql_, sql.data(), static_cast<unsigned long>(sql.size()));
        while (status != 0)
            status = mysql_real_query_cont(&err, mysql_, Wait(status));
    } else {
        err = mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size()));
    }
    if (err != 0) {
        ThrowQueryError(sql);
    }
}

RowStream Connection::Stream(const std::string &sql) {
    RunQuery(sql);
    RowStream stream;
    stream.sql_ = sql.size() <= kMaxStatementInDetail ? sql : sql.substr(0, kMaxStatementInDetail) + "...";
    stream.res_ = mysql_use_result(mysql_);
    if (stream.res_ == nullptr) {
        if (mysql_field_count(mysql_) != 0) {
            ThrowQueryError(sql);
        }
        stream.done_ = true; // a statement without a result set
        return stream;
    }
    stream.conn_ = this;
    stream.columns_ = mysql_num_fields(stream.res_);
    return stream;
}

RowStream::~RowStream() {
    if (res_ != nullptr) {
        if (done_) {
            mysql_free_result(res_);
            res_ = nullptr;
        } else {
            Abandon();
        }
    }
}

RowStream::RowStream(RowStream &&other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), res_(std::exchange(other.res_, nullptr)),
      row_(std::exchange(other.row_, nullptr)), lengths_(std::exchange(other.lengths_, nullptr)),
      columns_(other.columns_), rows_(other.rows_), done_(other.done_), sql_(std::move(other.sql_)) {}

RowStream &RowStream::operator=(RowStream &&other) noexcept {
    if (this != &other) {
        this->~RowStream();
        conn_ = std::exchange(other.conn_, nullptr);
        res_ = std::exchange(other.res_, nullptr);
        row_ = std::exchange(other.row_, nullptr);
        lengths_ = std::exchange(other.lengths_, nullptr);
        columns_ = other.columns_;
        rows_ = other.rows_;
        done_ = other.done_;
        sql_ = std::move(other.sql_);
    }
    return *this;
}

bool RowStream::Next() {
    if (done_ || res_ == nullptr) {
        return false;
    }
    MYSQL *m = conn_->mysql_;
    MYSQL_ROW row = nullptr;
    if (conn_->waiter_) {
        int status = mysql_fetch_row_start(&row, res_);
        while (status != 0)
            status = mysql_fetch_row_cont(&row, res_, conn_->Wait(status));
    } else {
        row = mysql_fetch_row(res_);
    }
    if (row == nullptr) {
        if (mysql_errno(m) != 0) {
            unsigned int code = mysql_errno(m);
            std::string message =
                "MySQL error " + std::to_string(code) + " while reading rows: " + mysql_error(m);
            const char *state = InternSqlState(mysql_sqlstate(m));
            if (code == 2013 || code == 2006 || code == 2055) {
                state = sqlstate::kConnectionFailure;
            }
            Abandon();
            throw MysqlError(message, state, code, StatementDetail(sql_));
        }
        done_ = true;
        mysql_free_result(res_);
        res_ = nullptr;
        return false;
    }
    row_ = row;
    lengths_ = mysql_fetch_lengths(res_);
    ++rows_;
    return true;
}

void RowStream::Abandon() noexcept {
    if (res_ == nullptr) {
        return;
    }
    if (!done_) {
        // mysql_free_result would read (and discard) every remaining row, possibly in the middle of
        // an interrupted non-blocking read: detach the result from the connection, cut the socket,
        // and close the connection instead.
        if (conn_ != nullptr && conn_->mysql_ != nullptr) {
            shutdown(mysql_get_socket(conn_->mysql_), SHUT_RDWR);
        }
        res_->handle = nullptr;
    }
    mysql_free_result(res_);
    res_ = nullptr;
    if (!done_ && conn_ != nullptr) {
        conn_->Close();
    }
    done_ = true;
}

void Connection::Execute(const std::string &sql) {
    Query(sql);
}

TextValue Connection::QueryValue(const std::string &sql) {
    ResultSet result = Query(sql);
    if (result.rows.empty() || result.columns.empty()) {
        throw Error("MySQL query returned no row", sqlstate::kInternalError, StatementDetail(sql));
    }
    return std::move(result.rows.front().front());
}

std::string Connection::Quote(const std::string &text) {
    if (mysql_ == nullptr) {
        throw Error("MySQL connection is not open", sqlstate::kConnectionFailure);
    }
    std::string out(text.size() * 2 + 1, '\0');
    unsigned long n =
        mysql_real_escape_string(mysql_, out.data(), text.data(), static_cast<unsigned long>(text.size()));
    if (n == static_cast<unsigned long>(-1)) {
        throw Error("could not escape a string for MySQL", sqlstate::kInternalError);
    }
    out.resize(n);
    return "'" + out + "'";
}

} // namespace chameleon::mysql
