// A zero-latency SCIM 2.0 sink for benchmarks: an in-memory RFC 7644 service provider, Node's
// built-ins only (no scimmy, no express), that answers every request at once, so that what a
// benchmark measures is hr2scim, not the server. It keeps what hr2scim needs for its answers to
// be truthful:
//   - discovery: GET /ServiceProviderConfig, /Schemas, /ResourceTypes (User with the enterprise
//     extension, Group), each also by id;
//   - Users and Groups: POST (201, the stored resource, Location, ETag, meta.version), GET by id,
//     PUT, PATCH (RFC 7644 §3.5.2: add/replace/remove, with or without a path; paths
//     "attr", "attr.sub", "<URN>:attr", "attr[sub eq value]" and "attr[sub eq value].sub"),
//     DELETE (204); userName (Users) and displayName (Groups) unique ignoring case (409
//     uniqueness);
//   - lists: GET /Users, /Groups with startIndex/count paging (at most 1000 a page) and a
//     filter of one comparison `attrPath eq value` (the look-ups hr2scim sends: externalId,
//     userName, emails.value, displayName, any "<URN>:attr"); userName, e-mails and
//     displayName compare ignoring case, id and externalId exactly (RFC 7643 caseExact);
//   - a bearer token ($SCIM_TEST_TOKEN): 401 without it;
//   - --etag: /ServiceProviderConfig says ETags are supported and an If-Match naming another
//     version is refused with 412 (without it, versions are given but If-Match is ignored);
//   - --bulk N: /ServiceProviderConfig says Bulk is supported (N operations a request, 1 MiB)
//     and POST /Bulk runs the operations in order, resolving "bulkId:<id>" references to
//     resources created earlier in the request; without it Bulk is not supported (501).
// What it does not do: no filter beyond one `eq` (no and/or/not, no other operators: 400
// invalidFilter), no sorting, no attributes/excludedAttributes projection, no schema
// validation of the values sent (any attribute is stored as sent), no /Me, no /.search, no
// persistence, no TLS, no OAuth2 or Basic authentication, no cursor paging.
// GET /_stats (no token needed) answers what it saw: requests by method, by route and by
// status, Bulk operations by method, and what it holds (users, active users, users with a
// manager, groups, group members).
//
// Usage: SCIM_TEST_TOKEN=secret node bench/sink_server.mjs [--port N] [--etag] [--bulk N]
// Listens on 127.0.0.1; prints "LISTENING <port>" on stdout once ready (--port 0: a free port);
// stops on SIGTERM, SIGINT or when stdin closes, printing "STATS <json>" on stdout.
import http from "node:http";
import crypto from "node:crypto";

const argv = process.argv.slice(2);
const option = (name) => {
    const at = argv.indexOf(`--${name}`);
    return at < 0 ? undefined : argv[at + 1];
};
const port = Number(option("port") ?? 0);
const etagEnforced = argv.includes("--etag");
const bulkMax = Number(option("bulk") ?? 0);
const bulkMaxPayload = 1048576;
const maxPage = 1000;
const token = process.env.SCIM_TEST_TOKEN ?? "test-token";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

// ---- Discovery documents (RFC 7643 §5-§8.7; attribute characteristics abbreviated) ----
const attr = (name, type = "string", extra = {}) => ({
    name, type, multiValued: false, required: false, caseExact: false, mutability: "readWrite",
    returned: "default", uniqueness: "none", ...extra});
