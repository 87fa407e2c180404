// A real SCIM 2.0 service provider for tests and the demo: scimmy decides every
// SCIM question; this file is only storage glue, a bearer-token check, userName
// uniqueness, and test endpoints outside /scim/v2 (request log, dump, faults).
//
// Usage: node server.mjs [--port N] [--host 127.0.0.1] [--token-env NAME]
//                        [--tls-cert FILE --tls-key FILE]   (serve HTTPS)
//                        [--tls-client-ca FILE]   (and require a client certificate from it)
// OAuth2: POST /oauth/token (client credentials, client id "hr2scim", the secret from
// $SCIM_TEST_CLIENT_SECRET) issues tokens the SCIM endpoints accept beside the fixed one;
// HTTP Basic with user hr2scim and that secret is accepted too.
// Prints "LISTENING <port>" on stdout once ready; exits when stdin closes, so
// a test that dies never leaves it running.
import crypto from "node:crypto";
import zlib from "node:zlib";
import fs from "node:fs";
import https from "node:https";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const host = args.host ?? "127.0.0.1";
const port = Number(args.port ?? 0);
const token = process.env[args["token-env"] ?? "SCIM_TEST_TOKEN"] ?? "test-token";
const clientSecret = process.env.SCIM_TEST_CLIENT_SECRET ?? "client-secret";
const issued = new Set(); // OAuth2 tokens handed out and not revoked
let tokenRequests = 0;

