#include "mappings/decisions.hpp"

#include <tl/expected.hpp>

namespace hr2scim::mappings {
namespace {

using Day = date::year_month_day;

// A lifecycle date of the record: none when empty, an error when it is not a date.
tl::expected<std::optional<Day>, std::string> date_of(const ExpressionPtr& expression,
                                                      const char* name,
                                                      const connectors::Record& record,
                                                      Instant now) {
    if (!expression) return std::nullopt;
    Value value = evaluate(*expression, record, now);
    if (value.is_empty()) return std::nullopt;
    auto day = parse_day(value.text());
    if (!day)
        return tl::unexpected(
            std::string("lifecycle.") + name + ": '" + value.text() +
            "' is not a date (YYYY-MM-DD; format_datetime() converts other forms)");
    return day;
}

tl::expected<const date::time_zone*, std::string>
zone_of(const Lifecycle& lifecycle, const connectors::Record& record, Instant now) {
    if (!lifecycle.person_time_zone) return lifecycle.time_zone;
    std::string name = evaluate(*lifecycle.person_time_zone, record, now).text();
    if (name.empty()) return lifecycle.time_zone;
    if (const auto* zone = find_time_zone(name)) return zone;
    return tl::unexpected("lifecycle.person_time_zone: '" + name +
                          "' is not a time zone (for example Europe/Berlin)");
}

std::string when(Day day, const date::time_zone& zone) {
    return format_day(day) + " 00:00 " + std::string(zone.name()) + " (" +
           format_instant(start_of_day(day, zone)) + ")";
}

std::optional<std::string> decide_scope(const Scope& scope, const connectors::Record& record,
                                        Instant now, scim::DesiredResource& desired) {
    std::string why;
    if (scope.include && !evaluate(*scope.include, record, now).truthy()) {
        why = "include (" + scope.include_text + ") is false";
    } else if (scope.exclude && evaluate(*scope.exclude, record, now).truthy()) {
        why = "exclude (" + scope.exclude_text + ") is true";
    } else {
        return std::nullopt;
    }
    switch (scope.out_of_scope) {
    case OutOfScope::deactivate:
        desired.disposition = scim::Disposition::out_of_scope;
        return "out of scope: " + why + "; deactivated, never deleted";
    case OutOfScope::remove:
        desired.disposition = scim::Disposition::out_of_scope;
        desired.deletable = true;
        return "out of scope: " + why + "; deactivated, deleted after the grace period";
    case OutOfScope::leave:
        desired.disposition = scim::Disposition::hold;
        return "out of scope: " + why + "; the account, if any, is left as it is";
    }
    return std::nullopt;
}

std::optional<std::string> decide_dates(const Lifecycle& lifecycle,
                                        const connectors::Record& record, Instant now,
                                        scim::DesiredResource& desired) {
    auto zone = zone_of(lifecycle, record, now);
    if (!zone) return zone.error();
    auto hire = date_of(lifecycle.hire_date, "hire_date", record, now);
    if (!hire) return hire.error();
    auto last_day = date_of(lifecycle.termination_date, "termination_date", record, now);
    if (!last_day) return last_day.error();
    const date::time_zone& in = **zone;
    const Day today = local_day(now, in);
    // A hire date after the last day is a re-hire: the old termination no longer counts.
    const bool rehired = *hire && *last_day && **hire > **last_day;
    if (*last_day && !rehired) {
        const Day day_after{date::sys_days(**last_day) + date::days(1)};
        if (today >= day_after) {
            desired.body["active"] = false;
            desired.deletable = true;
            desired.terminated = true;
            desired.edit_details().decision = "terminated: last day " + format_day(**last_day) +
                                              "; inactive since " + when(day_after, in);
            return std::nullopt;
        }
        desired.edit_details().decision =
            "last day " + format_day(**last_day) + "; deactivated from " + when(day_after, in);
    }
    if (*hire && today < **hire) {
        const Day window{date::sys_days(**hire) - date::days(lifecycle.create_days_before)};
        if (today < window) {
            desired.disposition = scim::Disposition::hold;
            desired.edit_details().decision = "joins on " + format_day(**hire) +
                                              "; the account is created (inactive) from " +
                                              when(window, in);
            return std::nullopt;
        }
        desired.body["active"] = false;
        desired.edit_details().decision =
            "pre-hire: joins on " + format_day(**hire) + "; active from " + when(**hire, in);
        return std::nullopt;
    }
    if (desired.details().decision.empty())
        desired.edit_details().decision =
            "active (today is " + format_day(today) + " in " + std::string(in.name()) + ")";
    return std::nullopt;
}

} // namespace

std::optional<std::string> decide(const Mapping& mapping, const connectors::Record& record,
                                  Instant now, scim::DesiredResource& desired) {
    try {
        if (auto out_of_scope = decide_scope(mapping.scope, record, now, desired)) {
            desired.edit_details().decision = *out_of_scope;
            return std::nullopt;
        }
        if (!mapping.lifecycle.time_zone) return std::nullopt;
        return decide_dates(mapping.lifecycle, record, now, desired);
    } catch (const EvaluationError& error) {
        return std::string("scope or lifecycle: ") + error.what();
    }
}

} // namespace hr2scim::mappings
