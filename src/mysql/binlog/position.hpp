// Ordering of binlog coordinates (file, position): files by the sequence number after their last
// '.', as the server numbers them (mariadb-bin.000009 < mariadb-bin.000010), then by position.
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>
#include <string>

namespace chameleon::mysql::binlog {

// The sequence number of a binlog file name ("mysql-bin.000123" → 123); 0 when it has none.
uint64_t BinlogFileSequence(const std::string &file);

// <0, 0 or >0 as (file_a, pos_a) is before, at or after (file_b, pos_b).
int CompareBinlogPositions(const std::string &file_a, uint64_t pos_a, const std::string &file_b,
                           uint64_t pos_b);

} // namespace chameleon::mysql::binlog
