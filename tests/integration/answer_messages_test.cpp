// What a run says about an answer it could not use: the first 200 characters of an answer
// that is not JSON (secrets redacted), an error page's text said once, and a re-hire's
// conflict naming the --hand-over that resolves it. Answers are injected on the real SCIM
// server; what it holds is read back from it.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::testing {
namespace {

size_t occurrences(const std::string& text, const std::string& what) {
    size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++count;
    return count;
}

// The output's line holding `what`, or "" when none does.
std::string line_with(const std::string& text, const std::string& what) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find(what) != std::string::npos) return line;
    return {};
}

class AnswerMessagesTest : public SyncTest {
  protected:
    // One operation at a time, no retries: the fault answers exactly one of them.
    AnswerMessagesTest() {
        (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                    "  timeout_seconds: 20\n",
                                                    "  timeout_seconds: 20\n  max_retries: 0\n"
                                                    "  max_concurrency: 1\n  bulk: false\n"));
    }
};

TEST_F(AnswerMessagesTest, AnAnswerThatIsNotJsonIsShownRedactedAndCut) {
    const std::string page = "<html><head><title>Corporate proxy</title></head><body>Sign in "
                             "again. You sent: Bearer " +
                             server.token() + "</body>" + std::string(400, 'p') + "</html>";
    server.add_fault({{"method", "POST"}, {"status", 200}, {"raw", page}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("the answer is not valid JSON: <html><head><title>Corporate "
                              "proxy</title></head><body>Sign in again. You sent: Bearer "
                              "REDACTED</body>ppp"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find(server.token()), std::string::npos);
    EXPECT_EQ(result.err.find(server.token()), std::string::npos);
    EXPECT_EQ(result.out.find(std::string(200, 'p')), std::string::npos) << "cut at 200";
    EXPECT_EQ(server.users().size(), 9U) << "the page stood in for one create; the rest apply";
}

TEST_F(AnswerMessagesTest, AnErrorPageSaysInternalServerErrorOnce) {
    server.add_fault({{"method", "POST"},
                      {"status", 500},
                      {"raw", "<!doctype html>\n<html lang=en>\n<title>500 Internal Server "
                              "Error</title>\n<h1>Internal Server Error</h1>\n<p>The server "
                              "encountered an internal error.</p>\n"}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    const auto line = line_with(result.out, "HTTP 500");
    EXPECT_NE(line.find("HTTP 500: Internal Server Error The server encountered an internal "
                        "error."),
              std::string::npos)
        << result.out;
    EXPECT_EQ(occurrences(line, "Internal Server Error"), 1U) << line;
    EXPECT_EQ(server.users().size(), 9U);
}

// A re-hire under a new key whose userName is the account of the key that left: a conflict
// that names the command resolving it.
TEST_F(AnswerMessagesTest, AReHireConflictNamesTheHandOver) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto alan = server.user_with_external_id("E1004");
    const auto without_alan = without_line(example_csv(), "E1004,");
    write_csv(without_alan);
    for (int read = 0; read < 2; ++read) // absence is confirmed over two reads
        ASSERT_EQ(hr2scim({"sync", "--max-deactivations", "1"}, server.token()).exit_code, 0);
    ASSERT_EQ(server.user_with_external_id("E1004")["active"], false);
    write_csv(without_alan +
              "E5004,Alan,Turing,alan.turing@example.com,Fellow,Research,CC-200,,\n");
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("If E5004 is E1004 re-hired under a new key, check, then run "
                              "`hr2scim sync --hand-over E1004=E5004` to hand the account over"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.count_requests("PUT") + server.count_requests("PATCH"), 0U);
    EXPECT_TRUE(server.user_with_external_id("E5004").is_null());
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], false) << "Alan's account as it was";
    EXPECT_EQ(server.user_with_external_id("E1004")["id"], alan["id"]);
}

} // namespace
} // namespace hr2scim::testing
