#pragma once
// What the target should hold for one source key: the output of mapping, the input of planning.

#include "scim/attribute_path.hpp"
#include "scim/packed_json.hpp"
#include "scim/rare_fields.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hr2scim::scim {

// What the scope and the lifecycle dates decided for a person in the source.
enum class Disposition {
    provision, // the account should exist as `body` says (active or not)
    hold, // leave any account as it is, create none (before the pre-hire window, scope "leave")
    out_of_scope, // deprovision like a leaver: deactivate, and DELETE after the grace if
                  // `deletable`
};

// unique(a, b, ...): the candidates for one attribute, in order; one is chosen on create.
struct UniqueChoice {
    AttributePath path;
    std::vector<std::string> candidates;
};

// A SCIM Group a person belongs to by the mapping's `groups:` rules.
struct GroupMembership {
    std::string key; // the group's identity: its externalId when the rule gives one, else its name
    std::string display_name;
    std::string external_id;  // empty when the rule gives none
    std::string rule;         // the group rule that made it, for explain and messages
    nlohmann::json extension; // {"urn:…:Group": {"costCenter": "…"}}; null when none
    bool operator==(const GroupMembership&) const = default;
};

// What few people have, held apart from DesiredResource (8 bytes for those without it, 80 inline):
// why the scope or lifecycle decided, unique() candidates, attributes kept as sent.
struct DesiredDetails {
    std::string decision; // why, for plans and explain ("pre-hire: starts 2026-12-01 ...")
    std::vector<UniqueChoice> unique;
    // Attributes that keep what the target was last sent (create-only rules, empty values a
    // rule says to leave alone): the planner copies them from the state.
    std::vector<AttributePath> keep_as_sent;
};

struct DesiredResource {
    std::string key;     // the source's stable key (employee id, DN, ...)
    nlohmann::json body; // the SCIM User as it should be, without id and meta; null when packed
    // At scale (plan, sync) the body is packed once mapped, with the manager's SCIM id already
    // in it when the state has one, and `sent_fingerprint` is the body_hash of that text: a
    // person whose fingerprint equals the state's is unchanged without any diff.
    PackedJson packed;
    std::uint64_t sent_fingerprint = 0; // state::fingerprint_value; 0: not known, plan the slow way
    std::string origin;                 // where the record came from, for messages ("hr.csv:12")
    Disposition disposition = Disposition::provision;
    bool deletable =
        false; // terminated, or out of scope with `remove`: DELETE after the grace period
    bool terminated = false; // the last working day has passed: no account is created for them
    bool let_go_of = false;  // see let_go()
    std::optional<std::string>
        manager_key;                     // the manager's source key; the planner finds the SCIM id
    std::vector<GroupMembership> groups; // by the mapping's `groups:` rules, each group once

    // The decision, unique() candidates and attributes kept as sent; edit_details() makes room.
    [[nodiscard]] const DesiredDetails& details() const { return m_details.get(); }
    [[nodiscard]] DesiredDetails& edit_details() { return m_details.edit(); }

    // The body, parsed from its text when packed.
    [[nodiscard]] nlohmann::json unpacked_body() const {
        if (let_go_of)
            throw std::logic_error("the body of " + key + " was let go of, yet it was needed");
        return packed.empty() ? body : packed.parse();
    }
    // Once planning needs only the fingerprint (or validate only the count), the body goes;
    // reading it afterwards throws rather than reading an empty one. Planning counts a person
    // let go of as unchanged (plan and sync let go only of those unchanged at a glance).
    void let_go() {
        body = nullptr;
        packed = {};
        let_go_of = true;
    }

  private:
    RareFields<DesiredDetails> m_details;
};

} // namespace hr2scim::scim