const users = new Map();
const groups = new Map();
const requests = [];          // {method, path, status} for every request seen
// Queued injected answers, each used once by the next SCIM request it matches:
//   {status, retryAfter, body}   answer with this instead of asking scimmy
//   {raw: "text"}                answer with this text as it is (garbage, a 100,000-level document)
//   {echo: true}                 answer with the request's own headers, Authorization included
//   {after: true, set: {...}}    let scimmy answer (the change is committed), then overwrite these
//                                fields of the answer and of each of its Resources (e.g. {"id": ""})
//   {after: true, drop: true}    let scimmy commit the change, then close the connection unanswered
//   {after: true, hang: true}    let scimmy commit the change, then never answer (GET /test/hanging
//                                counts such requests; a client killed meanwhile lost the answer)
//   skip: N                      let the first N matching requests through untouched
//   method: "POST"               only for requests with this method (any method when absent)
//   times: N                     used N times before it is gone (default 1)
//   pathContains: "..."          only requests whose path contains this (one user's id)
//   discovery: true              for the discovery endpoints (/ServiceProviderConfig, /Schemas,
//                                /ResourceTypes), which other faults leave alone
let faults = [];
// Behaviours of real targets, switched with POST /test/mode:
//   {ignoreFilter: true}         GET /Users?filter=... answers with every user, as if unfiltered
//   {plainList: true}            GET /Users answers with a bare JSON array, not a ListResponse
//   {noResources: true}          GET /Users answers {"totalResults": N} without Resources
//   {latencyMs: N}               every SCIM answer comes N ms late
//   {rateLimit: {perSecond: N, style: "seconds"|"date"|"reset"}}
//                                more than N SCIM requests in any second are answered 429 with
//                                Retry-After in seconds, as an HTTP date, or X-RateLimit-Reset
//   {budget: {writes: N, reads: R, windowMs: W, background: K}}
//                                a published, shared budget as Slack's SCIM API has one
//                                (https://docs.slack.dev/reference/scim-api/rate-limits: per-minute
//                                limits for all SCIM apps of an org, 429 with Retry-After beyond
//                                them): at most N writes (POST, PUT, PATCH, DELETE) and R reads
//                                (GET) in any W ms (Slack: a minute; tests scale it down to a
//                                second), of which other applications use K writes in every
//                                window; beyond it 429 with Retry-After in whole seconds.
//                                GET /test/stats counts the 429s (budget429)
//   {noPatch: true}              PATCH answers 405
//   {emptyCreate: true}          POST answers 201 with an empty body and a Location header
//   {gzip: true}                 answers are gzip-compressed when the client accepts it
//   {pageCap: N}                 a list answers at most N users per page
//   {lacks: ["title", ...]}      /Schemas leaves these User attributes out, and a request
//                                naming one is refused with 400 invalidPath
//   {etag: true}                 /ServiceProviderConfig says ETags are supported, answers carry
//                                an ETag header, and a change whose If-Match names another
//                                version than the user's is refused with 412
//   {bulk: true, bulkMaxOperations: N, bulkMaxPayload: B}
//                                /ServiceProviderConfig says Bulk is supported, with these
//                                limits (scimmy's /Bulk serves it); without it, it says not
//   {entraPatch: true}           PATCH must be written as Entra ID writes it (op "Add",
//                                "Replace", "Remove"; booleans "True"/"False"): other op names
//                                are refused with 400 invalidSyntax
//   {maxMembersPerPatch: N}      a PATCH of a group that changes more than N members is refused
//                                with 400 tooMany
//   {duplicateGroupNames: true}  groups may share a displayName (as some real targets allow);
//                                without it, a second group of a name is refused with 409
//   {tokenLifetime: N}           OAuth2 tokens are said to expire in N seconds (default 3600)
//   {revokeAfter: N}             after N more SCIM requests, every OAuth2 token issued so far
//                                is revoked (once), as if it had expired early
//   {unkept: ["title", "<URN>:department", ...]}
//                                users never keep these attributes: a write that sets them is
//                                answered 2xx without them (the Okta SCIM example stores no
//                                title, department or manager)
//   {frozen: ["emails", ...]}    a change of these attributes of an existing user is ignored:
//                                answered 2xx with the old value (the Okta example drops a
//                                changed e-mail)
//   {noDiscovery: true}          /ServiceProviderConfig, /Schemas and /ResourceTypes answer 404
//   {patchStatus: N}             PATCH answers HTTP N (500: a server with no PATCH that fails
//                                instead of answering 405)
//   {hugeToken: N}               OAuth2 tokens issued are N bytes long
//   {aws: true}                  AWS IAM Identity Center's SCIM, as its developer guide documents
//                                it: a list ignores startIndex and gives at most 100 a page
//                                (count above 100 is refused); with `cursor` it pages by cursor
//                                (RFC 9865: itemsPerPage, Resources, nextCursor until the last
//                                page), without it answers the non-paginated shape, from the
//                                start whatever startIndex says (ListUsers, ListGroups:
//                                https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html);
//                                a PATCH with operations on both userName and active, or more
//                                than one on either, is refused with 400 ValidationException
//                                (PatchUser: .../patchuser.html); a create or PUT without
//                                givenName, familyName, displayName or userName is refused with
//                                400 ValidationException (CreateUser, PutUser: .../createuser.html,
//                                .../putuser.html); /Bulk is not supported (Limitations:
//                                .../limitations.html): the configuration says so, /Bulk answers 501
//   {announceCursor: true}       /ServiceProviderConfig announces RFC 9865 cursor paging only
//                                ("pagination": {"cursor": true, "index": false, ...}; RFC 9865
//                                §4, https://www.rfc-editor.org/rfc/rfc9865.html); with aws, the
//                                lists then page as that mode says
//   {atlassian: true}            Atlassian user provisioning: DELETE /Users/<id> only deactivates
//                                the account, and every later request on that id answers 404;
//                                look-ups no longer show it, and a create of its userName
//                                answers 409 (jira.js deleteUser, quoting the API,
//                                https://mrrefactoring.github.io/jira.js/api/functions/userProvisioning.deleteUser.html;
//                                https://docs.go-atlassian.io/atlassian-admin-cloud/scim/users)
//   {salesforce: true}           Salesforce: the configuration is at /ServiceProviderConfigs
//                                (plural; the singular answers 404), DELETE deactivates like
//                                PATCH active:false and the user stays readable (Understand the
//                                SCIM Implementation, https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_implementation.htm;
//                                Deactivate and Reactivate Users with SCIM,
//                                https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_deactivate_reactivate_user.htm);
//                                a create must give the user's profile id as an entitlement
//                                `value` (no `type` needed: Example: Create Users with SCIM,
//                                https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_create_users.htm;
//                                "a user account must have a profile and only one", Netwrix,
//                                https://docs.netwrix.com/docs/identitymanager/saas/connectors/how-to/exports/scim-salesforce):
//                                a POST /Users whose entitlements hold no item with a value is
//                                refused with 409, no scimType, detail "REQUIRED_FIELD_MISSING:
//                                user_must_have_one_entitlement_which_must_be_a_profileid;" (the
//                                answer as quoted in a Microsoft Q&A thread, third-party:
//                                https://learn.microsoft.com/en-us/answers/questions/5828857/scim-integration-in-entra-for-salesforce;
//                                Salesforce's own pages do not document this status)
//   {github: true}               GitHub Enterprise Managed Users: a request without User-Agent
//                                is refused with 403; DELETE deprovisions for good (userName,
//                                displayName, e-mails anonymised, externalId erased, inactive);
//                                a create whose userName normalises (the part before @,
//                                non-alphanumerics as -) to an existing one answers 409
//                                "Duplicate record detected" naming nobody (REST API endpoints
//                                for SCIM, docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/scim;
//                                Username considerations for external authentication,
//                                docs.github.com/en/enterprise-cloud@latest/admin/managing-iam/iam-configuration-reference/username-considerations-for-external-authentication)
//   {slack: true}                Slack: DELETE /Users/<id> "Sets a Slack user to deactivated"
//                                (SCIM API reference, https://docs.slack.dev/reference/scim-api)
const defaults = () => ({ignoreFilter: false, plainList: false, noResources: false, latencyMs: 0,
    rateLimit: null, noPatch: false, emptyCreate: false, gzip: false, pageCap: 0, lacks: [],
    tokenLifetime: 3600, revokeAfter: null, etag: false, bulk: false, bulkMaxOperations: 1000,
    bulkMaxPayload: 1048576, entraPatch: false, maxMembersPerPatch: 0, unkept: [], frozen: [],
    noDiscovery: false, patchStatus: 0, duplicateGroupNames: false,
    hugeToken: 0,
    budget: null,
    aws: false,
    announceCursor: false,
    atlassian: false, salesforce: false, github: false, slack: false,
});
let versions = 0; // every stored change gets the next meta.version
const mode = defaults();
// How many SCIM requests were being handled at once, at most (GET /test/stats).
let inFlight = 0, peakInFlight = 0;
let recent = []; // arrival times (ms) of the last second's SCIM requests, for rateLimit
// Arrival times (ms) of the writes and reads the budget let through, and its 429s.
let budgetWrites = [], budgetReads = [], budget429 = 0;
let hanging = 0;

