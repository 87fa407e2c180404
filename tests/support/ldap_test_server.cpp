#include "tests/support/ldap_test_server.hpp"

#include "tests/support/child_process.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

void must(const ProcessResult& result, const std::string& what) {
    if (result.exit_code != 0)
        throw std::runtime_error(what + " failed: " + result.err + result.out);
}

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

} // namespace

LdapTestServer::LdapTestServer(int people) {
    write_certificates();
    write_config();
    load_people(people);
    start();
}

LdapTestServer::~LdapTestServer() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        ::waitpid(m_pid, nullptr, 0);
    }
}

void LdapTestServer::write_certificates() const {
    auto in = [&](const char* name) { return (m_dir.path() / name).string(); };
    must(run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-subj", "/CN=hr2scim test CA", "-keyout", in("ca.key"), "-out",
                      in("ca.pem")}),
         "openssl (CA)");
    must(run_process({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                      "-keyout", in("server.key"), "-out", in("server.csr")}),
         "openssl (request)");
    (void)m_dir.write("ext.cnf", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    must(run_process({"openssl", "x509", "-req", "-in", in("server.csr"), "-CA", in("ca.pem"),
                      "-CAkey", in("ca.key"), "-CAcreateserial", "-days", "2", "-extfile",
                      in("ext.cnf"), "-out", in("server.pem")}),
         "openssl (sign)");
}

void LdapTestServer::write_config() const {
    const std::string dir = m_dir.path().string();
    std::filesystem::create_directories(m_dir.path() / "db");
    (void)m_dir.write("slapd.conf",
                      "include /etc/ldap/schema/core.schema\n"
                      "include /etc/ldap/schema/cosine.schema\n"
                      "include /etc/ldap/schema/inetorgperson.schema\n"
                      "include /etc/ldap/schema/nis.schema\n"
                      "pidfile " +
                          dir +
                          "/slapd.pid\n"
                          "modulepath /usr/lib/ldap\n"
                          "moduleload back_mdb\n"
                          "TLSCACertificateFile " +
                          dir +
                          "/ca.pem\n"
                          "TLSCertificateFile " +
                          dir +
                          "/server.pem\n"
                          "TLSCertificateKeyFile " +
                          dir +
                          "/server.key\n"
                          // Plain searches stop at the limit; paged ones may read everything.
                          "sizelimit size.soft=" +
                          std::to_string(k_size_limit) +
                          " size.hard=" + std::to_string(k_size_limit) +
                          " size.prtotal=unlimited\n"
                          "database mdb\n"
                          "maxsize 104857600\n"
                          "suffix \"dc=example,dc=com\"\n"
                          "rootdn \"cn=admin,dc=example,dc=com\"\n"
                          "rootpw admin-pw-unused\n"
                          "directory " +
                          dir +
                          "/db\n"
                          "access to attrs=userPassword by anonymous auth by * none\n"
                          "access to * by dn.exact=\"" +
                          std::string(k_reader_dn) + "\" read by * none\n");
}

void LdapTestServer::load_people(int people) const {
    std::string ldif =
        "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
        "dc: example\n\n"
        "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n"
        "dn: " +
        std::string(k_reader_dn) +
        "\nobjectClass: simpleSecurityObject\n"
        "objectClass: organizationalRole\ncn: reader\nuserPassword: " +
        k_reader_password + "\n";
    for (int i = 1; i <= people; ++i) {
        char number[16];
        std::snprintf(number, sizeof number, "%05d", i);
        ldif += "\ndn: uid=user" + std::string(number) + "," + k_base_dn +
                "\nobjectClass: inetOrgPerson\nuid: user" + number + "\ncn: User " +
                std::to_string(i) + "\nsn: Number" + std::to_string(i) +
                "\ngivenName: User\nmail: user" + number +
                "@example.com\nemployeeNumber: " + number +
                "\ntitle: Engineer\ndepartmentNumber: D" + std::to_string(i % 7) + "\n";
    }
    auto file = m_dir.write("people.ldif", ldif);
    must(run_process({"/usr/sbin/slapadd", "-q", "-f", (m_dir.path() / "slapd.conf").string(), "-l",
                      file.string()}),
         "slapadd");
}

void LdapTestServer::start() {
    // A free port is free when asked, not when slapd binds it: a test server started
    // beside this one (ctest -j) can take it in between. Such a start ends at once and
    // is tried again on new ports; any other failure says what slapd said.
    constexpr int k_attempts = 5;
    std::string said;
    for (int attempt = 1; attempt <= k_attempts; ++attempt) {
        if (start_on_free_ports(said)) return;
        if (said.find("Address already in use") == std::string::npos) break;
    }
    throw std::runtime_error("slapd exited at start: " + said);
}

bool LdapTestServer::start_on_free_ports(std::string& said) {
    m_ldap_port = free_loopback_port();
    do
        m_ldaps_port = free_loopback_port();
    while (m_ldaps_port == m_ldap_port);
    std::string urls = ldap_url() + "/ " + ldaps_url() + "/";
    std::string config = (m_dir.path() / "slapd.conf").string();
    std::string log = (m_dir.path() / "slapd.log").string();
    m_pid = ::fork();
    if (m_pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        int errors = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(errors >= 0 ? errors : null, 2);
        ::execl("/usr/sbin/slapd", "slapd", "-f", config.c_str(), "-h", urls.c_str(), "-d", "none",
                nullptr);
        ::_exit(127);
    }
    // Wait for the listener: poll the port, bounded, not a fixed sleep.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts_connections(m_ldap_port) || !accepts_connections(m_ldaps_port)) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            std::ifstream in(log);
            said.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            if (said.empty()) said = "(nothing on its standard error)";
            return false;
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("slapd did not start");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::filesystem::path LdapTestServer::slapcat(const std::filesystem::path& destination) const {
    must(run_process({"/usr/sbin/slapcat", "-f", (m_dir.path() / "slapd.conf").string(), "-l",
                      destination.string()}),
         "slapcat");
    return destination;
}

} // namespace hr2scim::testing
