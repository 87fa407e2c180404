#include "state/planner.hpp"

#include "scim/body_path.hpp"
#include "scim/schema.hpp"
#include "state/body_hash.hpp"
#include "state/source_key.hpp"
#include "state/timestamp.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace hr2scim::state {
namespace {

using nlohmann::json;
using scim::Disposition;

// A stored body planning reads; a snapshot read without bodies must have been given this one
// (resources_needing_bodies decides which).
const json& body_of(const StoredResource& resource) {
    if (!resource.has_body)
        throw std::logic_error("the state's body for key '" + resource.key +
                               "' was needed but not read");
    return resource.body;
}

// identity_key(a) < identity_key(b), without making either.
bool identity_less(std::string_view a, std::string_view b, bool case_sensitive) {
    a = trimmed_key(a);
    b = trimmed_key(b);
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        const auto x = static_cast<unsigned char>(identity_char(a[i], case_sensitive));
        const auto y = static_cast<unsigned char>(identity_char(b[i], case_sensitive));
        if (x != y) return x < y;
    }
    return a.size() < b.size();
}

bool inactive(const json& body) {
    auto active = body.find("active");
    return active != body.end() && active->is_boolean() && !active->get<bool>();
}

Operation operation_of(OperationKind kind, const std::string& key, std::string decision) {
    Operation operation;
    operation.kind = kind;
    operation.key = key;
    operation.set_decision(std::move(decision));
    return operation;
}

Operation deactivation_of(const StoredResource& resource, std::string decision) {
    json body = body_of(resource);
    body["active"] = false;
    Operation operation =
        operation_of(OperationKind::deactivate, resource.key, std::move(decision));
    operation.scim_id = resource.scim_id;
    operation.set_version(resource.version);
    operation.body = body;
    operation.changes = scim::diff_bodies(body_of(resource), body);
    if (operation.changes.empty())
        operation.changes.push_back({"active", std::nullopt, json(false)});
    // Journaled but never confirmed: the user may or may not exist; look before deactivating.
    operation.resolve_first = resource.status == ResourceStatus::pending_create;
    return operation;
}

Operation removal_of(const StoredResource& resource, std::string decision) {
    Operation operation = operation_of(OperationKind::remove, resource.key, std::move(decision));
    operation.scim_id = resource.scim_id;
    operation.set_version(resource.version);
    operation.body = body_of(resource);
    return operation;
}

// The desired body with the kept paths as they were last sent.
json with_kept_paths(json body, const json& stored, const std::vector<scim::AttributePath>& kept) {
    for (const auto& path : kept) {
        if (const json* old_value = scim::value_at(stored, path)) {
            scim::set_value(body, path, *old_value);
        } else {
            scim::erase_value(body, path);
        }
    }
    return body;
}

} // namespace

bool is_managed(const std::string& path,
                const std::optional<std::vector<std::string>>& managed_paths) {
    if (!managed_paths) return true;
    if (path == "active" || path == "schemas") return true; // lifecycle and shape: always ours
    return std::ranges::any_of(*managed_paths, [&](const std::string& root) {
        return path == root ||
               (path.starts_with(root) && (path[root.size()] == '.' || path[root.size()] == ':'));
    });
}

StoredIndex::StoredIndex(const std::vector<StoredResource>& stored, bool case_sensitive)
    : m_stored(stored), m_case_sensitive(case_sensitive), m_by_id(case_sensitive, KeyOf{&stored}),
      m_unchanged(stored.size()) {
    m_ordered.reserve(stored.size());
    bool twice = false;
    m_by_id.insert_each(stored.size(), true, [&](size_t i, std::optional<size_t> there) {
        if (!there) {
            m_ordered.push_back(&stored[i]);
        } else {
            twice = true; // with two rows for one person, the last one wins
        }
    });
    // Usually read in key order already: checked pair by pair, and only when not are the
    // identity keys held, for the sort.
    auto identity = [case_sensitive](const StoredResource* resource) {
        return identity_key(resource->key, case_sensitive);
    };
    const bool in_order = std::ranges::adjacent_find(m_ordered, [&](auto* left, auto* right) {
                              return identity_less(right->key, left->key, case_sensitive);
                          }) == m_ordered.end();
    if (!in_order) {
        std::vector<std::pair<std::string, const StoredResource*>> keyed;
        keyed.reserve(m_ordered.size());
        for (const auto* resource : m_ordered)
            keyed.emplace_back(identity(resource), resource);
        std::ranges::sort(keyed, {}, &std::pair<std::string, const StoredResource*>::first);
        for (size_t i = 0; i < keyed.size(); ++i)
            m_ordered[i] = keyed[i].second;
    }
    m_one_row_each = !twice;
    if (twice)
        for (auto& resource : m_ordered)
            resource = find(resource->key);
}

