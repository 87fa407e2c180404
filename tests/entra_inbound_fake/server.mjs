// Fake of Microsoft Entra ID's API-driven inbound provisioning: the Microsoft identity platform
// token endpoint (client credentials), Graph's synchronization-job /bulkUpload, and Graph's
// provisioning logs (auditLogs/provisioning). Built from Microsoft's public documentation;
// CHANGELOG.md says which documented behaviour each part follows, and where from.
//
// Usage: node server.mjs [--port N] [--tenant T] [--client-id ID] [--client-secret S]
//                        [--service-principal SP] [--job JOB] [--log-page-size N]
//                        [--process-after-ms N] [--unresolved-manager success|warning]
// Prints "LISTENING <port>"; serves HTTP on 127.0.0.1; exits when stdin closes.
//
//   POST /<tenant>/oauth2/v2.0/token                                  client credentials
//   POST /{v1.0|beta}/servicePrincipals/<sp>/synchronization/jobs/<job>/bulkUpload
//   GET  /{v1.0|beta}/auditLogs/provisioning[?$filter=&$top=&$orderby=&$skiptoken=]
// Uploaded operations wait in a queue until POST /admin/process (or --process-after-ms).
// Test endpoints:
//   POST /admin/process        {"processed": N}: process every queued operation (one cycle)
//   POST /admin/process-after  {"ms": N}: from now on, process each upload N ms after it came
//   POST /admin/fault          {"kind": "fail"|"drop"|"rate-limit"|"reject-upload"|"logs-unavailable", ...}
//   DELETE /admin/fault, GET /admin/fault
//   GET /admin/users, POST /admin/users (seed a user already in Entra, no log entry)
//   GET /admin/requests, POST /admin/reset-counters, GET /admin/log, POST /admin/expire-tokens
import express from "express";
import crypto from "node:crypto";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));

const TENANT = args.tenant ?? "contoso-tenant";
const CLIENT_ID = args["client-id"] ?? "hr2scim-app";
const CLIENT_SECRET = args["client-secret"] ?? "s3cret-value";
const SP = args["service-principal"] ?? "sp-1";
const JOB = args.job ?? "API2AAD.abc123.def456";
const PAGE_SIZE = Number(args["log-page-size"] ?? 50);
// Changed at run time by POST /admin/process-after {"ms": N} (null: only /admin/process).
let PROCESS_AFTER_MS = args["process-after-ms"] === undefined ? null : Number(args["process-after-ms"]);
const UNRESOLVED_MANAGER = args["unresolved-manager"] ?? "success";
if (!["success", "warning"].includes(UNRESOLVED_MANAGER)) throw new Error("--unresolved-manager: success or warning");

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const TOKEN_LIFETIME_S = 3599;
const MAX_OPERATIONS = 50;   // bulkUpload reference and resource pages
const MAX_TOP = 500;         // UNVERIFIED: no Microsoft page states the provisioning logs' $top limit
const BODY_LIMIT = "5mb";    // UNVERIFIED: no Microsoft page states a body size limit
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const uuid = () => crypto.randomUUID();
const TENANT_ID = uuid();
const SP_NAME = "API-driven provisioning to Microsoft Entra ID";
const PROVISIONING_APP_ID = uuid();
const SOURCE_SYSTEM_ID = uuid();
const TARGET_SYSTEM_ID = uuid();

// ---- state ---------------------------------------------------------------------------------
const tokens = new Map();        // access token -> expiry (ms since epoch)
const users = new Map();         // externalId (= Entra employeeId) -> user held in "Entra"
const queue = [];                // accepted, not yet processed operations, in arrival order
const log = [];                  // {seq, at, entry}: provisioning log, in processing order
let faults = [];
let operationSeq = 0;
let logSeq = 0;

function freshCounters() {
    return {token_requests: 0, uploads: 0, operations: 0, largest_upload: 0, rejected_uploads: 0,
            rate_limited: 0, log_reads: 0, refused: 0, unexpected: 0, dropped: 0, processed: 0,
            requests: []};
}
let counters = freshCounters();

