// Typed errors of the binlog layer. Every failure of the transport, the event parser or the row
// decoder is a BinlogError: a chameleon::Error (message, SQLSTATE, detail, hint) that also carries
// a machine-readable code and, for errors sent by the server, the server's error number.
#pragma once

#include "common/cpp_only.hpp"

#include "common/error.hpp"

#include <string>

namespace chameleon::mysql::binlog {

enum class BinlogErrc {
    kConnect,           // could not connect / authenticate
    kConnectionLost,    // the connection broke during the dump
    kReadTimeout,       // nothing (not even a heartbeat) arrived within the read timeout
    kServerError,       // any other error sent by the server
    kBinlogNotFound,    // requested binlog file/position is not on the server (purged?)
    kGtidNotFound,      // requested GTID position is not in the server's binlogs
    kDuplicateServerId, // another replica connected with our server id
    kAccessDenied,      // missing privilege (REPLICATION SLAVE, ...)
    kChecksumMismatch,  // CRC32 of an event does not match
    kCorruptEvent,      // malformed / truncated event or row data
    kUnknownEvent,      // event type we do not know and that is not flagged ignorable
    kUnsupported,       // a feature we do not handle (old temporal format, partial JSON, ...)
    kStatementDml,      // DML arrived as a statement (binlog_format is not ROW)
    kInvalidArgument,   // bad input from the caller (bad GTID text, ...)
    kIo,                // file read errors
};

const char *BinlogErrcName(BinlogErrc code);

class BinlogError : public chameleon::Error {
public:
    BinlogError(BinlogErrc code, const std::string &message, std::string detail = {}, std::string hint = {},
                unsigned server_errno = 0);

    BinlogErrc Code() const noexcept { return code_; }
    // The server's error number (mysql_errno) when the error came from the server, else 0.
    unsigned ServerErrno() const noexcept { return server_errno_; }

private:
    BinlogErrc code_;
    unsigned server_errno_;
};

// The SQLSTATE used for a code.
const char *BinlogErrcSqlState(BinlogErrc code);

// Shorthand for malformed input: throws BinlogError(kCorruptEvent, message).
[[noreturn]] void ThrowCorrupt(const std::string &message);

} // namespace chameleon::mysql::binlog
