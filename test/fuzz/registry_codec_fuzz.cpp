// libFuzzer target over the registry codec's JSON decoder (src/ddl/registry_codec.cpp).
//
// Input: any bytes, decoded as a table definition. A refusal (chameleon::Error) is expected; when
// the decoding succeeds, the table is encoded and decoded again and must come back equal, field by
// field, and encode to the same text. Anything else (crash, another exception, ASan/UBSan report,
// hang, a round trip that differs) is a bug.
#include "../unit/mysql_table_equal.hpp"
#include "common/error.hpp"
#include "ddl/registry_codec.hpp"

#include <cstdint>
#include <string>
#include <string_view>

using namespace chameleon::ddl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    MysqlTable table;
    try {
        table = DecodeTableJson(text);
    } catch (const chameleon::Error &) {
        return 0;
    }
    const std::string encoded = EncodeTableJson(table);
    MysqlTable again;
    try {
        again = DecodeTableJson(encoded);
    } catch (const chameleon::Error &) {
        __builtin_trap(); // what the encoder writes always decodes
    }
    if (!testing::SameTable(table, again) || EncodeTableJson(again) != encoded)
        __builtin_trap();
    ColumnsSummaryJson(table);
    return 0;
}
