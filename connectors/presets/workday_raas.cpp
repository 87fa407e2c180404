// Workday Report-as-a-Service: a custom report exposed as a web service, read as JSON with
// ?format=json, answered {"Report_Entry": [...]} whole (no paging); the field names are the
// report's column aliases. An integration system user (ISU) authenticates with Basic auth.
// https://doc.workday.com/admin-guide/en-us/integrations/integration-tools/reports-as-a-service.html
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"host", true, "",
               "your tenant's services host, such as https://wd2-impl-services1.workday.com"},
    OptionSpec{"tenant", true, "", "your Workday tenant's name"},
    OptionSpec{"report_owner", true, "", "the user who owns the report (the ISU)"},
    OptionSpec{"report", false, "Worker_Directory", "the report's web service name"},
};

constexpr std::array k_options = {
    PresetValue{"url",
                "{host}/ccx/service/customreport2/{tenant}/{report_owner}/{report}?format=json"},
    PresetValue{"auth", "basic"},
    PresetValue{"username", "{report_owner}"},
    PresetValue{"password_env", "WORKDAY_ISU_PASSWORD"},
    PresetValue{"records", "/Report_Entry"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "none"},
    PresetValue{"timeout_seconds", "120"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "Employee_ID"},
    PresetValue{"email", "Work_Email"},
    PresetValue{"first_name", "First_Name"},
    PresetValue{"last_name", "Last_Name"},
    PresetValue{"preferred_name", "Preferred_Name?"},
    PresetValue{"title", "Business_Title?"},
    PresetValue{"department", "Supervisory_Organization?"},
    PresetValue{"cost_center", "Cost_Center?"},
    PresetValue{"company", "Company?"},
    PresetValue{"work_phone", "Work_Phone?"},
    PresetValue{"mobile_phone", "Mobile_Phone?"},
    PresetValue{"manager_id", "Manager_Employee_ID?"},
    PresetValue{"hire_date", "Hire_Date?"},
    PresetValue{"termination_date", "Termination_Date?"},
};

} // namespace

const SourcePreset workday_raas{"workday_raas",
                                "Workday (Report-as-a-Service)",
                                "http_api",
                                "https://doc.workday.com/admin-guide/en-us/integrations/"
                                "integration-tools/reports-as-a-service.html",
                                k_parameters,
                                k_options,
                                k_fields,
                                "workday_raas"};

} // namespace hr2scim::connectors::presets
