// Workday's REST API, the workers collection, with an API client's refresh token (CHANGELOG.md
// lists what is enforced). Workday's own reference needs a customer login; this follows its
// public copies: https://community.workday.com/sites/default/files/file-hosting/restapi/index.html
// (as copied in github.com/vvmc/vvmc.github.io, pages/mydoc/mydoc_rest_api_reference_workers.md),
// https://documentation.sailpoint.com/connectors/workday_accounts/help/integrating_workday_accounts/create_api_client_for_integration.html ,
// https://www.crul.com/docs/oauthproviders/workday/ , and RFC 6749 for the token endpoint.
import crypto from "node:crypto";

const TENANT = "acme";
const CLIENT_ID = "workday-client";
const CLIENT_SECRET = "wd-secret";
const REFRESH_TOKEN = "wd-refresh";
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const tokens = new Set();

const error = (res, status, message) => res.status(status).json({error: message});
// RFC 6749 §5.2: the token endpoint's errors.
const oauthError = (res, status, code, description) =>
    res.status(status).json({error: code, error_description: description});

// A worker's Workday ID: 32 hex digits.
const workdayId = (n) => `3aa5550b7fe348b98d7b5741afc6${String(n).padStart(4, "0")}`;
const organizationId = (name) => crypto.createHash("md5").update(`org:${name}`).digest("hex");

// The workerSummary view: no empty pairs, no name parts, dates or manager.
function workerSummary(person, managers, base) {
    const href = `${base}/workers/${workdayId(person.n)}`;
    const summary = {
        descriptor: `${person.preferred ?? person.first} ${person.last}`,
        id: workdayId(person.n),
        href,
        primarySupervisoryOrganization: {descriptor: person.department, id: organizationId(person.department),
                                         href: `${base}/supervisoryOrganizations/${organizationId(person.department)}`},
        businessTitle: person.title,
        primaryWorkEmail: person.email,
        isManager: managers.has(person.n),
    };
    return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== null && value !== ""));
}

export function rateLimited(res) {
    // Workday publishes no limits; throttled requests get 429, here with a second's wait.
    res.set("Retry-After", "1");
    error(res, 429, "Too many requests");
}

// The client's id and secret: as HTTP Basic, or in the form (RFC 6749 §2.3.1), not both.
function client(req) {
    const header = req.header("Authorization") ?? "";
    const inForm = req.body?.client_id !== undefined || req.body?.client_secret !== undefined;
    if (header.startsWith("Basic ") && !inForm) {
        const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        return colon < 0 ? null : [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    }
    return inForm && !header ? [req.body.client_id, req.body.client_secret] : null;
}

export function install(app, fake) {
    app.post("/ccx/oauth2/:tenant/token", (req, res) => {
        if (req.params.tenant !== TENANT) return error(res, 404, `no tenant ${req.params.tenant}`);
        const [id, secret] = client(req) ?? [];
        if (id !== CLIENT_ID || secret !== CLIENT_SECRET) {
            fake.refused();
            return oauthError(res, 401, "invalid_client", "client authentication failed");
        }
        if (req.body?.grant_type !== "refresh_token")
            return oauthError(res, 400, "unsupported_grant_type", "an API client for integrations uses refresh_token");
        if (req.body.refresh_token !== REFRESH_TOKEN) {
            fake.refused();
            return oauthError(res, 400, "invalid_grant", "the refresh token is invalid");
        }
        const token = crypto.randomUUID();
        tokens.add(token);
        res.json({access_token: token, token_type: "Bearer", refresh_token: REFRESH_TOKEN});
    });

    app.get("/ccx/api/v1/:tenant/workers", (req, res) => {
        const header = req.header("Authorization") ?? "";
        if (!header.startsWith("Bearer ") || !tokens.has(header.slice(7))) {
            fake.refused();
            return error(res, 401, "invalid or expired access token");
        }
        if (req.params.tenant !== TENANT) return error(res, 404, `no tenant ${req.params.tenant}`);
        if (fake.arrived(req, res)) return;
        const limit = req.query.limit === undefined ? DEFAULT_LIMIT : Number(req.query.limit);
        const offset = Number(req.query.offset ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
            return error(res, 400, `invalid request: limit must be 1 to ${MAX_LIMIT}`);
        if (!Number.isInteger(offset) || offset < 0) return error(res, 400, "invalid request: offset");
        // The collection lists current workers: a terminated one is no longer in it.
        const workers = fake.company.people.filter((p) => p.status === "active");
        const managers = new Set(workers.map((p) => p.manager));
        const base = `${fake.origin(req)}/ccx/api/v1/${TENANT}`;
        fake.send(res, Math.floor(offset / limit) + 1, {
            total: workers.length,
            data: workers.slice(offset, offset + limit).map((p) => workerSummary(p, managers, base)),
        });
    });
}
