#include "config/upgrade_takeover.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <utility>

namespace chameleon::config {
namespace {

std::string Quoted(const std::string &text) {
    return "\"" + text + "\"";
}

std::string Pair(const std::string &origin, const std::string &destination) {
    return origin + " -> " + destination;
}

std::string Join(const std::vector<std::string> &items) {
    std::string out;
    for (const std::string &item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

// The 2.x source whose schema_mappings has the pair of `old`, or nullptr.
const SourceConfig *TakenOverBy(const Configuration &configuration, const OldSource &old) {
    for (const SourceConfig &source : configuration.sources) {
        for (const auto &[origin, destination] : source.schema_mappings) {
            if (origin == old.schema && destination == old.destination)
                return &source;
        }
    }
    return nullptr;
}

// How the configuration maps the schema or the destination of a 1.x source it does not take over.
std::string HowConfigured(const Configuration &configuration, const OldSource &old) {
    for (const SourceConfig &source : configuration.sources) {
        for (const auto &[origin, destination] : source.schema_mappings) {
            if (origin == old.schema)
                return "configured as " + Pair(origin, destination);
        }
    }
    for (const SourceConfig &source : configuration.sources) {
        for (const auto &[origin, destination] : source.schema_mappings) {
            if (destination == old.destination)
                return "configured as " + Pair(origin, destination);
        }
    }
    return "not configured";
}

} // namespace

std::vector<LeftSource> PlanTakeover(const Configuration &configuration,
                                     const std::vector<OldSource> &old_sources) {
    std::vector<std::string> old_names;
    for (const OldSource &old : old_sources)
        old_names.push_back(old.name);

    for (const SourceConfig &source : configuration.sources) {
        std::vector<std::string> unknown;
        for (const std::string &name : source.upgrade_leave_sources) {
            if (std::find(old_names.begin(), old_names.end(), name) == old_names.end())
                unknown.push_back(Quoted(name));
        }
        if (!unknown.empty()) {
            throw Error(
                "upgrade_leave_sources of source " + Quoted(source.name) + " lists " + Join(unknown) +
                    (unknown.size() == 1 ? ", which is not a 1.7 source" : ", which are not 1.7 sources"),
                sqlstate::kInvalidParameterValue, "",
                "List names of sch_chameleon.t_sources.t_source (1.7 sources: " + Join(old_names) + ").");
        }
    }

    std::vector<LeftSource> left;
    std::vector<std::string> missing;
    for (const OldSource &old : old_sources) {
        const SourceConfig *listed_by = nullptr;
        for (const SourceConfig &source : configuration.sources) {
            const auto &names = source.upgrade_leave_sources;
            if (listed_by == nullptr && std::find(names.begin(), names.end(), old.name) != names.end())
                listed_by = &source;
        }
        const SourceConfig *taken_over_by = TakenOverBy(configuration, old);
        if (taken_over_by != nullptr && listed_by != nullptr) {
            throw Error("1.7 source " + Quoted(old.name) + " (" + Pair(old.schema, old.destination) +
                            ") is both in the schema_mappings of source " + Quoted(taken_over_by->name) +
                            " and in upgrade_leave_sources of source " + Quoted(listed_by->name),
                        sqlstate::kInvalidParameterValue, "",
                        "A 1.x source is either migrated or left behind: remove it from one of the two.");
        }
        if (listed_by != nullptr)
            left.push_back({old, listed_by->name});
        else if (taken_over_by == nullptr)
            missing.push_back(Quoted(old.name) + " (" + Pair(old.schema, old.destination) + ", " +
                              HowConfigured(configuration, old) + ")");
    }
    if (!missing.empty()) {
        std::vector<std::string> configured;
        for (const SourceConfig &source : configuration.sources) {
            for (const auto &[origin, destination] : source.schema_mappings)
                configured.push_back(Pair(origin, destination));
        }
        throw Error(
            "1.7 sources missing from the schema_mappings of configuration " + Quoted(configuration.name) +
                ": " + Join(missing),
            sqlstate::kInvalidParameterValue,
            "Every 1.7 source is either migrated or listed in upgrade_leave_sources. Configured mappings: " +
                (configured.empty() ? std::string("(none)") : Join(configured)) + ".",
            "Add the my_database: destination schema pair of each to schema_mappings, as in its 1.x "
            "configuration file. To leave a 1.x source behind on purpose (it replicated another MySQL "
            "server), list it in upgrade_leave_sources of the 2.x source: it stays in "
            "_sch_chameleon_version1.");
    }
    return left;
}

} // namespace chameleon::config
