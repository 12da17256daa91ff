"""Oracle for tests/tests/openapi.rs: validates recorded requests and responses of the
hub against schemas/openapi.json with the `jsonschema` package (JSON Schema 2020-12,
which OpenAPI 3.1 uses), and checks every documented operation was exercised.

usage: check_openapi.py OPENAPI_JSON EXCHANGES_JSON
EXCHANGES_JSON: [{"method", "path" (as documented), "status", "content_type",
                  "request" (optional JSON), "body" (JSON or text)}]
"""
import json
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:kyoyu:openapi"


def pointer(*parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main():
    doc = json.load(open(sys.argv[1]))
    exchanges = json.load(open(sys.argv[2]))
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    Draft202012Validator.check_schema({"$ref": DOC_URI})
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)

    def validate(where, instance):
        validator = Draft202012Validator({"$ref": DOC_URI + "#" + where}, registry=registry)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        return [f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors]

    failures = []
    exercised = set()
    for exchange in exchanges:
        method, path, status = exchange["method"], exchange["path"], str(exchange["status"])
        label = f"{method.upper()} {path} -> {status}"
        operation = doc["paths"].get(path, {}).get(method)
        if operation is None:
            failures.append(f"{label}: not documented")
            continue
        exercised.add((path, method))
        responses = operation["responses"]
        if status not in responses:
            failures.append(f"{label}: status not documented")
            continue
        response = responses[status]
        base = pointer("paths", path, method, "responses", status)
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[1]
            response = doc["components"]["responses"][name]
            base = pointer("components", "responses", name)
        content_type = exchange["content_type"].split(";")[0].strip()
        media = next(
            (m for m in response.get("content", {}) if m.split(";")[0] == content_type), None
        )
        if media is None:
            failures.append(f"{label}: content type {content_type} not documented")
            continue
        for problem in validate(base + pointer("content", media, "schema"), exchange["body"]):
            failures.append(f"{label}: response {problem}")
        if "request" in exchange:
            where = pointer("paths", path, method, "requestBody", "content", "application/json", "schema")
            for problem in validate(where, exchange["request"]):
                failures.append(f"{label}: request {problem}")
    for path, operations in doc["paths"].items():
        for method in operations:
            if (path, method) not in exercised:
                failures.append(f"{method.upper()} {path}: documented but not exercised")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(exchanges)} exchanges match schemas/openapi.json")


if __name__ == "__main__":
    main()