const multi = (name, subs) => attr(name, "complex", {multiValued: true, subAttributes: subs});
const typed = (...more) => [attr("value"), attr("display"), attr("type"), attr("primary", "boolean"), ...more];
const userSchema = {
    id: USER, name: "User", description: "User Account",
    attributes: [
        attr("userName", "string", {required: true, uniqueness: "server"}),
        attr("name", "complex", {subAttributes: ["formatted", "familyName", "givenName", "middleName",
            "honorificPrefix", "honorificSuffix"].map((n) => attr(n))}),
        ...["displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage",
            "locale", "timezone"].map((n) => attr(n, n === "profileUrl" ? "reference" : "string")),
        attr("active", "boolean"),
        attr("password", "string", {mutability: "writeOnly", returned: "never"}),
        multi("emails", typed()), multi("phoneNumbers", typed()), multi("ims", typed()),
        multi("photos", typed()),
        multi("addresses", ["formatted", "streetAddress", "locality", "region", "postalCode",
            "country", "type"].map((n) => attr(n)).concat([attr("primary", "boolean")])),
        multi("groups", [attr("value", "string", {mutability: "readOnly"}),
            attr("$ref", "reference", {mutability: "readOnly"}),
            attr("display", "string", {mutability: "readOnly"}),
            attr("type", "string", {mutability: "readOnly"})]),
        multi("entitlements", typed()), multi("roles", typed()), multi("x509Certificates", typed()),
    ],
};
const enterpriseSchema = {
    id: ENTERPRISE, name: "EnterpriseUser", description: "Enterprise User",
    attributes: [
        ...["employeeNumber", "costCenter", "organization", "division", "department"].map((n) => attr(n)),
        attr("manager", "complex", {subAttributes: [attr("value"), attr("$ref", "reference"),
            attr("displayName", "string", {mutability: "readOnly"})]}),
    ],
};
const groupSchema = {
    id: GROUP, name: "Group", description: "Group",
    attributes: [
        attr("displayName", "string", {required: true}),
        multi("members", [attr("value", "string", {mutability: "immutable"}),
            attr("$ref", "reference", {mutability: "immutable"}), attr("display"),
            attr("type", "string", {mutability: "immutable"})]),
    ],
};
const schemas = [userSchema, enterpriseSchema, groupSchema].map((schema) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"], ...schema,
    meta: {resourceType: "Schema", location: `/Schemas/${schema.id}`}}));
const resourceTypes = [
    {id: "User", name: "User", endpoint: "/Users", description: "User Account", schema: USER,
        schemaExtensions: [{schema: ENTERPRISE, required: false}]},
    {id: "Group", name: "Group", endpoint: "/Groups", description: "Group", schema: GROUP,
        schemaExtensions: []},
].map((type) => ({schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], ...type,
    meta: {resourceType: "ResourceType", location: `/ResourceTypes/${type.id}`}}));
const serviceProviderConfig = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    patch: {supported: true},
    bulk: bulkMax > 0 ? {supported: true, maxOperations: bulkMax, maxPayloadSize: bulkMaxPayload}
        : {supported: false, maxOperations: 0, maxPayloadSize: 0},
    filter: {supported: true, maxResults: maxPage},
    changePassword: {supported: false},
    sort: {supported: false},
    etag: {supported: etagEnforced},
    authenticationSchemes: [{type: "oauthbearertoken", name: "OAuth Bearer Token",
        description: "A fixed bearer token ($SCIM_TEST_TOKEN)", primary: true}],
    meta: {resourceType: "ServiceProviderConfig", location: "/ServiceProviderConfig"},
};

// ---- Storage ----
// One store per resource type: resources by id, and an index of the unique attribute
// (lower-cased) and of externalId, so that the look-ups hr2scim sends are O(1).
class Store {
    constructor(resourceType, unique) {
        this.resourceType = resourceType;
        this.unique = unique;
        this.byId = new Map();
        this.byUnique = new Map();
        this.byExternalId = new Map(); // externalId -> Set of ids (not unique in SCIM)
        this.listed = null; // [...byId.values()] until the next change, for paging
    }
    uniqueKey(resource) {
        const value = resource[this.unique];
        return typeof value === "string" ? value.toLowerCase() : undefined;
    }
    // A 409 when another resource holds the unique value.
    taken(resource, id) {
        const key = this.uniqueKey(resource);
        const holder = key === undefined ? undefined : this.byUnique.get(key);
        return holder !== undefined && holder !== id;
    }
    put(resource) {
        const old = this.byId.get(resource.id);
        if (old) this.unindex(old);
        this.byId.set(resource.id, resource);
        const key = this.uniqueKey(resource);
        if (key !== undefined) this.byUnique.set(key, resource.id);
        if (typeof resource.externalId === "string") {
            let ids = this.byExternalId.get(resource.externalId);
            if (!ids) this.byExternalId.set(resource.externalId, ids = new Set());
            ids.add(resource.id);
        }
        this.listed = null;
    }
    unindex(resource) {
        const key = this.uniqueKey(resource);
        if (key !== undefined && this.byUnique.get(key) === resource.id) this.byUnique.delete(key);
        const ids = this.byExternalId.get(resource.externalId);
        if (ids) {
            ids.delete(resource.id);
            if (!ids.size) this.byExternalId.delete(resource.externalId);
        }
    }
    remove(id) {
        const old = this.byId.get(id);
        if (!old) return false;
        this.unindex(old);
        this.byId.delete(id);
        this.listed = null;
        return true;
    }
    all() {
        return this.listed ??= [...this.byId.values()];
    }
}
const stores = {Users: new Store("User", "userName"), Groups: new Store("Group", "displayName")};
let versions = 0;

