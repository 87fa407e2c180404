#include "state/group_store.hpp"

#include "state/state_store.hpp"
#include "state/timestamp.hpp"

#include <map>

namespace hr2scim::state {

std::vector<StoredGroup> load_groups(Database& db, const std::string& target) {
    std::map<std::string, StoredGroup> groups;
    auto query = db.prepare("SELECT group_key, COALESCE(scim_id, ''), display_name, external_id, "
                            "extension, created_by_hr2scim FROM groups WHERE target = ?");
    query.bind(1, target);
    while (query.step()) {
        auto extension = nlohmann::json::parse(query.view(4), nullptr, false);
        if (extension.is_discarded())
            throw StateError("the state row for group '" + query.text(0) + "' is damaged");
        StoredGroup& group = groups[query.text(0)];
        group.key = query.text(0);
        group.scim_id = query.text(1);
        group.display_name = query.text(2);
        group.external_id = query.text(3);
        group.extension = std::move(extension);
        group.created_by_hr2scim = query.integer(5) != 0;
    }
    auto members = db.prepare("SELECT group_key, member_key, member_id, pending FROM "
                              "group_members WHERE target = ? ORDER BY group_key, member_key");
    members.bind(1, target);
    while (members.step()) {
        auto group = groups.find(members.text(0));
        if (group == groups.end()) continue; // a member row of a group forgotten meanwhile
        if (members.integer(3) != 0) {
            group->second.pending_members.push_back(members.text(1));
            continue;
        }
        group->second.members.push_back(members.text(1));
        group->second.member_ids.push_back(members.text(2));
    }
    std::vector<StoredGroup> out;
    out.reserve(groups.size());
    for (auto& [key, group] : groups)
        out.push_back(std::move(group));
    return out;
}

void StateStore::journal_group_create(const std::string& target, const StoredGroup& group) {
    StoredGroup pending = group;
    pending.scim_id.clear();
    save_group(target, pending);
}

void StateStore::save_group(const std::string& target, const StoredGroup& group) {
    m_db.prepare(
            "INSERT INTO groups (target, group_key, scim_id, display_name, external_id, "
            "extension, created_by_hr2scim, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, " +
            std::string(k_sql_now) +
            ") ON CONFLICT (target, group_key) DO UPDATE SET scim_id = excluded.scim_id, "
            "display_name = excluded.display_name, external_id = excluded.external_id, "
            "extension = excluded.extension, created_by_hr2scim = excluded.created_by_hr2scim, "
            "updated_at = excluded.updated_at")
        .bind(1, target)
        .bind(2, group.key)
        .bind(3, group.scim_id)
        .bind(4, group.display_name)
        .bind(5, group.external_id)
        .bind(6, group.extension.dump())
        .bind(7, std::int64_t{group.created_by_hr2scim ? 1 : 0})
        .run();
}

void StateStore::add_group_members(const std::string& target, const std::string& group_key,
                                   const std::vector<std::string>& keys,
                                   const std::vector<std::string>& ids, bool pending) {
    Transaction transaction(m_db);
    auto insert = m_db.prepare("INSERT OR REPLACE INTO group_members (target, group_key, "
                               "member_key, member_id, pending) VALUES (?, ?, ?, ?, ?)");
    for (size_t i = 0; i < keys.size() && i < ids.size(); ++i) {
        insert.reset();
        insert.bind(1, target)
            .bind(2, group_key)
            .bind(3, keys[i])
            .bind(4, ids[i])
            .bind(5, std::int64_t{pending ? 1 : 0})
            .run();
    }
    transaction.commit();
}

void StateStore::remove_group_members(const std::string& target, const std::string& group_key,
                                      const std::vector<std::string>& keys) {
    Transaction transaction(m_db);
    auto erase = m_db.prepare(
        "DELETE FROM group_members WHERE target = ? AND group_key = ? AND member_key = ?");
    for (const auto& key : keys) {
        erase.reset();
        erase.bind(1, target).bind(2, group_key).bind(3, key).run();
    }
    transaction.commit();
}

void StateStore::forget_group(const std::string& target, const std::string& group_key) {
    Transaction transaction(m_db);
    m_db.prepare("DELETE FROM group_members WHERE target = ? AND group_key = ?")
        .bind(1, target)
        .bind(2, group_key)
        .run();
    m_db.prepare("DELETE FROM groups WHERE target = ? AND group_key = ?")
        .bind(1, target)
        .bind(2, group_key)
        .run();
    transaction.commit();
}

} // namespace hr2scim::state
