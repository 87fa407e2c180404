// Personio's Personnel Data API v1, as documented:
// https://developer.personio.de/reference/auth, https://developer.personio.de/reference/get_v1-company-employees,
// https://developer.personio.de/docs/pagination-adoption-guide-for-v1-get-employees-endpoint
import crypto from "node:crypto";

const CLIENT_ID = "personio-client";
const CLIENT_SECRET = "personio-secret";
const tokens = new Set();

const error = (res, code, message) =>
    res.status(code).json({success: false, error: {code, message}});

function attribute(label, value, type = "standard", id = label.toLowerCase().replace(/ /g, "_")) {
    return {label, value, type, universal_id: id};
}

// Personio's dates: midnight in the company's zone, with its offset.
const personioDate = (day) => (day ? `${day}T00:00:00+01:00` : null);

function employee(person, fake) {
    const boss = person.manager ? fake.byNumber(person.manager) : null;
    return {type: "Employee", attributes: {
        id: attribute("ID", person.n, "integer", "id"),
        first_name: attribute("First name", person.first),
        last_name: attribute("Last name", person.last),
        preferred_name: attribute("Preferred name", person.preferred),
        email: attribute("Email", person.email),
        position: attribute("Position", person.title),
        status: attribute("Status", person.status),
        hire_date: attribute("Hire date", personioDate(person.hire_date), "date"),
        termination_date: attribute("Termination date", personioDate(person.termination_date), "date"),
        department: attribute("Department", {type: "Department",
            attributes: {id: person.department.length, name: person.department}}),
        office: attribute("Office", {type: "Office", attributes: {id: 1, name: person.office}}),
        supervisor: attribute("Supervisor", boss ? {type: "Employee", attributes: {
            id: attribute("ID", boss.n, "integer", "id"),
            first_name: attribute("First name", boss.first)}} : null),
    }};
}

export function rateLimited(res) {
    // 300 requests a minute, bursts of 15 a second; beyond: 429, retry after a second.
    res.set("Retry-After", "1");
    error(res, 429, "Too Many Requests");
}

export function install(app, fake) {
    app.post("/v1/auth", (req, res) => {
        // Credentials in the query string are deprecated and refused.
        if (req.query.client_id || req.query.client_secret) {
            fake.refused();
            return error(res, 403, "credentials in the query string are no longer accepted");
        }
        if (req.body.client_id !== CLIENT_ID || req.body.client_secret !== CLIENT_SECRET) {
            fake.refused();
            return error(res, 401, "Wrong credentials");
        }
        const token = `papi-${crypto.randomUUID()}`;
        tokens.add(token);
        res.set("Authorization", `Bearer ${token}`);
        res.json({success: true, data: {token}});
    });

    app.get("/v1/company/employees", (req, res) => {
        const header = req.header("Authorization") ?? "";
        if (!header.startsWith("Bearer ") || !tokens.has(header.slice(7))) {
            fake.refused();
            return error(res, 401, "The token is invalid");
        }
        if (fake.arrived(req, res)) return;
        const limit = Number(req.query.limit ?? 50), offset = Number(req.query.offset ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
            return error(res, 400, "limit must be between 1 and 100");
        const people = fake.company.people;
        const slice = people.slice(offset, offset + limit);
        const page = Math.floor(offset / limit);
        fake.send(res, page + 1, {
            success: true,
            metadata: {total_elements: people.length, current_page: page,
                       total_pages: Math.ceil(people.length / limit)},
            offset, limit,
            data: slice.map((person) => employee(person, fake)),
        });
    });
}
