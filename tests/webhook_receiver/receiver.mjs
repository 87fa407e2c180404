// A webhook receiver for the notification tests: records every POST and answers as its path
// says. POST /ok answers 200, /fail answers 500, /hang never answers (the connection stays
// open until the sender gives up). GET /received lists what was posted, oldest first:
// [{path, contentType, body}] (body as the raw text received).
//
// Usage: node receiver.mjs. Prints "LISTENING <port>" on stdout once ready; exits when stdin
// closes, so a crashed test never leaves it running.
import http from "node:http";

const received = [];
const hanging = [];

const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/received") {
        res.writeHead(200, {"Content-Type": "application/json"});
        return res.end(JSON.stringify(received));
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
        received.push({path: req.url, contentType: req.headers["content-type"] ?? "", body});
        if (req.url.startsWith("/hang")) return hanging.push(res);
        res.writeHead(req.url.startsWith("/fail") ? 500 : 200, {"Content-Type": "text/plain"});
        res.end(req.url.startsWith("/fail") ? "receiver failure" : "ok");
    });
});

const listener = server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
const stop = () => process.exit(0);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
