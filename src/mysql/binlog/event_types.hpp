// Binlog event type codes (MySQL and MariaDB) and header flags.
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>

namespace chameleon::mysql::binlog {

namespace event_type {
inline constexpr uint8_t kUnknown = 0;
inline constexpr uint8_t kStartV3 = 1;
inline constexpr uint8_t kQuery = 2;
inline constexpr uint8_t kStop = 3;
inline constexpr uint8_t kRotate = 4;
inline constexpr uint8_t kIntvar = 5;
inline constexpr uint8_t kLoad = 6;
inline constexpr uint8_t kSlave = 7;
inline constexpr uint8_t kCreateFile = 8;
inline constexpr uint8_t kAppendBlock = 9;
inline constexpr uint8_t kExecLoad = 10;
inline constexpr uint8_t kDeleteFile = 11;
inline constexpr uint8_t kNewLoad = 12;
inline constexpr uint8_t kRand = 13;
inline constexpr uint8_t kUserVar = 14;
inline constexpr uint8_t kFormatDescription = 15;
inline constexpr uint8_t kXid = 16;
inline constexpr uint8_t kBeginLoadQuery = 17;
inline constexpr uint8_t kExecuteLoadQuery = 18;
inline constexpr uint8_t kTableMap = 19;
inline constexpr uint8_t kPreGaWriteRows = 20;
inline constexpr uint8_t kPreGaUpdateRows = 21;
inline constexpr uint8_t kPreGaDeleteRows = 22;
inline constexpr uint8_t kWriteRowsV1 = 23;
inline constexpr uint8_t kUpdateRowsV1 = 24;
inline constexpr uint8_t kDeleteRowsV1 = 25;
inline constexpr uint8_t kIncident = 26;
inline constexpr uint8_t kHeartbeat = 27;
inline constexpr uint8_t kIgnorable = 28;
inline constexpr uint8_t kRowsQuery = 29;
inline constexpr uint8_t kWriteRowsV2 = 30;
inline constexpr uint8_t kUpdateRowsV2 = 31;
inline constexpr uint8_t kDeleteRowsV2 = 32;
inline constexpr uint8_t kGtid = 33;
inline constexpr uint8_t kAnonymousGtid = 34;
inline constexpr uint8_t kPreviousGtids = 35;
inline constexpr uint8_t kTransactionContext = 36;
inline constexpr uint8_t kViewChange = 37;
inline constexpr uint8_t kXaPrepare = 38;
inline constexpr uint8_t kPartialUpdateRows = 39;
inline constexpr uint8_t kTransactionPayload = 40;
inline constexpr uint8_t kHeartbeatV2 = 41;
inline constexpr uint8_t kGtidTagged = 42;
// MariaDB
inline constexpr uint8_t kMariaAnnotateRows = 160;
inline constexpr uint8_t kMariaBinlogCheckpoint = 161;
inline constexpr uint8_t kMariaGtid = 162;
inline constexpr uint8_t kMariaGtidList = 163;
inline constexpr uint8_t kMariaStartEncryption = 164;
inline constexpr uint8_t kMariaQueryCompressed = 165;
inline constexpr uint8_t kMariaWriteRowsCompressedV1 = 166;
inline constexpr uint8_t kMariaUpdateRowsCompressedV1 = 167;
inline constexpr uint8_t kMariaDeleteRowsCompressedV1 = 168;
inline constexpr uint8_t kMariaWriteRowsCompressed = 169;
inline constexpr uint8_t kMariaUpdateRowsCompressed = 170;
inline constexpr uint8_t kMariaDeleteRowsCompressed = 171;
} // namespace event_type

namespace event_flag {
inline constexpr uint16_t kBinlogInUse = 0x0001;
inline constexpr uint16_t kThreadSpecific = 0x0004;
inline constexpr uint16_t kSuppressUse = 0x0008;
inline constexpr uint16_t kArtificial = 0x0020;
inline constexpr uint16_t kRelayLog = 0x0040;
inline constexpr uint16_t kIgnorable = 0x0080;
inline constexpr uint16_t kSkipReplication = 0x8000; // MariaDB
} // namespace event_flag

// "QUERY_EVENT", "WRITE_ROWS_EVENT_V1", ...; "UNKNOWN_EVENT_<n>" for codes we do not know.
const char *EventTypeName(uint8_t type);
// True for codes this decoder knows (parses or deliberately skips).
bool IsKnownEventType(uint8_t type);

enum class RowsKind : uint8_t { kNone, kWrite, kUpdate, kDelete, kPartialUpdate };
// Kind of a rows event type, kNone when the type is not a rows event.
RowsKind RowsKindOf(uint8_t type);

} // namespace chameleon::mysql::binlog
