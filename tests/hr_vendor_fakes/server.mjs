// Fakes of vendors' HR APIs, one per source preset, each built from its vendor's public API
// reference (CHANGELOG.md says which documented behaviours each enforces, and where from).
//
// Usage: node server.mjs --vendor <name> [--port N] [--people N]
//                        [--tls-cert FILE --tls-key FILE --tls-client-ca FILE]
// Prints "LISTENING <port>"; exits when stdin closes. With the TLS options it serves HTTPS and
// requires a client certificate issued by --tls-client-ca on every connection (ADP's mutual
// TLS); a handshake without one is refused and counted as refused. Every vendor serves the same company (company.mjs), in its shape.
// Test endpoints, the same for every vendor:
//   POST /admin/people/<n>   {"title": "Manager", "termination_date": "2020-06-30", ...}
//   DELETE /admin/people/<n> the person leaves the API (as an HR system that purges)
//   POST /admin/fault        {"kind": "fail-page", "page": 2}: that page's answer breaks off
//                            mid-body; {"kind": "rate-limit", "times": 2}: the next data
//                            requests get the vendor's documented rate-limit answer
//   GET /admin/requests      {"requests": data requests answered, "rate_limited": N,
//                             "refused": requests refused for their credentials, "paths": [...]}
import express from "express";
import fs from "node:fs";
import https from "node:https";
import {makeCompany} from "./company.mjs";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const vendor = await import(`./vendors/${args.vendor}.mjs`);

const company = {people: makeCompany(Number(args.people ?? 250))};
const counters = {requests: 0, rate_limited: 0, refused: 0, paths: []};
let fault = null;

const app = express();
app.use(express.urlencoded({extended: false}));
app.use(express.json({type: ["application/json", "application/*+json"]}));

// What each vendor module is given: the people, and the hooks that count and break things.
const fake = {
    company,
    // A data request arrived: counted, and a rate-limit fault answered the vendor's way.
    // Returns true when the vendor must not answer it.
    arrived(req, res) {
        counters.paths.push(req.originalUrl);
        if (fault?.kind === "rate-limit" && fault.times > 0) {
            fault.times--;
            counters.rate_limited++;
            vendor.rateLimited(res);
            return true;
        }
        counters.requests++;
        return false;
    },
    refused() { counters.refused++; },
    // The page (counted from 1) is sent; a fail-page fault breaks it off mid-body.
    send(res, pageNumber, body) {
        const text = JSON.stringify(body);
        if (fault?.kind === "fail-page" && fault.page === pageNumber)
            return res.type("application/json").send(text.slice(0, Math.floor(text.length / 2)));
        res.type("application/json").send(text);
    },
    byNumber: (n) => company.people.find((p) => p.n === n),
    // scheme://host:port as the client reached this server, for the links a vendor sends.
    origin: (req) => `${req.protocol}://${req.get("host")}`,
};

vendor.install(app, fake);

app.post("/admin/people/:n", (req, res) => {
    const person = fake.byNumber(Number(req.params.n));
    if (!person) return res.status(404).end();
    Object.assign(person, req.body);
    res.status(204).end();
});
app.delete("/admin/people/:n", (req, res) => {
    company.people = company.people.filter((p) => p.n !== Number(req.params.n));
    res.status(204).end();
});
app.post("/admin/fault", (req, res) => { fault = req.body; res.status(204).end(); });
app.delete("/admin/fault", (req, res) => { fault = null; res.status(204).end(); });
app.get("/admin/requests", (req, res) => res.json(counters));
app.use((req, res) => res.status(404).json({error: `the ${args.vendor} fake has no ${req.method} ${req.path}`}));

const server = args["tls-cert"]
    ? https.createServer({cert: fs.readFileSync(args["tls-cert"]), key: fs.readFileSync(args["tls-key"]),
                          ca: fs.readFileSync(args["tls-client-ca"]), requestCert: true,
                          rejectUnauthorized: true}, app)
    : null;
// A connection without the client certificate never reaches the app: refused in the handshake.
server?.on("tlsClientError", () => counters.refused++);
const listener = (server ?? app).listen(Number(args.port ?? 0), "127.0.0.1", () =>
    process.stdout.write(`LISTENING ${listener.address().port}\n`));
const stop = () => { listener.closeAllConnections?.(); listener.close(() => process.exit(0)); };
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