function scimError(status, scimType, detail) {
    return new SCIMMY.Types.Error(status, scimType, detail);
}

// What express's send would put on the wire, as text (objects become JSON).
function asText(res, body) {
    if (Buffer.isBuffer(body) || typeof body === "string") return body;
    if (!res.get("Content-Type")) res.type("application/scim+json");
    return JSON.stringify(body);
}

function plain(value) {
    return JSON.parse(JSON.stringify(value));
}

// A custom extension, as a target application might define one, for mapping tests
// (scimmy only accepts schema ids under urn:ietf:params:scim:schemas:).
const AcmeUser = new SCIMMY.Types.SchemaDefinition("AcmeUser", "urn:ietf:params:scim:schemas:extension:acme:2.0:User",
    "Acme's own user attributes", [
        new SCIMMY.Types.Attribute("string", "badgeNumber"),
        new SCIMMY.Types.Attribute("string", "building"),
    ]);

// Serves one resource type from `store` (a Map by id): `unique` names the attribute no two may
// share, ignoring case (RFC 7643: userName is caseExact=false; displayName alike here), while
// scimmy's filters compare case-sensitively: a look-up can miss what a create then refuses.
// `check` refuses an instance before it is stored (for modes).
function serve(declared, store, resourceType, unique, check = () => {}, shape = () => {}) {
    declared
        .ingress((resource, instance) => {
            const id = resource.id ?? crypto.randomUUID();
            check(instance);
            if (resource.id && !store.has(id)) throw scimError(404, null, `Resource ${id} not found`);
            const uniqueHere = !(resourceType === "Group" && mode.duplicateGroupNames);
            for (const [otherId, other] of uniqueHere ? store : []) {
                if (otherId !== id && other[unique]?.toLowerCase() === instance[unique]?.toLowerCase())
                    throw scimError(409, "uniqueness", `${unique} ${instance[unique]} is already taken`);
            }
            const now = new Date().toISOString();
            const created = store.get(id)?.meta?.created ?? now;
            const stored = {...plain(instance), id,
                meta: {resourceType, created, lastModified: now, version: `W/"${++versions}"`}};
            shape(stored, store.get(id));
            store.set(id, stored);
            return stored;
        })
        .egress((resource) => {
            if (resource.id) {
                const found = store.get(resource.id);
                if (!found) throw scimError(404, null, `Resource ${resource.id} not found`);
                return found;
            }
            const all = [...store.values()];
            return resource.filter && !mode.ignoreFilter ? resource.filter.match(all) : all;
        })
        .degress((resource) => {
            if (!store.delete(resource.id)) throw scimError(404, null, `Resource ${resource.id} not found`);
        });
}