// ---- Counting ----
const stats = {byMethod: {}, byRoute: {}, byStatus: {}, bulkOperations: {}};
const bump = (table, key) => { table[key] = (table[key] ?? 0) + 1; };
function holding() {
    const users = stores.Users.all();
    let active = 0, withManager = 0, members = 0;
    for (const user of users) {
        if (user.active === true) active++;
        if (user[ENTERPRISE]?.manager?.value) withManager++;
    }
    for (const group of stores.Groups.all()) members += Array.isArray(group.members) ? group.members.length : 0;
    return {users: users.length, activeUsers: active, usersWithManager: withManager,
        groups: stores.Groups.byId.size, groupMembers: members};
}

// ---- Answers ----
class ScimError extends Error {
    constructor(status, scimType, detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }
}
const fail = (status, scimType, detail) => { throw new ScimError(status, scimType, detail); };
const errorBody = (error) => ({schemas: [ERROR], status: String(error.status),
    ...(error.scimType ? {scimType: error.scimType} : {}), detail: error.message});
const clone = (value) => structuredClone(value);

// Case-insensitive attribute names (RFC 7643 §2.1): the key an object already uses, or `name`.
function keyOf(object, name) {
    if (!object || typeof object !== "object") return name;
    if (Object.hasOwn(object, name)) return name;
    const lower = name.toLowerCase();
    return Object.keys(object).find((key) => key.toLowerCase() === lower) ?? name;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

// ---- Filters: one `attrPath eq value` (RFC 7644 §3.4.2.2) ----
// "emails[type eq \"work\"].value" in a PATCH path, or "userName eq \"x\"" in a list filter.
function parseComparison(text) {
    const match = /^\s*(\S+?)\s+(eq)\s+(.+?)\s*$/i.exec(text);
    if (!match) return null;
    let value;
    try { value = JSON.parse(match[3]); } catch { return null; }
    if (typeof value === "object" && value !== null) return null;
    return {path: match[1], value};
}

const caseExact = (name) => ["id", "externalid"].includes(name.toLowerCase());
function same(left, right, exact) {
    if (typeof left === "string" && typeof right === "string")
        return exact ? left === right : left.toLowerCase() === right.toLowerCase();
    return left === right;
}

// The values at "a", "a.b", "<URN>:a" or "<URN>:a.b" of a resource, multi-valued ones flattened.
function valuesAt(resource, path) {
    let holder = resource, rest = path;
    if (path.toLowerCase().startsWith("urn:")) {
        const colon = path.lastIndexOf(":");
        const schema = path.slice(0, colon);
        rest = path.slice(colon + 1);
        if (schema.toLowerCase() !== USER.toLowerCase() && schema.toLowerCase() !== GROUP.toLowerCase())
            holder = resource[keyOf(resource, schema)];
    }
    let found = [holder];
    for (const name of rest.split(".")) {
        found = found.flatMap((item) => {
            if (!isObject(item)) return [];
            const value = item[keyOf(item, name)];
            return value === undefined ? [] : Array.isArray(value) ? value : [value];
        });
    }
    return found;
}

function list(store, query) {
    let matched;
    if (query.has("filter")) {
        const comparison = parseComparison(query.get("filter"));
        if (!comparison) fail(400, "invalidFilter", `only "attrPath eq value" is supported here: ${query.get("filter")}`);
        const {path, value} = comparison;
        const exact = caseExact(path.split(".").pop().split(":").pop());
        if (path.toLowerCase() === store.unique.toLowerCase() && typeof value === "string") {
            const id = store.byUnique.get(value.toLowerCase());
            matched = id ? [store.byId.get(id)] : [];
        } else if (path.toLowerCase() === "externalid" && typeof value === "string") {
            matched = [...(store.byExternalId.get(value) ?? [])].map((id) => store.byId.get(id));
        } else if (path.toLowerCase() === "id") {
            matched = store.byId.has(value) ? [store.byId.get(value)] : [];
        } else {
            matched = store.all().filter((resource) => valuesAt(resource, path).some((held) => same(held, value, exact)));
        }
    } else {
        matched = store.all();
    }
    const startIndex = Math.max(1, Number.parseInt(query.get("startIndex") ?? "1", 10) || 1);
    const asked = Number.parseInt(query.get("count") ?? String(maxPage), 10);
    const count = Math.min(Number.isFinite(asked) ? Math.max(0, asked) : maxPage, maxPage);
    const page = matched.slice(startIndex - 1, startIndex - 1 + count);
    return {schemas: [LIST], totalResults: matched.length, itemsPerPage: page.length, startIndex,
        Resources: page};
}

// ---- PATCH (RFC 7644 §3.5.2) ----
// Where a path points: the object holding the attribute, its key, and a value filter.
function locate(resource, path, create) {
    let rest = path.trim();
    let holder = resource;
    if (rest.toLowerCase().startsWith("urn:")) {
        // The schema ends at the last colon before any value filter ("<URN>:manager.value").
        const bracket = rest.indexOf("[");
        const colon = rest.lastIndexOf(":", bracket < 0 ? rest.length : bracket);
        const schema = rest.slice(0, colon);
        rest = rest.slice(colon + 1);
        if (schema.toLowerCase() !== USER.toLowerCase() && schema.toLowerCase() !== GROUP.toLowerCase()) {
            const key = keyOf(resource, schema);
            if (!isObject(resource[key])) {
                if (!create) return null;
                resource[key] = {};
                extendSchemas(resource, key);
            }
            holder = resource[key];
        }
    }
    // attr, attr.sub, attr[filter], attr[filter].sub
    const match = /^([^.\[\]]+)(?:\[(.*)\])?(?:\.([^.\[\]]+))?$/.exec(rest);
    if (!match) fail(400, "invalidPath", `cannot read the path ${path}`);
    const [, attrPath, filter, sub] = match;
    if (!attrPath || /[\s\[\]]/.test(attrPath)) fail(400, "invalidPath", `cannot read the path ${path}`);
    let comparison = null;
    if (filter !== undefined) {
        comparison = parseComparison(filter);
        if (!comparison) fail(400, "invalidFilter", `only "sub eq value" filters are supported in a path: ${path}`);
    }
    return {holder, key: keyOf(holder, attrPath), comparison, sub};
}

function extendSchemas(resource, urn) {
    if (!Array.isArray(resource.schemas)) resource.schemas = [];
    if (!resource.schemas.some((s) => s.toLowerCase() === urn.toLowerCase())) resource.schemas.push(urn);
}

function matches(item, comparison) {
    if (!isObject(item)) return false;
    const held = item[keyOf(item, comparison.path)];
    return same(held, comparison.value, caseExact(comparison.path));
}

// Equal values are not added twice to a multi-valued attribute (RFC 7644 §3.5.2.1).
const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function mergeInto(target, values, op) {
    for (const [name, value] of Object.entries(values)) {
        if (name.toLowerCase().startsWith("urn:") && isObject(value)) {
            const key = keyOf(target, name);
            if (!isObject(target[key])) target[key] = {};
            if (name.toLowerCase() !== USER.toLowerCase()) extendSchemas(target, key);
            mergeInto(name.toLowerCase() === USER.toLowerCase() ? target : target[key], value, op);
            continue;
        }
        setValue(target, keyOf(target, name), value, op);
    }
}

function setValue(holder, key, value, op) {
    const old = holder[key];
    if (op === "add" && Array.isArray(old)) {
        for (const item of Array.isArray(value) ? value : [value])
            if (!old.some((held) => sameJson(held, item))) old.push(item);
    } else if (isObject(old) && isObject(value)) {
        Object.assign(old, Object.fromEntries(Object.entries(value).map(([n, v]) => [keyOf(old, n), v])));
    } else {
        holder[key] = value;
    }
}

function applyOperation(resource, operation) {
    if (!isObject(operation)) fail(400, "invalidSyntax", "an operation is not an object");
    const op = String(operation.op ?? "").toLowerCase();
    if (!["add", "replace", "remove"].includes(op)) fail(400, "invalidSyntax", `unknown op ${operation.op}`);
    const path = operation.path;
    if (path === undefined || path === "") {
        if (op === "remove") fail(400, "noTarget", "remove needs a path");
        if (!isObject(operation.value)) fail(400, "invalidValue", `${op} without a path needs an object value`);
        mergeInto(resource, operation.value, op);
        return;
    }
    if (op !== "remove" && operation.value === undefined) fail(400, "invalidValue", `${op} ${path} has no value`);
    const where = locate(resource, String(path), op !== "remove");
    if (!where) return; // removing from an extension the resource does not have
    const {holder, key, comparison, sub} = where;
    if (comparison) {
        const items = Array.isArray(holder[key]) ? holder[key] : [];
        const hit = items.filter((item) => matches(item, comparison));
        if (!hit.length) fail(400, "noTarget", `no value of ${path}`);
        if (op === "remove") {
            if (sub) for (const item of hit) delete item[keyOf(item, sub)];
            else holder[key] = items.filter((item) => !hit.includes(item));
        } else {
            for (const item of hit) {
                if (sub) item[keyOf(item, sub)] = clone(operation.value);
                else if (isObject(operation.value)) Object.assign(item, clone(operation.value));
                else fail(400, "invalidValue", `${path} takes an object`);
            }
        }
    } else if (sub) {
        if (op === "remove") {
            if (isObject(holder[key])) delete holder[key][keyOf(holder[key], sub)];
            else if (Array.isArray(holder[key])) for (const item of holder[key]) if (isObject(item)) delete item[keyOf(item, sub)];
        } else {
            if (Array.isArray(holder[key])) {
                for (const item of holder[key]) if (isObject(item)) item[keyOf(item, sub)] = clone(operation.value);
            } else {
                if (!isObject(holder[key])) holder[key] = {};
                holder[key][keyOf(holder[key], sub)] = clone(operation.value);
            }
        }
    } else if (op === "remove") {
        delete holder[key];
    } else if (op === "replace" && Array.isArray(holder[key])) {
        holder[key] = clone(Array.isArray(operation.value) ? operation.value : [operation.value]);
    } else {
        setValue(holder, key, clone(operation.value), op);
    }
}

// Empty complex values and extensions are gone after a change (RFC 7644 §3.5.2: unassigned).
function prune(resource) {
    for (const [key, value] of Object.entries(resource)) {
        if (key === "schemas" || key === "meta") continue;
        if (isObject(value)) {
            prune(value);
            if (!Object.keys(value).length) {
                delete resource[key];
                if (Array.isArray(resource.schemas)) resource.schemas = resource.schemas.filter((s) => s !== key);
            }
        } else if (Array.isArray(value) && !value.length) {
            delete resource[key];
        } else if (value === null) {
            delete resource[key];
        }
    }
}

// ---- Resources ----
function stored(store, body, id, old, base) {
    if (!isObject(body)) fail(400, "invalidSyntax", "the body is not a JSON object");
    const resource = clone(body);
    delete resource.id;
    delete resource.meta;
    if (!Array.isArray(resource.schemas) || !resource.schemas.length)
        resource.schemas = [store.resourceType === "User" ? USER : GROUP];
    for (const [key, value] of Object.entries(resource))
        if (key.toLowerCase().startsWith("urn:") && isObject(value)) extendSchemas(resource, key);
    prune(resource);
    return finish(store, resource, id, old, base);
}

function finish(store, resource, id, old, base) {
    const required = store.unique;
    if (typeof resource[keyOf(resource, required)] !== "string" || !resource[keyOf(resource, required)])
        fail(400, "invalidValue", `${required} is required`);
    if (store.taken(resource, id)) fail(409, "uniqueness", `${required} ${resource[required]} is already taken`);
    const now = new Date().toISOString();
    const endpoint = store.resourceType === "User" ? "Users" : "Groups";
    resource.id = id;
    resource.meta = {resourceType: store.resourceType, created: old?.meta.created ?? now, lastModified: now,
        location: `${base}/${endpoint}/${id}`, version: `W/"${++versions}"`};
    store.put(resource);
    return resource;
}

function checkVersion(resource, ifMatch) {
    if (!etagEnforced || !ifMatch || ifMatch === "*") return;
    if (ifMatch !== resource.meta.version)
        fail(412, null, `the resource is at version ${resource.meta.version}, not ${ifMatch}`);
}

const found = (store, id) => store.byId.get(id) ?? fail(404, null, `Resource ${id} not found`);
const answer = (status, body, resource) => ({status, body, resource});

// One SCIM request, answered: {status, body, resource (for Location and ETag)}. Also what
// each Bulk operation runs.
function handle(method, path, query, body, ifMatch, base) {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const [collection, id, extra] = parts;
    if (extra !== undefined) fail(404, null, `no such endpoint ${path}`);
    if (collection === "ServiceProviderConfig" && method === "GET" && id === undefined)
        return answer(200, serviceProviderConfig);
    if (collection === "Schemas" && method === "GET") {
        if (id === undefined) return answer(200, {schemas: [LIST], totalResults: schemas.length,
            itemsPerPage: schemas.length, startIndex: 1, Resources: schemas});
        return answer(200, schemas.find((schema) => schema.id === id) ?? fail(404, null, `no schema ${id}`));
    }
    if (collection === "ResourceTypes" && method === "GET") {
        if (id === undefined) return answer(200, {schemas: [LIST], totalResults: resourceTypes.length,
            itemsPerPage: resourceTypes.length, startIndex: 1, Resources: resourceTypes});
        return answer(200, resourceTypes.find((type) => type.id === id) ?? fail(404, null, `no resource type ${id}`));
    }
    const store = stores[collection];
    if (!store) fail(404, null, `no such endpoint ${path}`);
    if (id === undefined) {
        if (method === "GET") return answer(200, list(store, query));
        if (method === "POST") {
            const resource = stored(store, body, crypto.randomUUID(), undefined, base);
            return answer(201, resource, resource);
        }
        fail(405, null, `${method} ${path} is not supported`);
    }
    const held = found(store, id);
    switch (method) {
    case "GET":
        return answer(200, held, held);
    case "PUT": {
        checkVersion(held, ifMatch);
        const resource = stored(store, body, id, held, base);
        return answer(200, resource, resource);
    }
    case "PATCH": {
        checkVersion(held, ifMatch);
        if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(PATCH_OP))
            fail(400, "invalidSyntax", `a PATCH request names the schema ${PATCH_OP}`);
        if (!Array.isArray(body.Operations) || !body.Operations.length)
            fail(400, "invalidSyntax", "a PATCH request has Operations");
        const resource = clone(held);
        for (const operation of body.Operations) applyOperation(resource, operation);
        prune(resource);
        delete resource.id;
        return answer(200, finish(store, resource, id, held, base), store.byId.get(id));
    }
    case "DELETE":
        checkVersion(held, ifMatch);
        store.remove(id);
        return answer(204, undefined);
    default:
        fail(405, null, `${method} ${path} is not supported`);
    }
}

