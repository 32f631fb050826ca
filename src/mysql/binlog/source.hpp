// Sources of raw binlog events: a binlog file on disk, a binlog image in memory, or (client.hpp)
// a live dump connection.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chameleon::mysql::binlog {

class EventSource {
public:
    virtual ~EventSource() = default;
    // The next complete event (common header .. checksum), valid until the next call. False at
    // the end of the stream (end of a file, EOF packet of a non-blocking dump).
    virtual bool NextRaw(const uint8_t **data, size_t *size) = 0;
};

// Largest event accepted from a file or memory image (sanity bound against corrupt lengths).
inline constexpr size_t kDefaultMaxEventSize = size_t{1} << 30;

// A binlog file image in memory: starts with the 4-byte magic (skipped) or directly with an event.
class BufferSource : public EventSource {
public:
    BufferSource(const uint8_t *data, size_t size, size_t max_event_size = kDefaultMaxEventSize);
    bool NextRaw(const uint8_t **data, size_t *size) override;
    // Offset of the next event in the image.
    size_t Offset() const { return pos_; }

private:
    const uint8_t *data_;
    size_t size_;
    size_t pos_ = 0;
    size_t max_event_;
};

// A binlog file read sequentially from disk (checks the magic). With stop_at_partial, a partially
// written last event ends the stream (a live server's current file); otherwise it is an error.
class FileSource : public EventSource {
public:
    explicit FileSource(const std::string &path, bool stop_at_partial = false,
                        size_t max_event_size = kDefaultMaxEventSize);
    ~FileSource() override;
    FileSource(const FileSource &) = delete;
    FileSource &operator=(const FileSource &) = delete;

    bool NextRaw(const uint8_t **data, size_t *size) override;
    // File offset of the event returned last, and of the next one.
    uint64_t EventOffset() const { return event_offset_; }
    uint64_t NextOffset() const { return next_offset_; }
    const std::string &Path() const { return path_; }

private:
    bool Ensure(size_t n); // at least n bytes buffered from begin_

    std::string path_;
    int fd_ = -1;
    bool stop_at_partial_;
    size_t max_event_;
    std::vector<uint8_t> buf_;
    size_t begin_ = 0, end_ = 0;
    uint64_t event_offset_ = 0, next_offset_ = 4;
};

// Reads a whole file into memory (for tests and tools). Throws BinlogError(kIo).
std::vector<uint8_t> ReadWholeFile(const std::string &path);

} // namespace chameleon::mysql::binlog