namespace {

// The rows each thread found last (most recent first), by index: an export in the state's key
// order asks for row after row, and for a manager's row between them.
struct LastFound {
    const void* index = nullptr;
    std::array<size_t, 2> rows{};
};
thread_local LastFound t_last_found;

} // namespace

// The row found last by this thread, or the one after it, or the one found before it: checked
// by identity, and trusted only where no identity has two rows (then a row with the key is the
// one the table holds). A million look-ups in the state's order touch the rows one after the
// other instead of two random places each (the table's slot and the row's key).
const StoredResource* StoredIndex::near_last_found(std::string_view key) const {
    if (!m_one_row_each || t_last_found.index != this) return nullptr;
    auto& rows = t_last_found.rows;
    for (const size_t row : {rows[0], rows[0] + 1, rows[1], rows[1] + 1}) {
        if (row >= m_stored.size() || !same_identity(m_stored[row].key, key, m_case_sensitive))
            continue;
        if (row != rows[0] && row != rows[0] + 1) std::swap(rows[0], rows[1]);
        rows[0] = row;
        return &m_stored[row];
    }
    return nullptr;
}

const StoredResource* StoredIndex::find(std::string_view key) const {
    if (const auto* near = near_last_found(key)) return near;
    auto found = m_by_id.find(key);
    if (!found) return nullptr;
    if (t_last_found.index != this) t_last_found = {this, {*found, *found}};
    t_last_found.rows = {*found, t_last_found.rows[0]};
    return &m_stored[*found];
}

const std::string* StoredIndex::scim_id(std::string_view key) const {
    const auto* resource = find(key);
    return resource && !resource->scim_id.empty() ? &resource->scim_id : nullptr;
}

bool unchanged_at_a_glance(const scim::DesiredResource& desired, const StoredIndex& stored,
                           const std::vector<scim::AttributePath>& kept_paths) {
    if (desired.sent_fingerprint == 0) return false;
    const auto* resource = stored.find(desired.key);
    const bool unchanged = resource && desired.sent_fingerprint == resource->body_hash &&
                           desired.disposition == Disposition::provision && !desired.deletable &&
                           desired.details().keep_as_sent.empty() && kept_paths.empty() &&
                           resource->status != ResourceStatus::pending_create &&
                           !resource->scim_id.empty() &&
                           (!desired.manager_key || stored.scim_id(*desired.manager_key));
    if (unchanged) stored.mark_unchanged(*resource);
    return unchanged;
}

