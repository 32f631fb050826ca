// Typed reading of YAML nodes for the configuration, with errors naming file and key path.
#include "config/config_internal.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace chameleon::config::internal {

namespace {

constexpr std::size_t kMaxShownChars = 60;

// A scalar as it appears in messages: in double quotes, long ones cut short.
std::string Quote(const std::string &text) {
    if (text.size() <= kMaxShownChars)
        return "\"" + text + "\"";
    return "\"" + text.substr(0, kMaxShownChars) + "...\"";
}

bool IsMergeKey(const YAML::Node &key) {
    return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!";
}

// "a, b or c"
std::string JoinAlternatives(const std::vector<std::string> &words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += (i + 1 == words.size()) ? " or " : ", ";
        out += words[i];
    }
    return out;
}

bool IsTable(const std::string &text) {
    std::size_t dot = text.find('.');
    return dot != std::string::npos && dot > 0 && dot + 1 < text.size() &&
           text.find('.', dot + 1) == std::string::npos;
}

bool MatchesForm(const std::string &text, ItemForm form) {
    switch (form) {
        case ItemForm::kName:
            return !text.empty();
        case ItemForm::kTable:
            return IsTable(text);
        case ItemForm::kTableOrStar:
            return text == "*" || IsTable(text);
        case ItemForm::kSchemaOrTable:
            return IsTable(text) || (!text.empty() && text.find('.') == std::string::npos);
    }
    return false;
}

const char *FormText(ItemForm form) {
    switch (form) {
        case ItemForm::kName:
            return "a non-empty name";
        case ItemForm::kTable:
            return "\"schema.table\"";
        case ItemForm::kTableOrStar:
            return "\"schema.table\" or \"*\"";
        case ItemForm::kSchemaOrTable:
            return "\"schema\" or \"schema.table\"";
    }
    return "";
}

bool HasKey(const Entries &entries, const std::string &key) {
    return std::any_of(entries.begin(), entries.end(), [&](const auto &entry) { return entry.first == key; });
}

// Optimal string alignment distance, ASCII case folded.
std::size_t EditDistance(const std::string &a, const std::string &b) {
    auto same = [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    };
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

} // namespace

Value Value::Child(const std::string &key, const YAML::Node &node) const {
    return Value(node, path_.empty() ? key : path_ + "." + key, context_);
}

Value Value::Item(std::size_t index, const YAML::Node &node) const {
    return Value(node, path_ + "[" + std::to_string(index) + "]", context_);
}

void Value::MarkPresent() const {
    if (context_->keys_in_file != nullptr)
        context_->keys_in_file->insert(path_);
}

std::string Value::Describe() const {
    switch (node_.Type()) {
        case YAML::NodeType::Scalar:
            return Quote(node_.Scalar());
        case YAML::NodeType::Sequence:
            return node_.size() == 0 ? "an empty list" : "a list";
        case YAML::NodeType::Map:
            return node_.size() == 0 ? "an empty map" : "a map";
        default:
            return "null";
    }
}

void Value::Fail(const std::string &what, std::string detail, std::string hint) const {
    FailFile(context_->file_label, path_.empty() ? what : path_ + ": " + what, std::move(detail),
             std::move(hint));
}

void Value::FailExpected(const std::string &expected) const {
    Fail("expected " + expected + ", got " + Describe());
}

std::string Value::AsText() const {
    if (!node_.IsScalar())
        FailExpected("a string");
    return node_.Scalar();
}

std::string Value::AsNonEmptyText() const {
    if (!node_.IsScalar() || node_.Scalar().empty())
        FailExpected("a non-empty string");
    return node_.Scalar();
}

int64_t Value::AsInteger(int64_t min, int64_t max) const {
    std::optional<int64_t> number;
    if (node_.IsScalar())
        number = ParseDecimal(node_.Scalar());
    if (!number || *number < min || *number > max)
        FailExpected("an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return *number;
}

bool Value::AsBoolean() const {
    static const std::vector<std::string> kTrue = {"yes",  "Yes", "YES", "true", "True",
                                                   "TRUE", "on",  "On",  "ON"};
    static const std::vector<std::string> kFalse = {"no",    "No",  "NO",  "false", "False",
                                                    "FALSE", "off", "Off", "OFF"};
    if (node_.IsScalar()) {
        const std::string &text = node_.Scalar();
        if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end())
            return true;
        if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end())
            return false;
    }
    FailExpected("a boolean (true/false, yes/no, on/off)");
}

std::string Value::AsChoice(const std::vector<std::string> &choices) const {
    if (node_.IsScalar() && std::find(choices.begin(), choices.end(), node_.Scalar()) != choices.end())
        return node_.Scalar();
    FailExpected(JoinAlternatives(choices));
}

