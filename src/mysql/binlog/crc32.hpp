// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as used by binlog_checksum=CRC32: the same
// function as zlib's crc32(), implemented here (slicing-by-8) so the layer does not need zlib.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>

namespace chameleon::mysql::binlog {

// Continues a CRC: Crc32(Crc32(0, a, n), b, m) == Crc32(0, a||b, n+m). Start with crc = 0.
uint32_t Crc32(uint32_t crc, const uint8_t *data, size_t size);

} // namespace chameleon::mysql::binlog
