// A small HR REST API for the tests: generated people served with each pagination style,
// bearer / basic / OAuth2 client-credentials auth, and faults on demand.
//
// Usage: node server.mjs [--port N] [--people N]. Prints "LISTENING <port>"; exits when
// stdin closes. Credentials: Bearer hr-token; Basic hr-user:hr-pass; OAuth2 client
// hr-client / hr-secret at POST /oauth/token.
//
// GET /api/<style>?fault=<fault>, style: page (page, per_page), offset (offset, limit),
// cursor (cursor), next (body links.next), link (Link header). Faults hit page 2:
// 500 | missing-array | malformed | slow | endless (next points back) | forever (pages
// never end) | 429-once (the first request of the run is told to retry) | echo (a 400 that
// echoes the request's headers) | deep (a 100,000-level document) | retry-huge (429 with an
// absurd Retry-After). Offset totals: total-more | total-less | total-zero (every page).
// Links: unterminated-link (a Link header without its `>`), other-origin (page 2 is on
// http://localhost:PORT, another origin; requests that arrive there with credentials are
// counted as `leaked` in /admin/requests). POST /oauth/token?fault=crlf answers with an
// access_token holding CR LF and a header of its own; ?fault=huge-token with one of 1 MiB.
// Huge values taken into the next request: huge-next (page 1's links.next is 1 MiB long),
// huge-cursor (page 1's next_cursor is 1 MiB), huge-key (the first person of each page has
// an id of 1 MiB).
import crypto from "node:crypto";
import express from "express";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
let people = makePeople(Number(args.people ?? 250));
const tokens = new Set(["hr-token"]);
let requests = 0;
let leaked = 0; // requests with credentials that reached another origin than the configured one
let toldToRetry = false;
const PAGE = 100;

function makePeople(count) {
    return Array.from({length: count}, (_, i) => {
        const n = String(i + 1).padStart(4, "0");
        return {id: `P${n}`, name: {first: `First${i + 1}`, last: `Last${i + 1}`},
                work: {email: `Person${n}@Example.com`, title: "Engineer", department: `D${i % 5}`},
                phones: [{type: "mobile", number: `+1 555 ${n}`}], active: true};
    });
}

function authorized(req) {
    const header = req.header("Authorization") ?? "";
    if (header.startsWith("Bearer ")) return tokens.has(header.slice(7));
    if (header.startsWith("Basic ")) return Buffer.from(header.slice(6), "base64").toString() === "hr-user:hr-pass";
    return false;
}

const app = express();
app.use(express.urlencoded({extended: false}));
app.use(express.json());

app.post("/oauth/token", (req, res) => {
    const header = req.header("Authorization") ?? "";
    const [id, secret] = Buffer.from(header.replace(/^Basic /, ""), "base64").toString().split(":");
    if (req.body.grant_type !== "client_credentials" || id !== "hr-client" || secret !== "hr-secret")
        return res.status(401).json({error: "invalid_client"});
    if (req.query.fault === "crlf") return res.json({access_token: "abc\r\nX-Injected: yes", token_type: "Bearer"});
    if (req.query.fault === "huge-token") return res.json({access_token: "t".repeat(1 << 20), token_type: "Bearer"});
    const token = crypto.randomUUID();
    tokens.add(token);
    res.json({access_token: token, token_type: "Bearer", expires_in: 3600});
});

app.use("/api", (req, res, next) => {
    requests++;
    if ((req.header("Host") ?? "").startsWith("localhost") && req.header("Authorization")) leaked++;
    if (!authorized(req)) return res.status(401).json({error: "unauthorized"});
    if (req.query.fault === "429-once" && !toldToRetry) {
        toldToRetry = true;
        return res.set("Retry-After", "0").status(429).json({error: "slow down"});
    }
    next();
});

