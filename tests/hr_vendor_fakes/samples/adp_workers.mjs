// Serves one of ADP's own sample responses (tests/data/third-party/, see PROVENANCE.txt) the way
// ADP Workforce Now serves its workers: an OAuth2 client-credentials token (the client's id and
// secret as HTTP Basic, as ADP's guide says and the adp_workforce_now preset sends them), then GET /hr/v2/workers with $top and $skip, and 204 No Content past
// the last worker. The workers are ADP's, unchanged by this server; only the paging is ours.
//
// Usage: node adp_workers.mjs --file <workers.json> [--port N]. Prints "LISTENING <port>";
// exits when stdin closes. GET /admin/requests: {"tokens": N, "pages": [...the data requests'
// query strings], "refused": requests refused for their credentials}.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const workers = JSON.parse(fs.readFileSync(args.file, "utf8")).workers;

const CLIENT_ID = "adp-sample-client";
const CLIENT_SECRET = "adp-sample-secret";
const tokens = new Set();
const seen = {tokens: 0, pages: [], refused: 0};

function json(res, status, body) {
    res.writeHead(status, {"Content-Type": "application/json"});
    res.end(JSON.stringify(body));
}

function token(req, res, body) {
    const form = new URLSearchParams(body);
    const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
        .toString();
    if (form.get("grant_type") !== "client_credentials" ||
        basic !== `${CLIENT_ID}:${CLIENT_SECRET}`) {
        seen.refused++;
        return json(res, 401, {error: "invalid_client"});
    }
    const issued = crypto.randomUUID();
    tokens.add(issued);
    seen.tokens++;
    json(res, 200, {access_token: issued, token_type: "Bearer", expires_in: 3600, scope: "api"});
}

function page(req, res, url) {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Bearer ") || !tokens.has(header.slice(7))) {
        seen.refused++;
        return json(res, 401, {confirmMessage: {resourceMessages: [{processMessages: [
            {userMessage: {messageTxt: "Invalid or expired token"}}]}]}});
    }
    seen.pages.push(url.search);
    // As OData services answer a query option given twice (ADP's $top and $skip are OData's).
    for (const option of ["$top", "$skip"])
        if (url.searchParams.getAll(option).length > 1)
            return json(res, 400, {error: `query option ${option} was specified more than once`});
    const top = Number(url.searchParams.get("$top") ?? 100);
    const skip = Number(url.searchParams.get("$skip") ?? 0);
    const slice = workers.slice(skip, skip + top);
    if (slice.length === 0) {
        res.writeHead(204);
        return res.end();
    }
    json(res, 200, {workers: slice});
}

const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
        const url = new URL(req.url, "http://127.0.0.1");
        if (req.method === "POST" && url.pathname === "/auth/oauth/v2/token") return token(req, res, body);
        if (req.method === "GET" && url.pathname === "/hr/v2/workers") return page(req, res, url);
        if (req.method === "GET" && url.pathname === "/admin/requests") return json(res, 200, seen);
        json(res, 404, {error: `no ${req.method} ${url.pathname}`});
    });
});

server.listen(Number(args.port ?? 0), "127.0.0.1", () =>
    process.stdout.write(`LISTENING ${server.address().port}\n`));
const stop = () => { server.closeAllConnections?.(); server.close(() => process.exit(0)); };
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
