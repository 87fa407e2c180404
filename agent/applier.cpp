#include "agent/applier.hpp"

#include "scim/body_path.hpp"
#include "scim/filter.hpp"
#include "scim/schema.hpp"

#include <spdlog/spdlog.h>

namespace hr2scim::agent {
namespace {

using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;

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

// Credentials refused, or no answer at all: every further call would fail the same way.
bool target_unusable(long status) {
    return status == 0 || status == 401 || status == 403;
}

// An id the target gave is used only if it can be one: a non-empty string (or a number, which
// some targets use) of printable characters. Anything else is an answer we cannot act on.
std::optional<std::string> usable_id(const json& resource) {
    if (!resource.is_object()) return std::nullopt;
    auto id = resource.find("id");
    if (id == resource.end()) return std::nullopt;
    if (id->is_number_unsigned() || id->is_number_integer()) return id->dump();
    if (!id->is_string()) return std::nullopt;
    const auto& text = id->get_ref<const std::string&>();
    if (text.empty() || text.size() > 1024) return std::nullopt;
    if (std::ranges::any_of(text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return std::nullopt;
    return text;
}

// A definite "no" from the target: nothing was created, the journal entry can go.
bool definitely_not_created(long status) {
    return status >= 400 && status < 500 && status != 408 && status != 429;
}

} // namespace

Applier::Applier(scim::ScimClient& client, state::StateStore& store, std::string target_name,
                 std::chrono::sys_seconds now)
    : m_client(client), m_store(store), m_target(std::move(target_name)), m_now(now) {}

// A user sent with active:false (pre-hire, terminated) is kept as deactivated.
void Applier::save(const std::string& key, const std::string& scim_id, const json& body) {
    const bool inactive = body.value("active", true) == false;
    m_store.save(m_target,
                 {key, scim_id, inactive ? ResourceStatus::deactivated : ResourceStatus::active,
                  body, m_now});
}

ApplyResult Applier::apply(const state::Plan& plan) {
    ApplyResult result;
    for (const auto& operation : plan.operations) {
        if (result.target_unusable) {
            ++result.skipped;
            continue;
        }
        std::string error;
        switch (operation.kind) {
        case OperationKind::create:
            error = create(operation, result);
            break;
        case OperationKind::update:
        case OperationKind::reactivate:
            error = update(operation, result);
            break;
        case OperationKind::deactivate:
            error = deactivate(operation);
            break;
        case OperationKind::remove:
            error = remove(operation);
            break;
        case OperationKind::link_manager:
            error = link_manager(operation);
            break;
        }
        if (error.empty()) {
            count_success(operation.kind, result);
            continue;
        }
        spdlog::error("{} {} failed: {}", verb(operation.kind), operation.key, error);
        result.failures.push_back(
            {operation.key, operation.origin, std::string(verb(operation.kind)), error});
        if (m_target_unusable) result.target_unusable = true;
    }
    return result;
}

std::string Applier::failed(const scim::CallError& error, const std::string& prefix) {
    if (target_unusable(error.status)) m_target_unusable = true;
    return prefix + error.describe();
}

void Applier::count_success(OperationKind kind, ApplyResult& result) const {
    switch (kind) {
    case OperationKind::create:
        ++result.created;
        break;
    case OperationKind::update:
        ++result.updated;
        break;
    case OperationKind::deactivate:
        ++result.deactivated;
        break;
    case OperationKind::reactivate:
        ++result.reactivated;
        break;
    case OperationKind::remove:
        ++result.deleted;
        break;
    case OperationKind::link_manager:
        ++result.linked;
        break;
    }
}

std::optional<std::string> Applier::find_existing(const json& body, std::string& error) {
    // externalId first (it is ours), then userName; scimmy-like servers compare case-sensitively.
    for (const char* attribute : {"externalId", "userName"}) {
        auto value = body.find(attribute);
        if (value == body.end() || !value->is_string()) continue;
        auto found = m_client.find_users(scim::eq_filter(attribute, value->get<std::string>()));
        if (!found) {
            error = failed(found.error(), "look-up by " + std::string(attribute) + " failed: ");
            return std::nullopt;
        }
        if (found->size() == 1) {
            if (auto id = usable_id((*found)[0])) return id;
            error = "the look-up by " + std::string(attribute) +
                    " returned a user without a usable id; not adopted";
            return std::nullopt;
        }
        if (found->size() > 1) {
            error = std::to_string(found->size()) + " users on the target match " + attribute +
                    "; refusing to guess";
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string Applier::adopt(const state::Operation& operation, const std::string& scim_id) {
    auto replaced = m_client.replace_user(scim_id, operation.body);
    if (!replaced)
        return failed(replaced.error(), "replacing the existing user " + scim_id + " failed: ");
    save(operation.key, scim_id, operation.body);
    spdlog::info("create {}: the user already existed on the target as {}; took it over",
                 operation.key, scim_id);
    return {};
}

// Journals the create, sends it, and records the user when the answer carries a usable id.
// The value is the operation's failure (empty when created); the error, the call's.
tl::expected<std::string, scim::CallError> Applier::post(const state::Operation& picked) {
    m_store.journal_create(m_target, picked.key, picked.body);
    auto created = m_client.create_user(picked.body);
    if (!created) return tl::unexpected(created.error());
    if (auto id = usable_id(*created)) {
        save(picked.key, *id, picked.body);
        return std::string();
    }
    // The journal entry stays: the next run looks the user up instead of creating another.
    return std::string("the target answered the create without a usable id; the user is looked up "
                       "on the next run");
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
    if (!picked.unique.empty()) return create_with_unique(picked, operation);
    auto created = post(picked);
    if (created) return *created;
    if (created.error().scim_type == "uniqueness" || created.error().status == 409) {
        // Already there (made by hand, or by another tool): match on externalId/userName.
        if (auto existing = find_existing(picked.body, error)) {
            ++result.adopted;
            return adopt(picked, *existing);
        }
    }
    if (definitely_not_created(created.error().status)) m_store.forget(m_target, operation.key);
    return failed(created.error()) + (error.empty() ? "" : "; " + error);
}

// unique(...): a candidate the target refuses as taken (409: its look-up compared case
// sensitively, its uniqueness does not) is dropped and the next one tried. Never adopted:
// an account holding that value belongs to somebody else.
std::string Applier::create_with_unique(state::Operation& picked,
                                        const state::Operation& operation) {
    std::string refused;
    for (;;) {
        if (auto problem = pick_unique(picked); !problem.empty())
            return problem +
                   (refused.empty() ? "" : "; refused by the target as taken: " + refused);
        auto created = post(picked);
        if (created) return *created;
        const bool taken =
            created.error().scim_type == "uniqueness" || created.error().status == 409;
        if (definitely_not_created(created.error().status)) m_store.forget(m_target, operation.key);
        if (!taken) return failed(created.error());
        // Drop the value the target refused: userName's when there is a unique userName, else each
        // one used.
        const bool has_user_name = std::ranges::any_of(
            picked.unique, [](const auto& c) { return c.path.to_string() == "userName"; });
        for (auto& choice : picked.unique) {
            if (has_user_name && choice.path.to_string() != "userName") continue;
            const json* used = scim::value_at(picked.body, choice.path);
            if (!used || !used->is_string()) continue;
            refused += (refused.empty() ? "" : ", ") + used->get<std::string>();
            std::erase(choice.candidates, used->get<std::string>());
        }
    }
}

std::string Applier::update(const state::Operation& operation, ApplyResult& result) {
    auto patched =
        m_client.patch_user(operation.scim_id, scim::to_patch_operations(operation.changes));
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
    if (!patched) return failed(patched.error());
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
        spdlog::warn("deactivate {}: user {} is already gone from the target", operation.key,
                     scim_id);
        m_store.forget(m_target, operation.key);
        return {};
    }
    if (!patched) return failed(patched.error());
    m_store.save(m_target,
                 {operation.key, scim_id, ResourceStatus::deactivated, operation.body, m_now});
    return {};
}

std::string Applier::remove(const state::Operation& operation) {
    auto deleted = m_client.delete_user(operation.scim_id);
    if (!deleted && deleted.error().status != 404) return failed(deleted.error());
    m_store.forget(m_target, operation.key);
    return {};
}

// Both users exist now (the manager was created earlier in this run): set the reference.
// scimmy-like servers refuse a path into the manager ("…:manager.value"); the whole
// complex value works everywhere.
std::string Applier::link_manager(const state::Operation& operation) {
    auto report = m_store.find(m_target, operation.key);
    auto manager = m_store.find(m_target, operation.manager_key);
    if (!report || report->scim_id.empty())
        return "the user was not created; linked on a later run";
    if (!manager || manager->scim_id.empty())
        return "the manager " + operation.manager_key + " was not created; linked on a later run";
    json body = report->body;
    json reference = {{"value", manager->scim_id}};
    body[scim::k_enterprise_user_schema]["manager"] = reference;
    auto& schemas = body["schemas"];
    if (std::ranges::find(schemas, json(scim::k_enterprise_user_schema)) == schemas.end())
        schemas.push_back(scim::k_enterprise_user_schema);
    auto patched = m_client.patch_user(
        report->scim_id,
        {{"replace", std::string(scim::k_enterprise_user_schema) + ":manager", reference}});
    if (!patched) return failed(patched.error());
    m_store.save(m_target,
                 {report->key, report->scim_id, report->status, body, report->deactivated_at});
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
            if (!found)
                return failed(found.error(), "checking whether " + choice.path.to_string() + " '" +
                                                 candidate + "' is free failed: ");
            if (found->empty()) {
                scim::set_value(operation.body, choice.path, candidate);
                picked = true;
                break;
            }
            listed += (listed.empty() ? "" : ", ") + candidate;
        }
        if (!picked)
            return "no free value for " + choice.path.to_string() + " (unique): " +
                   (listed.empty()
                        ? std::string(
                              "every candidate is empty or held by another user in the state")
                        : "taken on the target: " + listed);
    }
    return {};
}

} // namespace hr2scim::agent
