#include "tests/integration/headless_browser.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <regex>

namespace hr2scim::testing {

// Headless, as root in a container (no sandbox), with a profile of its own.
ProcessResult HeadlessBrowser::run(const std::vector<std::string>& what) const {
    std::vector<std::string> argv = {"timeout",
                                     "120",
                                     "chromium",
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--user-data-dir=" + m_profile.string()};
    argv.insert(argv.end(), what.begin(), what.end());
    return run_process(argv);
}

ProcessResult HeadlessBrowser::dom(const std::filesystem::path& page) const {
    return run({"--dump-dom", "file://" + page.string()});
}

void HeadlessBrowser::screenshot(const std::filesystem::path& page, const std::string& name) const {
    const std::filesystem::path artifacts = HR2SCIM_TEST_ARTIFACTS;
    std::filesystem::create_directories(artifacts);
    const auto file = artifacts / name;
    std::filesystem::remove(file);
    auto shot = run(
        {"--window-size=1200,1600", "--screenshot=" + file.string(), "file://" + page.string()});
    ASSERT_EQ(shot.exit_code, 0) << shot.err;
    const auto png = read_file(file);
    ASSERT_GT(png.size(), 10000U) << "a page, not a blank";
    EXPECT_EQ(png.substr(1, 3), "PNG");
}

std::string attribute_after(const std::string& dom, const std::string& marker,
                            const std::string& attribute) {
    const auto at = dom.find(marker);
    if (at == std::string::npos) return "(no " + marker + ")";
    const auto tag = dom.rfind('<', at);
    const auto end = dom.find('>', at);
    std::smatch found;
    const std::string element = dom.substr(tag, end - tag);
    if (!std::regex_search(element, found, std::regex(attribute + "=\"([^\"]*)\"")))
        return "(no " + attribute + ")";
    return found[1];
}

std::optional<size_t> count_shown(const std::string& dom, const std::string& key) {
    const std::string marker = "data-count=\"" + key + "\">";
    const auto at = dom.find(marker);
    if (at == std::string::npos) return std::nullopt;
    return std::stoul(dom.substr(at + marker.size()));
}

void expect_withheld_set(const std::string& dom, const std::filesystem::path& config,
                         const std::string& digest) {
    EXPECT_EQ(attribute_after(dom, "id=\"withheld\"", "data-digest"), digest);
    EXPECT_NE(dom.find("<code id=\"approve\">hr2scim sync -c " + config.string() +
                       " --approve-withheld " + digest + "</code>"),
              std::string::npos)
        << dom;
}

} // namespace hr2scim::testing