// Serves one page: `slice` of people, page number `n`, `shape` builds the body.
function page(req, res, n, slice, shape) {
    const fault = req.query.fault;
    if (n === 2 && fault === "500") return res.status(500).json({error: "database unavailable"});
    if (n === 2 && fault === "malformed") return res.type("application/json").send('{"employees": [{"id": "P01');
    if (n === 2 && fault === "missing-array") return res.json({message: "maintenance window"});
    if (n === 2 && fault === "slow") return setTimeout(() => shape(slice), 3000);
    if (n === 2 && fault === "echo") return res.status(400).json({error: "bad request", headers: req.headers});
    if (n === 2 && fault === "deep") return res.type("application/json").send("[".repeat(100000) + "]".repeat(100000));
    if (n === 2 && fault === "retry-huge") return res.set("Retry-After", "10000000000000000").status(429).json({});
    shape(slice);
}

// The total an API states: the truth, or (for the total faults) not.
function stated(req) {
    const shift = {"total-more": 3, "total-less": -47, "total-zero": -people.length}[req.query.fault] ?? 0;
    return people.length + shift;
}

const withFault = (req, url) => (req.query.fault ? `${url}&fault=${req.query.fault}` : url);

app.get("/api/page", (req, res) => {
    // Like real APIs, pages are capped: asking for more than 100 still gives 100.
    const n = Number(req.query.page ?? 1), size = Math.min(Number(req.query.per_page ?? PAGE), PAGE);
    page(req, res, n, people.slice((n - 1) * size, n * size), (slice) => res.json({employees: slice, page: n}));
});

app.get("/api/offset", (req, res) => {
    const offset = Number(req.query.offset ?? 0), limit = Number(req.query.limit ?? PAGE);
    page(req, res, offset / limit + 1, people.slice(offset, offset + limit), (slice) =>
        res.json({data: slice, metadata: {total_elements: stated(req)}, offset, limit}));
});

app.get("/api/cursor", (req, res) => {
    const start = req.query.cursor ? Number(Buffer.from(req.query.cursor, "base64url").toString()) : 0;
    const slice = people.slice(start, start + PAGE);
    const nextStart = start + PAGE;
    const huge = req.query.fault === "huge-cursor";
    page(req, res, start / PAGE + 1, slice, () => res.json({results: slice,
        next_cursor: huge ? "c".repeat(1 << 20)
            : nextStart < people.length ? Buffer.from(String(nextStart)).toString("base64url") : null}));
});

function nextNumber(req, n) {
    if (req.query.fault === "endless" && n >= 2) return 2;            // points back at itself
    if (req.query.fault === "forever") return n + 1;                   // never ends
    return n * PAGE < people.length ? n + 1 : null;
}

app.get("/api/next", (req, res) => {
    const n = Number(req.query.p ?? 1);
    const slice = req.query.fault === "forever" ? people.slice(0, 1) : people.slice((n - 1) * PAGE, n * PAGE);
    const next = nextNumber(req, n);
    const elsewhere = req.query.fault === "other-origin" ? `http://localhost:${listener.address().port}` : "";
    const pad = req.query.fault === "huge-next" ? "&pad=" + "x".repeat(1 << 20) : "";
    const items = req.query.fault === "huge-key" ? [{...slice[0], id: "K".repeat(1 << 20)}, ...slice.slice(1)] : slice;
    page(req, res, n, items, () => res.json({items,
        links: {next: next ? elsewhere + withFault(req, `/api/next?p=${next}`) + pad : null}}));
});

app.get("/api/link", (req, res) => {
    const n = Number(req.query.p ?? 1);
    const slice = people.slice((n - 1) * PAGE, n * PAGE);
    const next = nextNumber(req, n);
    const close = req.query.fault === "unterminated-link" ? "" : ">";
    if (next) res.set("Link", `<${withFault(req, `/api/link?p=${next}`)}${close}; rel="next", </api/link?p=1>; rel="first"`);
    page(req, res, n, slice, () => res.json(slice));
});

app.get("/admin/requests", (req, res) => res.json({requests, leaked}));
app.post("/admin/people", (req, res) => { people = makePeople(Number(req.body.count)); res.status(204).end(); });

const listener = app.listen(Number(args.port ?? 0), "127.0.0.1", () =>
    process.stdout.write(`LISTENING ${listener.address().port}\n`));
const stop = () => { listener.closeAllConnections?.(); listener.close(() => process.exit(0)); };
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
