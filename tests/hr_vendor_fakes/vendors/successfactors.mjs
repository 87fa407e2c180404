// SAP SuccessFactors' OData v2 User entity, as SAP's knowledge base documents it (CHANGELOG.md
// lists what is enforced): https://userapps.support.sap.com/sap/support/knowledge/en/2489065
// (server-side paging, __next), .../2723468 (customPageSize), .../2736579 and
// https://apps.support.sap.com/sap/support/knowledge/public/E/2166571 (status t/f, the
// implicit filter), .../3020341 (/Date(ms)/ dates), .../3290097 (LGN0015 on wrong credentials),
// .../3159263 (429)
const USERNAME = "hr2scim_api@ACME"; // Basic auth is username@companyId
const PASSWORD = "sf-password";
const MAX_PAGE_SIZE = 1000;
// Date-only fields are stored at midnight in the data centre's zone (here UTC+1).
const DATA_CENTRE_OFFSET_MS = 60 * 60 * 1000;
const PROPERTIES = ["userId", "username", "firstName", "lastName", "nickname", "email", "title",
                    "department", "division", "location", "status", "hireDate", "manager"];

// OData v2's error body; SuccessFactors puts its own code (LGN0015, COE_...) in it.
const error = (res, status, code, message) =>
    res.status(status).json({error: {code, message: {lang: "en-US", value: message}}});

const userId = (n) => String(100000 + n);
const odataDate = (day) => (day ? `/Date(${Date.parse(`${day}T00:00:00Z`) - DATA_CENTRE_OFFSET_MS})/` : null);

function property(name, person, boss, origin) {
    switch (name) {
    case "userId": return userId(person.n);
    case "username": return `person${String(person.n).padStart(4, "0")}`;
    case "firstName": return person.first;
    case "lastName": return person.last;
    case "nickname": return person.preferred;
    case "email": return person.email;
    case "title": return person.title;
    case "department": return person.department;
    case "division": return null;
    case "location": return person.office;
    // t active, f inactive (internal users).
    case "status": return person.status === "active" ? "t" : "f";
    case "hireDate": return odataDate(person.hire_date);
    case "manager": return boss ? {__metadata: metadata(boss, origin), userId: userId(boss.n)} : null;
    }
    return undefined;
}

const metadata = (person, origin) =>
    ({uri: `${origin}/odata/v2/User('${userId(person.n)}')`, type: "SFOData.User"});

function user(person, query, fake, origin) {
    const boss = person.manager ? fake.byNumber(person.manager) : null;
    const out = {__metadata: metadata(person, origin)};
    for (const name of query.select) {
        // A navigation that is not expanded is only a link.
        out[name] = name === "manager" && !query.expand.includes("manager")
            ? {__deferred: {uri: `${metadata(person, origin).uri}/manager`}}
            : property(name, person, boss, origin);
    }
    return out;
}

export function rateLimited(res) {
    // API rate limiting is announced (and postponed); a 429 says to come back later (SAP says
    // about 300 s; a second here).
    res.set("Retry-After", "1");
    error(res, 429, "COE_REQUEST_RATE_LIMITED", "Too many requests, retry later");
}

function authenticated(req) {
    const header = req.header("Authorization") ?? "";
    return header.startsWith("Basic ") &&
        Buffer.from(header.slice(6), "base64").toString("utf8") === `${USERNAME}:${PASSWORD}`;
}

// The statuses a $filter asks for: without one, active users only (t and T); `status in
// 't','f'` names them.
function statuses(filter) {
    if (filter === undefined) return ["t", "T"];
    const match = /^status in ((?:'[^']*',?)+)$/.exec(String(filter).trim());
    return match ? [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1]) : null;
}

// The query as OData reads it, or why it cannot: [code, message].
function readQuery(q) {
    const pageSize = q.customPageSize === undefined ? MAX_PAGE_SIZE : Number(q.customPageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
        return [null, ["COE_GENERAL_BAD_REQUEST", `customPageSize must be 1 to ${MAX_PAGE_SIZE}`]];
    const wanted = statuses(q.$filter);
    if (!wanted) return [null, ["COE_GENERAL_BAD_REQUEST", `the fake reads no $filter but status in: ${q.$filter}`]];
    const expand = q.$expand ? String(q.$expand).split(",") : [];
    const paths = q.$select ? String(q.$select).split(",") : PROPERTIES;
    for (const path of paths) {
        const [name, sub] = path.split("/");
        if (!PROPERTIES.includes(name)) return [null, ["COE_PROPERTY_NOT_FOUND", `Invalid property names: ${path}`]];
        if (sub !== undefined && (name !== "manager" || !expand.includes("manager") || sub !== "userId"))
            return [null, ["COE_PROPERTY_NOT_FOUND", `${path}: select into a navigation needs $expand`]];
    }
    let start = 0;
    if (q.$skiptoken !== undefined) {
        try {
            start = JSON.parse(Buffer.from(String(q.$skiptoken), "base64").toString("utf8")).startRow;
        } catch { start = NaN; }
        if (!Number.isInteger(start) || start < 0) return [null, ["COE_GENERAL_BAD_REQUEST", "invalid $skiptoken"]];
    }
    const select = [...new Set(paths.map((path) => path.split("/")[0]))];
    return [{pageSize, wanted, expand, select, start, count: q.$inlinecount === "allpages"}, null];
}

// The next page's URL: this query again, with a $skiptoken saying where the page starts.
function nextLink(req, origin, start, pageSize) {
    const url = new URL(req.originalUrl, origin);
    url.searchParams.set("$skiptoken", Buffer.from(JSON.stringify({startRow: start, endRow: start + pageSize})).toString("base64"));
    return url.toString();
}

export function install(app, fake) {
    app.get("/odata/v2/User", (req, res) => {
        if (!authenticated(req)) {
            fake.refused();
            return error(res, 401, "LGN0015",
                "[LGN0015]Authentication failed. You have entered an incorrect username or password (status code = 4).");
        }
        if (fake.arrived(req, res)) return;
        // JSON only when asked ($format=json or Accept); OData v2's default is Atom XML.
        if (req.query.$format !== "json" && !(req.header("Accept") ?? "").includes("application/json"))
            return res.type("application/atom+xml").send('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>');
        const [query, problem] = readQuery(req.query);
        if (problem) return error(res, 400, ...problem);
        const origin = fake.origin(req);
        const people = fake.company.people.filter((p) => query.wanted.includes(property("status", p)));
        const page = people.slice(query.start, query.start + query.pageSize);
        const d = {results: page.map((p) => user(p, query, fake, origin))};
        if (query.count) d.__count = String(people.length); // a string, as OData v2 writes it
        if (query.start + query.pageSize < people.length)
            d.__next = nextLink(req, origin, query.start + query.pageSize, query.pageSize);
        fake.send(res, Math.floor(query.start / query.pageSize) + 1, {d});
    });
}
