"""Test data for the contract fuzzer (loaded by schemathesis through SCHEMATHESIS_HOOKS).

The document can say an id is letters and digits; it cannot say which people are
active or which deadlines an incident has, so a drawn id almost never names one
and the fuzzer would only ever see 404 and 422 past those fields. For three
cases in four of the schema-valid (positive) ones, this puts the ids of real
people, real deadline keys and plausible statement versions in their place; the
fourth keeps what was drawn. The choice is a function of the case itself, so a
replayed or shrunk case is the same request. Negative cases are left alone: they
must stay invalid.

Plans get a goal 1 that items and duties then name, and the CSV import sometimes
gets a well-formed file (the other rows the fuzzer draws are refused with 422).

test/contract/run.ts passes the data, comma-separated: CG_CONTRACT_PEOPLE (active
person ids), CG_CONTRACT_EMAILS (their addresses) and CG_CONTRACT_DEADLINES (the
policy's deadline keys).
"""

from __future__ import annotations

import json
import os
import zlib

import schemathesis

PEOPLE = [value for value in os.environ.get("CG_CONTRACT_PEOPLE", "").split(",") if value]
EMAILS = [value for value in os.environ.get("CG_CONTRACT_EMAILS", "").split(",") if value]
DEADLINES = [value for value in os.environ.get("CG_CONTRACT_DEADLINES", "").split(",") if value]


def _pick(seed: int, values: list[str], offset: int = 0) -> str:
    return values[(seed + offset) % len(values)]


def _owner_and_sponsor(seed: int, fields: dict) -> dict:
    owner = _pick(seed, PEOPLE)
    sponsor = _pick(seed, PEOPLE, 1 + seed % (len(PEOPLE) - 1))
    return {**fields, "ownerId": owner, "sponsorId": sponsor}


GOAL_ONE = {"number": 1, "title": "Goal one", "description": ""}


def _with_real_ids(seed: int, body: dict) -> dict:
    body = dict(body)
    goals = body.get("goals")
    if isinstance(goals, list) and len(goals) < 20 and not any(isinstance(g, dict) and g.get("number") == 1 for g in goals):
        body["goals"] = [GOAL_ONE, *goals]
    if "ownerId" in body and "sponsorId" in body:
        body = _owner_and_sponsor(seed, body)
        if "goalNumber" in body:
            body["goalNumber"] = 1
    duties = body.get("recurringDuties")
    if isinstance(duties, list):
        body["recurringDuties"] = [
            {**_owner_and_sponsor(seed + i, duty), "goalNumber": 1} if isinstance(duty, dict) else duty
            for i, duty in enumerate(duties)
        ]
    if isinstance(body.get("personId"), str):
        body["personId"] = _pick(seed, PEOPLE)
    # A decision, or a revision approved in one step (version, title, body): the version the approver read.
    if isinstance(body.get("version"), int) and (body.get("decision") in ("APPROVE", "REJECT") or "title" in body):
        body["version"] = 1 + seed % 2
    return body


def _csv(seed: int) -> str:
    owner = _pick(seed, EMAILS)
    sponsor = _pick(seed, EMAILS, 1 + seed % (len(EMAILS) - 1))
    rows = ["goal,title,description,owner_email,sponsor_email,due_date"]
    for i in range(1 + seed % 3):
        rows.append(f"1,Imported item {seed % 1000}-{i},From the contract test,{owner},{sponsor},{2030 + i}-0{1 + i}-15")
    return "\n".join(rows) + "\n"


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or len(PEOPLE) < 2:
        return case
    try:
        drawn = json.dumps([case.path_parameters, case.body], sort_keys=True, default=str)
    except (TypeError, ValueError):
        return case
    seed = zlib.crc32(drawn.encode("utf-8", "surrogatepass"))
    if seed % 4 == 0:
        return case
    if isinstance(case.body, dict):
        case.body = _with_real_ids(seed, case.body)
    elif isinstance(case.body, str) and case.path.endswith("/items/import") and len(EMAILS) >= 2:
        case.body = _csv(seed)
    if DEADLINES and "kind" in case.path_parameters and case.path.endswith("/extensions"):
        case.path_parameters = {**case.path_parameters, "kind": _pick(seed, DEADLINES)}
    return case
