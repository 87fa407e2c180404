// ADP Workforce Now's workers API, as documented (CHANGELOG.md lists what is enforced):
// https://developers.adp.com/articles/guides/auth-process-data-connector-apps (client
// credentials with a signed certificate), https://developers.adp.com/articles/general/introduction-to-adp-restful-apis
// ($top, $skip), ADP's sample payloads (github.com/adpllc/marketplace-sample-payloads,
// wfn/hr/workers-v2 and wfn/hr/Worker-read/errors) for the shapes. Mutual TLS itself is
// server.mjs's: run with --tls-cert, --tls-key and --tls-client-ca.
import crypto from "node:crypto";

const CLIENT_ID = "adp-client";
const CLIENT_SECRET = "adp-secret";
const MAX_TOP = 100;
const tokens = new Set();

const associateOID = (n) => `G3HRFAKE${String(n).padStart(8, "0")}`;
const workerId = (n) => `W${String(n).padStart(8, "0")}`;

// ADP's error envelope (confirmMessage), as its samples show it.
function confirmMessage(res, status, text) {
    res.status(status).json({confirmMessage: {
        confirmMessageID: {idValue: crypto.randomUUID(), schemeName: "confirmMessageID", schemeAgencyName: "WFN"},
        createDateTime: new Date().toISOString(),
        protocolStatusCode: {codeValue: String(status), shortName: String(status)},
        requestStatusCode: {codeValue: "failed"},
        resourceMessages: [{resourceStatusCode: {codeValue: "failed"},
                            processMessages: [{messageTypeCode: {codeValue: "error"}, userMessage: {messageTxt: text}}]}],
    }});
}

const organizationUnit = (type, code, name) =>
    ({nameCode: {codeValue: code, shortName: name}, typeCode: {codeValue: type, shortName: type}});

function worker(person, fake) {
    const boss = person.manager ? fake.byNumber(person.manager) : null;
    const active = person.status === "active";
    return {
        associateOID: associateOID(person.n),
        workerID: {idValue: workerId(person.n)},
        person: {
            legalName: {givenName: person.first, familyName1: person.last, formattedName: `${person.last}, ${person.first}`},
            ...(person.preferred ? {preferredName: {givenName: person.preferred}} : {}),
        },
        businessCommunication: {emails: [{itemID: "Business", nameCode: {codeValue: "Work E-mail", shortName: "Work E-mail"},
                                          emailUri: person.email}]},
        workerDates: {originalHireDate: person.hire_date,
                      ...(person.termination_date ? {terminationDate: person.termination_date} : {})},
        workerStatus: {statusCode: {codeValue: active ? "Active" : "Terminated"}},
        // An earlier position first: the preset must pick the primary one.
        workAssignments: [
            {itemID: `${person.n}_1`, primaryIndicator: false, jobTitle: "Intern",
             assignmentStatus: {statusCode: {codeValue: "T", shortName: "Terminated"}},
             homeOrganizationalUnits: [organizationUnit("Department", "TRN", "Trainees")]},
            {itemID: `${person.n}_2`, primaryIndicator: true, hireDate: person.hire_date, jobTitle: person.title,
             assignmentStatus: {statusCode: active ? {codeValue: "A", shortName: "Active"} : {codeValue: "T", shortName: "Terminated"}},
             ...(boss ? {reportsTo: [{associateOID: associateOID(boss.n),
                                      workerID: {idValue: workerId(boss.n), schemeCode: {codeValue: "Associate ID"}},
                                      reportsToWorkerName: {formattedName: `${boss.first} ${boss.last}`}}]} : {}),
             // A cost number before the department: the preset must pick the department by type.
             homeOrganizationalUnits: [organizationUnit("Cost Number", "CC100", "Cost centre 100"),
                                       organizationUnit("Department", person.department.slice(0, 3).toUpperCase(), person.department)],
             assignedWorkLocations: [{address: {cityName: person.office}}]},
        ],
    };
}

export function rateLimited(res) {
    // ADP publishes no limits; a throttled request gets 429, here with a second's wait.
    res.set("Retry-After", "1");
    confirmMessage(res, 429, "Too many requests");
}

// The client id and secret as HTTP Basic, as ADP's guide says to send them.
function client(req) {
    const header = req.header("Authorization") ?? "";
    if (!header.startsWith("Basic ")) return null;
    return Buffer.from(header.slice(6), "base64").toString("utf8");
}

export function install(app, fake) {
    app.post("/auth/oauth/v2/token", (req, res) => {
        const grant = req.body?.grant_type ?? req.query.grant_type;
        if (grant !== "client_credentials")
            return res.status(400).json({error: "unsupported_grant_type", error_description: "grant_type must be client_credentials"});
        if (client(req) !== `${CLIENT_ID}:${CLIENT_SECRET}`) {
            fake.refused();
            return res.status(401).json({error: "invalid_client", error_description: "The given client credentials were not valid"});
        }
        const token = crypto.randomUUID();
        tokens.add(token);
        res.json({access_token: token, token_type: "Bearer", expires_in: 3600, scope: "api"});
    });

    app.get("/hr/v2/workers", (req, res) => {
        const header = req.header("Authorization") ?? "";
        if (!header.startsWith("Bearer ") || !tokens.has(header.slice(7))) {
            fake.refused();
            return confirmMessage(res, 401, "Invalid authorization credentials");
        }
        if (fake.arrived(req, res)) return;
        const people = fake.company.people;
        // Without $top, everyone (as ADP's all-workers sample); with it, at most 100.
        const top = req.query.$top === undefined ? people.length : Number(req.query.$top);
        const skip = Number(req.query.$skip ?? 0);
        if ((req.query.$top !== undefined && (!Number.isInteger(top) || top < 1 || top > MAX_TOP)) ||
            !Number.isInteger(skip) || skip < 0)
            return confirmMessage(res, 400, "queryParameter is invalid.");
        // Past the last worker: 204 No Content.
        if (skip >= people.length) return res.status(204).end();
        fake.send(res, Math.floor(skip / top) + 1, {
            workers: people.slice(skip, skip + top).map((person) => worker(person, fake)),
            meta: null,
        });
    });
}
