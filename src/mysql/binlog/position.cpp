#include "mysql/binlog/position.hpp"

namespace chameleon::mysql::binlog {

uint64_t BinlogFileSequence(const std::string &file) {
    size_t dot = file.rfind('.');
    if (dot == std::string::npos || dot + 1 >= file.size())
        return 0;
    uint64_t seq = 0;
    for (size_t i = dot + 1; i < file.size(); ++i) {
        char c = file[i];
        if (c < '0' || c > '9')
            return 0;
        if (seq > (UINT64_MAX - 9) / 10)
            return UINT64_MAX;
        seq = seq * 10 + static_cast<uint64_t>(c - '0');
    }
    return seq;
}

int CompareBinlogPositions(const std::string &file_a, uint64_t pos_a, const std::string &file_b,
                           uint64_t pos_b) {
    uint64_t seq_a = BinlogFileSequence(file_a);
    uint64_t seq_b = BinlogFileSequence(file_b);
    if (seq_a != seq_b)
        return seq_a < seq_b ? -1 : 1;
    if (pos_a != pos_b)
        return pos_a < pos_b ? -1 : 1;
    return 0;
}

} // namespace chameleon::mysql::binlog
