// The log formats as a log collector or journald reads them: --log-format json gives one
// JSON object a line, with the target and the person's key as fields; under systemd
// (JOURNAL_STREAM names standard error) lines go to journald's socket with real priorities
// and HR2SCIM_TARGET / HR2SCIM_KEY fields, and to standard error as "<priority>message" when
// the socket does not take them.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// A journald socket of our own: what hr2scim sends over the native protocol, one map of
// fields a datagram.
class JournalSocket {
  public:
    explicit JournalSocket(std::filesystem::path path)
        : m_path(std::move(path)), m_socket(::socket(AF_UNIX, SOCK_DGRAM, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, m_path.c_str(), sizeof address.sun_path - 1);
        EXPECT_EQ(::bind(m_socket, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    }
    ~JournalSocket() { ::close(m_socket); }
    JournalSocket(const JournalSocket&) = delete;
    JournalSocket& operator=(const JournalSocket&) = delete;

    [[nodiscard]] std::vector<std::map<std::string, std::string>> entries() const {
        std::vector<std::map<std::string, std::string>> entries;
        std::vector<char> buffer(1 << 20);
        for (;;) {
            const auto size = ::recv(m_socket, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (size <= 0) break;
            std::map<std::string, std::string> fields;
            std::string_view rest(buffer.data(), static_cast<size_t>(size));
            while (!rest.empty()) {
                const auto end = rest.find('\n');
                const auto line = rest.substr(0, end);
                const auto equals = line.find('=');
                EXPECT_NE(equals, std::string_view::npos) << "binary fields are not expected here";
                fields[std::string(line.substr(0, equals))] = line.substr(equals + 1);
                rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
            }
            entries.push_back(std::move(fields));
        }
        return entries;
    }

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
    int m_socket;
};

class LogsTest : public SyncTest {
  protected:
    // One person's key twice (rejected), and one user deleted behind hr2scim's back and then
    // changed (it is created again, with a warning about that person).
    void prepare_lines_about_people() {
        ASSERT_EQ(sync().exit_code, 0);
        const auto babbage = server.user_with_external_id("E1002");
        ASSERT_EQ(server.scim("DELETE", "/Users/" + babbage["id"].get<std::string>()).status, 204);
        auto csv = replace_once(example_csv(), "Principal Engineer", "Analytical Engineer");
        const auto last = csv.substr(csv.rfind("E1010"));
        write_csv(csv + last);
    }

    // hr2scim as systemd starts it: standard error is the stream JOURNAL_STREAM names.
    ProcessResult sync_under_journald(const std::filesystem::path& socket) {
        return run_process(
            {"/bin/sh", "-c",
             "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" \"$@\"",
             HR2SCIM_BINARY, "sync", "--config", (dir.path() / "config.yaml").string()},
            {{"HR2SCIM_TEST_TOKEN", server.token()}, {"HR2SCIM_JOURNAL_SOCKET", socket.string()}});
    }
};

TEST_F(LogsTest, JsonLinesCarryTheTargetAndThePersonsKeyAsFields) {
    prepare_lines_about_people();
    auto result = hr2scim({"sync", "--log-format", "json"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    bool rejection = false;
    bool recreated = false;
    for (const auto& line : lines_of(result.err)) {
        const auto entry = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(entry.is_object()) << "not a JSON object: " << line;
        EXPECT_TRUE(entry["time"].get<std::string>().ends_with("Z")) << line;
        EXPECT_TRUE(entry.contains("level") && entry.contains("logger")) << line;
        EXPECT_EQ(entry.value("target", ""), "test") << "every line of the run names it: " << line;
        const auto message = entry["message"].get<std::string>();
        if (message.starts_with("rejected ")) {
            rejection = true;
            EXPECT_EQ(entry["level"], "warn");
            EXPECT_EQ(entry.value("key", ""), "E1010") << line;
        }
        if (message.find("no longer exists on the target") != std::string::npos) {
            recreated = true;
            EXPECT_EQ(entry.value("key", ""), "E1002") << line;
        }
        EXPECT_EQ(line.find(server.token()), std::string::npos);
    }
    EXPECT_TRUE(rejection && recreated) << result.err;
    EXPECT_EQ(server.users().size(), 10U);
}

TEST_F(LogsTest, UnderJournaldLinesGoToItsSocketWithPrioritiesAndFields) {
    prepare_lines_about_people();
    JournalSocket journal(dir.path() / "journal.socket");
    auto result = sync_under_journald(journal.path());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.err, "") << "nothing on standard error: the journal took every line";
    const auto entries = journal.entries();
    ASSERT_FALSE(entries.empty());
    bool rejection = false;
    bool info = false;
    for (const auto& fields : entries) {
        EXPECT_EQ(fields.at("SYSLOG_IDENTIFIER"), "hr2scim");
        EXPECT_EQ(fields.at("HR2SCIM_TARGET"), "test");
        const auto& message = fields.at("MESSAGE");
        EXPECT_FALSE(message.starts_with("20")) << "no timestamp of ours: " << message;
        if (message.starts_with("rejected ")) {
            rejection = true;
            EXPECT_EQ(fields.at("PRIORITY"), "4");
            EXPECT_EQ(fields.at("HR2SCIM_KEY"), "E1010");
        }
        if (message.starts_with("read ")) {
            info = true;
            EXPECT_EQ(fields.at("PRIORITY"), "6");
            EXPECT_FALSE(fields.contains("HR2SCIM_KEY"));
        }
    }
    EXPECT_TRUE(rejection && info);
}

TEST_F(LogsTest, WithoutItsSocketJournaldGetsPriorityPrefixesAndNoTimestamps) {
    prepare_lines_about_people();
    auto result = sync_under_journald(dir.path() / "no-such.socket");
    EXPECT_EQ(result.exit_code, 2) << result.err;
    bool warning = false;
    for (const auto& line : lines_of(result.err)) {
        ASSERT_TRUE(line.starts_with("<")) << line;
        EXPECT_NE(line.substr(1, 1).find_first_of("234567"), std::string::npos) << line;
        EXPECT_FALSE(line.substr(3).starts_with("20")) << "no timestamp: " << line;
        warning = warning || line.starts_with("<4>rejected ");
    }
    EXPECT_TRUE(warning) << result.err;
}

TEST_F(LogsTest, AJournalStreamThatIsNotStandardErrorKeepsTheTextFormat) {
    auto result =
        run_process({HR2SCIM_BINARY, "sync", "--config", (dir.path() / "config.yaml").string()},
                    {{"HR2SCIM_TEST_TOKEN", server.token()}, {"JOURNAL_STREAM", "1:2"}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const auto& line : lines_of(result.err))
        EXPECT_TRUE(line.starts_with("20")) << "timestamped text: " << line;
}

} // namespace
} // namespace hr2scim::testing
