#pragma once
// Reading the sources and mapping each record: joins, the mapping's check against what the
// source has, keys that repeat or differ only in case, and the completeness guards.

#include "agent/person_summaries.hpp"
#include "agent/prepare.hpp"
#include "connectors/source.hpp"
#include "mappings/compiled_mapping.hpp"
#include "scim/desired_resource.hpp"
#include "state/source_guard.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::agent {

struct MappedSource {
    connectors::SourceRead read;
    size_t yielded = 0;                         // records the source returned, readable or not
    size_t records = 0;                         // readable records
    std::vector<scim::DesiredResource> desired; // none when summarized
    PersonSummaries summaries; // read_and_summarize: what validate keeps of each person instead
    bool summarized = false;
    std::vector<connectors::Rejection> rejections; // from the source and from mapping
    std::vector<std::string> failed_joins;         // "name: why"; their attributes are kept as sent
    std::optional<std::string>
        decisions_unsure; // a failed join feeds the scope or the lifecycle dates
    std::vector<scim::AttributePath> kept_paths;
    std::vector<std::pair<std::string, size_t>> complete_reads; // joined sources read whole

    [[nodiscard]] size_t mapped() const { return summarized ? summaries.size() : desired.size(); }
};

// The record count of a source's last complete read, when the state is at hand.
using LastRead = std::function<std::optional<size_t>(const std::string& source_id)>;

// Each mapped person goes through `finish` as soon as it is mapped (plan and sync pack it),
// on a mapping thread; `kept_paths` are those a failed joined source keeps as sent.
using FinishMapped =
    std::function<void(scim::DesiredResource&, const std::vector<scim::AttributePath>& kept_paths)>;

// Plan and sync at a glance map with the mapping compiled: each body is written as its packed
// text, with the manager's id in it, and no tree (see mappings/compiled_mapping.hpp).
struct CompiledPath {
    std::shared_ptr<const mappings::CompiledMapping> program;
    mappings::ManagerIdOf manager_id;
};

// `keep_records`: the source records stay in `read` after mapping (explain shows them).
// `compiled`: when given, the program maps instead of the tree, and `finish` gets packed bodies.
// `expected_people`: how many people to make room for (the state's count; the last complete
// read's or the source's own estimate when larger), so that a million are not moved as their
// vector grows.
[[nodiscard]] MappedSource read_and_map(const Prepared& prepared, const LastRead& last_read,
                                        bool keep_records = false, const FinishMapped& finish = {},
                                        const CompiledPath* compiled = nullptr,
                                        size_t expected_people = 0);

// read_and_map for validate: each person is summarized as soon as it is mapped and goes; the
// same people are rejected for the same reasons, in the same order.
[[nodiscard]] MappedSource read_and_summarize(const Prepared& prepared, const LastRead& last_read);

void print_rejections(std::ostream& out, const MappedSource& mapped, size_t show = SIZE_MAX);

// A complete read with too few records, or far fewer than last time, is a failed read.
void guard_completeness(MappedSource& mapped, std::optional<size_t> last_complete,
                        state::SourceGuards guards, bool allow_shrink);

} // namespace hr2scim::agent
