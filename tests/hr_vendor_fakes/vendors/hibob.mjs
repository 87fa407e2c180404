// HiBob's people search, as documented (CHANGELOG.md lists what is enforced):
// https://apidocs.hibob.com/docs/people-read-api-contract , https://apidocs.hibob.com/reference/post_people-search ,
// https://apidocs.hibob.com/docs/api-service-users , https://apidocs.hibob.com/docs/rate-limit ,
// https://apidocs.hibob.com/reference/error-handling , https://apidocs.hibob.com/docs/fields-metadata ,
// https://apidocs.hibob.com/docs/how-to-work-with-lists-public-api
const SERVICE_USER = "SERVICE-4711";
const SERVICE_TOKEN = "hibob-token-8d2e";
const MAX_FIELDS = 400;
const SEARCH_LIMIT_PER_MINUTE = 50;

// Most of Bob's APIs answer errors with a small JSON holding a key and an error.
const error = (res, status, key, message) => res.status(status).json({key, error: message});

const hibobId = (n) => `3332883884017${String(n).padStart(6, "0")}`;
// A list field holds its item's id; the item's name is in the list (or humanReadable).
const listItemId = (list, name) =>
    String([...`${list}:${name}`].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) % 900000000, 7) +
           100000000);
// Human-readable dates follow the calling user's locale (here dd/MM/yyyy); machine dates are ISO.
const localeDate = (day) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : null);

// Each field id: its machine value and its human-readable one.
const FIELDS = {
    "root.id": (p) => [hibobId(p.n)],
    "root.email": (p) => [p.email],
    "root.firstName": (p) => [p.first],
    "root.surname": (p) => [p.last],
    "root.displayName": (p) => [`${p.preferred ?? p.first} ${p.last}`],
    "work.title": (p) => [listItemId("title", p.title), p.title],
    "work.department": (p) => [listItemId("department", p.department), p.department],
    "work.site": (p) => [listItemId("site", p.office), p.office],
    "work.reportsTo": (p, boss) => boss
        ? [{id: hibobId(boss.n), email: boss.email, displayName: `${boss.preferred ?? boss.first} ${boss.last}`,
            firstName: boss.first, surname: boss.last}, `${boss.preferred ?? boss.first} ${boss.last}`]
        : [null],
    "work.startDate": (p) => [p.hire_date, localeDate(p.hire_date)],
    "work.employeeIdInCompany": (p) => [p.n, String(p.n)],
    "internal.status": (p) => [p.status === "active" ? "Active" : "Inactive"],
    "internal.lifecycleStatus": (p) => [p.status === "active" ? "employed" : "terminated",
                                        p.status === "active" ? "Employed" : "Terminated"],
    "internal.terminationDate": (p) => [p.termination_date, localeDate(p.termination_date)],
};

// root.* fields sit at the employee's top level; the others under their category.
function put(target, fieldId, value) {
    const [category, name] = fieldId.split(".");
    if (category === "root") target[name] = value;
    else (target[category] ??= {})[name] = value;
}

function employee(person, fields, humanReadable, fake) {
    const boss = person.manager ? fake.byNumber(person.manager) : null;
    const out = {}, human = {};
    for (const id of fields) {
        const [machine, readable = machine] = FIELDS[id](person, boss);
        put(out, id, humanReadable === "REPLACE" ? readable : machine);
        // Human-readable values only for fields that hold one.
        if (readable !== null && readable !== undefined) put(human, id, readable);
    }
    if (humanReadable === "APPEND") out.humanReadable = human;
    return out;
}

export function rateLimited(res) {
    // people/search: 50 requests a minute; beyond, 429 with the X-RateLimit-* headers, the reset
    // as a Unix time (here a second ahead).
    res.set("X-RateLimit-Limit", String(SEARCH_LIMIT_PER_MINUTE));
    res.set("X-RateLimit-Remaining", "0");
    res.set("X-RateLimit-Reset", String(Math.floor(Date.now() / 1000) + 1));
    error(res, 429, "rate.limit.exceeded", "Too many requests");
}

// A service user's ID and token, as HTTP Basic.
function serviceUser(req) {
    const header = req.header("Authorization") ?? "";
    if (!header.startsWith("Basic ")) return false;
    return Buffer.from(header.slice(6), "base64").toString("utf8") === `${SERVICE_USER}:${SERVICE_TOKEN}`;
}

// The one filter the contract allows: equals on root.id or root.email.
function matcher(filters) {
    if (filters === undefined || filters.length === 0) return () => true;
    const [filter] = filters;
    const at = {"root.id": (p) => hibobId(p.n), "root.email": (p) => p.email}[filter.fieldPath];
    if (!at || filter.operator !== "equals" || !Array.isArray(filter.values)) return null;
    return (person) => filter.values.includes(at(person));
}

function badRequest(body) {
    if (body.fields !== undefined && !Array.isArray(body.fields)) return "fields must be an array";
    if ((body.fields ?? []).length > MAX_FIELDS) return `more than ${MAX_FIELDS} fields`;
    if (body.filters !== undefined && (!Array.isArray(body.filters) || body.filters.length > 1))
        return "at most one filter";
    if (!matcher(body.filters)) return "unsupported filter";
    if (!["APPEND", "REPLACE", "", undefined].includes(body.humanReadable))
        return "humanReadable must be APPEND or REPLACE";
    return null;
}

export function install(app, fake) {
    app.post("/v1/people/search", (req, res) => {
        if (!serviceUser(req)) {
            fake.refused();
            return error(res, 401, "auth.unauthorized", "Unauthorized");
        }
        if (fake.arrived(req, res)) return;
        const body = req.body ?? {};
        const problem = badRequest(body);
        if (problem) return error(res, 400, "validation.error", problem);
        // Unknown field ids (or ones the service user may not see) are left out, silently.
        const fields = (body.fields?.length ? body.fields : Object.keys(FIELDS)).filter((id) => id in FIELDS);
        const matches = matcher(body.filters);
        // showInactive defaults to false: active employees only.
        const people = fake.company.people.filter((p) => matches(p) && (body.showInactive === true || p.status === "active"));
        // No pagination: everyone who matches, in one answer.
        fake.send(res, 1, {employees: people.map((p) => employee(p, fields, body.humanReadable, fake))});
    });
}
