#include "mysql/binlog/byte_reader.hpp"

namespace chameleon::mysql::binlog {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the binlog decoder assumes a little-endian host");

void ByteReader::Overrun(size_t need) const {
    ThrowCorrupt(std::string(what_) + " is truncated: needs " + std::to_string(need) + " more bytes, " +
                 std::to_string(Remaining()) + " left");
}

} // namespace chameleon::mysql::binlog
