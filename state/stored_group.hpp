#pragma once
// A group as hr2scim last sent it to one target, with the members it added.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hr2scim::state {

struct StoredGroup {
    std::string key;
    std::string scim_id; // empty while its create is journaled but not confirmed
    std::string display_name;
    std::string external_id;
    nlohmann::json extension;
    std::vector<std::string> members;    // source keys
    std::vector<std::string> member_ids; // their SCIM ids as sent, in the same order
    // Members whose addition was sent by a run that stopped before the answer: whether the
    // target holds them is read from the target before adding anyone to this group again.
    std::vector<std::string> pending_members;
    bool created_by_hr2scim = true; // false: a group the config names as managed
};

} // namespace hr2scim::state