serve(SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false).extend(AcmeUser, false)),
    users, "User", "userName", (instance) => {
        const lacked = mode.lacks.find((name) => plain(instance)[name] !== undefined);
        if (lacked) throw scimError(400, "invalidPath", `no attribute ${lacked}`);
    }, (stored, old) => {
        // unkept and frozen: "<URN>:attribute" names an extension's attribute.
        const locate = (object, path) => {
            const colon = path.startsWith("urn:") ? path.lastIndexOf(":") : -1;
            if (colon < 0) return [object, path];
            object[path.slice(0, colon)] ??= {};
            return [object[path.slice(0, colon)], path.slice(colon + 1)];
        };
        for (const path of mode.unkept) {
            const [holder, name] = locate(stored, path);
            delete holder[name];
        }
        if (!old) return;
        for (const path of mode.frozen) {
            const [holder, name] = locate(stored, path);
            const [before] = locate(old, path);
            if (before[name] === undefined) delete holder[name];
            else holder[name] = plain(before[name]);
        }
    });

// Groups, with their members' ids as sent (scimmy applies PATCH add/remove of members itself).
const AcmeGroup = new SCIMMY.Types.SchemaDefinition("AcmeGroup", "urn:ietf:params:scim:schemas:extension:acme:2.0:Group",
    "Acme's own group attributes", [new SCIMMY.Types.Attribute("string", "costCenter")]);
serve(SCIMMY.Resources.declare(SCIMMY.Resources.Group.extend(AcmeGroup, false)), groups, "Group", "displayName");

// The budget mode: true when the request was answered 429 (the window is full).
function overBudget(req, res) {
    const {writes = Infinity, reads = Infinity, windowMs = 60000, background = 0} = mode.budget;
    const now = Date.now();
    budgetWrites = budgetWrites.filter((t) => t > now - windowMs);
    budgetReads = budgetReads.filter((t) => t > now - windowMs);
    const write = req.method !== "GET" && req.method !== "HEAD";
    const seen = write ? budgetWrites : budgetReads;
    const limit = write ? writes - background : reads;
    if (seen.length >= limit) {
        budget429++;
        const waitMs = seen.length > 0 ? seen[0] + windowMs - now : windowMs;
        res.set("Retry-After", String(Math.max(1, Math.ceil(waitMs / 1000))));
        res.status(429).type("application/scim+json").send(JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429",
            detail: "rate limited: the org's SCIM budget is spent"}));
        return true;
    }
    seen.push(now);
    return false;
}

const app = express();

// Every request is logged once its answer is sent, so tests count what the server saw.
app.use((req, res, next) => {
    const path = req.originalUrl.split("?")[0];
    if (!path.startsWith("/test/"))
        res.on("finish", () => requests.push({method: req.method, path, status: res.statusCode,
            bytes: Number(req.headers["content-length"] ?? 0), at: Date.now()}));
    next();
});

