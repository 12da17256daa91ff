#!/usr/bin/env python3
"""Validates every object a TAXII 2.1 collection serves with the OASIS STIX validator.

Usage: validate_served.py API_ROOT_URL BEARER_TOKEN COLLECTION_ID [--min-count N]

Pages through `Get Objects` (following `next` while `more` is true) and runs
`stix2validator.validate_parsed_json` with default options on each object. Exits
non-zero, listing each invalid object's id and the validator's messages, if any
object is invalid or fewer than N objects (default 1) were served.
"""

import argparse
import sys

import requests
from stix2validator import ValidationOptions, validate_parsed_json

TAXII = "application/taxii+json;version=2.1"
PAGE_LIMIT = 50
MAX_PAGES = 10000
MAX_WARNINGS_SHOWN = 10


def fetch_all(api_root_url, token, collection_id):
    """Every object served by Get Objects, following `next` while `more`."""
    url = "{}collections/{}/objects/".format(api_root_url, collection_id)
    headers = {"Authorization": "Bearer " + token, "Accept": TAXII}
    session = requests.Session()
    objects = []
    params = {"limit": PAGE_LIMIT}
    for page in range(1, MAX_PAGES + 1):
        response = session.get(url, headers=headers, params=params, timeout=60)
        if response.status_code != 200:
            sys.exit("FAILED: GET {} answered {}: {}".format(response.url, response.status_code, response.text[:2000]))
        content_type = response.headers.get("Content-Type", "")
        if content_type.replace(" ", "") != TAXII:
            sys.exit("FAILED: GET {} has Content-Type {!r}, not {}".format(response.url, content_type, TAXII))
        envelope = response.json()
        objects.extend(envelope.get("objects", []))
        if not envelope.get("more"):
            return objects, page
        next_token = envelope.get("next")
        if not next_token:
            sys.exit("FAILED: page {} says more=true but has no next".format(page))
        params = {"limit": PAGE_LIMIT, "next": next_token}
    sys.exit("FAILED: more than {} pages; paging never ends".format(MAX_PAGES))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("api_root_url")
    parser.add_argument("token")
    parser.add_argument("collection_id")
    parser.add_argument("--min-count", type=int, default=1, help="fail if fewer objects are served")
    args = parser.parse_args()
    api_root_url = args.api_root_url if args.api_root_url.endswith("/") else args.api_root_url + "/"

    objects, pages = fetch_all(api_root_url, args.token, args.collection_id)
    if len(objects) < args.min_count:
        sys.exit("FAILED: {} objects served, expected at least {}".format(len(objects), args.min_count))

    options = ValidationOptions()
    invalid = []
    warned = 0
    for index, obj in enumerate(objects):
        label = obj.get("id", "objects[{}]".format(index)) if isinstance(obj, dict) else "objects[{}]".format(index)
        try:
            result = validate_parsed_json(obj, options)
        except Exception as error:  # the validator raises for input that is not a STIX object at all
            invalid.append((label, ["{}: {}".format(type(error).__name__, error)]))
            continue
        if not result.is_valid:
            messages = [str(error) for error in result.errors] or ["invalid (no message)"]
            if getattr(result, "error", None):
                messages.append(result.error)
            invalid.append((label, messages))
        elif result.warnings:
            warned += 1
            if warned <= MAX_WARNINGS_SHOWN:
                print("warning: {}".format("; ".join(str(w) for w in result.warnings)))

    if invalid:
        print("FAILED: {} of {} served objects are invalid STIX 2.1:".format(len(invalid), len(objects)), file=sys.stderr)
        for label, messages in invalid:
            print("  {}".format(label), file=sys.stderr)
            for message in messages:
                print("    - {}".format(message), file=sys.stderr)
        sys.exit(1)
    print(
        "validated {} served objects ({} pages): all valid STIX 2.1, {} with validator warnings".format(
            len(objects), pages, warned
        )
    )


if __name__ == "__main__":
    main()