// "bulkId:<id>" strings anywhere in `value` become the ids created under those bulkIds.
function resolveBulkIds(value, created) {
    if (typeof value === "string" && value.startsWith("bulkId:")) {
        const id = created.get(value.slice("bulkId:".length));
        if (id === undefined) fail(409, "invalidValue", `${value} names no resource created before it in this request`);
        return id;
    }
    if (Array.isArray(value)) return value.map((item) => resolveBulkIds(item, created));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveBulkIds(v, created)]));
    return value;
}

function bulk(body, size, base) {
    if (!bulkMax) fail(501, null, "Bulk is not supported");
    if (size > bulkMaxPayload) fail(413, null, `the request is ${size} bytes; at most ${bulkMaxPayload}`);
    if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(BULK_REQUEST) ||
        !Array.isArray(body.Operations))
        fail(400, "invalidSyntax", "not a BulkRequest");
    if (body.Operations.length > bulkMax) fail(413, null, `${body.Operations.length} operations; at most ${bulkMax}`);
    const failOnErrors = Number(body.failOnErrors ?? 0);
    const created = new Map();
    const results = [];
    let errors = 0;
    for (const operation of body.Operations) {
        if (failOnErrors > 0 && errors >= failOnErrors) break;
        const method = String(operation.method ?? "").toUpperCase();
        bump(stats.bulkOperations, method);
        const result = {method, ...(operation.bulkId !== undefined ? {bulkId: operation.bulkId} : {})};
        try {
            if (method === "POST" && !operation.bulkId) fail(400, "invalidSyntax", "a POST in a Bulk request has a bulkId");
            const path = resolveBulkIds(String(operation.path ?? ""), created);
            const data = resolveBulkIds(operation.data, created);
            const done = handle(method, path, new URLSearchParams(), data, operation.version, base);
            if (method === "POST") created.set(operation.bulkId, done.resource.id);
            result.status = String(done.status);
            if (done.resource) {
                result.location = done.resource.meta.location;
                result.version = done.resource.meta.version;
                result.response = done.resource;
            }
        } catch (error) {
            if (!(error instanceof ScimError)) throw error;
            errors++;
            result.status = String(error.status);
            result.response = errorBody(error);
        }
        results.push(result);
    }
    return answer(200, {schemas: [BULK_RESPONSE], Operations: results});
}