// Injected faults answer the next SCIM requests before scimmy sees them (or rewrite its answer).
// Modes that shape every SCIM answer: latency, rate limit, compression, concurrency count.
app.use("/scim", (req, res, next) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.on("close", () => { inFlight--; });
    if (mode.rateLimit) {
        const now = Date.now();
        recent = recent.filter((t) => t > now - 1000);
        if (recent.length >= mode.rateLimit.perSecond) {
            const waitMs = recent[0] + 1000 - now;
            const style = mode.rateLimit.style ?? "seconds";
            if (style === "date") res.set("Retry-After", new Date(now + waitMs + 1000).toUTCString());
            else if (style === "reset") res.set({"X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": String(Math.ceil((now + waitMs) / 1000))});
            else res.set("Retry-After", String(Math.ceil(waitMs / 1000)));
            return res.status(429).type("application/scim+json").send(JSON.stringify({
                schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429", detail: "slow down"}));
        }
        recent.push(now);
    }
    if (mode.budget && overBudget(req, res)) return;
    if (mode.gzip && /gzip/.test(req.headers["accept-encoding"] ?? "")) {
        const send = res.send.bind(res);
        res.send = (body) => {
            res.set("Content-Encoding", "gzip");
            res.removeHeader("Content-Length");
            const text = asText(res, body);
            return send(zlib.gzipSync(Buffer.isBuffer(text) ? text : Buffer.from(text ?? "")));
        };
    }
    if (mode.latencyMs > 0) {
        const send = res.send.bind(res);
        res.send = (body) => { const text = asText(res, body); setTimeout(() => send(text), mode.latencyMs); return res; };
    }
    if (mode.etag) {
        const target = /^\/scim\/v2\/Users\/([^/?]+)/.exec(req.originalUrl);
        const held = target && users.get(decodeURIComponent(target[1]));
        const wanted = req.headers["if-match"];
        if (held && wanted && ["PATCH", "PUT", "DELETE"].includes(req.method) && wanted !== held.meta.version)
            return res.status(412).type("application/scim+json").send(JSON.stringify({
                schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "412",
                detail: `the user is at version ${held.meta.version}, not ${wanted}`}));
        const send = res.send.bind(res);
        res.send = (body) => {
            const text = asText(res, body);
            try {
                const version = JSON.parse(text)?.meta?.version;
                if (version) res.set("ETag", version);
            } catch { /* not JSON: no ETag */ }
            return send(text);
        };
    }
    if (mode.noPatch && req.method === "PATCH")
        return res.status(405).type("text/html").send("<html><body><h1>405 Method Not Allowed</h1></body></html>");
    if (mode.patchStatus && req.method === "PATCH")
        return res.status(mode.patchStatus).type("application/scim+json").send(JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(mode.patchStatus),
            detail: "PATCH is not implemented here"}));
    if (mode.noDiscovery && isDiscovery(req.originalUrl))
        return res.status(404).type("application/scim+json").send(JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404", detail: "Not found"}));
    next();
});

const isDiscovery = (path) => /^\/scim\/v2\/(ServiceProviderConfig|Schemas|ResourceTypes)/.test(path);
app.use("/scim", (req, res, next) => {
    const discovery = isDiscovery(req.originalUrl);
    const index = faults.findIndex((f) => (!f.method || f.method === req.method) && !!f.discovery === discovery &&
        (!f.pathContains || req.originalUrl.includes(f.pathContains)));
    if (index < 0) return next();
    const fault = faults[index];
    if (fault.skip > 0) {
        fault.skip--;
        return next();
    }
    if (--fault.times <= 0) faults.splice(index, 1);
    if (fault.after && fault.hang) {
        res.send = () => { hanging++; return res; };
        return next();
    }
    if (fault.after && fault.drop) {
        res.send = () => { res.socket?.destroy(); return res; };
        return next();
    }
    if (fault.after) {
        const send = res.send.bind(res);
        res.send = (body) => {
            let parsed;
            try { parsed = JSON.parse(body); } catch { return send(body); }
            for (const target of [parsed, ...(parsed.Resources ?? [])]) Object.assign(target, fault.set);
            return send(JSON.stringify(parsed));
        };
        return next();
    }
    if (fault.retryAfter !== undefined) res.set("Retry-After", String(fault.retryAfter));
    res.status(fault.status ?? 200).type("application/scim+json");
    if (fault.raw !== undefined) return res.send(fault.raw);
    if (fault.echo) return res.send(JSON.stringify({schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: String(fault.status ?? 400), detail: `request headers: ${JSON.stringify(req.headers)}`}));
    res.send(JSON.stringify(fault.body ?? {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: String(fault.status), detail: "injected fault"}));
});

// A create answered 201 with nothing but a Location header (emptyCreate).
app.use("/scim/v2/Users", (req, res, next) => {
    if (req.method !== "POST" || req.path !== "/" || !mode.emptyCreate) return next();
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(body); } catch { return send(body); }
        if (res.statusCode !== 201 || !parsed.id) return send(body);
        res.set("Location", `${req.protocol}://${req.headers.host}/scim/v2/Users/${parsed.id}`);
        res.removeHeader("Content-Type");
        return send("");
    };
    next();
});

// List answers reshaped as some real targets send them (mode switches).
app.use("/scim/v2/Users", (req, res, next) => {
    if (req.method !== "GET" || req.path !== "/" || !(mode.plainList || mode.noResources)) return next();
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(body); } catch { return send(body); }
        if (!Array.isArray(parsed.Resources)) return send(body);
        return send(JSON.stringify(mode.plainList ? parsed.Resources : {totalResults: parsed.totalResults}));
    };
    next();
});

// What the target says it supports: ETags and Bulk as the modes say.
app.use("/scim/v2/ServiceProviderConfig", (req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(asText(res, body)); } catch { return send(body); }
        parsed.etag = {supported: mode.etag};
        parsed.bulk = {supported: mode.bulk, maxOperations: mode.bulkMaxOperations,
            maxPayloadSize: mode.bulkMaxPayload};
        return send(JSON.stringify(parsed));
    };
    next();
});

// lacks: the User schema the target describes has no such attributes.
app.use("/scim/v2/Schemas", (req, res, next) => {
    if (!mode.lacks.length) return next();
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(asText(res, body)); } catch { return send(body); }
        for (const schema of parsed.Resources ?? [parsed])
            if (schema.id === "urn:ietf:params:scim:schemas:core:2.0:User")
                schema.attributes = schema.attributes.filter((a) => !mode.lacks.includes(a.name));
        return send(JSON.stringify(parsed));
    };
    next();
});

