#include "apply/work_order.hpp"

namespace hr2scim::apply {
namespace {

// An update that changes what the person is entitled to (entitlements, roles, groups the
// target keeps on the user) may take access away: it goes before other updates.
bool changes_access(const state::Operation& operation) {
    for (const auto& change : operation.changes)
        for (const std::string_view access : {"entitlements", "roles", "groups"})
            if (change.path.starts_with(access)) return true;
    return false;
}

} // namespace

Urgency urgency(const state::Operation& operation) {
    switch (operation.kind) {
    case state::OperationKind::deactivate:
    case state::OperationKind::remove:
        return Urgency::revoke;
    case state::OperationKind::update:
        return changes_access(operation) ? Urgency::restrict : Urgency::change;
    case state::OperationKind::link_manager:
        return Urgency::change;
    case state::OperationKind::create:
    case state::OperationKind::reactivate:
        return Urgency::grant;
    }
    return Urgency::grant;
}

Urgency urgency(const state::GroupOperation& operation) {
    switch (operation.kind) {
    case state::GroupOperationKind::remove_members:
    case state::GroupOperationKind::remove:
        return Urgency::restrict;
    case state::GroupOperationKind::rename:
        return Urgency::change;
    case state::GroupOperationKind::create:
    case state::GroupOperationKind::add_members:
        return Urgency::grant;
    }
    return Urgency::grant;
}

} // namespace hr2scim::apply
