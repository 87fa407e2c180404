#include "agent/hand_over.hpp"

#include "state/source_key.hpp"

#include <algorithm>

namespace hr2scim::agent {

// Re-hires the admin approved with --hand-over OLD=NEW: OLD left the source and has an account,
// NEW is in the source and has none. Anything else is refused before anything is sent.
void check_hand_overs(const RunOptions& options, const state::StateSnapshot& snapshot,
                      const MappedSource& mapped, bool case_sensitive) {
    auto same = [&](std::string_view a, std::string_view b) {
        return state::same_key(a, b, case_sensitive);
    };
    auto known = [&](const std::string& key) -> const state::StoredResource* {
        for (const auto& resource : snapshot.resources)
            if (same(resource.key, key) && !resource.scim_id.empty()) return &resource;
        return nullptr;
    };
    auto in_source = [&](const std::string& key) {
        return std::ranges::any_of(mapped.desired, [&](const auto& d) { return same(d.key, key); });
    };
    for (const auto& [old_key, new_key] : options.hand_overs) {
        const std::string pair = "--hand-over " + old_key + "=" + new_key + ": ";
        if (!known(old_key)) throw ConfigError(pair + old_key + " has no account in the state");
        if (in_source(old_key))
            throw ConfigError(pair + old_key +
                              " is still in the source; only a key that left can hand over");
        if (!in_source(new_key)) throw ConfigError(pair + new_key + " is not in the source");
        if (known(new_key)) throw ConfigError(pair + new_key + " already has an account");
    }
}

// The snapshot as the hand-overs leave it (plan shows what sync will do).
void hand_over_in(state::StateSnapshot& snapshot, const RunOptions& options, bool case_sensitive) {
    for (const auto& hand_over : options.hand_overs) {
        // Named, not a structured binding: clang 14 (clang-tidy) cannot capture those.
        const auto& [old_key, new_key] = hand_over;
        const std::string& taking_over = new_key;
        std::erase_if(snapshot.resources, [&](const auto& resource) {
            return state::same_key(resource.key, taking_over, case_sensitive) &&
                   resource.scim_id.empty();
        });
        for (auto& resource : snapshot.resources)
            if (state::same_key(resource.key, old_key, case_sensitive)) resource.key = new_key;
    }
}

// The key as the state spells it.
std::string stored_spelling(const state::StateSnapshot& snapshot, const std::string& key,
                            const Config& config) {
    for (const auto& resource : snapshot.resources)
        if (state::same_key(resource.key, key, config.case_sensitive_keys)) return resource.key;
    return key;
}

void print_hand_overs(std::ostream& out, const RunOptions& options) {
    for (const auto& [old_key, new_key] : options.hand_overs)
        out << "Handed over (--hand-over): the account of " << old_key << ", who left, is now "
            << new_key << "'s.\n";
}

} // namespace hr2scim::agent
