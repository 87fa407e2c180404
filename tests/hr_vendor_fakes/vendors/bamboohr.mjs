// BambooHR's custom report, as documented (CHANGELOG.md lists what is enforced):
// https://documentation.bamboohr.com/reference/request-custom-report (and the OpenAPI spec it is
// built from, github.com/BambooHR/bhr-api-python specs/public.yaml, operation
// request-custom-report), https://documentation.bamboohr.com/docs/api-details (Basic auth with
// the API key, 503 when throttled), https://documentation.bamboohr.com/docs/list-of-field-names
const COMPANY = "acme";
const API_KEY = "bamboo-key-5f1c";
const MAX_FIELDS = 400;

const bambooId = (n) => String(40000 + n);
const employeeNumber = (n) => `E${String(n).padStart(4, "0")}`;

// Legacy endpoints answer errors with a status and a human-readable X-BambooHR-Message header;
// the body is empty.
function refuse(res, status, message) {
    res.set("X-BambooHR-Message", message);
    res.status(status).end();
}

// The report's fields by BambooHR field name: every value a string (the spec's
// additionalProperties: string), an empty text "" and an empty date 0000-00-00.
const FIELDS = {
    employeeNumber: ["text", "Employee #", (p) => employeeNumber(p.n)],
    firstName: ["text", "First Name", (p) => p.first],
    lastName: ["text", "Last Name", (p) => p.last],
    preferredName: ["text", "Preferred Name", (p) => p.preferred ?? ""],
    workEmail: ["email", "Work Email", (p) => p.email],
    jobTitle: ["list", "Job Title", (p) => p.title],
    department: ["list", "Department", (p) => p.department],
    division: ["list", "Division", () => ""],
    location: ["list", "Location", (p) => p.office],
    supervisor: ["employee", "Supervisor", (p, boss) => (boss ? `${boss.last}, ${boss.first}` : "")],
    supervisorEId: ["int", "Supervisor EID", (p, boss) => (boss ? bambooId(boss.n) : "")],
    supervisorId: ["text", "Supervisor ID", (p, boss) => (boss ? employeeNumber(boss.n) : "")],
    supervisorEmail: ["email", "Supervisor email", (p, boss) => boss?.email ?? ""],
    status: ["status", "Status", (p) => (p.status === "active" ? "Active" : "Inactive")],
    hireDate: ["date", "Hire Date", (p) => p.hire_date ?? "0000-00-00"],
    terminationDate: ["date", "Termination Date", (p) => p.termination_date ?? "0000-00-00"],
};

export function rateLimited(res) {
    // Throttled requests are answered 503 Service Unavailable (api-details); a second's wait.
    res.set("Retry-After", "1");
    refuse(res, 503, "Service Unavailable: too many requests");
}

// The API key is the Basic user name; the password is not checked.
function apiKey(req) {
    const header = req.header("Authorization") ?? "";
    if (!header.startsWith("Basic ")) return null;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    return decoded.includes(":") ? decoded.slice(0, decoded.indexOf(":")) : null;
}

// What the request must say to get a JSON report, or the documented refusal.
function badRequest(req) {
    const format = req.query.format;
    if (format !== undefined && String(format).toLowerCase() !== "json")
        return [404, `report format '${format}' not found (this fake answers JSON only)`];
    if (format === undefined && req.header("Accept") !== "application/json")
        return [404, "no format, and Accept is not exactly application/json"];
    // Anything but exactly application/json is parsed as XML.
    if (req.header("Content-Type") !== "application/json") return [400, "Malformed XML"];
    const fields = req.body?.fields;
    if (!Array.isArray(fields) || fields.length === 0) return [400, "the report names no fields"];
    if (fields.length > MAX_FIELDS) return [400, `more than ${MAX_FIELDS} fields`];
    return null;
}

export function install(app, fake) {
    app.post("/api/gateway.php/:company/v1/reports/custom", (req, res) => {
        if (req.params.company !== COMPANY) return refuse(res, 404, "company not found");
        if (apiKey(req) !== API_KEY) {
            fake.refused();
            return refuse(res, 401, "Invalid API key");
        }
        if (fake.arrived(req, res)) return;
        const problem = badRequest(req);
        if (problem) return refuse(res, ...problem);
        // Unknown fields (or ones the key's user may not see) are left out, still 200.
        const known = req.body.fields.filter((name) => name in FIELDS);
        fake.send(res, 1, {
            title: String(req.body.title ?? ""),
            fields: known.map((id) => ({id, type: FIELDS[id][0], name: FIELDS[id][1]})),
            // Active and inactive employees alike: the report has no status filter.
            employees: fake.company.people.map((person) => {
                const boss = person.manager ? fake.byNumber(person.manager) : null;
                const row = {id: bambooId(person.n)};
                for (const name of known) row[name] = FIELDS[name][2](person, boss);
                return row;
            }),
        });
    });
}
