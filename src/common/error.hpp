// The one exception type of the pure C++ layers. It carries what a PostgreSQL error report
// needs (SQLSTATE, message, detail, hint) without depending on PostgreSQL: src/pg/guard turns it
// into an ereport(ERROR) at the boundary.
#pragma once

#include "common/cpp_only.hpp"

#include <stdexcept>
#include <string>

namespace chameleon {

// SQLSTATE codes used by the pure layers (five characters, as in PostgreSQL's errcodes.txt).
namespace sqlstate {
inline constexpr const char *kConfigFileError = "F0000";
inline constexpr const char *kInvalidParameterValue = "22023";
inline constexpr const char *kUndefinedObject = "42704";
inline constexpr const char *kDuplicateObject = "42710";
inline constexpr const char *kObjectNotInPrerequisiteState = "55000";
inline constexpr const char *kConnectionFailure = "08006";
inline constexpr const char *kUnableToConnect = "08001";
inline constexpr const char *kFeatureNotSupported = "0A000";
inline constexpr const char *kDataCorrupted = "XX001";
inline constexpr const char *kInternalError = "XX000";
inline constexpr const char *kInsufficientPrivilege = "42501";
inline constexpr const char *kIoError = "58030";
inline constexpr const char *kDataException = "22000";
inline constexpr const char *kInvalidTextRepresentation = "22P02";
inline constexpr const char *kObjectInUse = "55006";
} // namespace sqlstate

class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message, const char *sqlstate = sqlstate::kInternalError,
                   std::string detail = {}, std::string hint = {})
        : std::runtime_error(message), sqlstate_(sqlstate), detail_(std::move(detail)),
          hint_(std::move(hint)) {}

    const char *SqlState() const noexcept { return sqlstate_; }
    const std::string &Detail() const noexcept { return detail_; }
    const std::string &Hint() const noexcept { return hint_; }

private:
    const char *sqlstate_;
    std::string detail_;
    std::string hint_;
};

} // namespace chameleon
