// A small zlib (RFC 1950) / DEFLATE (RFC 1951) decoder for MariaDB's compressed binlog events
// (log_bin_compress=ON), written for this project so the layer does not link zlib. Bounds-checked:
// malformed input throws BinlogError(kCorruptEvent); the output never exceeds max_size.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chameleon::mysql::binlog {

// Decodes a zlib stream (2-byte header, deflate data, Adler-32 trailer) into *out (replacing its
// content). The stream must decode to exactly expected_size bytes.
void ZlibDecompress(const uint8_t *src, size_t size, size_t expected_size, std::vector<uint8_t> *out);

// Raw deflate data; appends to *out, never letting out->size() exceed max_size. Returns the
// number of input bytes consumed.
size_t InflateRaw(const uint8_t *src, size_t size, size_t max_size, std::vector<uint8_t> *out);

uint32_t Adler32(uint32_t adler, const uint8_t *data, size_t size);

} // namespace chameleon::mysql::binlog
