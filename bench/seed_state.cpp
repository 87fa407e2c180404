// Benchmark helper: writes what a perfect target would leave in the state after applying a
// plan file (`hr2scim plan --out`): each create gets the id "u<key>", each other operation's
// body is saved as sent. Run it on the plan of an empty state, then on the plan that follows
// (the manager links), to get the state of a fully provisioned source without a target.
//   build/bench/seed_state PLAN.json STATE.db
#include "state/plan_file.hpp"
#include "state/sqlite.hpp"
#include "state/state_store.hpp"

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    using namespace hr2scim;
    if (argc != 3) {
        std::cerr << "usage: seed_state PLAN.json STATE.db\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    auto parsed = nlohmann::json::parse(in, nullptr, false);
    if (parsed.is_discarded()) {
        std::cerr << argv[1] << ": not JSON\n";
        return 1;
    }
    auto file = state::plan_from_json(parsed);
    if (!file) {
        std::cerr << argv[1] << ": " << file.error() << '\n';
        return 1;
    }
    parsed = nullptr;
    state::StateStore store(argv[2]);
    store.write_batch([&](state::StateStore& batch) {
        for (const auto& operation : file->plan.operations) {
            // A link waits for the next plan: its manager has an id by then, and the link is
            // an update with the manager in the body.
            if (operation.kind == state::OperationKind::link_manager) continue;
            if (operation.kind == state::OperationKind::remove) {
                batch.forget(file->origin.target, operation.key);
                continue;
            }
            const bool created = operation.kind == state::OperationKind::create;
            const bool inactive = operation.body.value("active", true) == false;
            batch.save(
                file->origin.target,
                {operation.key, created ? "u" + operation.key : operation.scim_id,
                 inactive ? state::ResourceStatus::deactivated : state::ResourceStatus::active,
                 operation.body, std::nullopt});
        }
    });
    std::cout << file->plan.operations.size() << " operations written to " << argv[2] << '\n';
    return 0;
}
