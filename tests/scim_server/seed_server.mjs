// A SCIM target as small as the Flask server of the SCIM guide this project started from,
// behaving as that server does (not as RFC 7644 says):
//   - POST /scim/v2/Users stores the body as it comes, under an integer id, and answers 201;
//   - GET /scim/v2/Users answers a bare JSON array of every user: ?filter=, startIndex and
//     count are ignored;
//   - GET /scim/v2/Users/<id> answers the user, or 404;
//   - PUT /scim/v2/Users/<id> merges the body into the stored user (a key sent as null is
//     stored as null; a key not sent is left as it was);
//   - PATCH is not there (405, an HTML page), nor /ServiceProviderConfig or /Schemas (404 HTML);
//   - DELETE answers 204.
// Test endpoints as the scimmy server has them: GET /test/users, GET|DELETE /test/requests,
// POST /test/mode {"latencyMs": N} (each SCIM answer waits N ms after the change is made).
//
// Usage: node seed_server.mjs [--port N] [--host 127.0.0.1]; prints "LISTENING <port>";
// exits when stdin closes.
import http from "node:http";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const token = process.env.SCIM_TEST_TOKEN ?? "test-token";
const users = new Map();
let nextId = 1;
const requests = [];
const mode = {latencyMs: 0};

function html(res, status, title) {
    res.writeHead(status, {"Content-Type": "text/html; charset=utf-8"});
    res.end(`<!doctype html>\n<html lang=en>\n<title>${title}</title>\n<h1>${title}</h1>\n` +
        `<p>The requested URL was not found on the server. If you entered the URL manually please ` +
        `check your spelling and try again.</p>\n`);
}

function json(res, status, body) {
    const send = () => {
        res.writeHead(status, {"Content-Type": "application/json"});
        res.end(JSON.stringify(body));
    };
    if (mode.latencyMs > 0 && !res.req.url.startsWith("/test/")) setTimeout(send, mode.latencyMs);
    else send();
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const path = url.pathname;
    if (!path.startsWith("/test/")) res.on("finish", () => requests.push({method: req.method, path, status: res.statusCode}));
    let raw = "";
    req.on("data", (chunk) => { raw += chunk; });
    req.on("end", () => {
        if (path === "/test/users") return json(res, 200, [...users.values()]);
        if (path === "/test/mode") {
            Object.assign(mode, JSON.parse(raw || "{}"));
            res.writeHead(204);
            return res.end();
        }
        if (path === "/test/requests") {
            if (req.method === "DELETE") { requests.length = 0; res.writeHead(204); return res.end(); }
            return json(res, 200, requests);
        }
        if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, {error: "unauthorized"});
        const match = /^\/scim\/v2\/Users(?:\/([^/]+))?$/.exec(path);
        if (!match) return html(res, 404, "404 Not Found");
        let body = {};
        if (raw) {
            try { body = JSON.parse(raw); } catch { return json(res, 400, {error: "bad json"}); }
        }
        const id = match[1] === undefined ? undefined : Number(match[1]);
        if (id === undefined) {
            if (req.method === "GET") return json(res, 200, [...users.values()]);
            if (req.method === "POST") {
                const user = {...body, id: nextId++};
                users.set(user.id, user);
                return json(res, 201, user);
            }
            return html(res, 405, "405 Method Not Allowed");
        }
        const user = users.get(id);
        if (req.method === "PATCH") return html(res, 405, "405 Method Not Allowed");
        if (!user) return json(res, 404, {error: "User not found"});
        if (req.method === "GET") return json(res, 200, user);
        if (req.method === "PUT") {
            Object.assign(user, body, {id});
            return json(res, 200, user);
        }
        if (req.method === "DELETE") {
            users.delete(id);
            res.writeHead(204);
            return res.end();
        }
        return html(res, 405, "405 Method Not Allowed");
    });
});

const listener = server.listen(Number(args.port ?? 0), args.host ?? "127.0.0.1", () => {
    process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
const stop = () => listener.close(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
