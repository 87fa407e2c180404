// The pieces of Entra's API-driven inbound provisioning that are pure: where the job's log is,
// the upload request's shape, and what one page of the log says.

#include "apply/inbound_upload.hpp"

#include <gtest/gtest.h>

namespace hr2scim::apply {
namespace {

using nlohmann::json;

constexpr const char* k_endpoint =
    "https://graph.microsoft.com/v1.0/servicePrincipals/8d1f/synchronization/jobs/"
    "API2AAD.5c1e.b9d2/bulkUpload";

TEST(UploadEndpoint, TheLogIsOnTheSameHostAndVersionFilteredByTheJob) {
    const auto endpoint = upload_endpoint(k_endpoint);
    ASSERT_TRUE(endpoint);
    EXPECT_EQ(endpoint->origin, "https://graph.microsoft.com");
    EXPECT_EQ(endpoint->logs_url, "https://graph.microsoft.com/v1.0/auditLogs/provisioning");
    EXPECT_EQ(endpoint->job_id, "API2AAD.5c1e.b9d2");
    const auto beta = upload_endpoint("http://127.0.0.1:8080/beta/servicePrincipals/s/"
                                      "synchronization/jobs/j%27x/bulkUpload/?a=b");
    ASSERT_TRUE(beta);
    EXPECT_EQ(beta->logs_url, "http://127.0.0.1:8080/beta/auditLogs/provisioning");
    EXPECT_EQ(beta->job_id, "j'x");
}

TEST(UploadEndpoint, AnythingElseIsNotOne) {
    for (const char* url :
         {"https://graph.microsoft.com/v1.0/servicePrincipals/8d1f/synchronization/jobs/j",
          "https://graph.microsoft.com/v1.0/servicePrincipals//synchronization/jobs/j/bulkUpload",
          "https://app.example.com/scim/v2", "graph.microsoft.com/v1.0/x", ""})
        EXPECT_FALSE(upload_endpoint(url)) << url;
}

TEST(UploadEndpoint, TheLogQueryNamesTheJobAndTheTimeWithOdataQuoting) {
    auto endpoint = *upload_endpoint(k_endpoint);
    endpoint.job_id = "it's";
    const auto query = provisioning_log_query(
        endpoint, std::chrono::sys_days(std::chrono::year_month_day(
                      std::chrono::year(2026), std::chrono::month(12), std::chrono::day(7))));
    EXPECT_EQ(query,
              "https://graph.microsoft.com/v1.0/auditLogs/provisioning?$filter=jobId%20eq%20%"
              "27it%27%27s%27%20and%20activityDateTime%20ge%202026-12-07T00%3A00%3A00Z");
}

TEST(UploadRequest, IsABulkRequestOfPostsToUsersEachListingItsSchemas) {
    const json user = upload_user(
        {{"externalId", "E1"},
         {"userName", "ada@example.com"},
         {"schemas", json::array({"stale"})},
         {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", {{"department", "R&D"}}},
         {"urn:contoso:employee", {{"HireDate", "2026-01-01"}}}});
    EXPECT_EQ(user["schemas"],
              json::array({"urn:ietf:params:scim:schemas:core:2.0:User",
                           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                           "urn:contoso:employee"}));
    const auto request =
        upload_request({{"b1", user}, {"b2", upload_user({{"externalId", "E2"}})}});
    EXPECT_EQ(request["schemas"],
              json::array({"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}));
    ASSERT_EQ(request["Operations"].size(), 2U);
    EXPECT_EQ(request["Operations"][0]["method"], "POST");
    EXPECT_EQ(request["Operations"][0]["path"], "/Users");
    EXPECT_EQ(request["Operations"][0]["bulkId"], "b1");
    EXPECT_EQ(request["Operations"][1]["data"]["schemas"].size(), 2U)
        << "core and enterprise on every user";
}

json entry(const std::string& id, const std::string& status, const json& error = nullptr) {
    return {{"activityDateTime", "2026-12-07T10:15:30.1234567Z"},
            {"provisioningAction", "create"},
            {"sourceIdentity", {{"id", id}}},
            {"provisioningStatusInfo", {{"status", status}, {"errorInformation", error}}}};
}

TEST(LogPage, ReadsEachEntrysSourceIdTimeStatusAndReason) {
    const auto endpoint = *upload_endpoint(k_endpoint);
    const json page = {
        {"value",
         json::array({entry("E1", "success"),
                      entry("E2", "failure",
                            {{"errorCode", "EntryConflict"}, {"reason", "The UPN is in use"}}),
                      entry("E3", "skipped"), entry("", "success"),
                      json{{"sourceIdentity", {{"id", "E4"}}}}, entry("E5", "new")})},
        {"@odata.nextLink",
         "https://graph.microsoft.com/v1.0/auditLogs/provisioning?$skiptoken=x"}};
    const auto read = read_log_page(page, endpoint);
    ASSERT_TRUE(read) << read.error();
    ASSERT_EQ(read->entries.size(), 4U);
    EXPECT_EQ(read->unreadable, 2U);
    EXPECT_EQ(read->entries[0].external_id, "E1");
    EXPECT_EQ(read->entries[0].status, LogEntry::Status::success);
    using namespace std::chrono;
    EXPECT_EQ(read->entries[0].at, sys_days(year_month_day(year(2026), month(12), day(7))) +
                                       hours(10) + minutes(15) + seconds(30));
    EXPECT_EQ(read->entries[1].status, LogEntry::Status::failure);
    EXPECT_EQ(read->entries[1].reason, "EntryConflict: The UPN is in use");
    EXPECT_EQ(read->entries[1].action, "create");
    EXPECT_EQ(read->entries[2].status, LogEntry::Status::skipped);
    EXPECT_EQ(read->entries[3].status, LogEntry::Status::other);
    EXPECT_EQ(read->next, page["@odata.nextLink"]);
}

TEST(LogPage, ANextLinkToAnotherHostOrNoValueListIsAnError) {
    const auto endpoint = *upload_endpoint(k_endpoint);
    const json elsewhere = {{"value", json::array()},
                            {"@odata.nextLink", "https://attacker.example/steal?$skiptoken=x"}};
    const auto refused = read_log_page(elsewhere, endpoint);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("another host"), std::string::npos);
    EXPECT_FALSE(read_log_page(json::array(), endpoint));
    EXPECT_FALSE(read_log_page({{"value", "x"}}, endpoint));
    EXPECT_FALSE(read_log_page({{"value", json::array()}, {"@odata.nextLink", 5}}, endpoint));
    EXPECT_FALSE(read_log_page({{"value", json::array()}}, endpoint)->next);
}

} // namespace
} // namespace hr2scim::apply
