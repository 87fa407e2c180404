#!/usr/bin/env python3
"""The yardstick for hr2scim's planning path: the same work as a plain, sequential Python script.

Reads an HR CSV with the csv module, maps each row to the same 13 SCIM attributes as
bench/scale_mapping.yaml, compares a hash of each body with a JSON state file
(key -> [id, hash]) and counts what a sync would do. With --write-state it saves the state
a perfect target would leave (everyone in the CSV created, managers linked).

  bench/baseline_plan.py HR.csv STATE.json [--write-state]
"""
import csv
import hashlib
import json
import os
import sys

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def body_of(row, ids):
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": row["email"].lower(),
        "externalId": row["employee_id"],
        "name": {"givenName": row["first_name"], "familyName": row["last_name"]},
        "displayName": f'{row["first_name"]} {row["last_name"]}',
        "title": row["job_title"],
        "emails": [{"type": "work", "value": row["email"].lower(), "primary": True}],
        "phoneNumbers": [{"type": "mobile", "value": row["mobile"]}],
        "active": True,
        ENTERPRISE: {
            "employeeNumber": row["employee_id"],
            "department": row["department"],
            "costCenter": row["cost_center"],
        },
    }
    manager = ids.get(row["manager_id"])
    if manager:
        body[ENTERPRISE]["manager"] = {"value": manager}
    return body


def fingerprint(body):
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def main():
    hr_file, state_file = sys.argv[1], sys.argv[2]
    write_state = "--write-state" in sys.argv[3:]
    state = {}
    if os.path.exists(state_file):
        with open(state_file, encoding="utf-8") as f:
            state = json.load(f)
    ids = {key: entry[0] for key, entry in state.items()}
    creates = updates = unchanged = 0
    seen = set()
    new_state = {}
    with open(hr_file, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = row["employee_id"]
            seen.add(key)
            hashed = fingerprint(body_of(row, ids))
            known = state.get(key)
            if known is None:
                creates += 1
            elif known[1] != hashed:
                updates += 1
            else:
                unchanged += 1
            if write_state:
                new_state[key] = ["u" + key, hashed]
    deactivations = sum(1 for key in state if key not in seen)
    print(f"Plan: {creates} to create, {updates} to update, {deactivations} to deactivate, "
          f"{unchanged} unchanged.")
    if write_state:
        # A second pass, as the manager links of a first sync: everyone's manager has an id now.
        ids = {key: entry[0] for key, entry in new_state.items()}
        with open(hr_file, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                new_state[row["employee_id"]][1] = fingerprint(body_of(row, ids))
        with open(state_file, "w", encoding="utf-8") as f:
            json.dump(new_state, f)


if __name__ == "__main__":
    main()
