#pragma once
// What ends a run: a config, mapping or state that cannot be used. The one exception base for
// it, caught once (agent/run.cpp), logged with its kind, exit 1. Everything else crosses stage
// boundaries as a value: expected<T, error> between stages, an apply::Outcome per operation.
// (Here, in http/, because every folder links it, as log_fields.hpp.)

#include <stdexcept>
#include <string>
#include <string_view>

namespace hr2scim {

class RunError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    // What kind of input failed, for the log line ("state: ..."); empty when the message
    // already names its file.
    [[nodiscard]] virtual std::string_view kind() const { return {}; }
};

} // namespace hr2scim
