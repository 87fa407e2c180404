// Benchmark helper: writes what a perfect target would leave in the state after applying a
// plan file (`hr2scim plan --out`): each create gets the id "u<key>", each other operation's
// body is saved as sent. Run it on the plan of an empty state, then on the plan that follows
// (the manager links), to get the state of a fully provisioned source without a target.
// The file is read one operation at a time, as state::write_plan_json lays it out (each
// operation from a line "    {" to a line "    }"), so a plan of a million is never whole in
// memory.
//   build/bench/seed_state PLAN.json STATE.db
#include "state/state_store.hpp"

#include <fstream>
#include <iostream>

namespace {

using namespace hr2scim;
using nlohmann::json;

void save(state::StateStore& store, const std::string& target, const json& operation) {
    const auto kind = operation.at("kind").get<std::string>();
    const auto key = operation.at("key").get<std::string>();
    // A link waits for the next plan: its manager has an id by then, and the link is an
    // update with the manager in the body.
    if (kind == "link manager of") return;
    if (kind == "delete") {
        store.forget(target, key);
        return;
    }
    const json& body = operation.at("body");
    const bool inactive = body.is_object() && body.value("active", true) == false;
    store.save(target,
               {key, kind == "create" ? "u" + key : operation.at("scim_id").get<std::string>(),
                inactive ? state::ResourceStatus::deactivated : state::ResourceStatus::active, body,
                std::nullopt});
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: seed_state PLAN.json STATE.db\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::cerr << argv[1] << ": cannot read\n";
        return 1;
    }
    std::string line, header, item;
    while (std::getline(in, line) && line != "  \"operations\": [")
        header += line + "\n";
    // The header ends with a comma before the lists: close it to read the target.
    while (!header.empty() && (header.back() == '\n' || header.back() == ','))
        header.pop_back();
    auto parsed = json::parse(header + "}", nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("target") ||
        parsed.value("hr2scim_plan", 0) != 1) {
        std::cerr << argv[1] << ": not a plan file written by hr2scim plan --out\n";
        return 1;
    }
    const auto target = parsed["target"].get<std::string>();
    state::StateStore store(argv[2]);
    size_t written = 0;
    bool in_item = false;
    auto flush = [&](state::StateStore& batch) {
        while (std::getline(in, line)) {
            if (line == "  ]," || line == "  ]") return false; // the operations end
            if (line == "    {") in_item = true;
            if (in_item) item += line + "\n";
            if (line == "    }" || line == "    },") {
                if (item.back() == '\n') item.pop_back();
                if (item.back() == ',') item.pop_back();
                save(batch, target, json::parse(item));
                item.clear();
                in_item = false;
                if (++written % 10000 == 0) return true; // one transaction per 10,000
            }
        }
        return false;
    };
    for (bool more = true; more;)
        store.write_batch([&](state::StateStore& batch) { more = flush(batch); });
    std::cout << written << " operations read, their outcomes written to " << argv[2] << '\n';
    return 0;
}
