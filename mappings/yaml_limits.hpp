#pragma once
// What a YAML file (the config, a mapping) must be before anything reads it: a tree of a
// bounded size, with text that is UTF-8. Header-only: agent/config.cpp uses it too.

#include "connectors/utf8.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace hr2scim::mappings {

// A YAML alias is a reference, not a copy, but whatever walks the tree follows it: nine
// levels of ten aliases each ("billion laughs") are 10^9 nodes to visit. Real configs and
// mappings have a few thousand.
inline constexpr size_t k_max_yaml_nodes = 100'000;

struct YamlProblem {
    YAML::Mark mark; // where: the node it concerns
    std::string message;
};

// The first reason `root` is not fit to be read: more than `max_nodes` nodes counted the way
// a reader visits them (through every alias), or a text that is not valid UTF-8 (as raw bytes
// or as a \u escape of half a surrogate pair). Walked with a stack of its own: an alias of
// the sequence it is in makes a cycle, and a recursion would not end.
[[nodiscard]] inline std::optional<YamlProblem>
check_yaml_tree(const YAML::Node& root, size_t max_nodes = k_max_yaml_nodes) {
    std::vector<YAML::Node> pending{root};
    size_t visited = 0;
    while (!pending.empty()) {
        const YAML::Node node = pending.back();
        pending.pop_back();
        if (++visited > max_nodes)
            return YamlProblem{node.Mark(),
                               "the YAML expands to more than " + std::to_string(max_nodes) +
                                   " nodes (aliases of aliases: a \"billion laughs\"?); refused"};
        if (node.IsScalar()) {
            if (auto bad = connectors::find_invalid_utf8(node.Scalar()))
                return YamlProblem{node.Mark(), "not valid UTF-8 (at byte " +
                                                    std::to_string(*bad + 1) + " of this text)"};
        } else if (node.IsSequence()) {
            for (const auto& item : node)
                pending.push_back(item);
        } else if (node.IsMap()) {
            for (const auto& item : node) {
                pending.push_back(item.first);
                pending.push_back(item.second);
            }
        }
    }
    return std::nullopt;
}

} // namespace hr2scim::mappings
