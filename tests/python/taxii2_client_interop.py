#!/usr/bin/env python3
"""Drives a TAXII 2.1 API root with the OASIS reference client (taxii2-client).

Usage: taxii2_client_interop.py API_ROOT_URL BEARER_TOKEN COLLECTION_ID

Every step asserts something the server could get wrong; the first failure ends the
run with a non-zero exit status and a message naming the step. One line per passed
step is printed to stdout.
"""

import sys
import traceback
import uuid
from urllib.parse import urljoin

import requests
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

TAXII = "application/taxii+json;version=2.1"
PER_REQUEST = 7
INDICATORS = 30


class Failure(Exception):
    """A step found the server misbehaving."""


def check(condition, message):
    if not condition:
        raise Failure(message)


class BearerAuth(requests.auth.AuthBase):
    """Sends `Authorization: Bearer <token>` on every request."""

    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request


def indicator(object_id, modified, octet, name=None):
    ip = "198.51.100.{}".format(octet)
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": object_id,
        "created": "2024-03-01T00:00:00.000Z",
        "modified": modified,
        "name": name or "taxii2-client interop C2 {}".format(ip),
        "indicator_types": ["malicious-activity"],
        "pattern": "[ipv4-addr:value = '{}']".format(ip),
        "pattern_type": "stix",
        "valid_from": "2024-03-01T00:00:00Z",
    }


def collect_pages(function, item_key, step):
    """Every item of every page of `function` via as_pages; checks the paging shape."""
    items = []
    pages = 0
    for page in as_pages(function, per_request=PER_REQUEST):
        pages += 1
        check(pages <= 100, "{}: more than 100 pages for a small collection; paging never ends".format(step))
        check(isinstance(page, dict), "{}: page {} is not a JSON object: {!r}".format(step, pages, page))
        page_items = page.get(item_key, [])
        check(
            len(page_items) <= PER_REQUEST,
            "{}: page {} has {} items, more than limit={}".format(step, pages, len(page_items), PER_REQUEST),
        )
        if page.get("more"):
            check(page.get("next"), "{}: page {} says more=true but has no next".format(step, pages))
            check(page_items, "{}: page {} says more=true but is empty".format(step, pages))
        items.extend(page_items)
    return items, pages


