#include "mysql/binlog/errors.hpp"

namespace chameleon::mysql::binlog {

const char *BinlogErrcName(BinlogErrc code) {
    switch (code) {
        case BinlogErrc::kConnect:
            return "connect";
        case BinlogErrc::kConnectionLost:
            return "connection_lost";
        case BinlogErrc::kReadTimeout:
            return "read_timeout";
        case BinlogErrc::kServerError:
            return "server_error";
        case BinlogErrc::kBinlogNotFound:
            return "binlog_not_found";
        case BinlogErrc::kGtidNotFound:
            return "gtid_not_found";
        case BinlogErrc::kDuplicateServerId:
            return "duplicate_server_id";
        case BinlogErrc::kAccessDenied:
            return "access_denied";
        case BinlogErrc::kChecksumMismatch:
            return "checksum_mismatch";
        case BinlogErrc::kCorruptEvent:
            return "corrupt_event";
        case BinlogErrc::kUnknownEvent:
            return "unknown_event";
        case BinlogErrc::kUnsupported:
            return "unsupported";
        case BinlogErrc::kStatementDml:
            return "statement_dml";
        case BinlogErrc::kInvalidArgument:
            return "invalid_argument";
        case BinlogErrc::kIo:
            return "io";
    }
    return "unknown";
}

const char *BinlogErrcSqlState(BinlogErrc code) {
    switch (code) {
        case BinlogErrc::kConnect:
            return sqlstate::kUnableToConnect;
        case BinlogErrc::kConnectionLost:
        case BinlogErrc::kReadTimeout:
            return sqlstate::kConnectionFailure;
        case BinlogErrc::kServerError:
            return sqlstate::kInternalError;
        case BinlogErrc::kBinlogNotFound:
        case BinlogErrc::kGtidNotFound:
            return sqlstate::kObjectNotInPrerequisiteState;
        case BinlogErrc::kDuplicateServerId:
            return sqlstate::kDuplicateObject;
        case BinlogErrc::kAccessDenied:
            return sqlstate::kInsufficientPrivilege;
        case BinlogErrc::kChecksumMismatch:
        case BinlogErrc::kCorruptEvent:
            return sqlstate::kDataCorrupted;
        case BinlogErrc::kUnknownEvent:
        case BinlogErrc::kUnsupported:
            return sqlstate::kFeatureNotSupported;
        case BinlogErrc::kStatementDml:
            return sqlstate::kObjectNotInPrerequisiteState;
        case BinlogErrc::kInvalidArgument:
            return sqlstate::kInvalidParameterValue;
        case BinlogErrc::kIo:
            return sqlstate::kIoError;
    }
    return sqlstate::kInternalError;
}

BinlogError::BinlogError(BinlogErrc code, const std::string &message, std::string detail, std::string hint,
                         unsigned server_errno)
    : chameleon::Error(message, BinlogErrcSqlState(code), std::move(detail), std::move(hint)), code_(code),
      server_errno_(server_errno) {}

void ThrowCorrupt(const std::string &message) {
    throw BinlogError(BinlogErrc::kCorruptEvent, message);
}

} // namespace chameleon::mysql::binlog
