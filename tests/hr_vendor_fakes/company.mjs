// The one company every vendor fake serves, in its own vendor's shape: people with a manager
// chain, departments, dates and a status, which the tests change through /admin.
export const DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", "Support"];

export function makeCompany(count) {
    return Array.from({length: count}, (_, i) => {
        const n = i + 1;
        const padded = String(n).padStart(4, "0");
        return {
            n,
            first: `First${n}`,
            last: `Last${n}`,
            preferred: null,
            email: `person${padded}@example.com`,
            title: "Engineer",
            department: DEPARTMENTS[n % DEPARTMENTS.length],
            office: "Berlin",
            manager: n === 1 ? null : Math.floor(n / 2), // everyone reports to someone before them
            status: "active",                             // or "inactive" (a leaver)
            hire_date: "2020-01-15",
            termination_date: null,
        };
    });
}
