#pragma once
// Fields a log line carries besides its text, for the JSON and journald formats: the target
// the run is about and the person (source key) a line is about. Set here by the code that
// knows them, read by the sinks that write them; http/ holds it because every component
// links it.

#include <string>
#include <string_view>

namespace hr2scim::http {

struct LogFields {
    std::string target; // empty: not about a target
    std::string key;    // empty: not about one person
};

// The target of the run, for every thread's lines from now on.
void set_log_target(std::string target);

// While it lives, this thread's log lines are about the person `key`.
class LogKey {
  public:
    explicit LogKey(std::string_view key);
    ~LogKey();
    LogKey(const LogKey&) = delete;
    LogKey& operator=(const LogKey&) = delete;

  private:
    std::string m_previous;
};

// The fields of a line written now by this thread.
[[nodiscard]] LogFields current_log_fields();

} // namespace hr2scim::http
