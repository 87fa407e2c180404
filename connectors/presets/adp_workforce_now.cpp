// ADP Workforce Now: GET /hr/v2/workers with $top and $skip, answered {"workers": [...]};
// past the last worker, 204 No Content. The token is OAuth2 client credentials, the client id
// and secret sent as HTTP Basic (ADP's guide: "in the HTTP Authorization header using the
// HTTP Basic authentication scheme"), and every request (the token's too) goes over mutual
// TLS with the certificate ADP signed.
// https://developers.adp.com/articles/general/introduction-to-adp-restful-apis ($top, $skip)
// https://developers.adp.com/articles/guides/auth-process-data-connector-apps (certificate,
// client credentials); the worker's field paths as ADP's sample responses show them
// (github.com/adpllc/marketplace-sample-payloads, wfn/hr/workers-v2).
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"base_url", false, "https://api.adp.com", "the API's address"},
    OptionSpec{"token_host", false, "https://accounts.adp.com", "the token endpoint's address"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{base_url}/hr/v2/workers"},
    PresetValue{"auth", "oauth2"},
    PresetValue{"token_url", "{token_host}/auth/oauth/v2/token"},
    PresetValue{"client_secret_env", "ADP_CLIENT_SECRET"},
    PresetValue{"records", "/workers"},
    PresetValue{"key", "associate_oid"},
    PresetValue{"pagination", "offset"},
    PresetValue{"offset_param", "$skip"},
    PresetValue{"limit_param", "$top"},
    PresetValue{"page_size", "100"},
};

constexpr std::array k_fields = {
    PresetValue{"associate_oid", "associateOID"},
    PresetValue{"employee_id", "workerID.idValue"},
    PresetValue{"email", "businessCommunication.emails[0].emailUri?"},
    PresetValue{"first_name", "person.legalName.givenName"},
    PresetValue{"last_name", "person.legalName.familyName1"},
    PresetValue{"preferred_name", "person.preferredName.givenName?"},
    PresetValue{"title", "workAssignments[primaryIndicator=true].jobTitle?"},
    PresetValue{"department", "workAssignments[primaryIndicator=true].homeOrganizationalUnits"
                              "[typeCode.codeValue=Department].nameCode.shortName?"},
    // ADP's own sample names some departments by longName alone (Information Technology):
    // the mapping takes it where the shortName is missing.
    PresetValue{"department_long_name",
                "workAssignments[primaryIndicator=true].homeOrganizationalUnits"
                "[typeCode.codeValue=Department].nameCode.longName?"},
    PresetValue{"manager_id", "workAssignments[primaryIndicator=true].reportsTo[0].associateOID?"},
    PresetValue{"status", "workerStatus.statusCode.codeValue"},
    PresetValue{"hire_date", "workerDates.originalHireDate"},
    PresetValue{"termination_date", "workerDates.terminationDate?"},
};

} // namespace

const SourcePreset adp_workforce_now{
    "adp_workforce_now",
    "ADP Workforce Now",
    "http_api",
    "https://developers.adp.com/articles/general/introduction-to-adp-restful-apis",
    k_parameters,
    k_options,
    k_fields,
    "adp_workforce_now"};

} // namespace hr2scim::connectors::presets