// entraPatch: only Entra-style PatchOps, their string booleans read as booleans for scimmy.
app.patch("/scim/v2/Users/:id", express.json({type: ["application/scim+json", "application/json"]}), (req, res, next) => {
    if (!mode.entraPatch) return next();
    const operations = req.body?.Operations ?? [];
    const loose = operations.find((o) => !["Add", "Replace", "Remove"].includes(o.op));
    if (loose) return res.status(400).type("application/scim+json").send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidSyntax",
        detail: `op "${loose.op}" is not one this target knows (Add, Replace, Remove)`}));
    for (const operation of operations)
        if (operation.value === "True" || operation.value === "False") operation.value = operation.value === "True";
    next();
});

// maxMembersPerPatch: a PATCH of a group changing more members than this is refused, as
// targets limit it (Entra ID: 20).
app.patch("/scim/v2/Groups/:id", express.json({type: ["application/scim+json", "application/json"]}), (req, res, next) => {
    if (!mode.maxMembersPerPatch) return next();
    let changes = 0;
    for (const operation of req.body?.Operations ?? []) {
        if (/^members$/i.test(operation.path ?? "") && Array.isArray(operation.value)) changes += operation.value.length;
        else if (/^members\[/i.test(operation.path ?? "")) changes += 1;
    }
    if (changes > mode.maxMembersPerPatch) return res.status(400).type("application/scim+json").send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "tooMany",
        detail: `${changes} member changes in one PATCH; at most ${mode.maxMembersPerPatch}`}));
    next();
});

// pageCap: a list never holds more than N users, whatever count was asked for.
app.use("/scim/v2/Users", (req, res, next) => {
    if (req.method === "GET" && req.path === "/" && mode.pageCap > 0) {
        const asked = Number(req.query.count ?? mode.pageCap);
        const capped = Math.min(Number.isFinite(asked) ? asked : mode.pageCap, mode.pageCap);
        const url = new URL(req.originalUrl, "http://x");
        url.searchParams.set("count", String(capped));
        req.url = url.pathname.replace(/^\/scim\/v2\/Users/, "") + url.search;
        if (!req.url.startsWith("/")) req.url = "/" + req.url;
    }
    next();
});

// aws: AWS IAM Identity Center (the mode list above cites its pages). Kept in one block.
const awsCursors = new Map(); // cursor handed out -> offset of the page it opens

function awsValidation(res, detail) {
    return res.status(400).type("application/scim+json").send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400",
        detail: `ValidationException: ${detail}`}));
}

app.use("/scim/v2/ServiceProviderConfig", (req, res, next) => {
    if (!mode.announceCursor) return next();
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(asText(res, body)); } catch { return send(body); }
        parsed.pagination = {cursor: true, index: false, defaultPaginationMethod: "cursor",
            defaultPageSize: 100, maxPageSize: 100, cursorTimeout: 3600};
        return send(JSON.stringify(parsed));
    };
    next();
});

// ListUsers, ListGroups: scimmy filters the whole collection (startIndex is dropped, as AWS
// ignores it); the page is cut here, by cursor or from the start.
app.use("/scim/v2", (req, res, next) => {
    if (!mode.aws || req.method !== "GET" || !["/Users", "/Groups"].includes(req.path)) return next();
    const count = req.query.count === undefined ? 100 : Number(req.query.count);
    if (!Number.isInteger(count) || count < 1 || count > 100)
        return awsValidation(res, `count must be between 1 and 100, not ${req.query.count}`);
    const paged = req.query.cursor !== undefined;
    const offset = paged && req.query.cursor !== "" ? awsCursors.get(req.query.cursor) : 0;
    if (offset === undefined) return awsValidation(res, "the cursor is not valid");
    // Express parsed the query once: scimmy reads it from there.
    delete req.query.cursor;
    req.query.startIndex = "1";
    req.query.count = "1000000";
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(asText(res, body)); } catch { return send(body); }
        if (!Array.isArray(parsed.Resources)) return send(body);
        const all = parsed.Resources;
        const page = all.slice(offset, offset + count);
        if (!paged)
            return send(JSON.stringify({schemas: parsed.schemas, totalResults: all.length,
                itemsPerPage: page.length, startIndex: 1, Resources: page}));
        const answer = {schemas: parsed.schemas, itemsPerPage: page.length, Resources: page};
        if (offset + count < all.length) {
            // Opaque, and within AWS's pattern [-a-zA-Z0-9+=/:_]*: + / = must be URL-encoded.
            const cursor = "c:" + crypto.randomBytes(18).toString("base64");
            awsCursors.set(cursor, offset + count);
            answer.nextCursor = cursor;
        }
        return send(JSON.stringify(answer));
    };
    next();
});

