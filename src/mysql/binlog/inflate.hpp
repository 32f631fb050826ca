// zlib (RFC 1950) decompression of MariaDB's compressed binlog events (log_bin_compress=ON), by
// Debian's zlib: the data comes from the network, and a well-kept library covers that surface
// better than an own decoder. Malformed input throws BinlogError(kCorruptEvent); the output never
// exceeds the announced size.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chameleon::mysql::binlog {

// Decodes a zlib stream (2-byte header, deflate data, Adler-32 trailer) into *out (replacing its
// content). The stream must decode to exactly expected_size bytes. Bytes after the end of the
// stream are ignored, as MariaDB's own uncompress() ignores them.
void ZlibDecompress(const uint8_t *src, size_t size, size_t expected_size, std::vector<uint8_t> *out);

} // namespace chameleon::mysql::binlog
