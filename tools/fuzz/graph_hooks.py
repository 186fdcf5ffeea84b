"""Schemathesis hooks for the Graph run of tools/fuzz/conformance.sh (positive cases only).

Microsoft's OpenAPI document types the OData query options as free strings, which Graph does not
take: it refuses a `$select` or `$expand` name the type does not declare, a `$filter`, `$search` or
`$orderby` outside its grammar, a `$top` outside 1..999 (Learn, "Paging Microsoft Graph data") and
`$skip` on the directory (microsoftgraph/msgraph-metadata#135: the document declares it, the
service answers 400 "'$skip' is not supported by the service."). A positive case (one the document
calls valid) is therefore sent with the values Graph takes, drawn from the document itself: names
its answer's schema declares (`x-ms-navigationProperty` for `$expand`), no free-form expression.
Negative cases are sent as generated: whatever the document refuses, the emulator must refuse.
"""

import json
import os

import schemathesis

_OPTIONS = json.load(open(os.environ["GRAPH_QUERY_OPTIONS"], encoding="utf-8"))


def _keep(values, allowed):
    kept = [v for v in (values if isinstance(values, list) else [values]) if v in allowed]
    return kept or None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not case.query:
        return
    options = _OPTIONS.get(f"{case.operation.method.upper()} {case.operation.path}", {})
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
    top = query.get("$top")
    if isinstance(top, int) and not 1 <= top <= 999:
        query.pop("$top")
    if options.get("directory"):
        query.pop("$skip", None)
    case.query = query