// Bodies are read here only in this mode; other modes leave them to scimmy.
const awsJson = (req, res, next) => mode.aws
    ? express.json({type: ["application/scim+json", "application/json"], limit: "10mb"})(req, res, next) : next();

// PatchUser: "Multiple PATCH operations on userName or active attribute" are not supported.
app.patch("/scim/v2/Users/:id", awsJson, (req, res, next) => {
    if (!mode.aws) return next();
    const touched = {username: 0, active: 0};
    for (const operation of req.body?.Operations ?? []) {
        const names = operation.path ? [operation.path]
            : Object.keys(typeof operation.value === "object" && operation.value ? operation.value : {});
        for (const name of names) {
            const key = String(name).toLowerCase();
            if (key in touched) touched[key]++;
        }
    }
    if ((touched.username > 0 && touched.active > 0) || touched.username > 1 || touched.active > 1)
        return awsValidation(res, "Multiple PATCH operations on userName or active attribute are not supported");
    next();
});

// CreateUser, PutUser: givenName, familyName, userName and displayName are required.
function awsRequired(req, res, next) {
    if (!mode.aws) return next();
    const user = req.body ?? {};
    const missing = [["userName", user.userName], ["displayName", user.displayName],
        ["name.givenName", user.name?.givenName], ["name.familyName", user.name?.familyName]]
        .filter(([, value]) => typeof value !== "string" || value.trim() === "").map(([name]) => name);
    if (missing.length) return awsValidation(res, `${missing.join(", ")} required`);
    next();
}
app.post("/scim/v2/Users", awsJson, awsRequired);
app.put("/scim/v2/Users/:id", awsJson, awsRequired);
app.post("/scim/v2/Bulk", (req, res, next) => mode.aws
    ? res.status(501).type("application/scim+json").send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "501", detail: "Bulk is not supported"}))
    : next());

// atlassian, salesforce, github, slack: the SaaS targets' documented differences (the mode
// list above cites their pages). Kept in one block.
const atlassianGone = new Set(); // ids DELETEd in atlassian mode: deactivated, then 404 for good

const scimAnswer = (res, status, detail) => res.status(status).type("application/scim+json").send(JSON.stringify({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(status), detail}));

app.use("/scim", (req, res, next) => {
    if (mode.github && !req.headers["user-agent"])
        return res.status(403).json({message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"});
    next();
});

// A deleted Atlassian account: gone from every request and look-up, kept (inactive) on the server.
app.use("/scim/v2/Users", (req, res, next) => {
    if (!mode.atlassian) return next();
    const id = decodeURIComponent(req.path.slice(1));
    if (id && atlassianGone.has(id)) return scimAnswer(res, 404, `Resource ${id} not found`);
    if (req.method !== "GET" || req.path !== "/") return next();
    const send = res.send.bind(res);
    res.send = (body) => {
        let parsed;
        try { parsed = JSON.parse(asText(res, body)); } catch { return send(body); }
        if (!Array.isArray(parsed.Resources)) return send(body);
        const shown = parsed.Resources.filter((user) => !atlassianGone.has(user.id));
        parsed.totalResults -= parsed.Resources.length - shown.length;
        parsed.Resources = shown;
        return send(JSON.stringify(parsed));
    };
    next();
});

// DELETE as each of them means it; the user is kept in the store.
app.delete("/scim/v2/Users/:id", (req, res, next) => {
    if (!(mode.atlassian || mode.salesforce || mode.github || mode.slack)) return next();
    const user = users.get(req.params.id);
    if (!user) return scimAnswer(res, 404, `Resource ${req.params.id} not found`);
    user.active = false;
    if (mode.github) {
        const anonymous = "deprovisioned-" + crypto.randomBytes(6).toString("hex");
        user.userName = anonymous;
        user.displayName = anonymous;
        delete user.emails;
        delete user.externalId;
    }
    if (mode.atlassian) atlassianGone.add(req.params.id);
    user.meta = {...user.meta, lastModified: new Date().toISOString(), version: `W/"${++versions}"`};
    res.status(204).end();
});

// GitHub: userNames that normalise to one handle are one account; the 409 names nobody.
const githubHandle = (userName) => String(userName ?? "").split("@")[0].replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "").toLowerCase();
app.post("/scim/v2/Users", (req, res, next) => mode.github ? express.json({type: ["application/scim+json", "application/json"], limit: "10mb"})(req, res, next) : next(),
    (req, res, next) => {
        if (!mode.github) return next();
        const handle = githubHandle(req.body?.userName);
        const taken = [...users.values()].some((user) => githubHandle(user.userName) === handle);
        if (taken) return scimAnswer(res, 409, "Duplicate record detected");
        next();
    });

// Salesforce: a create without a profile (an entitlement item with a value) is refused, with the
// answer the mode list above quotes.
app.post("/scim/v2/Users", (req, res, next) => mode.salesforce ? express.json({type: ["application/scim+json", "application/json"], limit: "10mb"})(req, res, next) : next(),
    (req, res, next) => {
        if (!mode.salesforce) return next();
        const entitlements = req.body?.entitlements;
        const profiled = Array.isArray(entitlements) &&
            entitlements.some((item) => typeof item?.value === "string" && item.value !== "");
        if (!profiled) return scimAnswer(res, 409, "REQUIRED_FIELD_MISSING:user_must_have_one_entitlement_which_must_be_a_profileid;");
        next();
    });

// Salesforce: the configuration at the plural path only.
app.get("/scim/v2/ServiceProviderConfig", (req, res, next) => mode.salesforce
    ? scimAnswer(res, 404, "Could not find a match for URL") : next());
app.get("/scim/v2/ServiceProviderConfigs", (req, res, next) => mode.salesforce
    ? res.type("application/scim+json").send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        patch: {supported: true}, bulk: {supported: false, maxOperations: 0, maxPayloadSize: 0},
        filter: {supported: true, maxResults: 200}, changePassword: {supported: true},
        sort: {supported: false}, etag: {supported: false}, authenticationSchemes: []}))
    : next());

