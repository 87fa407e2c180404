#pragma once
// Counts the requests a run sends to its target, retries included, at the moment each goes,
// and holds the run to what the target's daily caps leave it (target.budget.writes_per_day,
// requests_per_day): a request over the allowance is not sent. The caps span runs, so the
// allowance is worked out from the state before the first request (agent/daily_cap.hpp).

#include "http/request_kind.hpp"

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::http {

struct RequestCounts {
    size_t writes = 0;
    size_t requests = 0; // reads and writes
    bool operator==(const RequestCounts&) const = default;
};

// What one run may still send; none: no cap of that kind.
struct Allowance {
    std::optional<size_t> writes;
    std::optional<size_t> requests;
    // Why a request over it is not sent, for its error: the setting and when the cap frees up.
    std::string writes_spent;
    std::string requests_spent;
};

// The start of the error a request refused by a daily cap gets: it was never sent, and the
// operation it belongs to waits for a later run (apply/executor.cpp).
inline constexpr std::string_view k_daily_cap_refusal = "not sent: the daily cap";
[[nodiscard]] bool refused_by_daily_cap(std::string_view message);

class RequestCounter {
  public:
    void allow(Allowance allowance);
    // Counts a request of this kind about to be sent; the refusal instead (starting with
    // k_daily_cap_refusal) when the run's allowance for it is used up.
    [[nodiscard]] std::optional<std::string> take(RequestKind kind);
    [[nodiscard]] RequestCounts sent() const;

  private:
    mutable std::mutex m_mutex;
    Allowance m_allowance;
    RequestCounts m_sent;
};

} // namespace hr2scim::http
