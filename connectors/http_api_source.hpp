#pragma once
// People from an HR system's JSON API (BambooHR, Personio, Workday RaaS, home-grown): bearer,
// basic or OAuth2 client-credentials auth, the record array at a JSON pointer, five
// pagination styles. A page that fails, is not JSON, or lacks the array fails the source.

#include "connectors/field_path.hpp"
#include "connectors/pager.hpp"
#include "connectors/source.hpp"
#include "http/retry.hpp"
#include "http/retrying_sender.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hr2scim::connectors {

enum class ApiAuth { none, bearer, basic, oauth2 };

// `fields:`: a name the mapping reads, and where the API keeps it in each record.
struct ApiField {
    std::string name;
    FieldPath path;
    // A field the API may leave out of every record (ADP omits terminationDate until someone
    // is terminated); any other field that no record holds fails the read, naming what the API
    // returned: a tenant without the field must not empty it on every account.
    bool optional = false;
};

struct HttpApiSettings {
    std::string url;
    ApiAuth auth = ApiAuth::none;
    std::string token;                  // bearer; never logged
    std::string username;               // basic
    std::string password;               // basic; never logged
    std::string token_url;              // oauth2
    std::string client_id;              // oauth2
    std::string client_secret;          // oauth2; never logged
    std::string scope;                  // oauth2, optional
    bool client_secret_in_body = false; // oauth2: client_auth: body
    std::string refresh_token;          // oauth2: the refresh_token grant; never logged
    std::string token_pointer;          // oauth2: where the answer holds the token
    std::string method = "GET";         // or POST (BambooHR's custom reports, HiBob's search)
    std::string body;                   // POST: the JSON sent with every page's request
    std::vector<ApiField> fields;
    std::string client_certificate; // mutual TLS (ADP): PEM files
    std::string client_key;
    std::string records_pointer; // JSON pointer to the array; empty: the body is the array
    std::string key;             // the attribute that holds each person's key
    PaginationSettings pagination;
    std::chrono::seconds timeout{30};
    http::RetryPolicy retry{4, std::chrono::milliseconds(500), std::chrono::seconds(60),
                            std::chrono::seconds(300)};
    std::string ca_file;
    http::Sleeper sleeper; // tests may pass their own
};

class HttpApiSource final : public Source {
  public:
    explicit HttpApiSource(HttpApiSettings settings);
    [[nodiscard]] SourceRead read() override;
    [[nodiscard]] std::string describe() const override;

  private:
    HttpApiSettings m_settings;
};

[[nodiscard]] std::span<const OptionSpec> http_api_source_options();
[[nodiscard]] std::unique_ptr<Source> make_http_api_source(const SourceOptions& options);

} // namespace hr2scim::connectors