namespace {

Operation operation_for(const scim::DesiredResource& desired, json body,
                        const StoredResource* stored,
                        const std::vector<scim::AttributePath>& kept) {
    Operation operation =
        operation_of(OperationKind::create, desired.key, desired.details().decision);
    operation.origin = desired.origin;
    operation.body = std::move(body);
    if (!stored) return operation;
    operation.key = stored->key; // the state's spelling of the key: one row per person
    std::vector<scim::AttributePath> all_kept = kept;
    all_kept.insert(all_kept.end(), desired.details().keep_as_sent.begin(),
                    desired.details().keep_as_sent.end());
    if (!all_kept.empty())
        operation.body = with_kept_paths(operation.body, body_of(*stored), all_kept);
    if (stored->status == ResourceStatus::pending_create) {
        operation.resolve_first = true;
        return operation;
    }
    operation.scim_id = stored->scim_id;
    operation.set_version(stored->version);
    operation.changes = scim::diff_bodies(body_of(*stored), operation.body);
    if (stored->status != ResourceStatus::deactivated) {
        // Dates or a mapped `active` turning someone off count against the gates like a leaver.
        operation.kind =
            inactive(operation.body) ? OperationKind::deactivate : OperationKind::update;
    } else {
        operation.kind =
            inactive(operation.body) ? OperationKind::update : OperationKind::reactivate;
    }
    return operation;
}

std::optional<std::string> gate_reason(size_t destructive, size_t active_before, size_t desired,
                                       const SafetyLimits& limits) {
    if (destructive == 0) return std::nullopt;
    if (desired == 0) return "the source returned no records; refusing to deactivate everyone";
    if (destructive > limits.max_deactivations)
        return std::to_string(destructive) + " deactivations and deletions exceed the limit of " +
               std::to_string(limits.max_deactivations) + " (safety.max_deactivations)";
    double percent = 100.0 * static_cast<double>(destructive) /
                     static_cast<double>(std::max<size_t>(active_before, 1));
    if (percent > limits.max_deactivation_percent)
        return std::to_string(destructive) + " deactivations and deletions of " +
               std::to_string(active_before) + " active users (" +
               std::to_string(std::lround(percent)) + "%) exceed the limit of " +
               std::to_string(static_cast<int>(limits.max_deactivation_percent)) +
               "% (safety.max_deactivation_percent)";
    return std::nullopt;
}

std::string folded(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct DesiredKeyOf {
    const std::vector<scim::DesiredResource>* desired = nullptr;
    std::string_view operator()(size_t index) const { return (*desired)[index].key; }
};

struct OperationKeyOf {
    const std::vector<Operation>* operations = nullptr;
    std::string_view operator()(size_t index) const { return (*operations)[index].key; }
};

bool is_link(const Operation& operation) {
    return operation.kind == OperationKind::link_manager;
}

// Numbers the operations, and makes each manager link depend on the operation of its manager
// and the create of its user, whose id, version and body it takes; `unmatched(link)` for a link
// whose user has no operation in the plan.
template <class Unmatched>
void number_and_link(std::vector<Operation>& operations, bool case_sensitive,
                     Unmatched&& unmatched) {
    for (size_t i = 0; i < operations.size(); ++i)
        operations[i].id = i;
    if (std::ranges::none_of(operations, is_link)) return; // a folded plan needs no table
    IdentityTable by_key(case_sensitive, OperationKeyOf{&operations});
    by_key.reserve(operations.size());
    for (size_t i = 0; i < operations.size(); ++i)
        if (!is_link(operations[i])) (void)by_key.insert(i, false);
    for (auto& link : operations) {
        if (!is_link(link)) continue;
        link.depends_on.clear();
        if (auto manager = by_key.find(link.manager_key)) link.depends_on.push_back(*manager);
        if (auto found = by_key.find(link.key)) {
            const Operation& report = operations[*found];
            link.key = report.key;
            link.body = report.body;
            link.packed_body = report.packed_body;
            link.scim_id = report.scim_id;
            link.set_version(report.details().version);
            if (report.kind == OperationKind::create) link.depends_on.push_back(report.id);
        } else {
            unmatched(link);
        }
    }
}

class Planner {
  public:
    Planner(const std::vector<StoredResource>& stored, const PlanPolicy& policy,
            const StoredIndex* index)
        : m_policy(policy),
          m_own_index(index ? std::nullopt
                            : std::optional<StoredIndex>(std::in_place, stored,
                                                         policy.case_sensitive_keys)),
          m_stored(index ? *index : *m_own_index),
          m_seen(policy.case_sensitive_keys, DesiredKeyOf{}) {
        for (const auto& key : policy.protected_keys)
            m_protected.insert(id_of(key));
    }

    Plan plan(const std::vector<scim::DesiredResource>& desired) {
        m_seen = IdentityTable(m_policy.case_sensitive_keys, DesiredKeyOf{&desired});
        m_seen.insert_each(desired.size(), true, [](size_t, std::optional<size_t>) {});
        m_desired = &desired;
        // In the order of the keys; an export sorted by key (most are) is planned as it is.
        std::vector<const scim::DesiredResource*> ordered;
        if (!std::ranges::is_sorted(desired, {}, &scim::DesiredResource::key)) {
            ordered.reserve(desired.size());
            for (const auto& person : desired)
                ordered.push_back(&person);
            std::ranges::sort(ordered, {}, &scim::DesiredResource::key);
        }
        // One allocation for the operations: one per person (those whose body was let go of are
        // unchanged), and a manager link each at most. Moving a million operations on growth
        // costs more than the planning.
        size_t most = 0;
        for (const auto& d : desired)
            if (!d.let_go_of) most += d.manager_key && !m_policy.fold_links ? 2 : 1;
        m_plan.operations.reserve(most);
        if (ordered.empty()) {
            for (const auto& person : desired)
                plan_desired(person);
        } else {
            for (const auto* person : ordered)
                plan_desired(*person);
        }
        for (const auto* resource : m_stored.ordered())
            plan_unseen(*resource);
        for (const auto* linked : m_links) {
            Operation link = operation_of(OperationKind::link_manager, linked->key, {});
            link.origin = linked->origin;
            link.manager_key = *linked->manager_key;
            m_plan.operations.push_back(std::move(link));
        }
        std::vector<const scim::DesiredResource*>().swap(m_links);
        m_plan.absences_counted = counts_absence();
        gate(desired.size());
        number_and_link(m_plan.operations);
        for (size_t i = 0; i < m_plan.withheld.size(); ++i)
            m_plan.withheld[i].id = m_plan.operation_count() + i;
        m_plan.case_sensitive_keys = m_policy.case_sensitive_keys;
        return std::move(m_plan);
    }

  private:
    // A link whose user is not created in this run takes that user's id and body from the state.
    void number_and_link(std::vector<Operation>& operations) const {
        state::number_and_link(operations, m_policy.case_sensitive_keys, [this](Operation& link) {
            if (const auto* resource = stored(link.key)) {
                link.key = resource->key;
                link.body = body_of(*resource);
                link.scim_id = resource->scim_id;
                link.set_version(resource->version);
            }
        });
    }

    // With PlanPolicy::fold_links, the manager link this person's create was just given (the
    // last of m_links) goes into the create instead.
    void fold_link(const scim::DesiredResource& desired, Operation& create, size_t links_before) {
        if (!m_policy.fold_links || m_links.size() <= links_before ||
            !m_policy.operations.allows(OperationKind::create) ||
            !m_policy.operations.allows(OperationKind::link_manager))
            return;
        m_links.pop_back();
        create.link_after = true;
        create.manager_key = *desired.manager_key;
        ++m_plan.folded_links;
    }

    // Keys compare after trimming and, unless the source says otherwise, ignoring case.
    [[nodiscard]] std::string id_of(std::string_view key) const {
        return identity_key(key, m_policy.case_sensitive_keys);
    }

    const StoredResource* stored(const std::string& key) const { return m_stored.find(key); }

    // A manager this run creates: provisioned, and without an id in the state.
    bool created_in_this_run(const std::string& key) const {
        auto found = m_seen.find(key);
        return found && (*m_desired)[*found].disposition == Disposition::provision && !has_id(key);
    }
    bool has_id(const std::string& key) const {
        const auto* resource = stored(key);
        return resource && !resource->scim_id.empty();
    }

    bool deletion_due(const StoredResource& resource) const {
        return m_policy.delete_after && resource.status == ResourceStatus::deactivated &&
               resource.deactivated_at &&
               m_policy.now >= *resource.deactivated_at + *m_policy.delete_after;
    }

    // The manager's SCIM id goes into the body; a manager created in this run is linked after.
    json with_manager(const scim::DesiredResource& desired, json body) {
        if (const auto* id = manager_id(desired)) set_manager_id(body, *id);
        return body;
    }

    // The manager's SCIM id when the state has one; otherwise a link after the manager's
    // create, or a note that the manager is not provisioned.
    const std::string* manager_id(const scim::DesiredResource& desired) {
        if (!desired.manager_key) return nullptr;
        const std::string& manager = *desired.manager_key;
        if (const auto* resource = stored(manager); resource && !resource->scim_id.empty()) {
            return &resource->scim_id;
        } else if (created_in_this_run(manager)) {
            m_links.push_back(&desired); // made into operations after all others
        } else if (!m_seen.find(manager) && !m_policy.departed_managers.contains(id_of(manager))) {
            m_unknown_manager = true; // the caller keeps the link held, or notes it gone
        } else {
            m_plan.unlinked_managers.push_back(
                desired.key + ": manager " + manager +
                " is not provisioned (not in the source, out of scope or rejected); "
                "linked when they are");
        }
        return nullptr;
    }

    // A manager created in this run is linked after their create; until then the report keeps
    // the manager the target has, instead of an update that clears it in between (and a clear
    // that the gate would withhold, and an approval would send after the link).
    static void keep_manager_until_linked(json& body, const StoredResource& report) {
        if (const auto* held = held_manager(body_of(report))) set_manager_id(body, *held);
    }

    // The manager's SCIM id in a body last sent, if any.
    static const std::string* held_manager(const json& sent) {
        auto extension = sent.find(scim::k_enterprise_user_schema);
        if (extension == sent.end() || !extension->is_object()) return nullptr;
        auto manager = extension->find("manager");
        if (manager == extension->end() || !manager->is_object()) return nullptr;
        auto value = manager->find("value");
        return value != manager->end() && value->is_string() ? value->get_ptr<const std::string*>()
                                                             : nullptr;
    }

    // A manager key no record has (a typo, a manager outside the export, or their record was
    // rejected) is not a reason to clear the manager the target holds: it stays, and the record
    // is reported. A link to someone the state no longer has (deleted after they left) goes.
    void keep_link_of_unknown_manager(const scim::DesiredResource& desired,
                                      const StoredResource* resource, json& body) {
        const std::string* held = nullptr;
        if (resource && resource->status != ResourceStatus::pending_create)
            held = held_manager(body_of(*resource));
        if (held && !known_ids().contains(*held)) {
            m_plan.unlinked_managers.push_back(desired.key + ": manager " + *desired.manager_key +
                                               " has left (no record, and no account any more); "
                                               "the link to them is removed");
            return;
        }
        if (held) set_manager_id(body, *held);
        reject_link(desired);
    }

    void reject_link(const scim::DesiredResource& desired) {
        m_plan.rejected_links.push_back({desired.key, desired.origin, *desired.manager_key});
    }

    // The SCIM ids the state has, for telling a live link from one to a deleted account.
    const std::set<std::string>& known_ids() {
        if (!m_known_ids) {
            m_known_ids.emplace();
            for (const auto* resource : m_stored.ordered())
                if (!resource->scim_id.empty()) m_known_ids->insert(resource->scim_id);
        }
        return *m_known_ids;
    }

    // Candidates already held by someone else in the state, or picked by an earlier create, are
    // out.
    void choose_unique(const scim::DesiredResource& desired, Operation& operation) {
        for (const auto& choice : desired.details().unique) {
            auto& taken = taken_values(choice.path);
            std::vector<std::string> free;
            if (const json* kept = scim::value_at(operation.body, choice.path);
                kept && kept->is_string() && operation.resolve_first)
                free.push_back(kept->get<std::string>()); // journaled before: the same value again
            for (const auto& candidate : choice.candidates)
                if (!taken.contains(folded(candidate)) &&
                    std::ranges::find(free, candidate) == free.end())
                    free.push_back(candidate);
            if (free.empty()) {
                scim::erase_value(operation.body, choice.path);
            } else {
                scim::set_value(operation.body, choice.path, free.front());
                taken.insert(folded(free.front()));
            }
            operation.edit_details().unique.push_back({choice.path, std::move(free)});
        }
    }

    std::set<std::string>& taken_values(const scim::AttributePath& path) {
        const std::string name = path.to_string();
        auto found = m_taken.find(name);
        if (found != m_taken.end()) return found->second;
        auto& taken = m_taken[name];
        for (const auto* resource : m_stored.ordered())
            if (const json* value = scim::value_at(body_of(*resource), path);
                value && value->is_string())
                taken.insert(folded(value->get<std::string>()));
        return taken;
    }

    void plan_desired(const scim::DesiredResource& desired) {
        // Found unchanged at a glance as they were mapped (their body let go of then, see
        // DesiredResource::let_go): counted without looking them up again.
        if (desired.let_go_of) {
            ++m_plan.unchanged;
            return;
        }
        const auto* resource = stored(desired.key);
        if (desired.disposition == Disposition::hold) {
            if (resource) ++m_plan.held;
            return;
        }
        if (desired.disposition == Disposition::out_of_scope)
            return; // deprovisioned with those who left
        // A leaver the export still lists: an account deleted after the grace stays deleted, and
        // nobody gets an account created only to be deactivated.
        if (!resource && desired.terminated) {
            ++m_plan.terminated_without_account;
            return;
        }
        if (resource && desired.deletable && deletion_due(*resource)) {
            m_destructive.push_back(removal_of(*resource, desired.details().decision));
            return;
        }
        if (unchanged_at_a_glance(desired, m_stored, m_policy.kept_paths)) {
            ++m_plan.unchanged;
            return;
        }
        if (!resource && !desired.packed.empty() && desired.details().unique.empty()) {
            // A create as mapped: the body stays packed, the manager's id already in it.
            m_unknown_manager = false;
            const size_t links_before = m_links.size();
            (void)manager_id(desired);
            if (m_unknown_manager) reject_link(desired);
            Operation operation =
                operation_of(OperationKind::create, desired.key, desired.details().decision);
            operation.origin = desired.origin;
            operation.packed_body = desired.packed;
            fold_link(desired, operation, links_before);
            m_plan.operations.push_back(std::move(operation));
            return;
        }
        const size_t links_before = m_links.size();
        m_unknown_manager = false;
        json body = with_manager(desired, desired.unpacked_body());
        if (resource && m_links.size() > links_before &&
            resource->status != ResourceStatus::pending_create)
            keep_manager_until_linked(body, *resource);
        if (m_unknown_manager) keep_link_of_unknown_manager(desired, resource, body);
        Operation operation =
            operation_for(desired, std::move(body), resource, m_policy.kept_paths);
        // What no rule sets any more is left as the target holds it, not cleared everywhere.
        std::erase_if(operation.changes, [&](const scim::AttributeChange& change) {
            return !change.after && !is_managed(change.path, m_policy.managed_paths);
        });
        if (operation.kind == OperationKind::create) choose_unique(desired, operation);
        if (operation.kind != OperationKind::create && operation.changes.empty()) {
            ++m_plan.unchanged;
            return;
        }
        if (operation.kind == OperationKind::deactivate) {
            m_destructive.push_back(std::move(operation));
        } else {
            // Held as text until sent (a tree is six times its text): a plan holds memory in
            // proportion to its changes, not to the trees they were found with.
            operation.packed_body = scim::PackedJson(operation.body);
            operation.body = nullptr;
            if (operation.kind == OperationKind::create)
                fold_link(desired, operation, links_before);
            m_plan.operations.push_back(std::move(operation));
        }
    }

    // Stored users whose record is gone, or out of scope: deactivate, and delete after the grace.
    void plan_unseen(const StoredResource& resource) {
        if (m_stored.unchanged(resource)) return; // seen, and unchanged
        auto found = m_seen.find(resource.key);
        const scim::DesiredResource* desired = found ? &(*m_desired)[*found] : nullptr;
        if (desired && desired->disposition != Disposition::out_of_scope) return;
        if (!desired && m_protected.contains(id_of(resource.key))) {
            ++m_plan.protected_keys;
            return;
        }
        std::string decision = desired ? desired->details().decision : "not in the source";
        if (resource.status != ResourceStatus::deactivated) {
            if (!desired && !absence_confirmed(resource)) return;
            m_destructive.push_back(deactivation_of(resource, std::move(decision)));
        } else if ((!desired || desired->deletable) && deletion_due(resource)) {
            m_destructive.push_back(
                removal_of(resource, decision + "; inactive since " + since(resource)));
        }
    }

    // Absence is a fact only once confirmed: absent from safety.confirm_absence complete reads
    // in a row (and for safety.confirm_absence_after). A read that cannot be trusted counts for
    // nothing; its deactivations are withheld as before.
    bool absence_confirmed(const StoredResource& resource) {
        if (!counts_absence()) return true;
        const auto mark = m_policy.absences.find(resource.key);
        const bool marked = mark != m_policy.absences.end();
        Absence absence{resource.key,
                        marked ? mark->second.first_absent : m_policy.now,
                        (marked ? mark->second.reads : 0) + 1,
                        false,
                        {}};
        const auto& limits = m_policy.limits;
        const size_t needed = std::max<size_t>(limits.confirm_absence, 1);
        const auto due =
            absence.first_absent + limits.confirm_absence_after.value_or(std::chrono::seconds(0));
        absence.confirmed = absence.reads >= needed && m_policy.now >= due;
        if (!absence.confirmed) {
            const size_t more = absence.reads >= needed ? 0 : needed - absence.reads;
            absence.until = more > 1 ? "deactivated after " + std::to_string(more) +
                                           " more reads if still absent"
                            : more == 1 ? "deactivated next run if still absent"
                                        : "deactivated if still absent";
            if (limits.confirm_absence_after) absence.until += ", not before " + to_timestamp(due);
        }
        m_plan.absences.push_back(std::move(absence));
        return m_plan.absences.back().confirmed;
    }

    // A failed read, or one with no records at all (stopped by the gate), confirms nothing.
    bool counts_absence() const { return !m_policy.source_incomplete && !m_desired->empty(); }

    static std::string since(const StoredResource& resource) {
        return to_timestamp(*resource.deactivated_at).substr(0, 10);
    }

    // What the target does not allow is planned and shown, never sent, and counts for no gate.
    void switch_off(std::vector<Operation>& operations) {
        std::erase_if(operations, [&](Operation& operation) {
            if (m_policy.operations.allows(operation.kind)) return false;
            m_plan.switched_off.push_back(std::move(operation));
            return true;
        });
    }

    void gate(size_t desired_count) {
        switch_off(m_plan.operations);
        switch_off(m_destructive);
        // Active users before this run: everyone in the state not yet deactivated.
        size_t active_before = 0;
        for (const auto* resource : m_stored.ordered())
            if (resource->status != ResourceStatus::deactivated) ++active_before;
        auto clears = gate_clears(active_before);
        std::optional<std::string> reason = m_policy.source_incomplete;
        if (!reason && (reason = gate_reason(m_destructive.size(), active_before, desired_count,
                                             m_policy.limits)))
            m_plan.stopped_by_gate = true;
        if (reason && !m_destructive.empty()) {
            m_plan.withheld = std::move(m_destructive);
            m_plan.withheld_reason = reason;
        } else {
            std::ranges::move(m_destructive, std::back_inserter(m_plan.operations));
        }
        if (clears) {
            // A failed source withholds everything and can be approved by nobody.
            if (!m_policy.source_incomplete) m_plan.stopped_by_gate = true;
            m_plan.withheld_reason =
                m_plan.withheld_reason ? *m_plan.withheld_reason + "; and " + *clears : *clears;
        }
    }

    // A column blanked in the export: one attribute cleared for more than a share of the active
    // users. Those clears are withheld as their own operations (the rest of each update goes
    // out, keeping the value the target holds); an approval sends them.
    std::optional<std::string> gate_clears(size_t active_before) {
        std::map<std::string, size_t> clearing;
        for (const auto& operation : m_plan.operations)
            for (const auto& change : operation.changes)
                if (change.before && !change.after) ++clearing[change.path];
        std::set<std::string> gated;
        std::string why;
        for (const auto& [path, count] : clearing) {
            const double percent = 100.0 * static_cast<double>(count) /
                                   static_cast<double>(std::max<size_t>(active_before, 1));
            if (count < 2 || percent <= m_policy.limits.max_clear_percent) continue;
            gated.insert(path);
            why += (why.empty() ? "" : "; ") + std::to_string(count) + " users would lose " + path +
                   " (" + std::to_string(std::lround(percent)) + "% of " +
                   std::to_string(active_before) +
                   " active users), more than safety.max_clear_percent (" +
                   std::to_string(static_cast<int>(m_policy.limits.max_clear_percent)) + "%)";
        }
        if (gated.empty()) return std::nullopt;
        for (auto& operation : m_plan.operations) {
            Operation clear = operation;
            clear.kind = OperationKind::update;
            clear.set_decision("clears " + join_paths(operation.changes, gated));
            std::erase_if(clear.changes, [&](const auto& change) {
                return !gated.contains(change.path) || change.after;
            });
            if (clear.changes.empty()) continue;
            std::erase_if(operation.changes, [&](const auto& change) {
                return gated.contains(change.path) && !change.after;
            });
            operation.unpack();
            for (const auto& change : clear.changes)
                keep_value(operation.body, change.path, *change.before);
            m_plan.withheld.push_back(std::move(clear));
        }
        std::erase_if(m_plan.operations, [](const Operation& operation) {
            return operation.changes.empty() && operation.kind != OperationKind::create &&
                   operation.kind != OperationKind::link_manager;
        });
        return why;
    }

    static std::string join_paths(const std::vector<scim::AttributeChange>& changes,
                                  const std::set<std::string>& gated) {
        std::string out;
        for (const auto& change : changes)
            if (gated.contains(change.path) && !change.after)
                out += (out.empty() ? "" : ", ") + change.path;
        return out;
    }

    // Puts a value back at a diff path ("title", "name.givenName", "<URN>:department").
    static void keep_value(json& body, const std::string& path, const json& value) {
        if (auto colon = path.rfind(':'); colon != std::string::npos && path.starts_with("urn:")) {
            body[path.substr(0, colon)][path.substr(colon + 1)] = value;
        } else if (auto dot = path.find('.'); dot != std::string::npos) {
            body[path.substr(0, dot)][path.substr(dot + 1)] = value;
        } else {
            body[path] = value;
        }
    }

    const PlanPolicy& m_policy;
    std::optional<StoredIndex> m_own_index;
    const StoredIndex& m_stored;
    IdentityTable<DesiredKeyOf> m_seen; // the last one of a key wins
    const std::vector<scim::DesiredResource>* m_desired = nullptr;
    std::set<std::string> m_protected;
    std::map<std::string, std::set<std::string>> m_taken;
    std::vector<Operation> m_destructive;
    std::vector<const scim::DesiredResource*> m_links; // whose manager is created in this run
    bool m_unknown_manager = false; // set by manager_id(): no record has the manager's key
    std::optional<std::set<std::string>> m_known_ids;
    Plan m_plan;
};

} // namespace

std::string_view verb(OperationKind kind) {
    switch (kind) {
    case OperationKind::create:
        return "create";
    case OperationKind::update:
        return "update";
    case OperationKind::deactivate:
        return "deactivate";
    case OperationKind::reactivate:
        return "reactivate";
    case OperationKind::remove:
        return "delete";
    case OperationKind::link_manager:
        return "link manager of";
    }
    return "?";
}

size_t Plan::count_withheld(OperationKind kind) const {
    return static_cast<size_t>(std::ranges::count(withheld, kind, &Operation::kind));
}

std::vector<std::string> Plan::withheld_items() const {
    std::vector<std::string> items;
    for (const auto& operation : withheld)
        items.push_back(std::string(verb(operation.kind)) + " " + operation.key + " " +
                        operation.scim_id);
    return items;
}

void Plan::release_withheld() {
    for (auto& operation : withheld) {
        operation.id = operation_count();
        operations.push_back(std::move(operation));
    }
    withheld.clear();
    withheld_reason.reset();
    stopped_by_gate = false;
}

bool OperationSwitches::allows(OperationKind kind) const {
    switch (kind) {
    case OperationKind::create:
        return create;
    case OperationKind::update:
    case OperationKind::reactivate:
    case OperationKind::link_manager:
        return update;
    case OperationKind::deactivate:
        return deactivate;
    case OperationKind::remove:
        return remove;
    }
    return false;
}

size_t Plan::absent_unconfirmed() const {
    return static_cast<size_t>(std::ranges::count(absences, false, &Absence::confirmed));
}

size_t Plan::count(OperationKind kind) const {
    return counts()[kind];
}

Plan::Counts Plan::counts() const {
    static_assert(static_cast<size_t>(OperationKind::link_manager) + 1 ==
                  std::tuple_size_v<decltype(Counts::by_kind)>);
    Counts counted;
    for (const auto& operation : operations)
        ++counted.by_kind[static_cast<size_t>(operation.kind)];
    counted.by_kind[static_cast<size_t>(OperationKind::link_manager)] += folded_links;
    return counted;
}

namespace {

// Deactivations and deletions follow the manager links (gate() moves them in after).
bool follows_links(const Operation& operation) {
    return operation.kind == OperationKind::link_manager ||
           operation.kind == OperationKind::deactivate || operation.kind == OperationKind::remove;
}

} // namespace

size_t Plan::leading_operations() const {
    return static_cast<size_t>(std::ranges::find_if(operations, follows_links) -
                               operations.begin());
}

void Plan::unfold_links() {
    if (folded_links == 0) return;
    const auto leading = static_cast<std::ptrdiff_t>(leading_operations());
    const auto links_end =
        std::find_if_not(operations.begin() + leading, operations.end(), is_link);
    std::vector<Operation> made; // the folded links, in the order of their users' creates
    made.reserve(folded_links);
    for (auto create = operations.begin(); create != operations.begin() + leading; ++create) {
        if (!create->link_after) continue;
        Operation link;
        link.kind = OperationKind::link_manager;
        link.key = create->key;
        link.origin = create->origin;
        link.manager_key = std::move(create->manager_key);
        create->manager_key.clear();
        create->link_after = false;
        made.push_back(std::move(link));
    }
    // make_plan() makes the links in the order of the users' keys: both lists are in it.
    std::vector<Operation> unfolded;
    unfolded.reserve(operations.size() + made.size());
    std::ranges::move(operations.begin(), operations.begin() + leading,
                      std::back_inserter(unfolded));
    auto kept = operations.begin() + leading;
    auto folded = made.begin();
    while (kept != links_end || folded != made.end()) {
        const bool take_kept =
            folded == made.end() || (kept != links_end && kept->key <= folded->key);
        unfolded.push_back(std::move(take_kept ? *kept++ : *folded++));
    }
    std::ranges::move(links_end, operations.end(), std::back_inserter(unfolded));
    operations = std::move(unfolded);
    folded_links = 0;
    // Links made here have no dependencies yet; those made by the planner keep what the state
    // gave them when their user has no operation.
    number_and_link(operations, case_sensitive_keys, [](Operation&) {});
    for (size_t i = 0; i < withheld.size(); ++i)
        withheld[i].id = operations.size() + i;
}

void set_manager_id(json& body, const std::string& manager_id) {
    body[scim::k_enterprise_user_schema]["manager"] = {{"value", manager_id}};
    auto& schemas = body["schemas"];
    if (std::ranges::find(schemas, json(scim::k_enterprise_user_schema)) == schemas.end())
        schemas.push_back(scim::k_enterprise_user_schema);
}

void pack_for_planning(scim::DesiredResource& desired, const std::string* manager_id) {
    if (manager_id) set_manager_id(desired.body, *manager_id);
    desired.packed = scim::PackedJson(desired.body);
    desired.body = nullptr;
    desired.sent_fingerprint = fingerprint_value(desired.packed.text());
}

void fingerprint_packed(scim::DesiredResource& desired) {
    desired.sent_fingerprint = fingerprint_value(desired.packed.text());
}

std::vector<size_t> resources_needing_bodies(const std::vector<scim::DesiredResource>& desired,
                                             const std::vector<StoredResource>& stored,
                                             const PlanPolicy& policy, const StoredIndex* given) {
    const bool unique =
        std::ranges::any_of(desired, [](const auto& d) { return !d.details().unique.empty(); });
    std::vector<size_t> needed;
    if (unique) { // unique() compares with what everyone holds
        for (size_t i = 0; i < stored.size(); ++i)
            if (!stored[i].has_body) needed.push_back(i);
        return needed;
    }
    std::optional<StoredIndex> own;
    if (!given) own.emplace(stored, policy.case_sensitive_keys);
    const StoredIndex& index = given ? *given : *own;
    std::vector<bool> skipped(stored.size());
    for (const auto& person : desired) {
        if (person.let_go_of) continue; // unchanged at a glance: its row is marked
        if (person.disposition == Disposition::hold ||
            unchanged_at_a_glance(person, index, policy.kept_paths))
            if (const auto* resource = index.find(person.key))
                skipped[static_cast<size_t>(resource - stored.data())] = true;
    }
    for (size_t i = 0; i < stored.size(); ++i)
        if (!stored[i].has_body && !skipped[i] && !index.unchanged(stored[i])) needed.push_back(i);
    return needed;
}

Plan make_plan(const std::vector<scim::DesiredResource>& desired,
               const std::vector<StoredResource>& stored, const PlanPolicy& policy,
               const StoredIndex* index) {
    return Planner(stored, policy, index).plan(desired);
}

} // namespace hr2scim::state
