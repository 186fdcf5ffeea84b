"""Schemathesis hooks for the Graph run of tools/fuzz/conformance.sh.

Positive cases (the ones the document calls valid). Microsoft's OpenAPI document types the OData
query options as free strings and every body as open, which Graph does not take: it refuses a
`$select` or `$expand` name the type does not declare, a `$filter`, `$search` or `$orderby` outside
its grammar, a `$top` outside 1..999 (Learn, "Paging Microsoft Graph data"), `$skip` on the
directory (microsoftgraph/msgraph-metadata#135: the document declares it, the service answers 400
"'$skip' is not supported by the service."), a property a (non-open) type does not declare, and a
navigation property in a write. A positive case is therefore sent with what Graph takes, drawn from
the document itself: names its schemas declare (`x-ms-navigationProperty` tells the navigation
ones), no free-form expression, and the `ConsistencyLevel: eventual` header that the document's own
parameter example requires for `$count` and `$search` on the directory. Negative cases are sent as
generated: whatever the document refuses, the emulator must refuse.

Failures not reported, each because the document cannot describe the emulator's right answer:
- ST205 (Allow mismatch) where Allow names exactly the methods the emulator serves on the path: it
  emulates the routes the project calls, a subset of the path's methods in Graph.
- ST202 (valid data refused) with a 400 when the body instantiates an abstract type without naming
  a derived one: the document's body schema is the abstract base (deviceCompliancePolicy,
  mobileApp; an assignment's deviceAndAppManagementAssignmentTarget), which v1.0's metadata marks
  Abstract="true" and no service can create; Learn's create pages are per derived type.
- ST202 with a 400 for a compliance policy created without the one block scheduled action the
  service requires (microsoft-graph-docs#7746, #7912).
- ST202 with a 400 "The property 'p' does not exist on type 't'" where the document does not declare
  p on t either: the body is valid only because artefact 1 (`additionalProperties: {type: object}`)
  was neutralised, which lets the generator invent properties inside a body; Graph refuses them.
- ST202 with a 400 "1040: ..." for a Conditional Access policy without a user rule, an application
  rule, or a grant or session control, or without its displayName or state: Learn ("Create
  conditionalAccessPolicy") requires them, and the document marks no property required.
"""

import json
import os
import re

import schemathesis

_OPTIONS = json.load(open(os.environ["GRAPH_QUERY_OPTIONS"], encoding="utf-8"))
_DECLARED = json.load(open(os.environ["GRAPH_DECLARED_PROPERTIES"], encoding="utf-8"))
_UNKNOWN = re.compile(r"^The property '(.*)' does not exist on type '([\w.]+)'", re.S)


def _options(case):
    return _OPTIONS.get(f"{case.operation.method.upper()} {case.operation.path}", {})


def _keep(values, allowed):
    kept = [v for v in (values if isinstance(values, list) else [values]) if v in allowed]
    return kept or None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    options = _options(case)
    if case.query:
        query = dict(case.query)
        for name in ("$filter", "$search", "$orderby"):
            query.pop(name, None)
        for name, allowed in (("$select", options.get("select", [])), ("$expand", options.get("expand", []))):
            if name in query:
                kept = _keep(query[name], allowed)
                if kept is None:
                    query.pop(name)
                else:
                    query[name] = kept
        top = _int(query.get("$top"))
        if "$top" in query and (top is None or not 1 <= top <= 999):
            query.pop("$top")
        if options.get("directory"):
            query.pop("$skip", None)
        case.query = query
    if options.get("directory") and (
        case.operation.path.endswith("/$count") or "$count" in (case.query or {}) or "$search" in (case.query or {})
    ):
        case.headers = {**(case.headers or {}), "ConsistencyLevel": "eventual"}
    declared = options.get("body")
    if declared is not None and isinstance(case.body, dict):
        case.body = {k: v for k, v in case.body.items() if k in declared or k.startswith("@odata.")}


def _abstract_instance(case):
    body = case.body if isinstance(case.body, dict) else {}
    path = case.operation.path
    if path in ("/deviceManagement/deviceCompliancePolicies", "/deviceAppManagement/mobileApps"):
        return "@odata.type" not in body
    targets = [a.get("target") for a in body.get("assignments", []) if isinstance(a, dict)]
    if path.endswith("/assignments") or "/assignments/" in path:
        if case.operation.method.upper() == "POST" and "target" not in body:
            return True
        if "target" in body:
            targets.append(body["target"])
    return any(not isinstance(t, dict) or "@odata.type" not in t for t in targets)


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if failure.code == "ST205":
        # Response headers hold a list of values per name.
        raw = response.headers.get("allow") or [""]
        header = raw[0] if isinstance(raw, list) else str(raw)
        allow = {m.strip().upper() for m in header.split(",") if m.strip()}
        served = set()
        for name, options in _OPTIONS.items():
            if name.split(" ", 1)[1] == case.operation.path:
                served.update(options.get("served", []))
        return allow != served
    if failure.code == "ST202" and response.status_code == 400:
        if _abstract_instance(case):
            return False
        try:
            message = response.json()["error"]["message"]
        except Exception:
            return True
        unknown = _UNKNOWN.match(message)
        if unknown and unknown.group(1) not in _DECLARED.get(unknown.group(2), []):
            return False
        if message.startswith("1040:") or message.startswith("Required properties are missing"):
            return case.operation.path.startswith("/identity/conditionalAccess/policies") is False
        return "one and only one block scheduled action" not in message
    return True
