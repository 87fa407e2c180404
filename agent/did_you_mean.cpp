#include "agent/did_you_mean.hpp"

#include <algorithm>

namespace hr2scim::agent {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> nearest_name(std::string_view word,
                                        const std::vector<std::string>& names) {
    const std::string* nearest = nullptr;
    size_t best = 0;
    for (const auto& name : names) {
        const size_t distance = edit_distance(word, name);
        if (!nearest || distance < best) {
            nearest = &name;
            best = distance;
        }
    }
    if (!nearest || best == 0 || best > 2 || best * 2 >= word.size()) return std::nullopt;
    return *nearest;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& names) {
    const auto nearest = nearest_name(word, names);
    return nearest ? "; did you mean '" + *nearest + "'?" : "";
}

} // namespace hr2scim::agent