// ---- HTTP ----
function routeOf(method, path, query) {
    const [collection, id] = path.split("/").filter(Boolean);
    if (!["Users", "Groups"].includes(collection)) return `${method} /${collection ?? ""}`;
    if (id !== undefined) return `${method} /${collection}/{id}`;
    return `${method} /${collection}${query.has("filter") ? "?filter" : ""}`;
}

function send(res, status, body, headers = {}) {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {...(text ? {"Content-Type": "application/scim+json",
        "Content-Length": Buffer.byteLength(text)} : {"Content-Length": 0}), ...headers});
    res.end(text);
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://sink");
    if (url.pathname === "/_stats" && req.method === "GET")
        return send(res, 200, {...stats, holding: holding()});
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => { chunks.push(chunk); size += chunk.length; });
    req.on("end", () => {
        let status = 500;
        try {
            bump(stats.byMethod, req.method);
            const prefix = "/scim/v2";
            if (!url.pathname.startsWith(prefix + "/")) fail(404, null, `no such endpoint ${url.pathname}`);
            const path = url.pathname.slice(prefix.length);
            bump(stats.byRoute, routeOf(req.method, path, url.searchParams));
            if (req.headers.authorization !== `Bearer ${token}`) fail(401, null, "Invalid bearer token");
            let body;
            if (size > 0) {
                try { body = JSON.parse(Buffer.concat(chunks, size).toString("utf8")); } catch {
                    fail(400, "invalidSyntax", "the body is not JSON");
                }
            }
            const base = `http://${req.headers.host}${prefix}`;
            const done = path === "/Bulk" && req.method === "POST" ? bulk(body, size, base)
                : handle(req.method, path, url.searchParams, body, req.headers["if-match"], base);
            status = done.status;
            const headers = {};
            if (done.resource) {
                headers.ETag = done.resource.meta.version;
                if (done.status === 201) headers.Location = done.resource.meta.location;
            }
            send(res, done.status, done.body, headers);
        } catch (error) {
            const scimError = error instanceof ScimError ? error : new ScimError(500, null, String(error?.stack ?? error));
            status = scimError.status;
            send(res, scimError.status, errorBody(scimError),
                scimError.status === 401 ? {"WWW-Authenticate": 'Bearer realm="sink"'} : {});
        } finally {
            bump(stats.byStatus, String(status));
        }
    });
});
server.keepAliveTimeout = 60000;

const listener = server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
let stopping = false;
const stop = () => {
    if (stopping) return;
    stopping = true;
    try { process.stdout.write(`STATS ${JSON.stringify({...stats, holding: holding()})}\n`); } catch { /* reader gone */ }
    server.closeAllConnections();
    listener.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
};
process.stdout.on("error", () => {});
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