def main(api_root_url, token, collection_id):
    auth = BearerAuth(token)
    if not api_root_url.endswith("/"):
        api_root_url += "/"
    discovery_url = urljoin(api_root_url, "../")

    # 1. Server discovery.
    server = Server(discovery_url, auth=auth)
    check(server.title, "discovery: no title")
    root_urls = [root.url for root in server.api_roots]
    check(api_root_url in root_urls, "discovery: api_roots {} do not list {}".format(root_urls, api_root_url))
    if server.default is not None:
        check(server.default.url in root_urls, "discovery: default {} not in api_roots".format(server.default.url))
    print("discovery: ok, title={!r}, {} api root(s)".format(server.title, len(root_urls)))

    # 2. API root information.
    api_root = ApiRoot(api_root_url, auth=auth)
    check(api_root.title, "api root: no title")
    check(TAXII in api_root.versions, "api root: versions {} lack {}".format(api_root.versions, TAXII))
    check(
        isinstance(api_root.max_content_length, int) and api_root.max_content_length > 0,
        "api root: bad max_content_length {!r}".format(api_root.max_content_length),
    )
    print("api root: ok, versions={}, max_content_length={}".format(api_root.versions, api_root.max_content_length))

    # 3. Collections listing.
    listed = {c.id: c for c in api_root.collections}
    check(collection_id in listed, "collections: {} not listed (got {})".format(collection_id, sorted(listed)))
    collection = listed[collection_id]
    check(collection.can_read and collection.can_write, "collections: {} is not read/write".format(collection_id))
    check(collection.title, "collections: {} has no title".format(collection_id))
    # A standalone Collection fetches `Get a Collection` itself.
    collection = Collection(api_root_url + "collections/" + collection_id + "/", auth=auth)
    check(collection.id == collection_id, "get collection: id {} != {}".format(collection.id, collection_id))
    print("collections: ok, {} listed, target {!r}".format(len(listed), collection.title))

    # 4. Add objects: 30 new indicators plus a second version of the first one.
    ids = ["indicator--{}".format(uuid.uuid4()) for _ in range(INDICATORS)]
    first_modified = "2024-03-01T00:00:00.000Z"
    second_modified = "2024-03-02T12:34:56.789Z"
    objects = [indicator(object_id, first_modified, octet) for octet, object_id in enumerate(ids, start=1)]
    versioned = ids[0]
    objects.append(indicator(versioned, second_modified, 1, name="taxii2-client interop C2, revised"))
    status = collection.add_objects({"objects": objects}, wait_for_completion=True, poll_interval=1, timeout=60)
    check(status.status == "complete", "add objects: status {} is {!r}, not complete".format(status.id, status.status))
    check(
        status.total_count == len(objects),
        "add objects: total_count {} != {} posted".format(status.total_count, len(objects)),
    )
    check(
        status.success_count == len(objects) and status.failure_count == 0,
        "add objects: success_count={} failure_count={} failures={}".format(
            status.success_count, status.failure_count, status.failures
        ),
    )
    # The status is also reachable on its own through the API root.
    fetched_status = api_root.get_status(status.id)
    check(fetched_status.id == status.id, "get status: id {} != {}".format(fetched_status.id, status.id))
    check(fetched_status.status == "complete", "get status: {!r}, not complete".format(fetched_status.status))
    print("add objects: ok, status {} {}/{} succeeded".format(status.id, status.success_count, status.total_count))

    # 5. Get objects, paged. Only the latest version of each object is returned by default.
    served, pages = collect_pages(collection.get_objects, "objects", "get objects")
    served_ids = [obj.get("id") for obj in served]
    ours = [object_id for object_id in served_ids if object_id in set(ids)]
    duplicates = sorted({object_id for object_id in ours if ours.count(object_id) > 1})
    check(not duplicates, "get objects: duplicated across pages: {}".format(duplicates))
    check(set(ours) == set(ids), "get objects: missing {}".format(sorted(set(ids) - set(ours))))
    check(
        len(served) > PER_REQUEST and pages >= 2,
        "get objects: {} objects came in {} page(s); paging was not exercised".format(len(served), pages),
    )
    latest = [obj for obj in served if obj.get("id") == versioned]
    check(
        latest and latest[0].get("modified") == second_modified,
        "get objects: {} served as {!r}, not its latest version {}".format(
            versioned, [o.get("modified") for o in latest], second_modified
        ),
    )
    print("get objects: ok, {} objects in {} pages of <= {}, no duplicates".format(len(served), pages, PER_REQUEST))

    # 6. Get manifest, paged: one record per object (latest version).
    manifest, pages = collect_pages(collection.get_manifest, "objects", "get manifest")
    manifest_ids = [record.get("id") for record in manifest]
    ours = [object_id for object_id in manifest_ids if object_id in set(ids)]
    duplicates = sorted({object_id for object_id in ours if ours.count(object_id) > 1})
    check(not duplicates, "get manifest: duplicated across pages: {}".format(duplicates))
    check(set(ours) == set(ids), "get manifest: missing {}".format(sorted(set(ids) - set(ours))))
    for record in manifest:
        for key in ("id", "date_added", "version"):
            check(record.get(key), "get manifest: record {!r} lacks {}".format(record, key))
    record = next(r for r in manifest if r["id"] == versioned)
    check(
        record["version"] == second_modified,
        "get manifest: {} version {!r} != {}".format(versioned, record["version"], second_modified),
    )
    print("get manifest: ok, {} records in {} pages".format(len(manifest), pages))

    # 7. Object versions: both, with the exact modified strings sent.
    versions = collection.object_versions(versioned)
    listed_versions = versions.get("versions", [])
    check(
        sorted(listed_versions) == sorted([first_modified, second_modified]),
        "object versions: {} lists {}, want [{}, {}]".format(versioned, listed_versions, first_modified, second_modified),
    )
    check(not versions.get("more"), "object versions: more=true for two versions")
    all_versions = collection.get_object(versioned, version="all")
    check(
        sorted(o.get("modified") for o in all_versions.get("objects", []))
        == sorted([first_modified, second_modified]),
        "get object version=all: {}".format(all_versions),
    )
    print("object versions: ok, {}".format(listed_versions))

    # 8. Get an object: its latest version, byte-for-byte what was posted.
    target = ids[1]
    got = collection.get_object(target)
    got_objects = got.get("objects", [])
    check(len(got_objects) == 1, "get object: {} returned {} objects".format(target, len(got_objects)))
    check(got_objects[0] == objects[1], "get object: {} differs from what was posted: {}".format(target, got_objects[0]))
    print("get object: ok, {}".format(target))

    # 9. Delete an object; afterwards Get an Object answers 404.
    collection.delete_object(target)
    try:
        after = collection.get_object(target)
    except requests.exceptions.HTTPError as error:
        code = error.response.status_code if error.response is not None else None
        check(code == 404, "delete object: get after delete answered {}, not 404".format(code))
    except TAXIIServiceException as error:
        raise Failure("delete object: get after delete raised {!r}, not an HTTP 404".format(error))
    else:
        raise Failure("delete object: {} still served after delete: {}".format(target, after))
    remaining, _ = collect_pages(collection.get_objects, "objects", "get objects after delete")
    remaining_ids = {obj.get("id") for obj in remaining}
    check(target not in remaining_ids, "delete object: {} still listed by get objects".format(target))
    check(
        set(ids) - {target} <= remaining_ids,
        "delete object: other objects vanished: {}".format(sorted(set(ids) - {target} - remaining_ids)),
    )
    print("delete object: ok, {} gone (404), {} others intact".format(target, len(ids) - 1))

    print("taxii2-client interop: all steps passed")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: {} API_ROOT_URL BEARER_TOKEN COLLECTION_ID".format(sys.argv[0]))
    try:
        main(*sys.argv[1:])
    except Failure as failure:
        sys.exit("FAILED: {}".format(failure))
    except (requests.exceptions.RequestException, TAXIIServiceException) as error:
        traceback.print_exc()
        body = ""
        response = getattr(error, "response", None)
        if response is not None:
            body = " (body: {})".format(response.text[:2000])
        sys.exit("FAILED: unexpected {}: {}{}".format(type(error).__name__, error, body))
