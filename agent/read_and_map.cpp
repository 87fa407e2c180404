#include "agent/read_and_map.hpp"

#include "connectors/join.hpp"
#include "connectors/source_support.hpp"
#include "http/log_fields.hpp"
#include "mappings/mapper.hpp"
#include "mappings/parallel_mapper.hpp"
#include "scim/target_profile.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

namespace hr2scim::agent {
namespace {

// Reads one joined source and joins it onto the primary records; a secondary that fails,
// or reads partly, leaves the attributes it feeds as they were last sent.
void join_secondary(const Prepared& prepared, const JoinedSource& join, MappedSource& mapped,
                    const LastRead& last_read) {
    const auto& config = *join.config;
    auto read = join.source->read();
    const size_t yielded = read.records.size() + read.rejections.size();
    if (read.complete() && !read.rejections.empty())
        read.failure = std::to_string(read.rejections.size()) +
                       " of its records could not be read (" + read.rejections.front().origin +
                       ": " + read.rejections.front().reason + ")";
    if (read.complete())
        if (auto problem = state::completeness_problem(yielded, last_read(join.source->describe()),
                                                       config.source_guards))
            read.failure = *problem;
    if (!read.complete()) {
        spdlog::error("joined source {} failed: {}", config.name, *read.failure);
        mapped.failed_joins.push_back(config.name + ": " + *read.failure);
        auto kept = mappings::targets_reading(prepared.mapping, config.name + ".");
        mapped.kept_paths.insert(mapped.kept_paths.end(), kept.begin(), kept.end());
        if (mappings::decisions_read(prepared.mapping, config.name + "."))
            mapped.decisions_unsure = "the joined source " + config.name +
                                      " failed, and the scope or lifecycle dates read it";
        return;
    }
    auto outcome =
        connectors::join_into(mapped.read.records, read.records,
                              {config.name, config.primary_attribute, config.secondary_attribute});
    spdlog::info("joined {} ({}): {} matched, {} without a match{}", config.name,
                 join.source->describe(), outcome.matched, outcome.unmatched,
                 outcome.ambiguous.empty()
                     ? ""
                     : fmt::format(", {} values shared by several records, not joined",
                                   outcome.ambiguous.size()));
    mapped.complete_reads.emplace_back(join.source->describe(), yielded);
}

// Every attribute the mapping reads must exist where the primary source says which it has;
// joined attributes (<name>.<attribute>) are not checked.
void check_mapping_against_sources(const Prepared& prepared, const MappedSource& mapped) {
    if (mapped.read.attribute_names.empty()) return;
    std::vector<std::string> unchecked;
    for (const auto& join : prepared.joins)
        unchecked.push_back(join.config->name + ".");
    auto errors =
        mappings::check_source_attributes(prepared.mapping, mapped.read.attribute_names, unchecked);
    if (errors.empty()) return;
    if (prepared.source->describe().starts_with("ldap:"))
        errors.emplace_back("the LDAP source reads only the attributes its `attributes:` option "
                            "lists: add the missing ones there, or leave it empty to read all");
    throw ConfigError(fmt::format("{}", fmt::join(errors, "\n")));
}

// Keys that differ only in case or surrounding spaces are one person: two records that say
// different things about them cannot both be the truth, so both are rejected (and protected).
void reject_same_identity(MappedSource& mapped, bool case_sensitive) {
    // Sorted by identity (the order the source gave, where it is sorted already), groups of one
    // identity are neighbours.
    std::vector<std::pair<std::string, const scim::DesiredResource*>> by_identity;
    by_identity.reserve(mapped.desired.size());
    for (const auto& desired : mapped.desired)
        by_identity.emplace_back(state::identity_key(desired.key, case_sensitive), &desired);
    if (!std::ranges::is_sorted(by_identity, {}, &decltype(by_identity)::value_type::first))
        std::ranges::stable_sort(by_identity, {}, &decltype(by_identity)::value_type::first);
    std::set<const scim::DesiredResource*> rejected;
    for (size_t begin = 0, end = 0; begin < by_identity.size(); begin = end) {
        end = begin + 1;
        while (end < by_identity.size() && by_identity[end].first == by_identity[begin].first)
            ++end;
        if (end - begin < 2) continue;
        std::vector<const scim::DesiredResource*> group;
        for (size_t i = begin; i < end; ++i)
            group.push_back(by_identity[i].second);
        std::string keys;
        for (const auto* desired : group)
            keys += (keys.empty() ? "" : ", ") + desired->key + " (" + desired->origin + ")";
        for (const auto* desired : group) {
            mapped.rejections.push_back(
                {desired->origin, desired->key, same_identity_reason(keys)});
            rejected.insert(desired);
        }
    }
    if (rejected.empty()) return;
    std::erase_if(mapped.desired, [&](const auto& desired) { return rejected.contains(&desired); });
}

// A key that came more than once is nobody's for sure: every record with it is rejected (and
// protected), as sources that read whole do themselves. Streamed sources leave it to the run.
void reject_repeated_keys(MappedSource& mapped, size_t first_mapping_rejection) {
    std::vector<std::string_view> keys;
    keys.reserve(mapped.desired.size());
    for (const auto& desired : mapped.desired)
        keys.emplace_back(desired.key);
    for (size_t i = first_mapping_rejection; i < mapped.rejections.size(); ++i)
        keys.emplace_back(mapped.rejections[i].key);
    // An export sorted by key (most are) is checked in one pass: sorting a million keys again
    // took a tenth of a plan's time.
    if (!std::ranges::is_sorted(keys)) std::ranges::sort(keys);
    std::set<std::string, std::less<>> repeated;
    for (size_t i = 1; i < keys.size(); ++i)
        if (keys[i] == keys[i - 1] && !keys[i].empty()) repeated.emplace(keys[i]);
    if (repeated.empty()) return;
    std::map<std::string, std::vector<std::string>, std::less<>> origins;
    for (const auto& desired : mapped.desired)
        if (repeated.contains(desired.key)) origins[desired.key].push_back(desired.origin);
    for (size_t i = first_mapping_rejection; i < mapped.rejections.size(); ++i)
        if (repeated.contains(mapped.rejections[i].key))
            origins[mapped.rejections[i].key].push_back(mapped.rejections[i].origin);
    std::vector<connectors::Rejection> rejections;
    for (auto& [key, where] : origins) {
        std::ranges::sort(where, earlier_origin);
        for (const auto& origin : where)
            rejections.push_back({origin, key, connectors::repeated_key_reason(key, where)});
    }
    std::erase_if(mapped.desired, [&](const auto& d) { return repeated.contains(d.key); });
    auto from = mapped.rejections.begin() + static_cast<std::ptrdiff_t>(first_mapping_rejection);
    mapped.rejections.erase(std::remove_if(from, mapped.rejections.end(),
                                           [&](const auto& r) { return repeated.contains(r.key); }),
                            mapped.rejections.end());
    std::ranges::move(rejections, std::back_inserter(mapped.rejections));
}

// Maps each record; what cannot be mapped is rejected with the reason.
void map_into(const Prepared& prepared, connectors::Record& record,
              std::vector<scim::DesiredResource>& desired,
              std::vector<connectors::Rejection>& rejections, const FinishMapped& finish,
              const std::vector<scim::AttributePath>& kept_paths, const CompiledPath* compiled) {
    auto mapped = compiled ? compiled->program->map(record, prepared.now, compiled->manager_id)
                           : mappings::map_record(prepared.mapping, record, prepared.now);
    if (!mapped) {
        rejections.push_back({record.origin, record.key, mapped.error()});
        return;
    }
    // A person the target's profile would refuse (a required attribute missing) is rejected
    // here, by name, rather than sent to fail on every run.
    if (auto refused = scim::TargetProfile::refusal(prepared.config.target.profile, *mapped)) {
        rejections.push_back({record.origin, record.key, *refused});
        return;
    }
    if (finish) finish(*mapped, kept_paths);
    desired.push_back(std::move(*mapped));
}

// Without joined sources, records are mapped on every core as they are read, and none is held
// after it is mapped.
void stream_and_map(const Prepared& prepared, MappedSource& mapped, const FinishMapped& finish,
                    const CompiledPath* compiled, size_t expected_people) {
    // Room for as many people as expected, and 3% more: grown by doubling instead, a
    // million people held their vector one and a half times over while it moved (the peak of a
    // plan with a loaded state).
    if (expected_people > 0 && !mapped.summarized)
        mapped.desired.reserve(expected_people + expected_people / 32 + 64);
    size_t records = 0;
    std::vector<connectors::Rejection> mapping_rejections;
    const std::vector<scim::AttributePath> no_kept_paths;
    mappings::ParallelMapper mapper(
        [&](mappings::MappedBatch& batch) {
            for (auto& record : batch.records)
                map_into(prepared, record, batch.desired, batch.rejections, finish, no_kept_paths,
                         compiled);
            std::vector<connectors::Record>().swap(batch.records);
        },
        [&](mappings::MappedBatch& batch) {
            if (mapped.summarized) {
                for (const auto& desired : batch.desired)
                    mapped.summaries.add(desired);
                batch.desired.clear();
            }
            std::ranges::move(batch.desired, std::back_inserter(mapped.desired));
            std::ranges::move(batch.rejections, std::back_inserter(mapping_rejections));
        });
    mapped.read = prepared.source->read_each([&](connectors::Record&& record) {
        ++records;
        mapper.add(std::move(record));
    });
    mapper.finish();
    check_mapping_against_sources(prepared, mapped);
    mapped.records = records;
    mapped.yielded = records + mapped.read.rejections.size();
    mapped.rejections = std::move(mapped.read.rejections);
    const size_t first_mapping_rejection = mapped.rejections.size();
    std::ranges::move(mapping_rejections, std::back_inserter(mapped.rejections));
    if (mapped.summarized)
        agent::reject_repeated_keys(mapped.summaries, mapped.rejections, first_mapping_rejection);
    else
        reject_repeated_keys(mapped, first_mapping_rejection);
}

MappedSource map_source(const Prepared& prepared, const LastRead& last_read, bool keep_records,
                        const FinishMapped& finish, bool summarize, const CompiledPath* compiled,
                        size_t expected_people = 0) {
    auto started = std::chrono::steady_clock::now();
    MappedSource mapped{};
    mapped.summarized = summarize;
    auto& read = mapped.read;
    if (prepared.joins.empty() && !keep_records) {
        stream_and_map(
            prepared, mapped, finish, compiled,
            std::max({expected_people,
                      last_read ? last_read(prepared.source->describe()).value_or(0) : size_t{0},
                      prepared.source->estimated_records().value_or(0)}));
    } else {
        read = prepared.source->read();
        check_mapping_against_sources(prepared, mapped);
        mapped.yielded = read.records.size() + read.rejections.size();
        if (read.complete())
            for (const auto& join : prepared.joins)
                join_secondary(prepared, join, mapped, last_read);
        mapped.rejections = std::move(read.rejections);
        mapped.records = read.records.size();
        if (!summarize) mapped.desired.reserve(read.records.size());
        for (auto& record : read.records) {
            map_into(prepared, record, mapped.desired, mapped.rejections, finish, mapped.kept_paths,
                     compiled);
            if (summarize) {
                for (const auto& desired : mapped.desired)
                    mapped.summaries.add(desired);
                mapped.desired.clear();
            }
            // Once mapped, a record's attributes are not needed again (explain keeps them).
            if (!keep_records) connectors::Attributes().swap(record.attributes);
        }
    }
    if (summarize)
        agent::reject_same_identity(mapped.summaries, mapped.rejections,
                                    prepared.config.case_sensitive_keys);
    else
        reject_same_identity(mapped, prepared.config.case_sensitive_keys);
    auto elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("read {} records from {} in {:.2f} s: {} mapped, {} rejected{}", mapped.records,
                 prepared.source->describe(), elapsed, mapped.mapped(), mapped.rejections.size(),
                 read.complete() ? "" : "; the source FAILED");
    for (const auto& rejection : mapped.rejections) {
        http::LogKey about(rejection.key);
        spdlog::warn("rejected {}{}: {}", rejection.origin,
                     rejection.key.empty() ? "" : " (key " + rejection.key + ")", rejection.reason);
    }
    return mapped;
}

} // namespace

MappedSource read_and_map(const Prepared& prepared, const LastRead& last_read, bool keep_records,
                          const FinishMapped& finish, const CompiledPath* compiled,
                          size_t expected_people) {
    return map_source(prepared, last_read, keep_records, finish, false, compiled, expected_people);
}

MappedSource read_and_summarize(const Prepared& prepared, const LastRead& last_read) {
    // The body goes on the mapping thread; the rest once summarized.
    return map_source(
        prepared, last_read, false,
        [](scim::DesiredResource& desired, const auto&) { desired.let_go(); }, true, nullptr);
}

void print_rejections(std::ostream& out, const MappedSource& mapped, size_t show) {
    if (!mapped.read.complete())
        out << "\nSOURCE FAILED: " << *mapped.read.failure
            << "\nNobody is deactivated in this run.\n";
    for (const auto& failure : mapped.failed_joins)
        out << "\nJOINED SOURCE FAILED: " << failure
            << "\nThe attributes it feeds are left as they were.\n";
    if (mapped.rejections.empty()) return;
    out << "\nRejected " << mapped.rejections.size()
        << (mapped.rejections.size() == 1 ? " record" : " records")
        << " (their users are left as they are):\n";
    const size_t shown = std::min(show, mapped.rejections.size());
    for (size_t i = 0; i < shown; ++i)
        out << "  ! " << mapped.rejections[i].origin << ": " << mapped.rejections[i].reason << '\n';
    if (shown < mapped.rejections.size())
        out << "  ... and " << mapped.rejections.size() - shown
            << " more (each is in the log; --show-all lists them)\n";
}

// A complete read with too few records, or far fewer than last time, is a failed read.
void guard_completeness(MappedSource& mapped, std::optional<size_t> last_complete,
                        state::SourceGuards guards, bool allow_shrink) {
    if (!mapped.read.complete()) return;
    if (allow_shrink) guards.max_shrink_percent = 100;
    if (auto problem = state::completeness_problem(mapped.yielded, last_complete, guards)) {
        spdlog::error("{}", *problem);
        const bool below_minimum = mapped.yielded < guards.min_records;
        mapped.read.failure =
            *problem + (below_minimum  ? "; if the head count really fell, lower source.min_records"
                        : allow_shrink ? ""
                                       : "; if this is right, run once with --allow-shrink");
    }
}

} // namespace hr2scim::agent
