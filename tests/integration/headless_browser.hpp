#pragma once
// Debian's chromium, headless, for the tests of the pages hr2scim writes (plan --html,
// --report-html): the DOM as the browser rendered it (the page's own script run), and a
// screenshot kept with the tests' artifacts.

#include "tests/support/child_process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::testing {

class HeadlessBrowser {
  public:
    // `profile`: a folder of its own (a test's temp dir), so that tests never share one.
    explicit HeadlessBrowser(std::filesystem::path profile) : m_profile(std::move(profile)) {}

    // The DOM after the page's scripts ran (chromium --dump-dom).
    [[nodiscard]] ProcessResult dom(const std::filesystem::path& page) const;
    // A screenshot of `page` as build/test-artifacts/`name`; fails the test unless it is a PNG
    // of a page, not a blank.
    void screenshot(const std::filesystem::path& page, const std::string& name) const;

  private:
    [[nodiscard]] ProcessResult run(const std::vector<std::string>& what) const;

    std::filesystem::path m_profile;
};

// The value of `attribute` on the element the DOM names with `marker` ("(no ...)" when none).
[[nodiscard]] std::string attribute_after(const std::string& dom, const std::string& marker,
                                          const std::string& attribute);

// The number in the page's counts cell `data-count="key"`; nothing when there is none.
[[nodiscard]] std::optional<size_t> count_shown(const std::string& dom, const std::string& key);

// The withheld set as a page shows it: its digest, and the command that approves it from
// `config` (a config of one target).
void expect_withheld_set(const std::string& dom, const std::filesystem::path& config,
                         const std::string& digest);

} // namespace hr2scim::testing
