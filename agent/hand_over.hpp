#pragma once
// --hand-over OLD=NEW: re-hires an admin approved, the account of a key that left becomes the
// new key's instead of a conflict.

#include "agent/config.hpp"
#include "agent/read_and_map.hpp"
#include "agent/run.hpp"
#include "state/state_store.hpp"

#include <ostream>
#include <string>

namespace hr2scim::agent {

// OLD left the source and has an account, NEW is in the source and has none. Anything else is
// refused (ConfigError) before anything is sent.
void check_hand_overs(const RunOptions& options, const state::StateSnapshot& snapshot,
                      const MappedSource& mapped, bool case_sensitive);

// The snapshot as the hand-overs leave it (plan shows what sync will do).
void hand_over_in(state::StateSnapshot& snapshot, const RunOptions& options, bool case_sensitive);

// The key as the state spells it.
[[nodiscard]] std::string stored_spelling(const state::StateSnapshot& snapshot,
                                          const std::string& key, const Config& config);

void print_hand_overs(std::ostream& out, const RunOptions& options);

} // namespace hr2scim::agent
