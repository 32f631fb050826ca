// Private to src/config: typed reading of YAML nodes with error messages that name the file and the
// key path, plus small text helpers shared by the configuration sources.
#pragma once

#include "common/cpp_only.hpp"

#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chameleon::config::internal {

// What each item of a list must look like.
enum class ItemForm {
    kName,          // any non-empty text (role names)
    kTable,         // "schema.table"
    kTableOrStar,   // "schema.table" or "*"
    kSchemaOrTable, // "schema" or "schema.table"
};

// State shared by every Value of one parse: the file named in messages and the keys seen.
struct ParseContext {
    std::string file_label;
    std::set<std::string> *keys_in_file = nullptr;
};

class Value;
using Entries = std::vector<std::pair<std::string, Value>>;

// A YAML node together with the key path that leads to it ("sources.mysql.db_conn.port"), so that
// every conversion error names the file, the key and what was expected.
class Value {
public:
    Value(YAML::Node node, std::string path, ParseContext *context)
        : node_(std::move(node)), path_(std::move(path)), context_(context) {}

    const YAML::Node &Node() const { return node_; }
    const std::string &Path() const { return path_; }
    bool IsNull() const { return node_.IsNull(); }
    Value Child(const std::string &key, const YAML::Node &node) const;
    Value Item(std::size_t index, const YAML::Node &node) const;
    // Records this key path as set in the file.
    void MarkPresent() const;

    // The value for "got ...": null, a list, an empty map, or the scalar in double quotes.
    std::string Describe() const;
    [[noreturn]] void Fail(const std::string &what, std::string detail = {}, std::string hint = {}) const;
    // Fails with "expected <expected>, got <Describe()>".
    [[noreturn]] void FailExpected(const std::string &expected) const;

    std::string AsText() const;         // any scalar, possibly empty
    std::string AsNonEmptyText() const; // a scalar with at least one character
    int64_t AsInteger(int64_t min, int64_t max) const;
    bool AsBoolean() const; // YAML 1.1 spellings as PyYAML reads them
    std::string AsChoice(const std::vector<std::string> &choices) const;
    int64_t AsSize() const;                               // bytes; "300M", "64k", "1G" or bare bytes
    std::vector<std::string> AsList(ItemForm form) const; // null = empty list
    // The entries of a map, in file order, with "<<" merge keys resolved. Fails unless a map, on a
    // duplicate key, and on an empty or non-scalar key.
    Entries AsEntries() const;

private:
    void AddMerged(const YAML::Node &merge, Entries &entries) const;

    YAML::Node node_;
    std::string path_;
    ParseContext *context_;
};

// The error every configuration problem becomes: `configuration file "<label>": <what>`, F0000.
[[noreturn]] void FailFile(const std::string &file_label, const std::string &what, std::string detail = {},
                           std::string hint = {});

// The value of `key` in `map` (merge keys not followed), or nullopt, also when `map` is not a map.
// Unlike yaml-cpp's operator[] on a const node, never throws on a missing key.
std::optional<YAML::Node> FindKey(const YAML::Node &map, const std::string &key);

// The candidate closest to `word` by edit distance (case-insensitive, a transposition counts as
// one), or "" when none is close enough to be a plausible typo.
std::string NearestWord(const std::string &word, const std::vector<std::string> &candidates);

// Optional minus sign and decimal digits, nothing else; nullopt otherwise or on overflow.
std::optional<int64_t> ParseDecimal(const std::string &text);

// "300M" for 314572800, "64k", "1G", or the bare number of bytes.
std::string FormatSize(int64_t bytes);

// "[a, b]", or "(none)" for an empty list.
std::string FormatList(const std::vector<std::string> &items);

// A YAML node as one line of flow-style text, with the value of any "password" key masked.
std::string RenderCompact(const YAML::Node &node);

// ParseConfiguration, also handing back the YAML document (LoadConfiguration inspects pg_conn).
struct ParsedDocument {
    Configuration configuration;
    YAML::Node root;
};
ParsedDocument ParseDocument(const std::string &yaml_text, const std::string &name,
                             const std::string &file_label);

// True when the parsed file holds a non-empty password (a source's db_conn.password or the
// ignored pg_conn.password).
bool HoldsPassword(const ParsedDocument &document);

inline constexpr const char *kMaskedPassword = "********";

} // namespace chameleon::config::internal
