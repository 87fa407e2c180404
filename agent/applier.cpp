#include "agent/applier.hpp"

#include <spdlog/spdlog.h>

#include "scim/body_path.hpp"
#include "scim/filter.hpp"
#include "scim/schema.hpp"

namespace hr2scim::agent {
namespace {

using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;

std::string_view verb(OperationKind kind) {
    switch (kind) {
    case OperationKind::create: return "create";
    case OperationKind::update: return "update";
    case OperationKind::deactivate: return "deactivate";
    case OperationKind::reactivate: return "reactivate";
    case OperationKind::remove: return "delete";
    case OperationKind::link_manager: return "link manager of";
    }
    return "?";
}

// Credentials refused, or no answer at all: every further call would fail the same way.
bool target_unusable(long status) { return status == 0 || status == 401 || status == 403; }

// A definite "no" from the target: nothing was created, the journal entry can go.
bool definitely_not_created(long status) { return status >= 400 && status < 500 && status != 408 && status != 429; }

} // namespace

Applier::Applier(scim::ScimClient& client, state::StateStore& store, std::string target_name,
                 std::chrono::sys_seconds now)
    : m_client(client), m_store(store), m_target(std::move(target_name)), m_now(now) {}

// A user sent with active:false (pre-hire, terminated) is kept as deactivated.
void Applier::save(const std::string& key, const std::string& scim_id, const json& body) {
    const bool inactive = body.value("active", true) == false;
    m_store.save(m_target, {key, scim_id, inactive ? ResourceStatus::deactivated : ResourceStatus::active, body,
                            m_now});
}

ApplyResult Applier::apply(const state::Plan& plan) {
    ApplyResult result;
    for (const auto& operation : plan.operations) {
        if (result.target_unusable) {
            ++result.skipped;
            continue;
        }
        m_last_status = 0;
        std::string error;
        switch (operation.kind) {
        case OperationKind::create: error = create(operation, result); break;
        case OperationKind::update:
        case OperationKind::reactivate: error = update(operation, result); break;
        case OperationKind::deactivate: error = deactivate(operation); break;
        case OperationKind::remove: error = remove(operation); break;
        case OperationKind::link_manager: error = link_manager(operation); break;
        }
        if (error.empty()) {
            count_success(operation.kind, result);
            continue;
        }
        spdlog::error("{} {} failed: {}", verb(operation.kind), operation.key, error);
        result.failures.push_back({operation.key, operation.origin, std::string(verb(operation.kind)), error});
        if (target_unusable(m_last_status)) result.target_unusable = true;
    }
    return result;
}

void Applier::count_success(OperationKind kind, ApplyResult& result) const {
    switch (kind) {
    case OperationKind::create: ++result.created; break;
    case OperationKind::update: ++result.updated; break;
    case OperationKind::deactivate: ++result.deactivated; break;
    case OperationKind::reactivate: ++result.reactivated; break;
    case OperationKind::remove: ++result.deleted; break;
    case OperationKind::link_manager: ++result.linked; break;
    }
}

std::optional<std::string> Applier::find_existing(const json& body, std::string& error) {
    // externalId first (it is ours), then userName; scimmy-like servers compare case-sensitively.
    for (const char* attribute : {"externalId", "userName"}) {
        auto value = body.find(attribute);
        if (value == body.end() || !value->is_string()) continue;
        auto found = m_client.find_users(scim::eq_filter(attribute, value->get<std::string>()));
        if (!found) {
            m_last_status = found.error().status;
            error = "look-up by " + std::string(attribute) + " failed: " + found.error().describe();
            return std::nullopt;
        }
        if (found->size() == 1 && (*found)[0].contains("id")) return (*found)[0]["id"].get<std::string>();
        if (found->size() > 1) {
            error = std::to_string(found->size()) + " users on the target match " + attribute + "; refusing to guess";
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string Applier::adopt(const state::Operation& operation, const std::string& scim_id) {
    auto replaced = m_client.replace_user(scim_id, operation.body);
    if (!replaced) {
        m_last_status = replaced.error().status;
        return "replacing the existing user " + scim_id + " failed: " + replaced.error().describe();
    }
    save(operation.key, scim_id, operation.body);
    spdlog::info("create {}: the user already existed on the target as {}; took it over", operation.key, scim_id);
    return {};
}

std::string Applier::create(const state::Operation& operation, ApplyResult& result) {
    std::string error;
    if (operation.resolve_first) {
        if (auto existing = find_existing(operation.body, error)) {
            ++result.adopted;
            return adopt(operation, *existing);
        }
        if (!error.empty()) return error;
    }
    state::Operation picked = operation;
    if (auto problem = pick_unique(picked); !problem.empty()) return problem;
    m_store.journal_create(m_target, picked.key, picked.body);
    auto created = m_client.create_user(picked.body);
    if (created && created->contains("id") && (*created)["id"].is_string()) {
        save(picked.key, (*created)["id"].get<std::string>(), picked.body);
        return {};
    }
    if (!created) {
        m_last_status = created.error().status;
        if (created.error().scim_type == "uniqueness" || created.error().status == 409) {
            // Already there (made by hand, or by another tool): match on externalId/userName.
            if (auto existing = find_existing(picked.body, error)) {
                ++result.adopted;
                return adopt(picked, *existing);
            }
        }
        if (definitely_not_created(created.error().status)) m_store.forget(m_target, operation.key);
        return created.error().describe() + (error.empty() ? "" : "; " + error);
    }
    return "the target's answer to the create has no id";
}

std::string Applier::update(const state::Operation& operation, ApplyResult& result) {
    auto patched = m_client.patch_user(operation.scim_id, scim::to_patch_operations(operation.changes));
    if (!patched && patched.error().status == 404) {
        // Deleted on the target behind our back: the person is still in the source, so they
        // get their account again.
        spdlog::warn("{} {}: user {} no longer exists on the target; creating it again",
                     verb(operation.kind), operation.key, operation.scim_id);
        state::Operation create_again = operation;
        create_again.kind = OperationKind::create;
        create_again.scim_id.clear();
        ++result.recreated;
        return create(create_again, result);
    }
    if (!patched) {
        m_last_status = patched.error().status;
        return patched.error().describe();
    }
    save(operation.key, operation.scim_id, operation.body);
    return {};
}

std::string Applier::deactivate(const state::Operation& operation) {
    std::string scim_id = operation.scim_id;
    if (operation.resolve_first) {
        std::string error;
        auto existing = find_existing(operation.body, error);
        if (!existing) {
            if (!error.empty()) return error;
            m_store.forget(m_target, operation.key); // never created: nothing to deactivate
            return {};
        }
        scim_id = *existing;
    }
    auto patched = m_client.patch_user(scim_id, scim::to_patch_operations(operation.changes));
    if (!patched && patched.error().status == 404) {
        spdlog::warn("deactivate {}: user {} is already gone from the target", operation.key, scim_id);
        m_store.forget(m_target, operation.key);
        return {};
    }
    if (!patched) {
        m_last_status = patched.error().status;
        return patched.error().describe();
    }
    m_store.save(m_target, {operation.key, scim_id, ResourceStatus::deactivated, operation.body, m_now});
    return {};
}

std::string Applier::remove(const state::Operation& operation) {
    auto deleted = m_client.delete_user(operation.scim_id);
    if (!deleted && deleted.error().status != 404) {
        m_last_status = deleted.error().status;
        return deleted.error().describe();
    }
    m_store.forget(m_target, operation.key);
    return {};
}

// Both users exist now (the manager was created earlier in this run): set the reference.
// scimmy-like servers refuse a path into the manager ("…:manager.value"); the whole
// complex value works everywhere.
std::string Applier::link_manager(const state::Operation& operation) {
    auto report = m_store.find(m_target, operation.key);
    auto manager = m_store.find(m_target, operation.manager_key);
    if (!report || report->scim_id.empty()) return "the user was not created; linked on a later run";
    if (!manager || manager->scim_id.empty())
        return "the manager " + operation.manager_key + " was not created; linked on a later run";
    json body = report->body;
    json reference = {{"value", manager->scim_id}};
    body[scim::k_enterprise_user_schema]["manager"] = reference;
    auto& schemas = body["schemas"];
    if (std::ranges::find(schemas, json(scim::k_enterprise_user_schema)) == schemas.end())
        schemas.push_back(scim::k_enterprise_user_schema);
    auto patched = m_client.patch_user(
        report->scim_id, {{"replace", std::string(scim::k_enterprise_user_schema) + ":manager", reference}});
    if (!patched) {
        m_last_status = patched.error().status;
        return patched.error().describe();
    }
    m_store.save(m_target, {report->key, report->scim_id, report->status, body, report->deactivated_at});
    return {};
}

namespace {

// A filter that finds users holding `value` at `path`: emails[type eq "work"].value → emails.value.
std::string filter_for(const scim::AttributePath& path, const std::string& value) {
    std::string attribute = (path.schema.empty() ? "" : path.schema + ":") + path.attribute;
    if (!path.sub_attribute.empty()) attribute += "." + path.sub_attribute;
    return scim::eq_filter(attribute, value);
}

} // namespace

// unique(...): the first candidate nobody on the target holds yet. The planner already left
// out those taken in the state.
std::string Applier::pick_unique(state::Operation& operation) {
    for (const auto& choice : operation.unique) {
        std::string listed;
        bool picked = false;
        for (const auto& candidate : choice.candidates) {
            auto found = m_client.find_users(filter_for(choice.path, candidate));
            if (!found) {
                m_last_status = found.error().status;
                return "checking whether " + choice.path.to_string() + " '" + candidate +
                       "' is free failed: " + found.error().describe();
            }
            if (found->empty()) {
                scim::set_value(operation.body, choice.path, candidate);
                picked = true;
                break;
            }
            listed += (listed.empty() ? "" : ", ") + candidate;
        }
        if (!picked)
            return "no free value for " + choice.path.to_string() + " (unique): " +
                   (listed.empty() ? std::string("every candidate is empty or held by another user in the state")
                                   : "taken on the target: " + listed);
    }
    return {};
}

} // namespace hr2scim::agent