int64_t Value::AsSize() const {
    static const std::string kExpected =
        "a positive size in bytes with an optional suffix k, M or G (like \"300M\")";
    if (!node_.IsScalar() || node_.Scalar().empty())
        FailExpected(kExpected);
    std::string digits = node_.Scalar();
    int64_t scale = 1;
    switch (digits.back()) {
        case 'k':
            scale = 1024;
            break;
        case 'M':
            scale = 1024 * 1024;
            break;
        case 'G':
            scale = 1024 * 1024 * 1024;
            break;
        default:
            break;
    }
    if (scale != 1)
        digits.pop_back();
    std::optional<int64_t> number;
    if (!digits.empty() &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        number = ParseDecimal(digits);
    if (!number || *number <= 0 || *number > std::numeric_limits<int64_t>::max() / scale)
        FailExpected(kExpected);
    return *number * scale;
}

std::vector<std::string> Value::AsList(ItemForm form) const {
    if (node_.IsNull())
        return {};
    if (!node_.IsSequence())
        FailExpected("a list");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < node_.size(); ++i) {
        Value item = Item(i, node_[i]);
        if (!item.node_.IsScalar() || !MatchesForm(item.node_.Scalar(), form))
            item.FailExpected(FormText(form));
        items.push_back(item.node_.Scalar());
    }
    return items;
}

Entries Value::AsEntries() const {
    if (!node_.IsMap())
        FailExpected("a map");
    Entries entries;
    std::vector<YAML::Node> merges;
    for (const auto &pair : node_) {
        if (IsMergeKey(pair.first)) {
            merges.push_back(pair.second);
            continue;
        }
        if (!pair.first.IsScalar() || pair.first.Scalar().empty())
            Fail("expected non-empty string keys, got " + Value(pair.first, path_, context_).Describe() +
                 " as a key");
        const std::string &key = pair.first.Scalar();
        if (HasKey(entries, key))
            Child(key, pair.second).Fail("duplicate key");
        entries.emplace_back(key, Child(key, pair.second));
    }
    for (const YAML::Node &merge : merges)
        AddMerged(merge, entries);
    return entries;
}

// "<<: *anchor" or "<<: [*a, *b]": keys not set explicitly come from the merged maps, the first
// merged map winning, as in YAML 1.1 (and PyYAML).
void Value::AddMerged(const YAML::Node &merge, Entries &entries) const {
    Value merged = Child("<<", merge);
    std::vector<YAML::Node> maps;
    if (merge.IsMap()) {
        maps.push_back(merge);
    } else if (merge.IsSequence()) {
        for (const YAML::Node &item : merge)
            maps.push_back(item);
    }
    if (maps.empty() || !std::all_of(maps.begin(), maps.end(), [](const YAML::Node &n) { return n.IsMap(); }))
        merged.FailExpected("a map or a list of maps to merge");
    for (const YAML::Node &map : maps) {
        Entries from = Value(map, path_, context_).AsEntries();
        for (auto &entry : from) {
            if (!HasKey(entries, entry.first))
                entries.push_back(std::move(entry));
        }
    }
}

std::optional<YAML::Node> FindKey(const YAML::Node &map, const std::string &key) {
    if (!map.IsMap())
        return std::nullopt;
    for (const auto &pair : map) {
        if (pair.first.IsScalar() && pair.first.Scalar() == key)
            return pair.second;
    }
    return std::nullopt;
}

void FailFile(const std::string &file_label, const std::string &what, std::string detail, std::string hint) {
    throw Error("configuration file \"" + file_label + "\": " + what, sqlstate::kConfigFileError,
                std::move(detail), std::move(hint));
}

std::string NearestWord(const std::string &word, const std::vector<std::string> &candidates) {
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const std::string &candidate : candidates) {
        std::size_t distance = EditDistance(word, candidate);
        std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), candidate.size()) / 3);
        if (distance <= allowed && distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

std::optional<int64_t> ParseDecimal(const std::string &text) {
    std::size_t start = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (start == text.size())
        return std::nullopt;
    int64_t value = 0;
    for (std::size_t i = start; i < text.size(); ++i) {
        char c = text[i];
        if (c < '0' || c > '9')
            return std::nullopt;
        if (value > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10)
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return start == 1 ? -value : value;
}

std::string FormatSize(int64_t bytes) {
    static const std::pair<int64_t, const char *> kUnits[] = {
        {1024LL * 1024 * 1024, "G"}, {1024LL * 1024, "M"}, {1024LL, "k"}};
    for (const auto &[unit, suffix] : kUnits) {
        if (bytes > 0 && bytes % unit == 0)
            return std::to_string(bytes / unit) + suffix;
    }
    return std::to_string(bytes);
}

std::string FormatList(const std::vector<std::string> &items) {
    if (items.empty())
        return "(none)";
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i > 0 ? ", " : "") + items[i];
    return out + "]";
}

std::string RenderCompact(const YAML::Node &node) {
    std::string out;
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return node.Scalar();
        case YAML::NodeType::Sequence:
            for (const YAML::Node &item : node)
                out += (out.empty() ? "" : ", ") + RenderCompact(item);
            return "[" + out + "]";
        case YAML::NodeType::Map:
            for (const auto &pair : node) {
                std::string key = RenderCompact(pair.first);
                std::string value = RenderCompact(pair.second);
                if (key == "password" && !value.empty())
                    value = kMaskedPassword;
                out += (out.empty() ? "" : ", ") + key + ": " + value;
            }
            return "{" + out + "}";
        default:
            return "";
    }
}

} // namespace chameleon::config::internal
