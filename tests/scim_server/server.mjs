// A real SCIM 2.0 service provider for tests and the demo: scimmy decides every
// SCIM question; this file is only storage glue, a bearer-token check, userName
// uniqueness, and test endpoints outside /scim/v2 (request log, dump, faults).
//
// Usage: node server.mjs [--port N] [--host 127.0.0.1] [--token-env NAME]
//                        [--tls-cert FILE --tls-key FILE]   (serve HTTPS)
// Prints "LISTENING <port>" on stdout once ready; exits when stdin closes, so
// a test that dies never leaves it running.
import crypto from "node:crypto";
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

const users = new Map();
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
//   discovery: true              for the discovery endpoints (/ServiceProviderConfig, /Schemas,
//                                /ResourceTypes), which other faults leave alone
let faults = [];
// Behaviours of real targets, switched with POST /test/mode:
//   {ignoreFilter: true}         GET /Users?filter=... answers with every user, as if unfiltered
//   {plainList: true}            GET /Users answers with a bare JSON array, not a ListResponse
//   {noResources: true}          GET /Users answers {"totalResults": N} without Resources
const mode = {ignoreFilter: false, plainList: false, noResources: false};
let hanging = 0;

function scimError(status, scimType, detail) {
    return new SCIMMY.Types.Error(status, scimType, detail);
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

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false).extend(AcmeUser, false))
    .ingress((resource, instance) => {
        const id = resource.id ?? crypto.randomUUID();
        if (resource.id && !users.has(id)) throw scimError(404, null, `Resource ${id} not found`);
        // Uniqueness ignores case (RFC 7643: userName is caseExact=false), while scimmy's
        // filters compare case-sensitively: a look-up can miss what a create then refuses.
        for (const [otherId, other] of users) {
            if (otherId !== id && other.userName?.toLowerCase() === instance.userName?.toLowerCase())
                throw scimError(409, "uniqueness", `userName ${instance.userName} is already taken`);
        }
        const now = new Date().toISOString();
        const created = users.get(id)?.meta?.created ?? now;
        const stored = {...plain(instance), id, meta: {resourceType: "User", created, lastModified: now}};
        users.set(id, stored);
        return stored;
    })
    .egress((resource) => {
        if (resource.id) {
            const user = users.get(resource.id);
            if (!user) throw scimError(404, null, `Resource ${resource.id} not found`);
            return user;
        }
        const all = [...users.values()];
        return resource.filter && !mode.ignoreFilter ? resource.filter.match(all) : all;
    })
    .degress((resource) => {
        if (!users.delete(resource.id)) throw scimError(404, null, `Resource ${resource.id} not found`);
    });

const app = express();

// Every request is logged once its answer is sent, so tests count what the server saw.
app.use((req, res, next) => {
    const path = req.originalUrl.split("?")[0];
    if (!path.startsWith("/test/"))
        res.on("finish", () => requests.push({method: req.method, path, status: res.statusCode}));
    next();
});

// Injected faults answer the next SCIM requests before scimmy sees them (or rewrite its answer).
const isDiscovery = (path) => /^\/scim\/v2\/(ServiceProviderConfig|Schemas|ResourceTypes)/.test(path);
app.use("/scim", (req, res, next) => {
    const discovery = isDiscovery(req.originalUrl);
    const index = faults.findIndex((f) => (!f.method || f.method === req.method) && !!f.discovery === discovery);
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

app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    handler: (request) => {
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Invalid bearer token");
        return "hr2scim-test-client";
    }
}));

const testApi = express.Router();
testApi.use(express.json({limit: "10mb"}));
testApi.get("/requests", (req, res) => res.json(requests));
testApi.delete("/requests", (req, res) => { requests.length = 0; res.status(204).end(); });
testApi.get("/users", (req, res) => res.json([...users.values()]));
testApi.post("/reset", (req, res) => {
    users.clear(); requests.length = 0; faults = []; hanging = 0;
    Object.assign(mode, {ignoreFilter: false, plainList: false, noResources: false});
    res.status(204).end();
});
testApi.post("/faults", (req, res) => {
    faults.push(...[req.body].flat().map((f) => ({...f, times: f.times ?? 1})));
    res.status(204).end();
});
testApi.post("/mode", (req, res) => { Object.assign(mode, req.body); res.status(204).end(); });
testApi.get("/hanging", (req, res) => res.json({count: hanging}));
app.use("/test", testApi);

const server = args["tls-cert"]
    ? https.createServer({cert: fs.readFileSync(args["tls-cert"]), key: fs.readFileSync(args["tls-key"])}, app)
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
