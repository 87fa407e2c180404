#include "connectors/ldif_source.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

const char* k_people =
    "dn: ou=people,dc=x\nobjectClass: organizationalUnit\n\n"
    "dn: uid=ada,ou=people,dc=x\nobjectClass: inetOrgPerson\nuid: ada\nemployeeNumber: 1001\n\n"
    "dn: uid=bob,ou=people,dc=x\nobjectClass: inetOrgPerson\nuid: bob\n\n"
    "dn: uid=eve,ou=people,dc=x\nobjectClass: inetOrgPerson\nuid: eve\nemployeeNumber: 1\n"
    "employeeNumber: 2\n";

SourceRead read(const std::string& key, std::vector<std::string> classes = {"inetOrgPerson"}) {
    return records_from_entries(parse_ldif(k_people).entries, "people.ldif",
                                {"people.ldif", key, std::move(classes)});
}

TEST(LdifSource, PeopleAreEntriesOfTheChosenObjectClasses) {
    auto by_uid = read("uid");
    ASSERT_EQ(by_uid.records.size(), 3U) << "the organizational unit is not a person";
    EXPECT_EQ(by_uid.records[0].key, "ada");
    EXPECT_EQ(by_uid.records[0].origin, "people.ldif:4");
    EXPECT_EQ(by_uid.records[0].value("dn"), "uid=ada,ou=people,dc=x")
        << "the DN is an attribute too";
    EXPECT_EQ(by_uid.records[0].value("employeenumber"), "1001");
}

TEST(LdifSource, TheKeyMustBeOneValue) {
    auto by_number = read("employeeNumber");
    ASSERT_EQ(by_number.records.size(), 1U);
    ASSERT_EQ(by_number.rejections.size(), 2U);
    EXPECT_EQ(by_number.rejections[0].origin, "people.ldif:9");
    EXPECT_EQ(by_number.rejections[0].reason, "uid=bob,ou=people,dc=x has no employeeNumber");
    EXPECT_EQ(by_number.rejections[1].reason,
              "uid=eve,ou=people,dc=x has 2 values of employeeNumber");
}

TEST(LdifSource, TheDnCanBeTheKey) {
    auto by_dn = read("dn");
    ASSERT_EQ(by_dn.records.size(), 3U);
    EXPECT_EQ(by_dn.records[1].key, "uid=bob,ou=people,dc=x");
}

TEST(LdifSource, AnIncompleteExportFailsTheSource) {
    testing::TempDir dir;
    (void)dir.write("cut.ldif", "dn: uid=a,dc=x\nobjectClass: person\nuid: a\n\nsearch: 2\nresult: "
                                "11 Admin limit exceeded\n");
    auto result = make_ldif_source(
                      {{{"path", "cut.ldif"}, {"key_attribute", "uid"}, {"object_class", "person"}},
                       dir.path()})
                      ->read();
    ASSERT_FALSE(result.complete());
    EXPECT_EQ(*result.failure,
              "cut.ldif: line 6: the export ends with `result: 11 Admin limit exceeded`, so it is "
              "not complete");
    EXPECT_EQ(result.records.size(), 1U);
}

TEST(LdifSource, SplitsObjectClassLists) {
    EXPECT_EQ(split_list(" inetOrgPerson, person ,user,"),
              (std::vector<std::string>{"inetOrgPerson", "person", "user"}));
}

} // namespace
} // namespace hr2scim::connectors
