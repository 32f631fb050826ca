// MySQL TRANSACTION_PAYLOAD_EVENT: streams the events packed (zstd-compressed or not) inside it,
// one at a time, with memory bounded by the largest inner event rather than the whole payload.
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/events.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chameleon::mysql::binlog {

class PayloadExpander {
public:
    PayloadExpander();
    ~PayloadExpander();
    PayloadExpander(const PayloadExpander &) = delete;
    PayloadExpander &operator=(const PayloadExpander &) = delete;

    // Starts on a payload (its bytes must stay alive until the expander is done). max_event_size
    // bounds each inner event. Throws kUnsupported for unknown compression types.
    void Start(const TransactionPayloadEvent &payload, size_t max_event_size);
    // The next inner event (header..end, no checksum), valid until the next call. False at the end.
    bool Next(const uint8_t **data, size_t *size);
    bool Active() const { return active_; }
    void Reset();
    uint64_t TotalUncompressed() const { return total_; }

private:
    bool Fill(size_t want);

    bool active_ = false;
    bool zstd_ = false;
    const uint8_t *in_ = nullptr;
    size_t in_len_ = 0, in_pos_ = 0;
    size_t max_event_ = 0;
    std::vector<uint8_t> buf_;
    size_t begin_ = 0, end_ = 0;
    bool frame_done_ = false;
    uint64_t total_ = 0;
    void *dstream_ = nullptr; // ZSTD_DStream
};

} // namespace chameleon::mysql::binlog
