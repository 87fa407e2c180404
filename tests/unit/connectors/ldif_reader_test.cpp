#include "connectors/ldif_reader.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

using Values = std::vector<std::string>;

TEST(LdifReader, ReadsEntriesWithFoldingBase64CommentsAndVersion) {
    auto parsed = parse_ldif("version: 1\n"
                             "\n"
                             "# Ada\n"
                             "dn: uid=ada,ou=people,dc=example,dc=com\n"
                             "objectClass: inetOrgPerson\n"
                             "objectClass: person\n"
                             "cn: Ada\n"
                             "  Lovelace\n"
                             "# a comment inside\n"
                             "description:: w6lsw6h2ZQ==\n"
                             "cn;lang-fr: Ada la comtesse\n"
                             "MAIL: ada@example.com\n"
                             "\n"
                             "dn: uid=bob,dc=example,dc=com\n"
                             "uid: bob\n");
    ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].reason;
    ASSERT_EQ(parsed.entries.size(), 2U);
    const auto& ada = parsed.entries[0];
    EXPECT_EQ(ada.dn, "uid=ada,ou=people,dc=example,dc=com");
    EXPECT_EQ(ada.line, 4U);
    EXPECT_EQ(ada.attributes.at("cn"), (Values{"Ada Lovelace"}))
        << "a folded line continues after one space";
    EXPECT_EQ(ada.attributes.at("description"), (Values{"élève"})) << "base64 is decoded";
    EXPECT_EQ(ada.attributes.at("objectclass"), (Values{"inetOrgPerson", "person"}))
        << "names ignore case";
    EXPECT_EQ(ada.attributes.at("mail"), (Values{"ada@example.com"}));
    EXPECT_EQ(ada.attributes.at("cn;lang-fr"), (Values{"Ada la comtesse"}))
        << "options are kept apart";
    EXPECT_EQ(parsed.entries[1].line, 14U);
}

TEST(LdifReader, VersionMayShareTheFirstRecordAndCrlfIsAccepted) {
    auto parsed =
        parse_ldif("version: 1\r\ndn: uid=a,dc=x\r\ncn: A\r\n\r\ndn: uid=b,dc=x\r\ncn: B\r\n");
    ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].reason;
    ASSERT_EQ(parsed.entries.size(), 2U);
    EXPECT_EQ(parsed.entries[0].attributes.at("cn"), (Values{"A"}));
    EXPECT_EQ(parsed.entries[1].line, 5U);
}

TEST(LdifReader, ABadRecordIsAnErrorNamingItsLineAndTheRestIsRead) {
    auto parsed =
        parse_ldif("dn: uid=a,dc=x\ncn: A\n\ndn: uid=b,dc=x\ncn: B\nthis line has no colon\n\n"
                   "dn: uid=c,dc=x\ncn: C\n");
    ASSERT_EQ(parsed.entries.size(), 2U);
    ASSERT_EQ(parsed.errors.size(), 1U);
    EXPECT_EQ(parsed.errors[0].line, 6U);
    EXPECT_EQ(parsed.errors[0].dn, "uid=b,dc=x");
    EXPECT_EQ(parsed.errors[0].reason, "not an `attribute: value` line");
}

TEST(LdifReader, ChangeRecordsAreRejected) {
    auto parsed = parse_ldif("dn: uid=a,dc=x\nchangetype: modify\nreplace: cn\ncn: A\n-\n");
    ASSERT_EQ(parsed.errors.size(), 1U);
    EXPECT_EQ(parsed.errors[0].line, 2U);
    EXPECT_EQ(parsed.errors[0].reason,
              "a change record (changetype: modify) is not an entry; export with slapcat, "
              "ldapsearch or ldifde instead");
}

TEST(LdifReader, UrlValuesAreNeverRead) {
    auto parsed = parse_ldif("dn: uid=a,dc=x\njpegPhoto:< file:///etc/passwd\n");
    ASSERT_EQ(parsed.errors.size(), 1U);
    EXPECT_EQ(parsed.errors[0].reason, "URL values (attribute:< URL) are not read");
    EXPECT_TRUE(parsed.entries.empty());
}

TEST(LdifReader, ARecordWithoutDnIsAnError) {
    auto parsed = parse_ldif("cn: nobody\n");
    ASSERT_EQ(parsed.errors.size(), 1U);
    EXPECT_EQ(parsed.errors[0].reason, "a record must start with dn:, not cn:");
}

TEST(LdifReader, LdapsearchTrailersSayWhetherTheExportIsWhole) {
    auto whole = parse_ldif("dn: uid=a,dc=x\ncn: A\n\n# search result\nsearch: 2\nresult: 0 "
                            "Success\n\n# numEntries: 1\n");
    EXPECT_EQ(whole.entries.size(), 1U);
    EXPECT_TRUE(whole.errors.empty());
    EXPECT_FALSE(whole.incomplete);

    auto cut = parse_ldif(
        "dn: uid=a,dc=x\ncn: A\n\n# search result\nsearch: 2\nresult: 4 Size limit exceeded\n");
    ASSERT_TRUE(cut.incomplete);
    EXPECT_EQ(
        *cut.incomplete,
        "line 6: the export ends with `result: 4 Size limit exceeded`, so it is not complete");
}

TEST(LdifReader, LinesStayRightAcrossOneLineRecordsAndBlankRuns) {
    auto parsed = parse_ldif("dn: uid=a,dc=x\n\n\n\ndn: uid=b,dc=x\n\ndn: uid=c,dc=x\nbroken\n");
    ASSERT_EQ(parsed.entries.size(), 2U);
    EXPECT_EQ(parsed.entries[0].line, 1U);
    EXPECT_EQ(parsed.entries[1].line, 5U);
    ASSERT_EQ(parsed.errors.size(), 1U);
    EXPECT_EQ(parsed.errors[0].line, 8U);
}

TEST(LdifReader, ALineLibldapSkipsDoesNotRepeatThePreviousEntry) {
    // Found by fuzz_ldif: libldap drops a record's first line when it starts with a digit and
    // leaves the previous record in its buffer.
    auto parsed = parse_ldif("dn: uid=a,dc=x\nuid: a\n\n42\n\ndn: uid=b,dc=x\n");
    ASSERT_EQ(parsed.entries.size(), 2U);
    EXPECT_EQ(parsed.entries[0].dn, "uid=a,dc=x");
    EXPECT_EQ(parsed.entries[1].dn, "uid=b,dc=x");
    EXPECT_EQ(parsed.entries[1].line, 6U);
    EXPECT_TRUE(parsed.errors.empty());
}

TEST(LdifReader, ANulByteFailsTheWholeRead) {
    using namespace std::string_view_literals;
    auto parsed = parse_ldif("dn: uid=a,dc=x\nuid: a\n\ndn: uid=b,dc=x\ncn: B\0\nuid: b\n"sv);
    ASSERT_TRUE(parsed.incomplete);
    EXPECT_EQ(*parsed.incomplete,
              "line 5: a NUL byte; LDIF is text (binary values must be base64, `attribute:: ...`)");
}

TEST(LdifReader, EmptyTextHasNothing) {
    auto parsed = parse_ldif("");
    EXPECT_TRUE(parsed.entries.empty());
    EXPECT_TRUE(parsed.errors.empty());
}

} // namespace
} // namespace hr2scim::connectors
