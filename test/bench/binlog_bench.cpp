// Decode benchmark of the binlog layer (not a test). Reads a binlog file (or a live dump) several
// times and reports, for the same stream:
//   raw    framing + CRC32 verification only (EventFramer), no parsing
//   events BinlogReader: framing, CRC, event parsing, table maps, positions; rows not decoded
//   typed  BinlogReader + RowDecoder: every row decoded to typed values (the fast path)
//   text   typed + every value formatted as text (AppendValueText), for comparison
//
//   binlog_bench [--repeat N] [--mem] FILE...
//   binlog_bench --host H --port P --user U [--password X] --server-id N --start-file F [--repeat N]
#include "mysql/binlog/client.hpp"
#include "mysql/binlog/reader.hpp"
#include "mysql/binlog/rows.hpp"
#include "mysql/binlog/value_text.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace chameleon::mysql::binlog;

namespace {

struct Counts {
    uint64_t bytes = 0, events = 0, rows = 0, values = 0, text_bytes = 0;
};

enum class Mode { kRaw, kEvents, kTyped, kText };
const char *ModeName(Mode m) {
    switch (m) {
        case Mode::kRaw:
            return "raw";
        case Mode::kEvents:
            return "events";
        case Mode::kTyped:
            return "typed";
        case Mode::kText:
            return "text";
    }
    return "?";
}

Counts Run(EventSource &src, Mode mode, ChecksumAlg announced) {
    Counts c;
    if (mode == Mode::kRaw) {
        EventFramer framer;
        framer.SetAnnouncedChecksum(announced);
        const uint8_t *p;
        size_t n;
        Event ev;
        while (src.NextRaw(&p, &n)) {
            framer.Frame(p, n, &ev);
            c.bytes += n;
            ++c.events;
        }
        return c;
    }
    ReaderOptions ro;
    ro.announced_checksum = announced;
    BinlogReader r(&src, ro);
    RowDecoder dec;
    RowImage before, after;
    std::string text;
    while (r.Next()) {
        c.bytes += r.Current().size;
        ++c.events;
        if (!r.IsRows())
            continue;
        if (mode == Mode::kEvents)
            continue;
        r.BeginRows(&dec);
        const TableMap &m = *r.CurrentTableMap();
        RowsKind kind = r.Rows().kind;
        while (dec.Next(&before, &after)) {
            ++c.rows;
            const RowImage &img = kind == RowsKind::kDelete ? before : after;
            c.values += img.Size();
            if (mode == Mode::kText) {
                for (size_t i = 0; i < img.Size(); ++i) {
                    text.clear();
                    AppendValueText(img[i], m.columns[i], &text);
                    c.text_bytes += text.size();
                }
            }
        }
    }
    return c;
}

void Report(const char *source, Mode mode, const Counts &c, double secs, uint64_t rows_in_stream) {
    std::printf("%-7s %-6s %8.3f s  %9.1f MB/s  %8.2f M events/s  %7.2f M rows/s  (%llu events, %llu rows)\n",
                source, ModeName(mode), secs, c.bytes / secs / 1e6, c.events / secs / 1e6,
                rows_in_stream / secs / 1e6, static_cast<unsigned long long>(c.events),
                static_cast<unsigned long long>(rows_in_stream));
}

} // namespace

int main(int argc, char **argv) {
    std::vector<std::string> files;
    int repeat = 3;
    bool mem = false;
    ClientOptions co;
    bool live = false;
    std::string start_file;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--repeat")
            repeat = std::atoi(val().c_str());
        else if (a == "--mem")
            mem = true;
        else if (a == "--host") {
            co.host = val();
            live = true;
        } else if (a == "--port")
            co.port = static_cast<unsigned>(std::atoi(val().c_str()));
        else if (a == "--user")
            co.user = val();
        else if (a == "--password")
            co.password = val();
        else if (a == "--server-id")
            co.server_id = static_cast<uint32_t>(std::strtoul(val().c_str(), nullptr, 10));
        else if (a == "--start-file")
            start_file = val();
        else
            files.push_back(a);
    }
    try {
        // Count the rows once (typed pass), so every mode reports rows/s of the same stream.
        uint64_t rows = 0;
        std::vector<std::vector<uint8_t>> images;
        auto make_source = [&](size_t k, uint32_t id_offset,
                               std::unique_ptr<BinlogClient> *client) -> std::unique_ptr<EventSource> {
            if (live) {
                client->reset(new BinlogClient());
                ClientOptions o = co;
                o.non_blocking = true;
                o.server_id = co.server_id + id_offset;
                (*client)->Connect(o);
                (*client)->StartFromPosition(start_file, 4);
                return nullptr;
            }
            if (mem)
                return std::make_unique<BufferSource>(images[k].data(), images[k].size());
            return std::make_unique<FileSource>(files[k]);
        };
        if (mem)
            for (const std::string &f : files)
                images.push_back(ReadWholeFile(f));
        size_t nsources = live ? 1 : files.size();
        {
            for (size_t k = 0; k < nsources; ++k) {
                std::unique_ptr<BinlogClient> client;
                std::unique_ptr<EventSource> src = make_source(k, 0, &client);
                EventSource &s = live ? static_cast<EventSource &>(*client) : *src;
                rows +=
                    Run(s, Mode::kTyped, live ? client->AnnouncedChecksum() : ChecksumAlg::kUndefined).rows;
            }
        }
        const char *label = live ? "network" : mem ? "memory" : "file";
        for (Mode mode : {Mode::kRaw, Mode::kEvents, Mode::kTyped, Mode::kText}) {
            double best = 1e30;
            Counts total;
            for (int rep = 0; rep < repeat; ++rep) {
                Counts t;
                auto t0 = std::chrono::steady_clock::now();
                for (size_t k = 0; k < nsources; ++k) {
                    std::unique_ptr<BinlogClient> client;
                    std::unique_ptr<EventSource> src =
                        make_source(k, static_cast<uint32_t>(1 + rep + 8 * static_cast<int>(mode)), &client);
                    EventSource &s = live ? static_cast<EventSource &>(*client) : *src;
                    Counts c = Run(s, mode, live ? client->AnnouncedChecksum() : ChecksumAlg::kUndefined);
                    t.bytes += c.bytes;
                    t.events += c.events;
                    t.rows += c.rows;
                }
                double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                if (secs < best) {
                    best = secs;
                    total = t;
                }
            }
            Report(label, mode, total, best, rows);
        }
    } catch (const BinlogError &e) {
        std::fprintf(stderr, "binlog_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
