"""Test data for the contract fuzzer (loaded by schemathesis through SCHEMATHESIS_HOOKS).

The document can say an id is letters and digits; it cannot say which people are
active or which deadlines an incident has, so a drawn id almost never names one
and the fuzzer would only ever see 404 and 422 past those fields. For three
cases in four of the schema-valid (positive) ones, this puts the ids of real
people, real deadline keys and plausible statement versions in their place; the
fourth keeps what was drawn. The choice is a function of the case itself, so a
replayed or shrunk case is the same request. Negative cases are left alone: they
must stay invalid.

test/contract/run.ts passes the data: CG_CONTRACT_PEOPLE (active person ids) and
CG_CONTRACT_DEADLINES (deadline keys of the policy), comma-separated.
"""

from __future__ import annotations

import json
import os
import zlib

import schemathesis

PEOPLE = [value for value in os.environ.get("CG_CONTRACT_PEOPLE", "").split(",") if value]
DEADLINES = [value for value in os.environ.get("CG_CONTRACT_DEADLINES", "").split(",") if value]


def _pick(seed: int, values: list[str], offset: int = 0) -> str:
    return values[(seed + offset) % len(values)]


def _owner_and_sponsor(seed: int, fields: dict) -> dict:
    owner = _pick(seed, PEOPLE)
    sponsor = _pick(seed, PEOPLE, 1 + seed % (len(PEOPLE) - 1))
    return {**fields, "ownerId": owner, "sponsorId": sponsor}


def _with_real_ids(seed: int, body: dict) -> dict:
    body = dict(body)
    if "ownerId" in body and "sponsorId" in body:
        body = _owner_and_sponsor(seed, body)
    duties = body.get("recurringDuties")
    if isinstance(duties, list):
        body["recurringDuties"] = [
            _owner_and_sponsor(seed + i, duty) if isinstance(duty, dict) else duty for i, duty in enumerate(duties)
        ]
    if isinstance(body.get("personId"), str):
        body["personId"] = _pick(seed, PEOPLE)
    if isinstance(body.get("version"), int) and body.get("decision") in ("APPROVE", "REJECT"):
        body["version"] = 1 + seed % 2
    return body


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
    if DEADLINES and "kind" in case.path_parameters and case.path.endswith("/extensions"):
        case.path_parameters = {**case.path_parameters, "kind": _pick(seed, DEADLINES)}
    return case
