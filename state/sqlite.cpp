#include "state/sqlite.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace hr2scim::state {

std::optional<std::string> state_folder_problem(const std::filesystem::path& file, bool writing) {
    std::error_code error;
    const auto folder = std::filesystem::absolute(file, error).parent_path();
    if (!std::filesystem::is_directory(folder, error))
        return "the state's folder " + folder.string() +
               " does not exist (state: " + file.string() +
               "): correct `state:` in the config, or create the folder "
               "(mkdir -m 700 " +
               folder.string() +
               ") if this is a new install. It is not "
               "created: a mistyped path would start from nothing against a target that "
               "already holds this config's accounts";
    if (writing && ::access(folder.c_str(), W_OK | X_OK) != 0)
        return "cannot create or write the state in " + folder.string() + ": " +
               std::strerror(errno);
    return std::nullopt;
}

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw StateError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void create_private_file(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path))
        if (auto problem = state_folder_problem(path)) throw StateError(*problem);
    int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
    } else if (errno != EEXIST) {
        throw StateError("cannot create state file " + path.string() + ": " + std::strerror(errno));
    }
}

// A path as the path part of a file: URI (RFC 3986: %, ? and # would end or change it).
std::string uri_escaped(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static constexpr char k_hex[] = "0123456789ABCDEF";
            out += '%';
            out += k_hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            out += k_hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

using TextFunction = std::string (*)(std::string_view);

// What SQLite calls for a function of define_function: nothing may be thrown through it.
void call_text_function(sqlite3_context* context, int /*count*/, sqlite3_value** arguments) {
    const auto* value = sqlite3_value_text(arguments[0]);
    if (!value) {
        sqlite3_result_null(context);
        return;
    }
    const std::string_view text(reinterpret_cast<const char*>(value),
                                static_cast<size_t>(sqlite3_value_bytes(arguments[0])));
    try {
        const auto result = (*static_cast<TextFunction*>(sqlite3_user_data(context)))(text);
        sqlite3_result_text(context, result.data(), static_cast<int>(result.size()),
                            SQLITE_TRANSIENT);
    } catch (...) {
        sqlite3_result_error_nomem(context);
    }
}

} // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_statement, nullptr) !=
        SQLITE_OK)
        fail(db, "state query failed to prepare");
}

Statement::~Statement() {
    sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_db, "state query bind failed");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK)
        fail(m_db, "state query bind failed");
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK) fail(m_db, "state query bind failed");
    return *this;
}

bool Statement::step() {
    int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    fail(m_db, "state query failed");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

std::string_view Statement::view(int column) const {
    const auto* value = sqlite3_column_text(m_statement, column);
    return value ? std::string_view(reinterpret_cast<const char*>(value),
                                    static_cast<size_t>(sqlite3_column_bytes(m_statement, column)))
                 : std::string_view();
}

std::string Statement::text(int column) const {
    const auto* value = sqlite3_column_text(m_statement, column);
    return value ? std::string(reinterpret_cast<const char*>(value),
                               static_cast<size_t>(sqlite3_column_bytes(m_statement, column)))
                 : std::string();
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& path, bool read_only) {
    if (!read_only) create_private_file(path);
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX |
                SQLITE_OPEN_URI;
    // A reader of a WAL database leaves -wal and -shm files behind, owned by whoever ran it.
    // With no write-ahead log pending (the last sync closed cleanly) and the run lock held
    // shared, the file cannot change under us: read it as immutable, which creates nothing.
    std::filesystem::path wal = path;
    wal += "-wal";
    const bool immutable = read_only && !std::filesystem::exists(wal);
    const std::string name =
        immutable ? "file:" + uri_escaped(std::filesystem::absolute(path).string()) + "?immutable=1"
                  : "file:" + uri_escaped(path.string());
    if (sqlite3_open_v2(name.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        std::string message = "cannot open state file " + path.string();
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StateError(message);
    }
    sqlite3_busy_timeout(m_db, 10000);
    if (read_only) return;
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=NORMAL");
    execute("PRAGMA foreign_keys=ON");
}

Database::~Database() {
    sqlite3_close(m_db);
}

void Database::execute(std::string_view sql) {
    char* error = nullptr;
    if (sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw StateError("state statement failed: " + message);
    }
}

std::int64_t Database::last_insert_id() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

void Database::define_function(const char* name, std::string (*function)(std::string_view)) {
    auto* user_data = new TextFunction(function); // SQLite deletes it with the connection
    if (sqlite3_create_function_v2(
            m_db, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, user_data,
            call_text_function, nullptr, nullptr,
            [](void* data) { delete static_cast<TextFunction*>(data); }) != SQLITE_OK)
        fail(m_db, std::string("cannot define the SQL function ") + name);
}

bool Database::in_transaction() const {
    return sqlite3_get_autocommit(m_db) == 0;
}

// Inside another transaction (a recorder's batch that saves a group and its members), a
// savepoint: it lands with the outer transaction, or not at all.
Transaction::Transaction(Database& db) : m_db(db), m_nested(db.in_transaction()) {
    m_db.execute(m_nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (m_done) return;
    try {
        m_db.execute(m_nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    } catch (
        ...) { // destructors never throw; the rollback happens when the connection closes anyway
    }
}

void Transaction::commit() {
    m_db.execute(m_nested ? "RELEASE nested" : "COMMIT");
    m_done = true;
}

} // namespace hr2scim::state
