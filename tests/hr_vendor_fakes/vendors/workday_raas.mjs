// Workday Report-as-a-Service: a custom report shared as a web service (CHANGELOG.md lists what
// is enforced). Workday's own pages need a customer login; this follows their public
// descriptions: https://doc.workday.com/admin-guide/en-us/integrations/integration-tools/reports-as-a-service.html ,
// https://apis.apis.io/apis/workday/raas-api/ , https://versionforge.com/kb/connectors/workday-raas-configuration
const TENANT = "acme";
const REPORT_OWNER = "ISU_hr2scim"; // the integration system user the report is shared with
const PASSWORD = "isu-password";
const REPORT = "Worker_Directory";

const error = (res, status, message) => res.status(status).json({error: message});
const employeeId = (n) => String(21000 + n);

// One row per worker, keyed by the report's column aliases; an empty value leaves its key out.
function entry(person, fake) {
    const boss = person.manager ? fake.byNumber(person.manager) : null;
    const row = {
        Employee_ID: employeeId(person.n),
        Work_Email: person.email,
        First_Name: person.first,
        Last_Name: person.last,
        Preferred_Name: person.preferred,
        Business_Title: person.title,
        Supervisory_Organization: person.department,
        Company: "Acme",
        Manager_Employee_ID: boss ? employeeId(boss.n) : null,
        Active_Status: person.status === "active" ? "1" : "0",
        Hire_Date: person.hire_date,
        Termination_Date: person.termination_date,
    };
    return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined));
}

export function rateLimited(res) {
    // Workday publishes no limits; throttled requests get 429, here with a second's wait.
    res.set("Retry-After", "1");
    error(res, 429, "Too many requests");
}

function authenticated(req) {
    const header = req.header("Authorization") ?? "";
    return header.startsWith("Basic ") &&
        Buffer.from(header.slice(6), "base64").toString("utf8") === `${REPORT_OWNER}:${PASSWORD}`;
}

export function install(app, fake) {
    app.get("/ccx/service/customreport2/:tenant/:owner/:report", (req, res) => {
        if (!authenticated(req)) {
            fake.refused();
            return error(res, 401, "invalid username or password");
        }
        const {tenant, owner, report} = req.params;
        if (tenant !== TENANT || owner !== REPORT_OWNER || report !== REPORT)
            return error(res, 404, `no report ${owner}/${report} shared as a web service in ${tenant}`);
        if (fake.arrived(req, res)) return;
        // Without format=json the report answers in its default XML.
        if (req.query.format !== "json")
            return res.type("application/xml").send('<?xml version="1.0" encoding="UTF-8"?>' +
                `<wd:Report_Data xmlns:wd="urn:com.workday.report/${report}"/>`);
        // No paging: the whole report in one answer, terminated workers included (the report's
        // data source is "All Active and Terminated Workers").
        fake.send(res, 1, {Report_Entry: fake.company.people.map((person) => entry(person, fake))});
    });
}
