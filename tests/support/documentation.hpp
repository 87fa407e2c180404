#pragma once
// The user documentation the tests hold to the code: README.md, the pages of docs/ and the
// command reference in docs/commands/. An example is found by the heading it sits under,
// whichever page holds it, so that a section moved from one page to another stays tested; a
// heading that no page has, or that two pages have, finds nothing and fails the test.
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::testing {

struct DocumentationPage {
    std::filesystem::path path; // in the source tree: README.md, docs/mapping.md, …
    std::string text;
};

// README.md, then docs/*.md and docs/commands/*.md, each folder in name order.
inline std::vector<DocumentationPage> documentation_pages() {
    const std::filesystem::path root = HR2SCIM_SOURCE_DIR;
    std::vector<std::filesystem::path> paths = {"README.md"};
    for (const char* folder : {"docs", "docs/commands"}) {
        std::vector<std::filesystem::path> found;
        if (std::filesystem::is_directory(root / folder))
            for (const auto& entry : std::filesystem::directory_iterator(root / folder))
                if (entry.is_regular_file() && entry.path().extension() == ".md")
                    found.push_back(std::filesystem::path(folder) / entry.path().filename());
        std::ranges::sort(found);
        paths.insert(paths.end(), found.begin(), found.end());
    }
    std::vector<DocumentationPage> pages;
    for (const auto& path : paths)
        pages.push_back({path, read_file(root / path)});
    return pages;
}

// The page at `path` (as documentation_pages() names it); empty text when there is none.
inline DocumentationPage documentation_page(const std::filesystem::path& path) {
    for (auto& page : documentation_pages())
        if (page.path == path) return page;
    return {path, {}};
}

// 1 for a line "# Title", 2 for "## Title", …; 0 for any other line.
inline size_t heading_level(std::string_view line) {
    size_t level = 0;
    while (level < line.size() && line[level] == '#')
        ++level;
    return level > 0 && level < line.size() && line[level] == ' ' ? level : 0;
}

// The lines of `text`, each with whether it is inside a fenced block (its fences included):
// a "# comment" in a YAML or shell block is not a heading.
inline std::vector<std::pair<std::string_view, bool>> lines_with_fences(std::string_view text) {
    std::vector<std::pair<std::string_view, bool>> lines;
    bool fenced = false;
    for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(at, end - at);
        const bool fence = line.starts_with("```");
        lines.emplace_back(line, fenced || fence);
        if (fence) fenced = !fenced;
        at = end + 1;
    }
    return lines;
}

struct DocumentationSection {
    std::filesystem::path page;
    std::string text; // from its heading up to the next heading of the same or a higher level
};

// Every section, on any page, whose heading reads `title` (at any level).
inline std::vector<DocumentationSection> documentation_sections(std::string_view title) {
    std::vector<DocumentationSection> sections;
    for (const auto& page : documentation_pages()) {
        const auto lines = lines_with_fences(page.text);
        for (size_t i = 0; i < lines.size(); ++i) {
            const size_t level = lines[i].second ? 0 : heading_level(lines[i].first);
            if (level == 0 || lines[i].first.substr(level + 1) != title) continue;
            std::string text;
            for (size_t j = i; j < lines.size(); ++j) {
                const size_t next = lines[j].second ? 0 : heading_level(lines[j].first);
                if (j > i && next > 0 && next <= level) break;
                text.append(lines[j].first).append("\n");
            }
            sections.push_back({page.path, text});
        }
    }
    return sections;
}

// The one section headed `title`; nothing when no page has it, or more than one does.
inline std::optional<DocumentationSection> documentation_section(std::string_view title) {
    auto sections = documentation_sections(title);
    if (sections.size() != 1) return std::nullopt;
    return sections.front();
}

// The contents of each fenced block of `text` opened with ```language, in order.
inline std::vector<std::string> fenced_blocks(std::string_view text, std::string_view language) {
    std::vector<std::string> blocks;
    std::optional<std::string> block;
    bool other = false; // inside a block of another language
    for (const auto& [line, fenced] : lines_with_fences(text)) {
        if (line.starts_with("```")) {
            if (block) {
                blocks.push_back(*block);
                block.reset();
            } else if (other) {
                other = false;
            } else if (line.substr(3) == language) {
                block.emplace();
            } else {
                other = true;
            }
        } else if (block) {
            block->append(line).append("\n");
        }
    }
    return blocks;
}

} // namespace hr2scim::testing
