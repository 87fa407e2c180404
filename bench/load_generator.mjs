// A saturating SCIM client, to measure what the test server itself can take: POSTs new users
// with `concurrency` requests in flight over keep-alive connections, and prints
// {"requests", "seconds", "per_second", "errors"} as JSON. With --plan, it POSTs exactly the
// bodies of the creates in an `hr2scim plan --out` file (the same requests hr2scim sends);
// otherwise `count` small generated users. With --verify yes, each create is read back (a GET
// of the id it answered), as hr2scim verifies every create: the server's capacity for
// verified creates; `per_second` still counts users, `requests` both requests.
// Usage: node bench/load_generator.mjs --url URL --token-env NAME --concurrency C
//                                      (--plan FILE | --count N [--prefix P]) [--verify yes]
import fs from "node:fs";
import http from "node:http";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const url = new URL(args.url.replace(/\/$/, "") + "/Users");
const token = process.env[args["token-env"]];
const planned = args.plan
    ? JSON.parse(fs.readFileSync(args.plan, "utf8")).operations.filter((o) => o.kind === "create").map((o) => o.body)
    : null;
const count = planned ? planned.length : Number(args.count ?? 1000);
const concurrency = Number(args.concurrency ?? 32);
const prefix = args.prefix ?? "load";
const verify = args.verify === "yes";
const agent = new http.Agent({keepAlive: true, maxSockets: concurrency});
const headers = {"Authorization": `Bearer ${token}`, "Content-Type": "application/scim+json"};

let next = 0, errors = 0;
function post(i) {
    const body = planned ? JSON.stringify(planned[i]) : JSON.stringify({schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: `${prefix}${i}@example.com`, externalId: `${prefix}${i}`,
        name: {givenName: "Load", familyName: String(i)}, title: "Engineer"});
    return new Promise((resolve) => {
        const req = http.request(url, {method: "POST", agent, headers: {...headers,
            "Content-Length": Buffer.byteLength(body)}}, (res) => {
            let answer = "";
            res.on("data", (chunk) => { if (verify) answer += chunk; });
            res.on("end", () => {
                if (res.statusCode !== 201) errors++;
                if (!verify || res.statusCode !== 201) return resolve();
                read(JSON.parse(answer).id).then(resolve);
            });
        });
        req.on("error", () => { errors++; resolve(); });
        req.end(body);
    });
}
function read(id) {
    return new Promise((resolve) => {
        const req = http.request(`${url}/${encodeURIComponent(id)}`, {method: "GET", agent, headers}, (res) => {
            res.resume();
            res.on("end", () => { if (res.statusCode !== 200) errors++; resolve(); });
        });
        req.on("error", () => { errors++; resolve(); });
        req.end();
    });
}
async function worker() {
    while (next < count) await post(next++);
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({length: concurrency}, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({requests: verify ? 2 * count : count, seconds, per_second: count / seconds, errors}) + "\n");
agent.destroy();
