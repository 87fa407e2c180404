// BambooHR: a custom report, POST /v1/reports/custom?format=JSON with the fields to return,
// answered {"fields": [...], "employees": [...]} in one page; inactive employees included (the
// directory lists only active ones), with status and terminationDate. onlyCurrent stays at its
// default (true): false would show future-dated values (next month's title) today. The API
// key is the Basic user name; the password is ignored. Throttled requests are answered 503.
// supervisorEId is the supervisor's id (the record's key).
// https://documentation.bamboohr.com/reference/request-custom-report
// https://documentation.bamboohr.com/docs/api-details
// https://documentation.bamboohr.com/docs/list-of-field-names
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"company", true, "", "your BambooHR subdomain (yourcompany.bamboohr.com)"},
    OptionSpec{"base_url", false, "https://api.bamboohr.com", "the API's address"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{base_url}/api/gateway.php/{company}/v1/reports/custom?format=JSON"},
    PresetValue{"method", "POST"},
    PresetValue{
        "body",
        R"({"title": "hr2scim", "fields": ["id", "employeeNumber", "firstName", "lastName", )"
        R"("preferredName", "workEmail", "jobTitle", "department", "division", "location", )"
        R"("supervisorEId", "status", "hireDate", "terminationDate"]})"},
    PresetValue{"auth", "basic"},
    PresetValue{"username_env", "BAMBOOHR_API_KEY"},
    PresetValue{"records", "/employees"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "none"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "id"},
    PresetValue{"employee_number", "employeeNumber?"},
    PresetValue{"email", "workEmail"},
    PresetValue{"first_name", "firstName"},
    PresetValue{"last_name", "lastName"},
    PresetValue{"preferred_name", "preferredName?"},
    PresetValue{"title", "jobTitle?"},
    PresetValue{"department", "department?"},
    PresetValue{"division", "division?"},
    PresetValue{"office", "location?"},
    PresetValue{"manager_id", "supervisorEId?"},
    PresetValue{"status", "status"},
    PresetValue{"hire_date", "hireDate"},
    PresetValue{"termination_date", "terminationDate?"},
};

} // namespace

const SourcePreset bamboohr{
    "bamboohr",   "BambooHR",
    "http_api",   "https://documentation.bamboohr.com/reference/request-custom-report",
    k_parameters, k_options,
    k_fields,     "bamboohr"};

} // namespace hr2scim::connectors::presets