// The first active fault the predicate accepts; "times" (when given) counts down to removal.
function takeFault(predicate) {
    const fault = faults.find(predicate);
    if (!fault) return null;
    if (fault.times !== undefined && --fault.times <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const origin = (req) => `${req.protocol}://${req.get("host")}`;

// ---- error bodies --------------------------------------------------------------------------
// Microsoft identity platform token errors: error, error_description ("AADSTS<n>: ..." with
// trace/correlation ids and timestamp), error_codes, timestamp, trace_id, correlation_id, error_uri.
function aadError(res, status, error, code, text) {
    const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
    const traceId = uuid();
    const correlationId = uuid();
    res.status(status).set("Cache-Control", "no-store").json({
        error,
        error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    });
}

// Microsoft Graph errors: {"error": {"code", "message", "innerError": {date, request-id, client-request-id}}}.
function graphError(res, status, code, message, headers = {}) {
    res.status(status).set(headers).json({error: {code, message, innerError: {
        date: new Date().toISOString().slice(0, 19),
        "request-id": res.locals.requestId,
        "client-request-id": res.locals.clientRequestId,
    }}});
}

const GRAPH_CODES = {400: "BadRequest", 401: "InvalidAuthenticationToken", 403: "Authorization_RequestDenied",
                     404: "Request_ResourceNotFound", 405: "MethodNotAllowed", 409: "Conflict",
                     413: "RequestEntityTooLarge", 429: "TooManyRequests", 500: "InternalServerError",
                     502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout"};

// A Graph request carrying an access token this fake issued and that has not expired.
function authorized(req, res) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
    const expiry = match ? tokens.get(match[1]) : undefined;
    let message = null;
    if (!match) message = "Access token is empty.";
    else if (expiry === undefined) message = "Access token validation failure. Invalid audience.";
    else if (expiry <= Date.now()) message = "Access token has expired or is not yet valid.";
    if (message === null) return true;
    counters.refused++;
    graphError(res, 401, "InvalidAuthenticationToken", message, {"WWW-Authenticate": 'Bearer realm=""'});
    return false;
}

function unexpected(res, status, message) {
    counters.unexpected++;
    graphError(res, status, GRAPH_CODES[status], message);
}

// ---- app -----------------------------------------------------------------------------------
const app = express();
app.disable("x-powered-by");
app.set("query parser", "simple");

// Every request outside /admin is recorded, and Graph requests get request ids.
app.use((req, res, next) => {
    if (req.path.startsWith("/admin")) return next();
    const record = {method: req.method, path: req.path, query: req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "",
                    operations: null, status: null};
    counters.requests.push(record);
    res.locals.record = record;
    res.on("finish", () => { record.status = res.statusCode; });
    res.locals.requestId = uuid();
    res.locals.clientRequestId = req.get("client-request-id") ?? uuid();
    if (/^\/(v1\.0|beta)\//i.test(req.path))
        res.set({"request-id": res.locals.requestId, "client-request-id": res.locals.clientRequestId});
    next();
});

// ---- token endpoint ------------------------------------------------------------------------
app.all("/:tenant/oauth2/v2.0/token", express.urlencoded({extended: false, limit: "64kb", type: () => true}), (req, res) => {
    if (req.method !== "POST") {
        counters.unexpected++;
        return aadError(res, 405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
    }
    counters.token_requests++;
    const body = isObject(req.body) ? req.body : {};
    if (req.params.tenant !== TENANT && req.params.tenant !== TENANT_ID)
        return aadError(res, 400, "invalid_request", 90002, `Tenant '${req.params.tenant}' not found.`);
    for (const name of ["grant_type", "client_id", "scope"].filter((n) => n !== "client_id" || !req.get("authorization")))
        if (!body[name]) return aadError(res, 400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);
    if (body.grant_type !== "client_credentials")
        return aadError(res, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");

    // Client authentication: client_id/client_secret in the body, or HTTP Basic (RFC 6749 2.3.1).
    let clientId = body.client_id;
    let secret = body.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    if (basic) {
        const decoded = Buffer.from(basic[1], "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        try {
            clientId = decodeURIComponent(decoded.slice(0, colon < 0 ? decoded.length : colon).replace(/\+/g, " "));
            secret = colon < 0 ? "" : decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
        } catch { clientId = secret = ""; }
    }
    if (clientId !== CLIENT_ID) {
        counters.refused++;
        return aadError(res, 400, "unauthorized_client", 700016,
            `Application with identifier '${clientId}' was not found in the directory '${TENANT}'.`);
    }
    if (!secret) {
        counters.refused++;
        return aadError(res, 401, "invalid_client", 7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (secret !== CLIENT_SECRET) {
        counters.refused++;
        return aadError(res, 401, "invalid_client", 7000215,
            `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT_ID}'.`);
    }
    const scopes = String(body.scope).trim().split(/\s+/);
    if (scopes.length !== 1 || scopes[0] !== GRAPH_SCOPE)
        return aadError(res, 400, "invalid_scope", 70011,
            `The provided value for the input parameter 'scope' is not valid. The scope ${body.scope} is not valid.`);

    const segment = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const token = [segment({typ: "JWT", alg: "RS256"}),
                   segment({aud: "https://graph.microsoft.com", tid: TENANT_ID, appid: CLIENT_ID, iat: now, exp: now + TOKEN_LIFETIME_S}),
                   crypto.randomBytes(32).toString("base64url")].join(".");
    tokens.set(token, Date.now() + TOKEN_LIFETIME_S * 1000);
    res.set("Cache-Control", "no-store").json({token_type: "Bearer", expires_in: TOKEN_LIFETIME_S,
                                               ext_expires_in: TOKEN_LIFETIME_S, access_token: token});
});

// ---- bulkUpload ----------------------------------------------------------------------------
// What is wrong with a bulk request, or null. Nothing of a request with a problem is queued.
function bulkProblem(body) {
    if (!isObject(body)) return "the body must be a JSON object";
    if (!Array.isArray(body.schemas) || !body.schemas.includes(BULK_REQUEST))
        return `schemas must contain "${BULK_REQUEST}"`;
    if (!Array.isArray(body.Operations)) return "Operations must be an array";
    if (body.Operations.length === 0) return "Operations must hold at least one operation";
    if (body.Operations.length > MAX_OPERATIONS)
        return `Operations holds ${body.Operations.length} operations; a request may hold at most ${MAX_OPERATIONS}`;
    for (const [i, op] of body.Operations.entries()) {
        const at = `Operations[${i}]`;
        if (!isObject(op)) return `${at} must be an object`;
        if (op.method !== "POST") return `${at}.method must be "POST" (got ${JSON.stringify(op.method)})`;
        if (op.path !== "/Users") return `${at}.path must be "/Users" (got ${JSON.stringify(op.path)})`;
        if (typeof op.bulkId !== "string" || op.bulkId === "") return `${at}.bulkId must be a non-empty string`;
        const data = op.data;
        if (!isObject(data)) return `${at}.data must be an object`;
        if (!Array.isArray(data.schemas)) return `${at}.data.schemas must be an array`;
        for (const urn of [CORE_USER, ENTERPRISE_USER])
            if (!data.schemas.includes(urn)) return `${at}.data.schemas must contain "${urn}"`;
        for (const key of Object.keys(data))
            if (key.toLowerCase().startsWith("urn:") && !data.schemas.includes(key))
                return `${at}.data carries "${key}" but data.schemas does not list it`;
        if (typeof data.externalId !== "string" || data.externalId.trim() === "")
            return `${at}.data.externalId must be a non-empty string`;
        if (data.active != null && typeof data.active !== "boolean") return `${at}.data.active must be a boolean`;
        if (data.name != null && !isObject(data.name)) return `${at}.data.name must be an object`;
        const enterprise = data[ENTERPRISE_USER];
        if (enterprise != null && !isObject(enterprise)) return `${at}.data["${ENTERPRISE_USER}"] must be an object`;
        const manager = enterprise?.manager;
        if (manager != null && (!isObject(manager) || (manager.value != null && typeof manager.value !== "string")))
            return `${at}.data["${ENTERPRISE_USER}"].manager must be an object whose value is a string`;
    }
    return null;
}

const BULK_PATH = /^\/(v1\.0|beta)\/servicePrincipals\/([^/]+)\/synchronization\/jobs\/([^/]+)\/bulkUpload\/?$/i;

app.all(BULK_PATH, (req, res, next) => {
    if (req.method !== "POST") return unexpected(res, 405, `The bulkUpload endpoint only accepts POST (got ${req.method}).`);
    if (!authorized(req, res)) return;
    const [sp, job] = [decodeURIComponent(req.params[1]), decodeURIComponent(req.params[2])];
    if (sp !== SP || job !== JOB) {
        counters.rejected_uploads++;
        return graphError(res, 404, "Request_ResourceNotFound",
            sp !== SP ? `Resource '${sp}' does not exist or one of its queried reference-property objects are not present.`
                      : `The synchronization job '${job}' was not found for service principal '${sp}'.`);
    }
    if (takeFault((f) => f.kind === "rate-limit")) {
        counters.rate_limited++;
        return graphError(res, 429, "TooManyRequests", "Too many requests. Retry after the time given in Retry-After.", {"Retry-After": "1"});
    }
    const rejection = takeFault((f) => f.kind === "reject-upload");
    if (rejection) {
        counters.rejected_uploads++;
        const status = Number(rejection.status ?? 400);
        return graphError(res, status, rejection.code ?? GRAPH_CODES[status] ?? "UnknownError",
            rejection.message ?? `The upload was rejected (fault injected with status ${status}).`,
            status === 429 || status === 503 ? {"Retry-After": "1"} : {});
    }
    next();
}, express.raw({type: () => true, limit: BODY_LIMIT}), (req, res) => {
    const reject = (problem) => {
        counters.rejected_uploads++;
        graphError(res, 400, "BadRequest", `Invalid Data Format: ${problem}`);
    };
    const contentType = (req.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (contentType !== "application/scim+json")
        return reject(`the Content-Type header must be application/scim+json (got ${contentType || "none"})`);
    let body;
    try { body = JSON.parse((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString("utf8")); }
    catch { return reject("the body is not valid JSON"); }
    if (Array.isArray(body?.Operations)) res.locals.record.operations = body.Operations.length;
    const problem = bulkProblem(body);
    if (problem) return reject(problem);

    const operations = body.Operations;
    let lastSeq = 0;
    for (const op of operations) {
        if (takeFault((f) => f.kind === "drop" && f.externalId === op.data.externalId)) { counters.dropped++; continue; }
        lastSeq = ++operationSeq;
        queue.push({seq: lastSeq, bulkId: op.bulkId, data: structuredClone(op.data)});
    }
    counters.uploads++;
    counters.operations += operations.length;
    counters.largest_upload = Math.max(counters.largest_upload, operations.length);
    if (PROCESS_AFTER_MS !== null && lastSeq) setTimeout(() => processQueue(lastSeq), PROCESS_AFTER_MS);
    res.status(202)
       .set("Location", `${origin(req)}/${req.params[0]}/auditLogs/provisioning/?$filter=jobid%20eq%20'${encodeURIComponent(JOB)}'`)
       .end();
});

// ---- processing ----------------------------------------------------------------------------
// SCIM attributes the fake holds, as carried by one operation's data (null counts as absent).
function carried(data) {
    const enterprise = isObject(data[ENTERPRISE_USER]) ? data[ENTERPRISE_USER] : {};
    const values = {userName: data.userName, active: data.active, displayName: data.displayName,
                    givenName: data.name?.givenName, familyName: data.name?.familyName, title: data.title,
                    emails: data.emails, department: enterprise.department, employeeNumber: enterprise.employeeNumber,
                    costCenter: enterprise.costCenter, division: enterprise.division, organization: enterprise.organization};
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));
}
const managerReference = (data) => {
    const value = data?.[ENTERPRISE_USER]?.manager?.value;
    return typeof value === "string" && value !== "" ? value : null;
};

// Entra attribute names, for modifiedProperties and the export step (approximate default mapping).
const ENTRA_NAMES = {userName: "userPrincipalName", active: "accountEnabled", displayName: "displayName",
                     givenName: "givenName", familyName: "surname", title: "jobTitle", emails: "mail",
                     department: "department", employeeNumber: "employeeNumber", costCenter: "costCenter",
                     division: "division", organization: "companyName", manager: "manager"};
function entraValue(key, value) {
    if (value === null || value === undefined) return null;
    if (key === "active") return value ? "True" : "False";
    if (key === "emails") return Array.isArray(value) ? String((value.find((e) => e?.primary) ?? value[0])?.value ?? "") : String(value);
    if (key === "manager") return users.get(value)?.objectId ?? null;
    return typeof value === "string" ? value : JSON.stringify(value);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function writeLog({changeId, cycleId, action, status, errorInformation = null, externalId, user, steps, modified, started}) {
    const entry = {
        id: uuid(),
        activityDateTime: new Date().toISOString(),
        tenantId: TENANT_ID,
        jobId: JOB,
        cycleId,
        changeId,
        provisioningAction: action,
        durationInMilliseconds: Math.max(1, Date.now() - started),
        servicePrincipal: {id: SP, displayName: SP_NAME},
        sourceSystem: {id: SOURCE_SYSTEM_ID, displayName: "API", details: {}},
        targetSystem: {id: TARGET_SYSTEM_ID, displayName: "Azure Active Directory",
                       details: {ApplicationId: PROVISIONING_APP_ID, ServicePrincipalId: SP, ServicePrincipalDisplayName: SP_NAME}},
        initiatedBy: {id: "", displayName: "Azure AD Provisioning Service", initiatorType: "system"},
        sourceIdentity: {id: externalId, displayName: "", identityType: ENTERPRISE_USER, details: {}},
        targetIdentity: user
            ? {id: user.objectId, displayName: user.displayName ?? "", identityType: "User",
               details: {id: user.objectId, odatatype: "User", DisplayName: user.displayName ?? "", UserPrincipalName: user.userName ?? ""}}
            : {id: "", displayName: "", identityType: "User", details: {}},
        provisioningStatusInfo: {status, errorInformation},
        provisioningSteps: steps,
        modifiedProperties: modified,
    };
    log.push({seq: ++logSeq, at: Date.parse(entry.activityDateTime), entry});
}

function processOne(item, cycleId, deferred) {
    const started = Date.now();
    const data = item.data;
    const externalId = data.externalId;
    const changeId = uuid();
    const existing = users.get(externalId) ?? null;
    const incoming = carried(data);
    const reference = managerReference(data);
    const importDetails = Object.fromEntries(Object.entries({...incoming, manager: reference ?? undefined, externalId})
        .filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const steps = [
        {name: "EntryImportAdd", provisioningStepType: "import", status: "success",
         description: `Received User '${externalId}' (change of type Add) from the API`, details: importDetails},
        {name: "EntrySynchronizationScoping", provisioningStepType: "scoping", status: "success",
         description: "Evaluated the scoping filters: the user is in scope",
         details: {"Active in the source system": incoming.active === false ? "False" : "True", "Scoping filter evaluation passed": "True"}},
        existing
            ? {name: "EntryImport", provisioningStepType: "matching", status: "success",
               description: `Found the user with employeeId '${externalId}' in Microsoft Entra ID`,
               details: {objectId: existing.objectId, employeeId: externalId}}
            : {name: "EntrySynchronizationAdd", provisioningStepType: "matching", status: "success",
               description: `No user with employeeId '${externalId}' in Microsoft Entra ID: the user will be created`, details: {}},
    ];
    const failed = (errorCode, reason) => {
        steps.push({name: existing ? "EntryExportUpdate" : "EntryExportAdd", provisioningStepType: "export", status: "failure",
                    description: `Failed to ${existing ? "update" : "create"} User '${externalId}' in Microsoft Entra ID`,
                    details: {ReportableIdentifier: externalId}});
        writeLog({changeId, cycleId, action: existing ? "update" : "create", status: "failure", externalId, user: existing, steps,
                  modified: [], started, errorInformation: {errorCode, reason, additionalDetails: null,
                                                            errorCategory: "nonServiceFailure", recommendedAction: null}});
    };

    const fault = takeFault((f) => f.kind === "fail" && f.externalId === externalId);
    if (fault) return failed(fault.errorCode ?? "EntryConflict",
        fault.reason ?? `Microsoft Entra ID refused the change to User '${externalId}' (fault injected).`);
    if (!existing && (!incoming.userName || !incoming.displayName))
        return failed("MandatoryFieldsMissing", `User '${externalId}' cannot be created without ${!incoming.userName ? "userName" : "displayName"}.`);
    if (incoming.userName && [...users.values()].some((u) => u.externalId !== externalId && u.userName === incoming.userName))
        return failed("EntryConflict", `Another user already has the userPrincipalName '${incoming.userName}'.`);

    // The manager reference resolves against the users held now; otherwise it waits for the end
    // of the cycle (see processQueue) and the manager is left as it is.
    let unresolved = null;
    if (reference !== null) {
        if (users.has(reference)) incoming.manager = reference;
        else unresolved = reference;
    }
    let user = existing;
    let changes;
    if (!user) {
        user = {externalId, objectId: uuid(), userName: null, active: true, displayName: null, givenName: null,
                familyName: null, title: null, emails: null, department: null, employeeNumber: null, costCenter: null,
                division: null, organization: null, manager: null, raw: null};
        changes = Object.keys(incoming);
    } else {
        changes = Object.keys(incoming).filter((k) => !same(user[k], incoming[k]));
    }
    const old = Object.fromEntries(changes.map((k) => [k, user[k]]));
    Object.assign(user, incoming);
    user.raw = data;
    users.set(externalId, user);

    if (unresolved !== null) {
        deferred.push({externalId, reference: unresolved, changeId});
        steps.push({name: "EntrySynchronizationSkip", provisioningStepType: "processing", status: "success",
                    description: `The manager reference '${unresolved}' of User '${externalId}' matches no user yet; the manager is not set`,
                    details: {[unresolved]: "manager Add", PropertyName: "manager", SkipReason: "UnableToResolveReferenceAttributeValue"}});
    }
    const warning = unresolved !== null && UNRESOLVED_MANAGER === "warning"
        ? {errorCode: "UnableToResolveReferenceAttributeValue",
           reason: `The manager reference '${unresolved}' matches no user with that employeeId; the manager was not set.`,
           additionalDetails: null, errorCategory: "nonServiceFailure", recommendedAction: null}
        : null;
    const modified = existing ? [] : [{displayName: "employeeId", oldValue: null, newValue: externalId}];
    for (const k of changes)
        modified.push({displayName: ENTRA_NAMES[k], oldValue: existing ? entraValue(k, old[k]) : null, newValue: entraValue(k, user[k])});

    if (existing && changes.length === 0) {
        steps.push({name: "EntrySynchronizationSkipped", provisioningStepType: "processing", status: "skipped",
                    description: `User '${externalId}' already holds every value sent: no change is needed`, details: {}});
        return writeLog({changeId, cycleId, action: "other", status: "skipped", externalId, user, steps, modified: [], started});
    }
    steps.push({name: existing ? "EntryExportUpdate" : "EntryExportAdd", provisioningStepType: "export", status: "success",
                description: `User '${user.userName ?? externalId}' was ${existing ? "updated" : "created"} in Microsoft Entra ID`,
                details: {...Object.fromEntries(modified.map((m) => [m.displayName, m.newValue ?? ""])), ReportableIdentifier: externalId}});
    const action = !existing ? "create" : changes.includes("active") && old.active !== false && user.active === false ? "disable" : "update";
    writeLog({changeId, cycleId, action, status: warning ? "warning" : "success", errorInformation: warning,
              externalId, user, steps, modified, started});
}

// One processing run is one cycle: the queued operations up to (and including) seq, in arrival
// order, then a second pass over manager references that could not be resolved in the first.
function processQueue(uptoSeq = Infinity) {
    const batch = [];
    while (queue.length && queue[0].seq <= uptoSeq) batch.push(queue.shift());
    if (!batch.length) return 0;
    const cycleId = uuid();
    const deferred = [];
    for (const item of batch) processOne(item, cycleId, deferred);
    for (const {externalId, reference, changeId} of deferred) {
        const started = Date.now();
        const user = users.get(externalId);
        const manager = users.get(reference);
        if (!user || !manager || user.manager === reference || managerReference(user.raw) !== reference) continue;
        const previous = user.manager;
        user.manager = reference;
        const modified = [{displayName: "manager", oldValue: previous ? users.get(previous)?.objectId ?? null : null, newValue: manager.objectId}];
        writeLog({changeId, cycleId, action: "update", status: "success", externalId, user, started, modified,
                  steps: [{name: "EntryExportUpdate", provisioningStepType: "export", status: "success",
                           description: `User '${user.userName ?? externalId}' was updated in Microsoft Entra ID (manager)`,
                           details: {ReportableIdentifier: externalId}}]});
    }
    counters.processed += batch.length;
    return batch.length;
}

// ---- provisioning logs ---------------------------------------------------------------------
const STRING_PROPERTIES = {
    "jobid": (e) => e.jobId, "cycleid": (e) => e.cycleId, "changeid": (e) => e.changeId, "id": (e) => e.id,
    "tenantid": (e) => e.tenantId, "provisioningaction": (e) => e.provisioningAction,
    "provisioningstatusinfo/status": (e) => e.provisioningStatusInfo.status,
    "serviceprincipal/id": (e) => e.servicePrincipal.id, "sourceidentity/id": (e) => e.sourceIdentity.id,
    "targetidentity/id": (e) => e.targetIdentity.id,
};
const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i;

// $filter: clauses joined by "and"; string properties with eq/ne and a quoted value,
// activityDateTime with eq/ne/gt/ge/lt/le and an ISO datetime (unquoted as OData writes it, or quoted).
// Returns a predicate over {at, entry}, or throws the reason the filter is refused.
function parseFilter(text) {
    const tokens = [];
    const scanner = /\s*(?:'((?:[^']|'')*)'|([^\s']+))/y;
    let m;
    while (scanner.lastIndex < text.length && (m = scanner.exec(text)))
        tokens.push(m[1] !== undefined ? {quoted: m[1].replace(/''/g, "'")} : {word: m[2]});
    if (text.slice(scanner.lastIndex).trim()) throw new Error("unbalanced quotes");
    const clauses = [];
    for (let i = 0; i < tokens.length; i += 4) {
        const [prop, op, value, joiner] = tokens.slice(i, i + 4);
        if (!prop?.word || !op?.word || !value) throw new Error("expected <property> <operator> <value>");
        if (joiner && joiner.word?.toLowerCase() !== "and") throw new Error(`unsupported "${joiner.word ?? joiner.quoted}" (only "and" joins clauses)`);
        if (joiner && i + 4 >= tokens.length) throw new Error(`nothing after "and"`);
        const name = prop.word.toLowerCase();
        const operator = op.word.toLowerCase();
        if (STRING_PROPERTIES[name]) {
            if (!["eq", "ne"].includes(operator)) throw new Error(`operator ${op.word} is not supported on ${prop.word}`);
            if (value.quoted === undefined) throw new Error(`${prop.word} takes a quoted string`);
            const get = STRING_PROPERTIES[name];
            clauses.push(operator === "eq" ? (r) => get(r.entry) === value.quoted : (r) => get(r.entry) !== value.quoted);
        } else if (name === "activitydatetime") {
            // A "+" in an unencoded query arrives as a space: "…:00 01:00" was "…:00+01:00".
            const literal = (value.quoted ?? value.word).replace(/ (\d\d:\d\d)$/, "+$1");
            if (!DATETIME.test(literal) || Number.isNaN(Date.parse(literal))) throw new Error(`"${literal}" is not an ISO 8601 datetime`);
            const t = Date.parse(literal);
            const compare = {eq: (a) => a === t, ne: (a) => a !== t, gt: (a) => a > t, ge: (a) => a >= t, lt: (a) => a < t, le: (a) => a <= t}[operator];
            if (!compare) throw new Error(`operator ${op.word} is not supported on activityDateTime`);
            clauses.push((r) => compare(r.at));
        } else {
            throw new Error(`filtering on ${prop.word} is not supported`);
        }
    }
    if (!clauses.length) throw new Error("empty filter");
    return (r) => clauses.every((c) => c(r));
}

const LOG_PATH = /^\/(v1\.0|beta)\/auditLogs\/provisioning\/?$/i;

app.all(LOG_PATH, (req, res) => {
    if (req.method !== "GET") return unexpected(res, 405, `The provisioning logs only answer GET (got ${req.method}).`);
    if (!authorized(req, res)) return;
    counters.log_reads++;
    if (takeFault((f) => f.kind === "logs-unavailable"))
        return graphError(res, 503, "ServiceUnavailable", "The service is temporarily unavailable. Retry later.", {"Retry-After": "1"});
    const q = req.query;
    for (const key of ["$filter", "$top", "$orderby", "$skiptoken"])
        if (Array.isArray(q[key])) return graphError(res, 400, "BadRequest", `Query option ${key} was given more than once.`);
    let keep = () => true;
    if (q.$filter !== undefined) {
        try { keep = parseFilter(q.$filter); }
        catch (e) { return graphError(res, 400, "BadRequest", `Invalid filter clause: ${e.message}.`); }
    }
    const top = q.$top === undefined ? PAGE_SIZE : Number(q.$top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
        return graphError(res, 400, "BadRequest", `Invalid $top value '${q.$top}': it must be an integer from 1 to ${MAX_TOP}.`);
    const orderby = (q.$orderby ?? "activityDateTime desc").trim().split(/\s+/);
    if (orderby[0].toLowerCase() !== "activitydatetime" || orderby.length > 2 || (orderby[1] && !/^(asc|desc)$/i.test(orderby[1])))
        return graphError(res, 400, "BadRequest", `Ordering by '${q.$orderby}' is not supported; use activityDateTime asc or desc.`);
    const descending = (orderby[1] ?? "asc").toLowerCase() === "desc" || q.$orderby === undefined;
    let after = null;
    if (q.$skiptoken !== undefined) {
        try { after = JSON.parse(Buffer.from(q.$skiptoken, "base64url").toString("utf8")).after; } catch { /* below */ }
        if (!Number.isInteger(after)) return graphError(res, 400, "BadRequest", "Invalid $skiptoken.");
    }
    const matching = log.filter(keep).sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq));
    const start = after === null ? 0 : matching.findIndex((r) => (descending ? r.seq < after : r.seq > after));
    const page = start < 0 ? [] : matching.slice(start, start + top);
    const more = start >= 0 && matching.length > start + top;
    const version = req.params[0];
    const beta = version.toLowerCase() === "beta";
    const value = page.map(({entry}) => (beta
        ? {...entry, action: entry.provisioningAction[0].toUpperCase() + entry.provisioningAction.slice(1),
           statusInfo: {status: entry.provisioningStatusInfo.status}}
        : entry));
    const answer = {"@odata.context": `${origin(req)}/${version}/$metadata#auditLogs/provisioning`, value};
    if (more) {
        const params = Object.entries(q).filter(([k]) => k !== "$skiptoken" && k !== "$top")
            .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
        params.push(`$top=${top}`);
        params.push(`$skiptoken=${Buffer.from(JSON.stringify({after: page[page.length - 1].seq})).toString("base64url")}`);
        answer["@odata.nextLink"] = `${origin(req)}/${version}/auditLogs/provisioning?${params.join("&")}`;
    }
    res.json(answer);
});

// ---- admin ---------------------------------------------------------------------------------
const admin = express.Router();
admin.use(express.json({limit: BODY_LIMIT}));
admin.post("/process", (req, res) => res.json({processed: processQueue()}));
admin.post("/process-after", (req, res) => {
    const ms = req.body?.ms;
    if (ms !== null && !(Number.isFinite(ms) && ms >= 0))
        return res.status(400).json({error: "ms: a number of milliseconds, or null"});
    PROCESS_AFTER_MS = ms;
    res.json({ms});
});
admin.get("/users", (req, res) => res.json({users: [...users.values()]
    .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0))
    .map((u) => ({...u}))}));
// Seeds a user already in Entra (matched later by externalId = employeeId); writes no log entry.
admin.post("/users", (req, res) => {
    const data = req.body;
    if (!isObject(data) || typeof data.externalId !== "string" || !data.externalId)
        return res.status(400).json({error: "a SCIM user object with a non-empty externalId"});
    const user = {externalId: data.externalId, objectId: uuid(), userName: null, active: true, displayName: null,
                  givenName: null, familyName: null, title: null, emails: null, department: null, employeeNumber: null,
                  costCenter: null, division: null, organization: null, manager: managerReference(data), raw: data,
                  ...carried(data)};
    users.set(user.externalId, user);
    res.status(201).json({objectId: user.objectId});
});
admin.get("/requests", (req, res) => res.json({...counters, queued: queue.length}));
admin.post("/reset-counters", (req, res) => { counters = freshCounters(); res.status(204).end(); });
admin.get("/log", (req, res) => res.json({value: log.map((r) => r.entry)}));
const FAULT_KINDS = ["fail", "drop", "rate-limit", "reject-upload", "logs-unavailable"];
admin.post("/fault", (req, res) => {
    const fault = req.body;
    if (!isObject(fault) || !FAULT_KINDS.includes(fault.kind))
        return res.status(400).json({error: `kind must be one of ${FAULT_KINDS.join(", ")}`});
    if ((fault.kind === "fail" || fault.kind === "drop") && typeof fault.externalId !== "string")
        return res.status(400).json({error: `a ${fault.kind} fault names an externalId`});
    if (fault.kind === "reject-upload" && fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599))
        return res.status(400).json({error: "status must be an HTTP error status (400 to 599)"});
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0))
        return res.status(400).json({error: "times must be a positive integer"});
    faults.push({...fault});
    res.status(204).end();
});
admin.delete("/fault", (req, res) => { faults = []; res.status(204).end(); });
admin.get("/fault", (req, res) => res.json({faults}));
admin.post("/expire-tokens", (req, res) => { for (const t of tokens.keys()) tokens.set(t, 0); res.status(204).end(); });
admin.use((req, res) => res.status(404).json({error: `the fake has no ${req.method} /admin${req.path}`}));
app.use("/admin", admin);

// Anything else is a path or method the fake (and, for these paths, the real API) does not serve.
app.use((req, res) => unexpected(res, 404, `Resource not found for the segment '${req.path.split("/").filter(Boolean).pop() ?? "/"}'.`));

// Body-parser failures, in the answering endpoint's own error shape.
app.use((err, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = err.status ?? err.statusCode ?? 500;
    if (req.path.startsWith("/admin")) return res.status(status).json({error: err.message});
    if (BULK_PATH.test(req.path)) {
        counters.rejected_uploads++;
        return status === 413
            ? graphError(res, 413, "RequestEntityTooLarge", `The request body is larger than ${BODY_LIMIT}.`)
            : graphError(res, 400, "BadRequest", `Invalid Data Format: ${err.message}`);
    }
    if (/\/oauth2\/v2\.0\/token$/i.test(req.path))
        return aadError(res, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
    graphError(res, status, GRAPH_CODES[status] ?? "UnknownError", err.message);
});

const listener = app.listen(Number(args.port ?? 0), "127.0.0.1", () =>
    process.stdout.write(`LISTENING ${listener.address().port}\n`));
const stop = () => { listener.closeAllConnections?.(); listener.close(() => process.exit(0)); };
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
