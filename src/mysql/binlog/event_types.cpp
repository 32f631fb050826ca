#include "mysql/binlog/event_types.hpp"

namespace chameleon::mysql::binlog {

namespace {
const char *const kNames[] = {
    "UNKNOWN_EVENT",
    "START_EVENT_V3",
    "QUERY_EVENT",
    "STOP_EVENT",
    "ROTATE_EVENT",
    "INTVAR_EVENT",
    "LOAD_EVENT",
    "SLAVE_EVENT",
    "CREATE_FILE_EVENT",
    "APPEND_BLOCK_EVENT",
    "EXEC_LOAD_EVENT",
    "DELETE_FILE_EVENT",
    "NEW_LOAD_EVENT",
    "RAND_EVENT",
    "USER_VAR_EVENT",
    "FORMAT_DESCRIPTION_EVENT",
    "XID_EVENT",
    "BEGIN_LOAD_QUERY_EVENT",
    "EXECUTE_LOAD_QUERY_EVENT",
    "TABLE_MAP_EVENT",
    "PRE_GA_WRITE_ROWS_EVENT",
    "PRE_GA_UPDATE_ROWS_EVENT",
    "PRE_GA_DELETE_ROWS_EVENT",
    "WRITE_ROWS_EVENT_V1",
    "UPDATE_ROWS_EVENT_V1",
    "DELETE_ROWS_EVENT_V1",
    "INCIDENT_EVENT",
    "HEARTBEAT_LOG_EVENT",
    "IGNORABLE_LOG_EVENT",
    "ROWS_QUERY_LOG_EVENT",
    "WRITE_ROWS_EVENT",
    "UPDATE_ROWS_EVENT",
    "DELETE_ROWS_EVENT",
    "GTID_LOG_EVENT",
    "ANONYMOUS_GTID_LOG_EVENT",
    "PREVIOUS_GTIDS_LOG_EVENT",
    "TRANSACTION_CONTEXT_EVENT",
    "VIEW_CHANGE_EVENT",
    "XA_PREPARE_LOG_EVENT",
    "PARTIAL_UPDATE_ROWS_EVENT",
    "TRANSACTION_PAYLOAD_EVENT",
    "HEARTBEAT_LOG_EVENT_V2",
    "GTID_TAGGED_LOG_EVENT",
};
const char *const kMariaNames[] = {
    "ANNOTATE_ROWS_EVENT",
    "BINLOG_CHECKPOINT_EVENT",
    "GTID_EVENT",
    "GTID_LIST_EVENT",
    "START_ENCRYPTION_EVENT",
    "QUERY_COMPRESSED_EVENT",
    "WRITE_ROWS_COMPRESSED_EVENT_V1",
    "UPDATE_ROWS_COMPRESSED_EVENT_V1",
    "DELETE_ROWS_COMPRESSED_EVENT_V1",
    "WRITE_ROWS_COMPRESSED_EVENT",
    "UPDATE_ROWS_COMPRESSED_EVENT",
    "DELETE_ROWS_COMPRESSED_EVENT",
};
thread_local char unknown_name[32];
} // namespace

const char *EventTypeName(uint8_t type) {
    if (type < sizeof(kNames) / sizeof(kNames[0]))
        return kNames[type];
    if (type >= 160 && type < 160 + sizeof(kMariaNames) / sizeof(kMariaNames[0]))
        return kMariaNames[type - 160];
    static const char digits[] = "0123456789";
    char *p = unknown_name;
    for (const char *s = "UNKNOWN_EVENT_"; *s; ++s)
        *p++ = *s;
    if (type >= 100)
        *p++ = digits[type / 100];
    if (type >= 10)
        *p++ = digits[(type / 10) % 10];
    *p++ = digits[type % 10];
    *p = '\0';
    return unknown_name;
}

bool IsKnownEventType(uint8_t type) {
    return (type >= 1 && type < sizeof(kNames) / sizeof(kNames[0])) ||
           (type >= 160 && type < 160 + sizeof(kMariaNames) / sizeof(kMariaNames[0]));
}

RowsKind RowsKindOf(uint8_t type) {
    using namespace event_type;
    switch (type) {
        case kWriteRowsV1:
        case kWriteRowsV2:
        case kMariaWriteRowsCompressedV1:
        case kMariaWriteRowsCompressed:
            return RowsKind::kWrite;
        case kUpdateRowsV1:
        case kUpdateRowsV2:
        case kMariaUpdateRowsCompressedV1:
        case kMariaUpdateRowsCompressed:
            return RowsKind::kUpdate;
        case kDeleteRowsV1:
        case kDeleteRowsV2:
        case kMariaDeleteRowsCompressedV1:
        case kMariaDeleteRowsCompressed:
            return RowsKind::kDelete;
        case kPartialUpdateRows:
            return RowsKind::kPartialUpdate;
        default:
            return RowsKind::kNone;
    }
}

} // namespace chameleon::mysql::binlog