app.post("/oauth/token", express.urlencoded({extended: false}), (req, res) => {
    tokenRequests++;
    const expected = "Basic " + Buffer.from(`hr2scim:${encodeURIComponent(clientSecret)}`).toString("base64");
    if (req.headers.authorization !== expected || req.body?.grant_type !== "client_credentials")
        return res.status(401).json({error: "invalid_client"});
    const issuedToken = "oauth-" + crypto.randomBytes(12).toString("hex") +
        "t".repeat(Math.max(0, mode.hugeToken - 30));
    issued.add(issuedToken);
    res.json({access_token: issuedToken, token_type: "Bearer", expires_in: mode.tokenLifetime});
});

app.use("/scim", (req, res, next) => {
    if (mode.revokeAfter !== null && mode.revokeAfter-- <= 0) {
        issued.clear();
        mode.revokeAfter = null;
    }
    next();
});

app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    handler: (request) => {
        const sent = request.header("Authorization") ?? "";
        // HTTP Basic works too: user hr2scim, the OAuth2 client secret as password.
        const basic = "Basic " + Buffer.from(`hr2scim:${clientSecret}`).toString("base64");
        if (sent !== `Bearer ${token}` && sent !== basic && !issued.has(sent.replace(/^Bearer /, "")))
            throw new Error("Invalid bearer token");
        return "hr2scim-test-client";
    }
}));

const testApi = express.Router();
testApi.use(express.json({limit: "10mb"}));
testApi.get("/requests", (req, res) => res.json(requests));
testApi.delete("/requests", (req, res) => { requests.length = 0; res.status(204).end(); });
testApi.get("/users", (req, res) => res.json([...users.values()]));
testApi.get("/groups", (req, res) => res.json([...groups.values()]));
testApi.post("/reset", (req, res) => {
    users.clear(); groups.clear(); requests.length = 0; faults = []; hanging = 0; peakInFlight = 0; recent = [];
    budgetWrites = []; budgetReads = []; budget429 = 0;
    Object.assign(mode, defaults());
    res.status(204).end();
});
testApi.post("/faults", (req, res) => {
    faults.push(...[req.body].flat().map((f) => ({...f, times: f.times ?? 1})));
    res.status(204).end();
});
testApi.post("/mode", (req, res) => { Object.assign(mode, req.body); res.status(204).end(); });
testApi.get("/hanging", (req, res) => res.json({count: hanging}));
testApi.get("/stats", (req, res) => res.json({peakInFlight, tokenRequests, budget429}));
app.use("/test", testApi);

const clientCa = args["tls-client-ca"]
    ? {ca: fs.readFileSync(args["tls-client-ca"]), requestCert: true, rejectUnauthorized: true} : {};
const server = args["tls-cert"]
    ? https.createServer({cert: fs.readFileSync(args["tls-cert"]), key: fs.readFileSync(args["tls-key"]), ...clientCa}, app)
    : app;
const listener = server.listen(port, host, () => {
    process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
const stop = () => listener.close(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
