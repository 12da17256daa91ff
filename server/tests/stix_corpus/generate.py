#!/usr/bin/env python3
"""Writes objects.jsonl: the STIX 2.1 object corpus the hub's validator is checked on.

Usage: generate.py [OUTPUT]   (default: objects.jsonl beside this script)

Each line is {"case": NAME, "verdict": "valid"|"invalid", "object": {...}} plus, where
the OASIS stix2-validator is wrong per the specification, "oracle_disagrees": CLAUSE.
Verdicts are written here by hand from the STIX 2.1 specification; the Rust test
(server/tests/stix_corpus.rs) checks the hub agrees with every one, and
tests/python/check_object_corpus.py checks the OASIS validator agrees with every one
not marked. Deterministic: no clock, no randomness, standard library only.
"""

import copy
import hashlib
import json
import os
import sys
import uuid

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
T = "2024-05-01T09:00:00.000Z"
LATER = "2024-06-01T09:00:00.000Z"
TLP1_WHITE = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
TLP1_GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
TLP1_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
TLP1_RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
TLP2 = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_EXT = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
SHA256 = "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"

CASES = []


def v4(seed):
    """A stable UUIDv4-shaped identifier for `seed`."""
    return str(uuid.UUID(bytes=hashlib.md5(seed.encode()).digest(), version=4))


def sid(type_name, seed=None):
    return "{}--{}".format(type_name, v4(seed or type_name))


def canonical(value):
    """RFC 8785 for the values used here (strings, integers, lists, dicts)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


CONTRIBUTING = {
    "artifact": ["hashes", "payload_bin"],
    "autonomous-system": ["number"],
    "directory": ["path"],
    "domain-name": ["value"],
    "email-addr": ["value"],
    "email-message": ["from_ref", "subject", "body"],
    "file": ["hashes", "name", "extensions", "parent_directory_ref"],
    "ipv4-addr": ["value"],
    "ipv6-addr": ["value"],
    "mac-addr": ["value"],
    "mutex": ["name"],
    "network-traffic": ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"],
    "software": ["name", "cpe", "swid", "vendor", "version"],
    "url": ["value"],
    "user-account": ["account_type", "user_id", "account_login"],
    "windows-registry-key": ["key", "values"],
    "x509-certificate": ["hashes", "serial_number"],
}


def sco_id(obj):
    """The deterministic identifier the OASIS stix2 library computes (section 2.9)."""
    props = {}
    for name in CONTRIBUTING.get(obj["type"], []):
        if name in obj:
            value = obj[name]
            if name == "hashes" and isinstance(value, dict):
                for algorithm in ("MD5", "SHA-1", "SHA-256", "SHA-512"):
                    if algorithm in value:
                        value = {algorithm: value[algorithm]}
                        break
                else:
                    first = next(iter(value))
                    value = {first: value[first]}
            props[name] = value
    if not props:
        return sid(obj["type"], canonical(obj))
    return "{}--{}".format(obj["type"], uuid.uuid5(NAMESPACE, canonical(props)))


def sco(type_name, **props):
    obj = {"type": type_name, "spec_version": "2.1", "id": None}
    obj.update(props)
    obj["id"] = sco_id(obj)
    return obj


def sdo(type_name, seed=None, **props):
    obj = {
        "type": type_name,
        "spec_version": "2.1",
        "id": sid(type_name, seed),
        "created": T,
        "modified": T,
    }
    obj.update(props)
    return obj


def refs(section):
    """The clause for a reference to the wrong type of object, which the OASIS validator
    does not check (it checks identifier syntax only)."""
    return "STIX 2.1 {}: the property references objects of the given type; the OASIS validator checks only identifier syntax".format(section)


def case(name, verdict, obj, disagrees=None):
    entry = {"case": name, "verdict": verdict, "object": obj}
    if disagrees:
        entry["oracle_disagrees"] = disagrees
    CASES.append(entry)


def valid(name, obj, disagrees=None):
    case(name, "valid", obj, disagrees)


def invalid(name, obj, disagrees=None):
    case(name, "invalid", obj, disagrees)


DROP = object()


def edit(base, rehash=False, **changes):
    """A copy of `base` with `changes` (DROP removes a property); SCO ids recomputed
    when `rehash`."""
    obj = copy.deepcopy(base)
    for name, value in changes.items():
        if value is DROP:
            obj.pop(name, None)
        else:
            obj[name] = value
    if rehash:
        obj["id"] = sco_id(obj)
    return obj


def with_props(base, props, rehash=False):
    """Like `edit` for property names that are not Python identifiers."""
    obj = copy.deepcopy(base)
    for name, value in props.items():
        if value is DROP:
            obj.pop(name, None)
        else:
            obj[name] = value
    if rehash:
        obj["id"] = sco_id(obj)
    return obj


# Shared references.
IDENTITY = sid("identity")
INDICATOR = sid("indicator")
MALWARE = sid("malware")
CAMPAIGN = sid("campaign")
LOCATION = sid("location")
OBSERVED = sid("observed-data")
RELATIONSHIP = sid("relationship")
EXT_DEF = sid("extension-definition", "acme-ext")
IPV4 = sco("ipv4-addr", value="198.51.100.3")
IPV4_DST = sco("ipv4-addr", value="203.0.113.10")
DOMAIN = sco("domain-name", value="example.com")
FILE_ID = sco("file", name="foo.exe", hashes={"SHA-256": SHA256})["id"]
SOFTWARE_ID = sco("software", name="Word", vendor="Microsoft")["id"]
ARTIFACT_ID = sid("artifact", "artifact-ref")
EMAIL_ADDR = sco("email-addr", value="john@example.com")
USER_ID = sco("user-account", user_id="1001", account_type="unix")["id"]
NT_ID = sco("network-traffic", src_ref=IPV4["id"], protocols=["tcp"])["id"]
DIRECTORY_ID = sco("directory", path="C:\\Windows")["id"]
MAC_ID = sco("mac-addr", value="d2:fb:49:24:37:18")["id"]
AS_ID = sco("autonomous-system", number=15139)["id"]
PROCESS_ID = sid("process", "process-ref")


def common_property_cases(base):
    """The common properties of SDOs/SROs, exercised on `base`."""
    t = base["type"]
    valid(t + ": labels", edit(base, labels=["phishing", "apt"]))
    invalid(t + ": labels not a list", edit(base, labels="phishing"))
    invalid(t + ": labels with a number", edit(base, labels=["a", 3]))
    invalid(t + ": labels empty", edit(base, labels=[]))
    valid(t + ": confidence 0", edit(base, confidence=0))
    valid(t + ": confidence 100", edit(base, confidence=100))
    invalid(t + ": confidence 101", edit(base, confidence=101))
    invalid(t + ": confidence -1", edit(base, confidence=-1))
    invalid(t + ": confidence as a string", edit(base, confidence="50"))
    invalid(t + ": confidence fractional", edit(base, confidence=50.5))
    valid(t + ": revoked", edit(base, revoked=True))
    invalid(t + ": revoked as a string", edit(base, revoked="true"))
    valid(t + ": lang", edit(base, lang="ja"))
    invalid(t + ": lang not RFC 5646", edit(base, lang="english_language"))
    valid(t + ": created_by_ref", edit(base, created_by_ref=IDENTITY))
    invalid(t + ": created_by_ref to a malware", edit(base, created_by_ref=MALWARE), disagrees=refs("§3.2 Common Properties (created_by_ref: an identity)"))
    invalid(t + ": created_by_ref not an id", edit(base, created_by_ref="ACME"))
    valid(t + ": object_marking_refs", edit(base, object_marking_refs=[TLP1_GREEN, TLP2["amber"]]))
    invalid(t + ": object_marking_refs to an identity", edit(base, object_marking_refs=[IDENTITY]), disagrees=refs("§3.2 Common Properties (object_marking_refs: marking definitions)"))
    invalid(t + ": object_marking_refs not a list", edit(base, object_marking_refs=TLP1_GREEN))
    valid(t + ": x_ custom property", edit(base, x_acme_score=7))
    valid(t + ": modified later than created", edit(base, modified=LATER))
    invalid(t + ": modified before created", edit(base, created=LATER))
    invalid(t + ": created without milliseconds", edit(base, created="2024-05-01T09:00:00Z", modified=LATER))
    invalid(t + ": modified missing", edit(base, modified=DROP))
    invalid(t + ": created missing", edit(base, created=DROP))
    invalid(t + ": spec_version missing", edit(base, spec_version=DROP))
    invalid(t + ": id of another type", edit(base, id=sid("tool", t)))
    invalid(t + ": description null", edit(base, description=None))


def short_common_cases(base):
    """A lighter pass over the common properties, for the remaining types."""
    t = base["type"]
    valid(t + ": with markings, creator and labels", edit(base, created_by_ref=IDENTITY, object_marking_refs=[TLP2["clear"]], labels=["x"], confidence=50, lang="en"))
    valid(t + ": external reference", edit(base, external_references=[{"source_name": "feed", "external_id": "F-1"}]))
    valid(t + ": x_ custom property", edit(base, x_acme_note="n"))
    invalid(t + ": labels a string", edit(base, labels="x"))
    invalid(t + ": confidence 1000", edit(base, confidence=1000))
    invalid(t + ": modified missing", edit(base, modified=DROP))
    invalid(t + ": created in another zone", edit(base, created="2024-05-01T09:00:00.000+01:00"))
    invalid(t + ": granular marking of an absent property", edit(base, granular_markings=[{"marking_ref": TLP1_RED, "selectors": ["x_not_here"]}]))
    invalid(t + ": reserved property action", edit(base, action="block"))
    invalid(t + ": empty list property", edit(base, x_acme_list=[]))


# ---------------------------------------------------------------- SDOs

INDICATOR_BASE = sdo(
    "indicator",
    name="C2 address",
    description="Command and control server",
    indicator_types=["malicious-activity"],
    pattern="[ipv4-addr:value = '198.51.100.3']",
    pattern_type="stix",
    pattern_version="2.1",
    valid_from="2024-05-01T09:00:00Z",
)
valid("indicator: complete", INDICATOR_BASE)
common_property_cases(INDICATOR_BASE)
valid("indicator: valid_until after valid_from", edit(INDICATOR_BASE, valid_until="2025-05-01T00:00:00Z"))
invalid("indicator: valid_until equal to valid_from", edit(INDICATOR_BASE, valid_until="2024-05-01T09:00:00Z"))
invalid("indicator: valid_until before valid_from", edit(INDICATOR_BASE, valid_until="2023-05-01T09:00:00Z"))
invalid("indicator: pattern missing", edit(INDICATOR_BASE, pattern=DROP))
invalid("indicator: pattern_type missing", edit(INDICATOR_BASE, pattern_type=DROP))
invalid("indicator: valid_from missing", edit(INDICATOR_BASE, valid_from=DROP))
invalid("indicator: valid_from not a timestamp", edit(INDICATOR_BASE, valid_from="yesterday"))
invalid("indicator: valid_from with an offset", edit(INDICATOR_BASE, valid_from="2024-05-01T09:00:00+02:00"))
invalid("indicator: valid_from on 30 February", edit(INDICATOR_BASE, valid_from="2024-02-30T09:00:00Z"))
invalid("indicator: malformed stix pattern", edit(INDICATOR_BASE, pattern="[ipv4-addr:value = '198.51.100.3'"))
invalid("indicator: pattern on an unknown object type", edit(INDICATOR_BASE, pattern="[foo:bar = 'x']"), disagrees="STIX 2.1 §9 Patterning with §6 SCO types and §11 custom types ('x-'): foo is neither (as in the pattern corpus)")
valid("indicator: snort pattern is not parsed", edit(INDICATOR_BASE, pattern="alert tcp any any -> any any", pattern_type="snort"))
valid("indicator: pattern_type outside the vocabulary", edit(INDICATOR_BASE, pattern="rule x { condition: true }", pattern_type="x-acme-rules"))
valid("indicator: indicator_types outside the vocabulary", edit(INDICATOR_BASE, indicator_types=["suspicious-ish"]))
invalid("indicator: indicator_types not a list", edit(INDICATOR_BASE, indicator_types="benign"))
valid("indicator: kill chain phases", edit(INDICATOR_BASE, kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "command-and-control"}]))
invalid("indicator: kill chain phase without phase_name", edit(INDICATOR_BASE, kill_chain_phases=[{"kill_chain_name": "mitre-attack"}]))
invalid("indicator: kill chain phase not an object", edit(INDICATOR_BASE, kill_chain_phases=["command-and-control"]))
invalid("indicator: pattern not a string", edit(INDICATOR_BASE, pattern=42))
invalid("indicator: name not a string", edit(INDICATOR_BASE, name=["C2"]))

# External references.
valid("external reference: url and hashes", edit(INDICATOR_BASE, external_references=[{"source_name": "feed", "url": "https://example.com/feed/1", "hashes": {"SHA-256": SHA256}}]))
valid("external reference: cve", edit(INDICATOR_BASE, external_references=[{"source_name": "cve", "external_id": "CVE-2017-11882"}]))
valid("external reference: capec", edit(INDICATOR_BASE, external_references=[{"source_name": "capec", "external_id": "CAPEC-163"}]))
valid("external reference: description only", edit(INDICATOR_BASE, external_references=[{"source_name": "analyst", "description": "Seen in a briefing"}]))
invalid("external reference: source_name only", edit(INDICATOR_BASE, external_references=[{"source_name": "feed"}]))
invalid("external reference: no source_name", edit(INDICATOR_BASE, external_references=[{"url": "https://example.com/"}]))
invalid("external reference: cve with a malformed id", edit(INDICATOR_BASE, external_references=[{"source_name": "cve", "external_id": "2017-11882"}]))
invalid("external reference: cve without an id", edit(INDICATOR_BASE, external_references=[{"source_name": "cve", "description": "some CVE"}]))
invalid("external reference: capec with a malformed id", edit(INDICATOR_BASE, external_references=[{"source_name": "capec", "external_id": "163"}]))
invalid("external reference: url not a URL", edit(INDICATOR_BASE, external_references=[{"source_name": "feed", "url": "not a url"}]))
invalid("external reference: MD5 of the wrong length", edit(INDICATOR_BASE, external_references=[{"source_name": "feed", "url": "https://example.com/", "hashes": {"MD5": "abc"}}]))
invalid("external reference: not a list", edit(INDICATOR_BASE, external_references={"source_name": "feed", "url": "https://example.com/"}))
valid(
    "external reference: CVE id under another source",
    edit(INDICATOR_BASE, external_references=[{"source_name": "nvd", "external_id": "CVE-2017-11882"}]),
    disagrees="STIX 2.1 External Reference: only source_name 'cve' and 'capec' constrain external_id; the OASIS schema also forbids CVE/CAPEC ids under any other source",
)
valid(
    "external reference: custom hash algorithm",
    edit(INDICATOR_BASE, external_references=[{"source_name": "feed", "url": "https://example.com/", "hashes": {"x_acme_hash": "abc123"}}]),
    disagrees="STIX 2.1 Hashes: hash names SHOULD come from hash-algorithm-ov, custom ones SHOULD start with x_ (a SHOULD, not a MUST); the OASIS schema refuses any other name in external references",
)

# Granular markings.
valid("granular marking: description", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": ["description"]}]))
valid("granular marking: list item property", edit(INDICATOR_BASE, external_references=[{"source_name": "feed", "url": "https://example.com/"}], granular_markings=[{"marking_ref": TLP1_RED, "selectors": ["external_references.[0].source_name"]}]))
valid("granular marking: list item", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_RED, "selectors": ["indicator_types.[0]"]}]))
invalid("granular marking: selector not present", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": ["objective"]}]))
invalid("granular marking: index out of range", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": ["indicator_types.[3]"]}]))
invalid("granular marking: index into a string", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": ["name.[0]"]}]), disagrees="STIX 2.1 §7.2.3 Granular Markings: [N] selects a list item; the OASIS validator indexes into the string")
invalid("granular marking: no selectors", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER}]))
invalid("granular marking: empty selectors", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": []}]))
invalid("granular marking: marking_ref to an identity", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": IDENTITY, "selectors": ["description"]}]))
invalid("granular marking: malformed selector", edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "selectors": ["description..x"]}]))
valid(
    "granular marking: lang only",
    edit(INDICATOR_BASE, granular_markings=[{"lang": "en", "selectors": ["description"]}]),
    disagrees="STIX 2.1 §7.2.3 Granular Markings: a granular marking carries marking_ref or lang; the OASIS schema requires marking_ref",
)
invalid(
    "granular marking: both marking_ref and lang",
    edit(INDICATOR_BASE, granular_markings=[{"marking_ref": TLP1_AMBER, "lang": "en", "selectors": ["description"]}]),
    disagrees="STIX 2.1 §7.2.3 Granular Markings: marking_ref and lang are mutually exclusive (each MUST NOT be present with the other)",
)
invalid("granular marking: neither marking_ref nor lang", edit(INDICATOR_BASE, granular_markings=[{"selectors": ["description"]}]))

# Extensions on SDOs.
valid("extensions: property-extension", edit(INDICATOR_BASE, extensions={EXT_DEF: {"extension_type": "property-extension", "rank": 3}}))
valid("extensions: toplevel-property-extension with its properties", with_props(INDICATOR_BASE, {"extensions": {EXT_DEF: {"extension_type": "toplevel-property-extension"}}, "acme_rank": 3}))
invalid("extensions: extension_type missing", edit(INDICATOR_BASE, extensions={EXT_DEF: {"rank": 3}}))
invalid("extensions: extension_type outside the enumeration", edit(INDICATOR_BASE, extensions={EXT_DEF: {"extension_type": "new-thing"}}))
invalid("extensions: key is neither an extension definition nor -ext", edit(INDICATOR_BASE, extensions={"acme": {"rank": 3}}))
invalid("extensions: empty", edit(INDICATOR_BASE, extensions={}))
invalid("extensions: key of another type", edit(INDICATOR_BASE, extensions={sid("identity", "not-ext"): {"extension_type": "property-extension", "rank": 1}}))
invalid("extensions: predefined SCO extension on an SDO", edit(INDICATOR_BASE, extensions={"ntfs-ext": {"sid": "S-1-5-21"}}), disagrees="STIX 2.1 §6.7.2 NTFS File Extension: defined for file objects only")
invalid("extensions: entry not an object", edit(INDICATOR_BASE, extensions={EXT_DEF: "property-extension"}))

# Custom properties and reserved names.
invalid("custom property: upper case name", with_props(INDICATOR_BASE, {"x_acme_Score": 1}), disagrees="STIX 2.1 §3.1: property names MUST use only a-z, 0-9 and _; the OASIS pattern ^([a-z][a-z0-9_]{2,249})|id$ is not anchored at the end")
invalid("custom property: two characters", with_props(INDICATOR_BASE, {"xy": 1}))
invalid("custom property: with a hyphen", with_props(INDICATOR_BASE, {"x-acme": 1}))
invalid("custom property: _bin not base64", edit(INDICATOR_BASE, x_acme_payload_bin="not base64!"))
valid("custom property: _bin base64", edit(INDICATOR_BASE, x_acme_payload_bin="aGVsbG8="))
invalid("custom property: _hex not hex", edit(INDICATOR_BASE, x_acme_flags_hex="xyz"))
valid("custom property: without x_ prefix", edit(INDICATOR_BASE, acme_score=3))
invalid("reserved property: severity", edit(INDICATOR_BASE, severity="high"))
invalid("reserved property: phone_numbers", edit(INDICATOR_BASE, phone_numbers=["123"]))
invalid("custom property: null inside", edit(INDICATOR_BASE, x_acme_data={"a": None}), disagrees="STIX 2.1 §3.1: null values are not allowed in STIX content; the OASIS validator does not look inside custom properties")
valid("hub property: recipients", edit(INDICATOR_BASE, x_kyoyu_recipients=["acme-power"]))
valid("hub property: anonymous", edit(INDICATOR_BASE, x_kyoyu_anonymous="hub"))
invalid("hub property: anonymous with another value", edit(INDICATOR_BASE, x_kyoyu_anonymous="nobody"), disagrees="hub rule, not STIX: x_kyoyu_anonymous is 'ceptoar' or 'hub'")
invalid("identifier: UUID version 7", edit(INDICATOR_BASE, id="indicator--018f3b5e-7c2a-7d3e-9a4b-1c2d3e4f5a6b"))
invalid("identifier: not RFC 4122 variant", edit(INDICATOR_BASE, id="indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f"))
invalid("identifier: upper case UUID", edit(INDICATOR_BASE, id="indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"), disagrees="hub rule kept from StixId: identifiers carry the canonical lower-case UUID form RFC 4122 §3 outputs (RFC 4122 reads either case on input; the OASIS schema accepts both)")
invalid(
    "spec_version 2.0",
    edit(INDICATOR_BASE, spec_version="2.0"),
    disagrees="STIX 2.1 §3.2 Common Properties: spec_version MUST be 2.1 for STIX 2.1 objects; the OASIS schema allows 2.0",
)
invalid("type: reserved name action", {"type": "action", "spec_version": "2.1", "id": sid("action"), "created": T, "modified": T})
invalid("type: with upper case", {"type": "Indicator", "spec_version": "2.1", "id": "indicator--" + v4("x"), "created": T, "modified": T})
invalid("type missing", {"spec_version": "2.1", "id": sid("indicator", "notype"), "created": T, "modified": T})

ATTACK_PATTERN = sdo(
    "attack-pattern",
    name="Spearphishing Attachment",
    description="Adversaries send emails with a malicious attachment",
    aliases=["phishing attachment"],
    kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
    external_references=[{"source_name": "capec", "external_id": "CAPEC-163"}],
)
valid("attack-pattern: complete", ATTACK_PATTERN)
invalid("attack-pattern: name missing", edit(ATTACK_PATTERN, name=DROP))
invalid("attack-pattern: aliases not a list", edit(ATTACK_PATTERN, aliases="phish"))
common_property_cases(ATTACK_PATTERN)

CAMPAIGN_BASE = sdo("campaign", name="Winter wave", description="Phishing", aliases=["ww"], first_seen="2024-01-15T00:00:00Z", last_seen="2024-02-15T00:00:00Z", objective="Initial access")
valid("campaign: complete", CAMPAIGN_BASE)
short_common_cases(CAMPAIGN_BASE)
valid("campaign: first_seen equal to last_seen", edit(CAMPAIGN_BASE, last_seen="2024-01-15T00:00:00Z"))
invalid("campaign: last_seen before first_seen", edit(CAMPAIGN_BASE, last_seen="2024-01-14T00:00:00Z"))
invalid("campaign: name missing", edit(CAMPAIGN_BASE, name=DROP))
invalid("campaign: first_seen not a timestamp", edit(CAMPAIGN_BASE, first_seen="2024-01-15"))
invalid("campaign: objective not a string", edit(CAMPAIGN_BASE, objective=1))

COA = sdo("course-of-action", name="Block C2", description="Block at the firewall")
valid("course-of-action: complete", COA)
short_common_cases(COA)
invalid("course-of-action: name missing", edit(COA, name=DROP))
invalid("course-of-action: name null", edit(COA, name=None))
invalid("course-of-action: description a list", edit(COA, description=["Block"]))

GROUPING = sdo("grouping", name="Artefacts", context="suspicious-activity", object_refs=[INDICATOR, MALWARE, IPV4["id"]])
valid("grouping: complete", GROUPING)
short_common_cases(GROUPING)
valid("grouping: context outside the vocabulary", edit(GROUPING, context="triage"))
invalid("grouping: context missing", edit(GROUPING, context=DROP))
invalid("grouping: object_refs missing", edit(GROUPING, object_refs=DROP))
invalid("grouping: object_refs empty", edit(GROUPING, object_refs=[]))
invalid("grouping: object_refs with a non-identifier", edit(GROUPING, object_refs=[INDICATOR, "malware"]))
invalid("grouping: context not a string", edit(GROUPING, context=["suspicious-activity"]))

IDENTITY_BASE = sdo("identity", name="Example Electric CSIRT", description="Utility CSIRT", roles=["csirt"], identity_class="organization", sectors=["utilities", "energy"], contact_information="csirt@example.com")
valid("identity: complete", IDENTITY_BASE)
short_common_cases(IDENTITY_BASE)
valid("identity: sector outside the vocabulary", edit(IDENTITY_BASE, sectors=["space"]))
valid("identity: identity_class outside the vocabulary", edit(IDENTITY_BASE, identity_class="department"))
invalid("identity: name missing", edit(IDENTITY_BASE, name=DROP))
invalid("identity: sectors not a list", edit(IDENTITY_BASE, sectors="utilities"))
invalid("identity: identity_class not a string", edit(IDENTITY_BASE, identity_class=1))
invalid("identity: contact_information not a string", edit(IDENTITY_BASE, contact_information={"email": "a@example.com"}))

INCIDENT = sdo("incident", name="Workstation infection", description="One host", kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "execution"}])
valid("incident: complete", INCIDENT)
short_common_cases(INCIDENT)
invalid("incident: name missing", edit(INCIDENT, name=DROP))
invalid("incident: kill chain phases not a list", edit(INCIDENT, kill_chain_phases={"kill_chain_name": "x", "phase_name": "y"}), disagrees="STIX 2.1 §4.6 Incident: kill_chain_phases is a list of kill-chain-phase; the OASIS incident schema defines only name")
invalid("incident: description a number", edit(INCIDENT, description=5))

INFRASTRUCTURE = sdo("infrastructure", name="Botnet tier 1", infrastructure_types=["botnet"], aliases=["t1"], first_seen="2024-01-01T00:00:00Z", last_seen="2024-03-01T00:00:00Z", kill_chain_phases=[{"kill_chain_name": "lockheed", "phase_name": "c2"}])
valid("infrastructure: complete", INFRASTRUCTURE)
short_common_cases(INFRASTRUCTURE)
invalid("infrastructure: last_seen before first_seen", edit(INFRASTRUCTURE, last_seen="2023-12-01T00:00:00Z"))
invalid("infrastructure: name missing", edit(INFRASTRUCTURE, name=DROP))
valid("infrastructure: type outside the vocabulary", edit(INFRASTRUCTURE, infrastructure_types=["cdn"]))

INTRUSION_SET = sdo("intrusion-set", name="TA542", aliases=["Mummy Spider"], first_seen="2014-01-01T00:00:00Z", goals=["money"], resource_level="organization", primary_motivation="personal-gain", secondary_motivations=["dominance"])
valid("intrusion-set: complete", INTRUSION_SET)
short_common_cases(INTRUSION_SET)
invalid("intrusion-set: last_seen before first_seen", edit(INTRUSION_SET, last_seen="2013-01-01T00:00:00Z"))
invalid("intrusion-set: goals not a list", edit(INTRUSION_SET, goals="money"))
valid("intrusion-set: motivation outside the vocabulary", edit(INTRUSION_SET, primary_motivation="boredom"))
invalid("intrusion-set: name missing", edit(INTRUSION_SET, name=DROP))

LOCATION_BASE = sdo("location", name="Japan", region="eastern-asia", country="JP")
valid("location: region and country", LOCATION_BASE)
short_common_cases(LOCATION_BASE)
valid("location: coordinates", sdo("location", "coords", latitude=35.68, longitude=139.69))
valid("location: coordinates with precision", sdo("location", "precision", latitude=35.68, longitude=139.69, precision=1000.0))
valid("location: integer coordinates", sdo("location", "intcoords", latitude=35, longitude=139))
valid("location: country only", sdo("location", "country", country="DE"))
valid("location: region outside the vocabulary", sdo("location", "region-ov", region="the-north"))
invalid("location: nothing to locate", sdo("location", "nothing", name="Somewhere"))
invalid("location: latitude without longitude", sdo("location", "lat", latitude=35.68))
invalid("location: longitude without latitude", sdo("location", "lon", longitude=139.69, country="JP"))
invalid("location: precision without coordinates", sdo("location", "prec", precision=10.0, country="JP"))
invalid("location: latitude above 90", sdo("location", "lat91", latitude=91.0, longitude=0.0))
invalid("location: latitude below -90", sdo("location", "lat-91", latitude=-90.5, longitude=0.0))
invalid("location: longitude above 180", sdo("location", "lon181", latitude=0.0, longitude=180.5))
invalid("location: longitude below -180", sdo("location", "lon-181", latitude=0.0, longitude=-181.0))
invalid("location: latitude as a string", sdo("location", "latstr", latitude="35.68", longitude=139.69))
valid("location: edge coordinates", sdo("location", "edges", latitude=-90, longitude=180))

MALWARE_BASE = sdo(
    "malware",
    name="Emotet",
    description="Banking trojan",
    malware_types=["trojan"],
    is_family=True,
    aliases=["Geodo"],
    first_seen="2014-01-01T00:00:00Z",
    last_seen="2024-01-01T00:00:00Z",
    operating_system_refs=[SOFTWARE_ID],
    architecture_execution_envs=["x86"],
    implementation_languages=["c++"],
    capabilities=["communicates-with-c2"],
    sample_refs=[FILE_ID, ARTIFACT_ID],
)
valid("malware: complete", MALWARE_BASE)
common_property_cases(MALWARE_BASE)
valid("malware: instance without a name", edit(MALWARE_BASE, is_family=False, name=DROP))
invalid("malware: family without a name", edit(MALWARE_BASE, name=DROP))
invalid("malware: is_family missing", edit(MALWARE_BASE, is_family=DROP))
invalid("malware: is_family as a string", edit(MALWARE_BASE, is_family="true"))
invalid("malware: last_seen before first_seen", edit(MALWARE_BASE, last_seen="2013-01-01T00:00:00Z"))
invalid("malware: sample_refs to an ipv4-addr", edit(MALWARE_BASE, sample_refs=[IPV4["id"]]), disagrees=refs("§4.11 Malware (sample_refs: file or artifact)"))
invalid("malware: operating_system_refs to a file", edit(MALWARE_BASE, operating_system_refs=[FILE_ID]))
valid("malware: capability outside the vocabulary", edit(MALWARE_BASE, capabilities=["mines-coins"]))
valid("malware: malware type outside the vocabulary", edit(MALWARE_BASE, malware_types=["infostealer"]))
invalid("malware: malware_types not a list", edit(MALWARE_BASE, malware_types="trojan"))

MALWARE_ANALYSIS = sdo(
    "malware-analysis",
    product="example-sandbox",
    version="3.2",
    host_vm_ref=SOFTWARE_ID,
    operating_system_ref=SOFTWARE_ID,
    installed_software_refs=[SOFTWARE_ID],
    modules=["net"],
    submitted="2024-05-01T08:00:00Z",
    analysis_started="2024-05-01T08:01:00Z",
    analysis_ended="2024-05-01T08:05:00Z",
    result="malicious",
    sample_ref=FILE_ID,
    analysis_sco_refs=[IPV4["id"], DOMAIN["id"]],
)
valid("malware-analysis: complete", MALWARE_ANALYSIS)
short_common_cases(MALWARE_ANALYSIS)
valid("malware-analysis: result only", edit(MALWARE_ANALYSIS, analysis_sco_refs=DROP))
valid("malware-analysis: analysis_sco_refs only", edit(MALWARE_ANALYSIS, result=DROP))
valid("malware-analysis: result outside the vocabulary", edit(MALWARE_ANALYSIS, result="inconclusive"))
valid("malware-analysis: sample_ref to network traffic", edit(MALWARE_ANALYSIS, sample_ref=NT_ID))
invalid("malware-analysis: neither result nor analysis_sco_refs", edit(MALWARE_ANALYSIS, result=DROP, analysis_sco_refs=DROP))
invalid("malware-analysis: product missing", edit(MALWARE_ANALYSIS, product=DROP))
invalid("malware-analysis: host_vm_ref to a file", edit(MALWARE_ANALYSIS, host_vm_ref=FILE_ID))
invalid("malware-analysis: sample_ref to an indicator", edit(MALWARE_ANALYSIS, sample_ref=INDICATOR))
invalid("malware-analysis: submitted not a timestamp", edit(MALWARE_ANALYSIS, submitted="May 1st"))

NOTE = sdo("note", abstract="Comment", content="Also served a phishing kit", authors=["A. Analyst"], object_refs=[MALWARE, INDICATOR])
valid("note: complete", NOTE)
short_common_cases(NOTE)
invalid("note: content missing", edit(NOTE, content=DROP))
invalid("note: object_refs missing", edit(NOTE, object_refs=DROP))
invalid("note: authors not a list", edit(NOTE, authors="A. Analyst"))
invalid("note: object_refs with a non-identifier", edit(NOTE, object_refs=["malware"]))
valid("note: about an SCO and a relationship", edit(NOTE, object_refs=[IPV4["id"], RELATIONSHIP]))

OBSERVED_BASE = sdo("observed-data", first_observed="2024-05-01T08:00:00Z", last_observed="2024-05-01T08:30:00Z", number_observed=3, object_refs=[IPV4["id"], DOMAIN["id"], RELATIONSHIP])
valid("observed-data: complete", OBSERVED_BASE)
short_common_cases(OBSERVED_BASE)
valid("observed-data: first equal to last", edit(OBSERVED_BASE, last_observed="2024-05-01T08:00:00Z"))
valid("observed-data: number_observed at the maximum", edit(OBSERVED_BASE, number_observed=999999999))
invalid("observed-data: number_observed 0", edit(OBSERVED_BASE, number_observed=0))
invalid("observed-data: number_observed above the maximum", edit(OBSERVED_BASE, number_observed=1000000000))
invalid("observed-data: number_observed as a string", edit(OBSERVED_BASE, number_observed="3"))
invalid("observed-data: last_observed before first_observed", edit(OBSERVED_BASE, last_observed="2024-05-01T07:00:00Z"))
invalid("observed-data: first_observed missing", edit(OBSERVED_BASE, first_observed=DROP))
invalid("observed-data: number_observed missing", edit(OBSERVED_BASE, number_observed=DROP))
invalid("observed-data: neither objects nor object_refs", edit(OBSERVED_BASE, object_refs=DROP))
invalid("observed-data: object_refs to an SDO", edit(OBSERVED_BASE, object_refs=[IPV4["id"], MALWARE]))
invalid(
    "observed-data: object_refs with only relationships",
    edit(OBSERVED_BASE, object_refs=[RELATIONSHIP]),
    disagrees="STIX 2.1 §4.14 Observed Data: object_refs MUST contain at least one SCO reference if defined",
)
valid("observed-data: deprecated objects", edit(OBSERVED_BASE, object_refs=DROP, objects={"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}), disagrees="STIX 2.1 §4.14 Observed Data: objects (deprecated) is a dictionary of SCOs without ids; the OASIS validator crashes (KeyError 'id') on it")
invalid("observed-data: objects and object_refs", edit(OBSERVED_BASE, objects={"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}))
invalid("observed-data: objects not a dictionary", edit(OBSERVED_BASE, object_refs=DROP, objects=[{"type": "ipv4-addr", "value": "198.51.100.3"}]))
invalid("observed-data: embedded object without a type", edit(OBSERVED_BASE, object_refs=DROP, objects={"0": {"value": "198.51.100.3"}}))

OPINION = sdo("opinion", explanation="Confirmed", authors=["B. Responder"], opinion="strongly-agree", object_refs=[INDICATOR])
valid("opinion: complete", OPINION)
short_common_cases(OPINION)
for value in ["strongly-disagree", "disagree", "neutral", "agree"]:
    valid("opinion: " + value, edit(OPINION, opinion=value))
invalid("opinion: value outside the enumeration", edit(OPINION, opinion="maybe"))
invalid("opinion: value in upper case", edit(OPINION, opinion="AGREE"))
invalid("opinion: opinion missing", edit(OPINION, opinion=DROP))
invalid("opinion: object_refs missing", edit(OPINION, object_refs=DROP))

REPORT = sdo("report", name="Emotet returns", report_types=["campaign", "threat-actor"], published="2024-05-02T00:00:00Z", object_refs=[INDICATOR, MALWARE, CAMPAIGN])
valid("report: complete", REPORT)
short_common_cases(REPORT)
valid("report: type outside the vocabulary", edit(REPORT, report_types=["weekly-digest"]))
invalid("report: published missing", edit(REPORT, published=DROP))
invalid("report: published not a timestamp", edit(REPORT, published="2024-05-02"))
invalid("report: name missing", edit(REPORT, name=DROP))
invalid("report: object_refs missing", edit(REPORT, object_refs=DROP))
invalid("report: object_refs with an invalid identifier", edit(REPORT, object_refs=[INDICATOR, "report--1234"]))

THREAT_ACTOR = sdo("threat-actor", name="Mummy Spider", threat_actor_types=["crime-syndicate"], aliases=["TA542"], first_seen="2014-01-01T00:00:00Z", last_seen="2024-01-01T00:00:00Z", roles=["agent"], goals=["money"], sophistication="advanced", resource_level="organization", primary_motivation="personal-gain", secondary_motivations=["dominance"], personal_motivations=["revenge"])
valid("threat-actor: complete", THREAT_ACTOR)
short_common_cases(THREAT_ACTOR)
invalid("threat-actor: last_seen before first_seen", edit(THREAT_ACTOR, last_seen="2013-01-01T00:00:00Z"))
valid("threat-actor: sophistication outside the vocabulary", edit(THREAT_ACTOR, sophistication="godlike"))
invalid("threat-actor: name missing", edit(THREAT_ACTOR, name=DROP))
invalid("threat-actor: roles not a list", edit(THREAT_ACTOR, roles="agent"))

TOOL = sdo("tool", name="PsExec", tool_types=["remote-access"], aliases=["psexec"], kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "lateral-movement"}], tool_version="2.4")
valid("tool: complete", TOOL)
short_common_cases(TOOL)
invalid("tool: name missing", edit(TOOL, name=DROP))
invalid("tool: tool_version not a string", edit(TOOL, tool_version=2.4))
invalid("tool: kill chain phase without kill_chain_name", edit(TOOL, kill_chain_phases=[{"phase_name": "lateral-movement"}]))
valid("tool: type outside the vocabulary", edit(TOOL, tool_types=["scanner"]))
invalid("tool: tool_types not a list", edit(TOOL, tool_types="remote-access"))

VULNERABILITY = sdo("vulnerability", name="CVE-2017-11882", description="Equation Editor", external_references=[{"source_name": "cve", "external_id": "CVE-2017-11882"}])
valid("vulnerability: complete", VULNERABILITY)
short_common_cases(VULNERABILITY)
invalid("vulnerability: name missing", edit(VULNERABILITY, name=DROP))
valid("vulnerability: several references", edit(VULNERABILITY, external_references=[{"source_name": "cve", "external_id": "CVE-2017-11882"}, {"source_name": "vendor", "url": "https://example.com/advisory"}]))
invalid("vulnerability: name a list", edit(VULNERABILITY, name=["CVE-2017-11882"]))
invalid("vulnerability: external_id of the wrong form", edit(VULNERABILITY, external_references=[{"source_name": "cve", "external_id": "CVE-17-11882"}]))

# ---------------------------------------------------------------- SROs

RELATIONSHIP_BASE = sdo("relationship", relationship_type="indicates", source_ref=INDICATOR, target_ref=MALWARE, description="d", start_time="2024-01-01T00:00:00Z", stop_time="2024-02-01T00:00:00Z")
valid("relationship: complete", RELATIONSHIP_BASE)
common_property_cases(RELATIONSHIP_BASE)
valid("relationship: to an SCO", edit(RELATIONSHIP_BASE, relationship_type="consists-of", source_ref=sid("infrastructure"), target_ref=IPV4["id"]))
valid("relationship: between SCOs", edit(RELATIONSHIP_BASE, relationship_type="resolves-to", source_ref=DOMAIN["id"], target_ref=IPV4["id"]))
valid("relationship: to a custom object", edit(RELATIONSHIP_BASE, relationship_type="related-to", target_ref=sid("x-acme-widget")))
valid("relationship: type not in the suggested list", edit(RELATIONSHIP_BASE, relationship_type="inspired-by"))
invalid("relationship: relationship_type with upper case", edit(RELATIONSHIP_BASE, relationship_type="Indicates"))
invalid("relationship: relationship_type with a space", edit(RELATIONSHIP_BASE, relationship_type="related to"))
invalid("relationship: source_ref a relationship", edit(RELATIONSHIP_BASE, source_ref=RELATIONSHIP))
invalid("relationship: target_ref a sighting", edit(RELATIONSHIP_BASE, target_ref=sid("sighting")))
invalid("relationship: target_ref a marking definition", edit(RELATIONSHIP_BASE, target_ref=TLP1_GREEN))
invalid("relationship: source_ref a language content", edit(RELATIONSHIP_BASE, source_ref=sid("language-content")))
invalid(
    "relationship: source_ref an extension definition",
    edit(RELATIONSHIP_BASE, source_ref=EXT_DEF),
    disagrees="STIX 2.1 §5.1 Relationship: source_ref and target_ref MUST be SDOs or SCOs; an extension-definition is a STIX Meta Object",
)
invalid("relationship: stop_time equal to start_time", edit(RELATIONSHIP_BASE, stop_time="2024-01-01T00:00:00Z"))
invalid("relationship: stop_time before start_time", edit(RELATIONSHIP_BASE, stop_time="2023-01-01T00:00:00Z"))
invalid("relationship: source_ref missing", edit(RELATIONSHIP_BASE, source_ref=DROP))
invalid("relationship: relationship_type missing", edit(RELATIONSHIP_BASE, relationship_type=DROP))
invalid("relationship: target_ref not an identifier", edit(RELATIONSHIP_BASE, target_ref="malware"))

SIGHTING = sdo("sighting", description="Seen twice", first_seen="2024-05-01T08:00:00Z", last_seen="2024-05-01T08:30:00Z", count=3, sighting_of_ref=INDICATOR, observed_data_refs=[OBSERVED], where_sighted_refs=[IDENTITY, LOCATION], summary=False)
valid("sighting: complete", SIGHTING)
common_property_cases(SIGHTING)
valid("sighting: count 0", edit(SIGHTING, count=0))
valid("sighting: count at the maximum", edit(SIGHTING, count=999999999))
valid("sighting: of a custom object", edit(SIGHTING, sighting_of_ref=sid("x-acme-widget")))
invalid("sighting: count above the maximum", edit(SIGHTING, count=1000000000))
invalid("sighting: negative count", edit(SIGHTING, count=-1))
invalid("sighting: last_seen before first_seen", edit(SIGHTING, last_seen="2024-05-01T07:00:00Z"))
invalid("sighting: sighting_of_ref missing", edit(SIGHTING, sighting_of_ref=DROP))
invalid("sighting: sighting_of_ref a relationship", edit(SIGHTING, sighting_of_ref=RELATIONSHIP))
invalid(
    "sighting: sighting_of_ref an SCO",
    edit(SIGHTING, sighting_of_ref=IPV4["id"]),
    disagrees="STIX 2.1 §5.2 Sighting: sighting_of_ref MUST reference only an SDO or a custom object",
)
invalid("sighting: observed_data_refs to an indicator", edit(SIGHTING, observed_data_refs=[INDICATOR]))
invalid("sighting: where_sighted_refs to a malware", edit(SIGHTING, where_sighted_refs=[MALWARE]))
invalid("sighting: summary as a string", edit(SIGHTING, summary="no"))

# ---------------------------------------------------------------- SMOs

TLP1_GREEN_OBJ = {"type": "marking-definition", "spec_version": "2.1", "id": TLP1_GREEN, "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN", "definition": {"tlp": "green"}}
valid("marking-definition: TLP 1.0 green", TLP1_GREEN_OBJ)
for level, marking in [("white", TLP1_WHITE), ("amber", TLP1_AMBER), ("red", TLP1_RED)]:
    valid("marking-definition: TLP 1.0 " + level, edit(TLP1_GREEN_OBJ, id=marking, name="TLP:" + level.upper(), definition={"tlp": level}))
invalid("marking-definition: TLP 1.0 id with another level", edit(TLP1_GREEN_OBJ, definition={"tlp": "red"}))
invalid("marking-definition: TLP 1.0 with another name", edit(TLP1_GREEN_OBJ, name="TLP:RED"))
invalid("marking-definition: TLP 1.0 without a name", edit(TLP1_GREEN_OBJ, name=DROP))
invalid("marking-definition: TLP 1.0 created another day", edit(TLP1_GREEN_OBJ, created="2017-01-21T00:00:00.000Z"))
invalid("marking-definition: TLP 1.0 with created_by_ref", edit(TLP1_GREEN_OBJ, created_by_ref=IDENTITY))
invalid("marking-definition: tlp definition with a non-standard id", edit(TLP1_GREEN_OBJ, id=sid("marking-definition", "my-tlp")))
invalid("marking-definition: TLP 1.0 id as a statement", edit(TLP1_GREEN_OBJ, definition_type="statement", definition={"statement": "green"}, name=DROP), disagrees="STIX 2.1 §7.2.1.4 TLP Marking: the standard TLP marking ids are the fixed tlp objects")
invalid("marking-definition: TLP 1.0 without definition", edit(TLP1_GREEN_OBJ, definition=DROP))

def tlp2(level, **changes):
    obj = {"type": "marking-definition", "spec_version": "2.1", "id": TLP2[level], "created": "2022-10-01T00:00:00.000Z", "name": "TLP:" + level.upper(), "extensions": {TLP2_EXT: {"extension_type": "property-extension", "tlp_2_0": level}}}
    return edit(obj, **changes)

for level in TLP2:
    valid("marking-definition: TLP 2.0 " + level, tlp2(level))
invalid(
    "marking-definition: TLP 2.0 id with another level",
    tlp2("green", extensions={TLP2_EXT: {"extension_type": "property-extension", "tlp_2_0": "red"}}),
    disagrees="TLP 2.0 extension (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d): each standard marking id stands for one tlp_2_0 level",
)
invalid(
    "marking-definition: TLP 2.0 level outside the five",
    tlp2("green", extensions={TLP2_EXT: {"extension_type": "property-extension", "tlp_2_0": "white"}}),
    disagrees="TLP 2.0 extension: tlp_2_0 is one of clear, green, amber, amber+strict, red",
)
invalid(
    "marking-definition: TLP 2.0 with a non-standard id",
    tlp2("green", id=sid("marking-definition", "my-tlp2")),
    disagrees="TLP 2.0 extension: TLP 2.0 markings are the five published marking definitions",
)
invalid(
    "marking-definition: TLP 2.0 id without its extension",
    tlp2("green", extensions=DROP, definition_type="statement", definition={"statement": "green"}),
    disagrees="TLP 2.0 extension: the standard TLP 2.0 marking ids carry the extension with their level",
)
invalid("marking-definition: TLP 2.0 extension_type missing", tlp2("amber", extensions={TLP2_EXT: {"tlp_2_0": "amber"}}))
invalid(
    "marking-definition: TLP 2.0 with another name",
    tlp2("amber", name="TLP:RED"),
    disagrees="TLP 2.0 extension: the standard marking definitions are named TLP:<LEVEL>",
)
invalid("marking-definition: predefined -ext key", tlp2("clear", extensions={"tlp-ext": {"level": "clear"}}))

STATEMENT = {"type": "marking-definition", "spec_version": "2.1", "id": sid("marking-definition", "statement"), "created": T, "created_by_ref": IDENTITY, "definition_type": "statement", "definition": {"statement": "Copyright 2024, Example Electric Co."}}
valid("marking-definition: statement", STATEMENT)
valid("marking-definition: statement with a name and external references", edit(STATEMENT, name="Copyright", external_references=[{"source_name": "legal", "url": "https://example.com/legal"}]))
valid("marking-definition: custom definition type", edit(STATEMENT, definition_type="x-acme-policy", definition={"policy": "internal"}))
invalid("marking-definition: statement without statement", edit(STATEMENT, definition={"text": "Copyright"}))
invalid("marking-definition: statement not a string", edit(STATEMENT, definition={"statement": 42}))
invalid("marking-definition: definition missing", edit(STATEMENT, definition=DROP))
invalid("marking-definition: definition_type missing", edit(STATEMENT, definition_type=DROP))
invalid("marking-definition: definition not an object", edit(STATEMENT, definition="Copyright"))
invalid("marking-definition: created missing", edit(STATEMENT, created=DROP))
invalid("marking-definition: created_by_ref to a tool", edit(STATEMENT, created_by_ref=sid("tool")), disagrees=refs("§7.2.1 Marking Definition (created_by_ref: an identity)"))
invalid("marking-definition: marks itself", edit(STATEMENT, object_marking_refs=[STATEMENT["id"]]))
invalid("marking-definition: granular marking of itself", edit(STATEMENT, granular_markings=[{"marking_ref": STATEMENT["id"], "selectors": ["definition"]}]))
valid("marking-definition: marked by another", edit(STATEMENT, object_marking_refs=[TLP1_GREEN]))
valid("marking-definition: extension only", {"type": "marking-definition", "spec_version": "2.1", "id": sid("marking-definition", "ext-only"), "created": T, "extensions": {EXT_DEF: {"extension_type": "property-extension", "caveat": "internal"}}})

LANGUAGE_CONTENT = sdo("language-content", object_ref=CAMPAIGN, object_modified=T, contents={"ja": {"name": "冬のフィッシング", "description": "電力分野"}, "de": {"name": "Winterwelle"}})
valid("language-content: complete", LANGUAGE_CONTENT)
common_property_cases(LANGUAGE_CONTENT)
valid("language-content: translated list", edit(LANGUAGE_CONTENT, contents={"fr": {"aliases": ["vague d'hiver"]}}))
valid("language-content: of an SCO", edit(LANGUAGE_CONTENT, object_ref=FILE_ID, contents={"ja": {"name": "ふ.exe"}}))
invalid("language-content: object_ref missing", edit(LANGUAGE_CONTENT, object_ref=DROP))
invalid("language-content: contents missing", edit(LANGUAGE_CONTENT, contents=DROP))
invalid("language-content: object_ref a language content", edit(LANGUAGE_CONTENT, object_ref=sid("language-content", "other")))
invalid("language-content: contents keyed by a non-language", edit(LANGUAGE_CONTENT, contents={"japanese_lang": {"name": "x"}}))
invalid("language-content: contents value not a dictionary", edit(LANGUAGE_CONTENT, contents={"ja": "冬"}))
invalid("language-content: translated property name not a property name", edit(LANGUAGE_CONTENT, contents={"ja": {"Name": "冬"}}))
invalid("language-content: object_modified not a timestamp", edit(LANGUAGE_CONTENT, object_modified="2024"))
valid(
    "language-content: contents with a script subtag",
    edit(LANGUAGE_CONTENT, contents={"sr-Latn-RS": {"name": "Zimski talas"}}),
    disagrees="STIX 2.1 §7.1 Language Content: contents keys are RFC 5646 language codes; sr-Latn-RS is one, the OASIS list of codes lacks it",
)

EXTENSION_DEFINITION = sdo("extension-definition", "acme-ext", created_by_ref=IDENTITY, name="Acme ranking", description="Adds a rank", schema="https://example.com/acme-rank.json", version="1.0.0", extension_types=["property-extension"])
valid("extension-definition: complete", EXTENSION_DEFINITION)
short_common_cases(EXTENSION_DEFINITION)
valid("extension-definition: toplevel with extension_properties", edit(EXTENSION_DEFINITION, extension_types=["toplevel-property-extension"], extension_properties=["acme_rank"]))
valid("extension-definition: new-sdo", edit(EXTENSION_DEFINITION, extension_types=["new-sdo"]))
invalid("extension-definition: extension_properties without toplevel", edit(EXTENSION_DEFINITION, extension_properties=["acme_rank"]))
invalid("extension-definition: extension type outside the enumeration", edit(EXTENSION_DEFINITION, extension_types=["new-thing"]))
invalid("extension-definition: extension_types missing", edit(EXTENSION_DEFINITION, extension_types=DROP))
invalid("extension-definition: schema missing", edit(EXTENSION_DEFINITION, schema=DROP))
invalid("extension-definition: version missing", edit(EXTENSION_DEFINITION, version=DROP))
invalid("extension-definition: name missing", edit(EXTENSION_DEFINITION, name=DROP))
invalid(
    "extension-definition: created_by_ref missing",
    edit(EXTENSION_DEFINITION, created_by_ref=DROP),
    disagrees="STIX 2.1 §7.3 Extension Definition: created_by_ref is required",
)
invalid("extension-definition: created_by_ref to a tool", edit(EXTENSION_DEFINITION, created_by_ref=sid("tool")), disagrees=refs("§7.3 Extension Definition (created_by_ref: an identity)"))

# ---------------------------------------------------------------- Custom objects

CUSTOM_SDO = sdo("x-acme-widget", name="Widget", x_acme_size=3, size=4)
valid("custom object: SDO-like", CUSTOM_SDO)
valid("custom object: SCO-like", {"type": "x-acme-port", "id": sid("x-acme-port"), "value": "8080"})
valid("custom object: declared by an extension definition", sdo("acme-gadget", extensions={EXT_DEF: {"extension_type": "new-sdo"}}, name="Gadget"))
valid("custom object: without x- prefix", sdo("acme-thing", name="Thing"))
invalid("custom object: property with upper case", with_props(CUSTOM_SDO, {"Size": 4}))
invalid("custom object: created without modified", edit(CUSTOM_SDO, modified=DROP))
invalid("custom object: created_by_ref to a malware", edit(CUSTOM_SDO, created_by_ref=MALWARE), disagrees=refs("§3.2 Common Properties (created_by_ref: an identity)"))
invalid("custom object: type with double hyphen", edit(CUSTOM_SDO, type="x--acme", id="x--acme--" + v4("x")))

# ---------------------------------------------------------------- SCOs

def sco_common_cases(base):
    t = base["type"]
    valid(t + ": object_marking_refs", edit(base, object_marking_refs=[TLP2["green"]]))
    valid(t + ": defanged", edit(base, defanged=True))
    invalid(t + ": defanged as a string", edit(base, defanged="yes"))
    invalid(t + ": object_marking_refs to an identity", edit(base, object_marking_refs=[IDENTITY]), disagrees=refs("§3.2 Common Properties (object_marking_refs: marking definitions)"))
    valid(t + ": without spec_version", edit(base, spec_version=DROP))
    invalid(t + ": spec_version 2.0", edit(base, spec_version="2.0"), disagrees="STIX 2.1 §3.2 Common Properties: spec_version MUST be 2.1 for STIX 2.1 objects; the OASIS schema allows 2.0")
    valid(t + ": x_ custom property", edit(base, x_acme_tag="seen"))
    other = "url" if t == "mutex" else "mutex"
    invalid(t + ": id of another type", edit(base, id=base["id"].replace(t + "--", other + "--")))
    invalid(t + ": granular marking of an absent property", edit(base, granular_markings=[{"marking_ref": TLP1_RED, "selectors": ["x_not_here"]}]))
    if t != "process":
        valid(t + ": id not the deterministic one", edit(base, id=t + "--" + str(uuid.uuid5(NAMESPACE, "something else"))))
    valid(t + ": UUIDv4 id", edit(base, id=sid(t, "random " + t)))


ARTIFACT = sco("artifact", mime_type="application/zip", payload_bin="UEsDBAoAAAAAAA==", hashes={"SHA-256": SHA256})
valid("artifact: payload", ARTIFACT)
sco_common_cases(ARTIFACT)
ARTIFACT_URL = sco("artifact", url="https://example.com/sample.zip", hashes={"MD5": MD5})
valid("artifact: url with hashes", ARTIFACT_URL)
valid("artifact: encrypted", edit(ARTIFACT, encryption_algorithm="AES-256-GCM", decryption_key="infected"))
valid("artifact: encryption algorithm without key", edit(ARTIFACT, encryption_algorithm="mime-type-indicated"))
invalid("artifact: both payload_bin and url", edit(ARTIFACT, url="https://example.com/x"))
invalid("artifact: neither payload_bin nor url", edit(ARTIFACT, payload_bin=DROP, rehash=True))
invalid("artifact: url without hashes", edit(ARTIFACT_URL, hashes=DROP, rehash=True))
invalid("artifact: payload_bin not base64", edit(ARTIFACT, payload_bin="not base64!", rehash=True))
invalid("artifact: encryption algorithm outside the enumeration", edit(ARTIFACT, encryption_algorithm="ROT13"))
invalid("artifact: decryption_key without algorithm", edit(ARTIFACT, decryption_key="infected"))
invalid("artifact: url not a URL", edit(ARTIFACT_URL, url="sample.zip"))
invalid("artifact: SHA-256 of the wrong length", edit(ARTIFACT, hashes={"SHA-256": "abcd"}, rehash=True))
invalid("artifact: MD5 not hex", edit(ARTIFACT, hashes={"MD5": "z" * 32}, rehash=True))
valid("artifact: custom hash", edit(ARTIFACT, hashes={"x_acme": "whatever"}, rehash=True))
valid("artifact: several hashes", edit(ARTIFACT, hashes={"MD5": MD5, "SHA-256": SHA256, "SSDEEP": "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"}, rehash=True))
invalid("artifact: hashes empty", edit(ARTIFACT, hashes={}))
invalid("artifact: hash value not a string", edit(ARTIFACT, hashes={"MD5": 5}))
valid(
    "artifact: media type outside the IANA registry",
    edit(ARTIFACT, mime_type="application/x-acme-sample"),
    disagrees="STIX 2.1 §6.1 Artifact: mime_type SHOULD be an IANA media type (a SHOULD; the OASIS validator treats it as a MUST)",
)
invalid("email-message: UUIDv5 id without contributing properties", {"type": "email-message", "spec_version": "2.1", "id": "email-message--" + str(uuid.uuid5(NAMESPACE, "x")), "is_multipart": False, "content_type": "text/plain"})

AS = sco("autonomous-system", number=15139, name="Slime Industries", rir="ARIN")
valid("autonomous-system: complete", AS)
sco_common_cases(AS)
invalid("autonomous-system: number missing", edit(AS, number=DROP))
invalid("autonomous-system: number as a string", edit(AS, number="AS15139"))
invalid("autonomous-system: number beyond 2^53", edit(AS, number=2 ** 60), disagrees="STIX 2.1 Integer: integers fit in -(2^53)+1..(2^53)-1")

DIRECTORY = sco("directory", path="C:\\Windows\\System32", path_enc="UTF-8", ctime="2024-01-01T00:00:00Z", contains_refs=[FILE_ID, DIRECTORY_ID])
valid("directory: complete", DIRECTORY)
sco_common_cases(DIRECTORY)
invalid("directory: path missing", edit(DIRECTORY, path=DROP, rehash=False))
invalid("directory: contains_refs to an ipv4-addr", edit(DIRECTORY, contains_refs=[IPV4["id"]]), disagrees=refs("§6.3 Directory (contains_refs: file or directory)"))
invalid("directory: path_enc not a character set", edit(DIRECTORY, path_enc="utf 8 !"))
invalid("directory: mtime not a timestamp", edit(DIRECTORY, mtime="yesterday"))

DOMAIN_BASE = sco("domain-name", value="example.com", resolves_to_refs=[IPV4["id"]])
valid("domain-name: complete", DOMAIN_BASE)
sco_common_cases(DOMAIN_BASE)
for name in ["sub.example.co.uk", "Example.COM", "bücher.de", "xn--bcher-kva.de", "localhost", "example.com."]:
    valid("domain-name: " + name, sco("domain-name", value=name))
for name in ["example..com", "-example.com", "ex ample.com", "_dmarc.example.com", "a" * 64 + ".com", "example-.com"]:
    invalid("domain-name: " + name, sco("domain-name", value=name))
invalid("domain-name: resolves_to_refs to a mac-addr", edit(DOMAIN_BASE, resolves_to_refs=[MAC_ID]), disagrees=refs("§6.4 Domain Name (resolves_to_refs: ipv4-addr, ipv6-addr or domain-name)"))
invalid("domain-name: value missing", edit(DOMAIN_BASE, value=DROP))

EMAIL_ADDR_BASE = sco("email-addr", value="john@example.com", display_name="John Doe", belongs_to_ref=USER_ID)
valid("email-addr: complete", EMAIL_ADDR_BASE)
sco_common_cases(EMAIL_ADDR_BASE)
valid("email-addr: john.doe+tag@example.com", sco("email-addr", value="john.doe+tag@example.com"))
valid("email-addr: o'neil@example.org", sco("email-addr", value="o'neil@example.org"), disagrees="STIX 2.1 §6.5 Email Address: an RFC 5322 addr-spec, whose atext includes the apostrophe")
for address in ["john.example.com", "John Doe <john@example.com>", "a@b@c", "@example.com", "john@", "john doe@example.com"]:
    invalid("email-addr: " + address, sco("email-addr", value=address))
invalid("email-addr: belongs_to_ref to an identity", edit(EMAIL_ADDR_BASE, belongs_to_ref=IDENTITY), disagrees=refs("§6.5 Email Address (belongs_to_ref: user-account)"))

EMAIL_MESSAGE = sco(
    "email-message",
    is_multipart=False,
    date="2024-05-01T08:00:00Z",
    content_type="text/plain",
    from_ref=EMAIL_ADDR["id"],
    sender_ref=EMAIL_ADDR["id"],
    to_refs=[EMAIL_ADDR["id"]],
    cc_refs=[EMAIL_ADDR["id"]],
    message_id="<1@example.com>",
    subject="Invoice",
    received_lines=["from mx.example.com"],
    additional_header_fields={"Received": ["from a", "from b"], "Reply-To": ["a@example.com", "b@example.com"]},
    body="Please pay",
    raw_email_ref=ARTIFACT_ID,
)
valid("email-message: complete", EMAIL_MESSAGE)
sco_common_cases(EMAIL_MESSAGE)
MULTIPART = sco("email-message", is_multipart=True, subject="Invoice", body_multipart=[{"content_type": "text/plain", "body": "Please pay"}, {"content_type": "application/zip", "content_disposition": "attachment; filename=\"invoice.zip\"", "body_raw_ref": ARTIFACT_ID}])
valid("email-message: multipart", MULTIPART)
valid("email-message: minimal", sco("email-message", is_multipart=False))
invalid("email-message: multipart with a body", edit(MULTIPART, body="Please pay", rehash=True))
invalid("email-message: not multipart with body_multipart", edit(MULTIPART, is_multipart=False))
invalid("email-message: is_multipart missing", edit(EMAIL_MESSAGE, is_multipart=DROP))
invalid("email-message: MIME part with body and body_raw_ref", edit(MULTIPART, body_multipart=[{"body": "x", "body_raw_ref": ARTIFACT_ID}]))
invalid("email-message: MIME part with neither body nor body_raw_ref", edit(MULTIPART, body_multipart=[{"content_type": "text/plain"}]))
invalid("email-message: MIME part body_raw_ref to a url", edit(MULTIPART, body_multipart=[{"body_raw_ref": sco("url", value="https://example.com/")["id"]}]), disagrees=refs("§6.6 Email Message (body_raw_ref: artifact or file)"))
invalid("email-message: from_ref to a user-account", edit(EMAIL_MESSAGE, from_ref=USER_ID, rehash=True), disagrees=refs("§6.6 Email Message (from_ref: email-addr)"))
invalid("email-message: to_refs not a list", edit(EMAIL_MESSAGE, to_refs=EMAIL_ADDR["id"]))
invalid("email-message: date not a timestamp", edit(EMAIL_MESSAGE, date="Wed, 1 May 2024"))
invalid("email-message: raw_email_ref to a file", edit(EMAIL_MESSAGE, raw_email_ref=FILE_ID), disagrees=refs("§6.6 Email Message (raw_email_ref: artifact)"))
invalid(
    "email-message: header value a bare string",
    edit(EMAIL_MESSAGE, additional_header_fields={"X-Mailer": "Mutt/1.5.23"}),
    disagrees="STIX 2.1 §6.6 Email Message: each additional_header_fields value MUST always be a list of type string",
)
valid(
    "email-message: header value a one-item list",
    edit(EMAIL_MESSAGE, additional_header_fields={"X-Mailer": ["Mutt/1.5.23"]}),
    disagrees="STIX 2.1 §6.6 Email Message: each additional_header_fields value is a list of strings; a header seen once is a list of one (the OASIS schema demands at least two)",
)
invalid("email-message: header key with a space", edit(EMAIL_MESSAGE, additional_header_fields={"X Mailer": ["x", "y"]}))

FILE = sco("file", name="foo.exe", size=25536, hashes={"SHA-256": SHA256}, name_enc="UTF-8", magic_number_hex="4d5a", mime_type="application/x-dosexec", ctime="2024-01-01T00:00:00Z", parent_directory_ref=DIRECTORY_ID, contains_refs=[IPV4["id"]], content_ref=ARTIFACT_ID)
valid("file: complete", FILE)
sco_common_cases(FILE)
valid("file: name only", sco("file", name="readme.txt"))
valid("file: hashes only", sco("file", hashes={"MD5": MD5, "SHA-1": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}))
invalid("file: neither hashes nor name", sco("file", size=10))
invalid("file: negative size", edit(FILE, size=-1))
invalid("file: magic_number_hex odd", edit(FILE, magic_number_hex="4d5"))
invalid("file: parent_directory_ref to a file", edit(FILE, parent_directory_ref=FILE_ID, rehash=True), disagrees=refs("§6.7 File (parent_directory_ref: directory)"))
invalid("file: content_ref to a file", edit(FILE, content_ref=FILE_ID), disagrees=refs("§6.7 File (content_ref: artifact)"))
invalid("file: SHA-1 too long", edit(FILE, hashes={"SHA-1": "a" * 41}, rehash=True))
valid("file: SHA3 and TLSH hashes", edit(FILE, hashes={"SHA3-256": "a" * 64, "TLSH": "B" * 70}, rehash=True))
valid("file: archive-ext", edit(FILE, extensions={"archive-ext": {"contains_refs": [FILE_ID, DIRECTORY_ID], "comment": "zip"}}, rehash=True))
invalid("file: archive-ext without contains_refs", edit(FILE, extensions={"archive-ext": {"comment": "zip"}}, rehash=True))
invalid("file: archive-ext contains an ipv4-addr", edit(FILE, extensions={"archive-ext": {"contains_refs": [IPV4["id"]]}}, rehash=True), disagrees=refs("§6.7.1 Archive File Extension (contains_refs: file or directory)"))
valid("file: ntfs-ext", edit(FILE, extensions={"ntfs-ext": {"sid": "S-1-5-21", "alternate_data_streams": [{"name": "second.stream", "size": 25, "hashes": {"SHA-256": SHA256}}]}}, rehash=True))
invalid("file: ntfs-ext stream without a name", edit(FILE, extensions={"ntfs-ext": {"alternate_data_streams": [{"size": 25}]}}, rehash=True))
invalid("file: ntfs-ext empty of properties", edit(FILE, extensions={"ntfs-ext": {"x_acme": 1}}, rehash=True))
valid("file: pdf-ext", edit(FILE, extensions={"pdf-ext": {"version": "1.7", "is_optimized": False, "document_info_dict": {"Title": "Sample", "Author": "Adobe"}, "pdfid0": "DFCE52BD827ECF765649852119D", "pdfid1": "57A1E0F9ED2AE523E313C"}}, rehash=True))
invalid("file: pdf-ext is_optimized as a string", edit(FILE, extensions={"pdf-ext": {"is_optimized": "no"}}, rehash=True))
valid("file: raster-image-ext", edit(FILE, extensions={"raster-image-ext": {"image_height": 768, "image_width": 1024, "bits_per_pixel": 72, "exif_tags": {"Make": "Nikon", "XResolution": 4928}}}, rehash=True))
invalid("file: raster-image-ext height as a string", edit(FILE, extensions={"raster-image-ext": {"image_height": "768"}}, rehash=True))
valid("file: windows-pebinary-ext", edit(FILE, extensions={"windows-pebinary-ext": {"pe_type": "exe", "machine_hex": "014c", "number_of_sections": 4, "time_date_stamp": "2016-01-22T12:31:12Z", "pointer_to_symbol_table_hex": "74726144", "number_of_symbols": 4542568, "size_of_optional_header": 224, "characteristics_hex": "818f", "optional_header": {"magic_hex": "010b", "major_linker_version": 2, "size_of_code": 512, "address_of_entry_point": 4096, "image_base": 14548992, "subsystem_hex": "03"}, "sections": [{"name": "CODE", "entropy": 0.061089, "size": 512, "hashes": {"SHA-256": SHA256}}]}}, rehash=True))
valid("file: windows-pebinary-ext type outside the vocabulary", edit(FILE, extensions={"windows-pebinary-ext": {"pe_type": "efi", "number_of_sections": 2}}, rehash=True))
invalid("file: windows-pebinary-ext without pe_type", edit(FILE, extensions={"windows-pebinary-ext": {"number_of_sections": 4}}, rehash=True))
invalid("file: windows-pebinary-ext negative sections", edit(FILE, extensions={"windows-pebinary-ext": {"pe_type": "dll", "number_of_sections": -4}}, rehash=True))
invalid("file: windows-pebinary-ext section without a name", edit(FILE, extensions={"windows-pebinary-ext": {"pe_type": "dll", "sections": [{"size": 3}]}}, rehash=True))
invalid("file: windows-pebinary-ext machine_hex not hex", edit(FILE, extensions={"windows-pebinary-ext": {"pe_type": "dll", "machine_hex": "x14c"}}, rehash=True))
invalid("file: socket-ext on a file", edit(FILE, extensions={"socket-ext": {"address_family": "AF_INET"}}, rehash=True), disagrees="STIX 2.1 §6.12.4 Network Socket Extension: defined for network-traffic objects only")
invalid("file: extension not an object", edit(FILE, extensions={"ntfs-ext": "S-1-5-21"}, rehash=True))
valid("file: extension-definition extension", edit(FILE, extensions={EXT_DEF: {"extension_type": "property-extension", "rank": 5}}, rehash=True))
valid("file: custom -ext extension", edit(FILE, extensions={"x-acme-ext": {"rank": 5}}, rehash=True))

IPV4_BASE = sco("ipv4-addr", value="198.51.100.3", resolves_to_refs=[MAC_ID], belongs_to_refs=[AS_ID])
valid("ipv4-addr: complete", IPV4_BASE)
sco_common_cases(IPV4_BASE)
valid("ipv4-addr: CIDR", sco("ipv4-addr", value="198.51.100.0/24"))
for value in ["198.51.100.256", "198.51.100", "198.51.100.0/33", "1.2.3.4.5", "example.com", "2001:db8::1"]:
    invalid("ipv4-addr: " + value, sco("ipv4-addr", value=value))
invalid("ipv4-addr: value missing", edit(IPV4_BASE, value=DROP))
invalid("ipv4-addr: resolves_to_refs to a domain", edit(IPV4_BASE, resolves_to_refs=[DOMAIN["id"]]), disagrees=refs("§6.8 IPv4 Address (resolves_to_refs: mac-addr)"))
invalid("ipv4-addr: belongs_to_refs to an identity", edit(IPV4_BASE, belongs_to_refs=[IDENTITY]), disagrees=refs("§6.8 IPv4 Address (belongs_to_refs: autonomous-system)"))
invalid("ipv4-addr: value as a number", sco("ipv4-addr", value=3325256707))

IPV6_BASE = sco("ipv6-addr", value="2001:db8::ff00:42:8329", resolves_to_refs=[MAC_ID])
valid("ipv6-addr: complete", IPV6_BASE)
sco_common_cases(IPV6_BASE)
for value in ["2001:db8::/32", "::1", "fe80::1"]:
    valid("ipv6-addr: " + value, sco("ipv6-addr", value=value))
for value in ["2001:db8::g", "2001:db8::/129", "198.51.100.3", "1:2:3:4:5:6:7:8:9"]:
    invalid("ipv6-addr: " + value, sco("ipv6-addr", value=value))

MAC = sco("mac-addr", value="d2:fb:49:24:37:18")
valid("mac-addr: complete", MAC)
sco_common_cases(MAC)
for value in ["D2:FB:49:24:37:18", "d2-fb-49-24-37-18", "d2:fb:49:24:37", "2:fb:49:24:37:18"]:
    invalid("mac-addr: " + value, sco("mac-addr", value=value))

MUTEX = sco("mutex", name="__CLEANSWEEP__")
valid("mutex: complete", MUTEX)
sco_common_cases(MUTEX)
invalid("mutex: name missing", edit(MUTEX, name=DROP))
invalid("mutex: name not a string", edit(MUTEX, name=7, rehash=True))

NETWORK_TRAFFIC = sco("network-traffic", start="2024-05-01T08:00:00Z", end="2024-05-01T08:01:00Z", is_active=False, src_ref=IPV4["id"], dst_ref=IPV4_DST["id"], src_port=49152, dst_port=443, protocols=["ipv4", "tcp", "tls"], src_byte_count=1024, dst_byte_count=2048, src_packets=10, dst_packets=12, ipfix={"minimumIpTotalLength": 32, "maximumIpTotalLength": "2556"}, encapsulates_refs=[NT_ID])
valid("network-traffic: complete", NETWORK_TRAFFIC)
sco_common_cases(NETWORK_TRAFFIC)
valid("network-traffic: dst_ref only", sco("network-traffic", dst_ref=DOMAIN["id"], protocols=["dns"]))
valid("network-traffic: active without end", edit(NETWORK_TRAFFIC, is_active=True, end=DROP, rehash=True))
valid("network-traffic: end equal to start", edit(NETWORK_TRAFFIC, end="2024-05-01T08:00:00Z", rehash=True))
invalid("network-traffic: active with an end", edit(NETWORK_TRAFFIC, is_active=True))
invalid("network-traffic: end before start", edit(NETWORK_TRAFFIC, end="2024-05-01T07:00:00Z", rehash=True))
invalid("network-traffic: neither src_ref nor dst_ref", edit(NETWORK_TRAFFIC, src_ref=DROP, dst_ref=DROP, rehash=True))
invalid("network-traffic: protocols missing", edit(NETWORK_TRAFFIC, protocols=DROP, rehash=True))
invalid("network-traffic: port above 65535", edit(NETWORK_TRAFFIC, dst_port=65536, rehash=True))
invalid("network-traffic: negative port", edit(NETWORK_TRAFFIC, src_port=-1, rehash=True))
invalid("network-traffic: negative byte count", edit(NETWORK_TRAFFIC, src_byte_count=-5), disagrees="STIX 2.1 §6.12 Network Traffic: byte and packet counts are positive integers")
invalid("network-traffic: src_ref to a url", edit(NETWORK_TRAFFIC, src_ref=sco("url", value="https://example.com/")["id"], rehash=True), disagrees=refs("§6.12 Network Traffic (src_ref: ipv4-addr, ipv6-addr, mac-addr or domain-name)"))
invalid("network-traffic: encapsulates_refs to a file", edit(NETWORK_TRAFFIC, encapsulates_refs=[FILE_ID]), disagrees=refs("§6.12 Network Traffic (encapsulates_refs: network-traffic)"))
invalid("network-traffic: ipfix value a list", edit(NETWORK_TRAFFIC, ipfix={"minimumIpTotalLength": [32]}))
valid("network-traffic: http-request-ext", edit(NETWORK_TRAFFIC, extensions={"http-request-ext": {"request_method": "get", "request_value": "/download.html", "request_version": "http/1.1", "request_header": {"Accept-Encoding": ["gzip,deflate"], "User-Agent": ["Mozilla/5.0"]}, "message_body_length": 0}}, rehash=True))
invalid("network-traffic: http-request-ext without request_value", edit(NETWORK_TRAFFIC, extensions={"http-request-ext": {"request_method": "get"}}, rehash=True))
invalid("network-traffic: http-request-ext header value a number", edit(NETWORK_TRAFFIC, extensions={"http-request-ext": {"request_method": "get", "request_value": "/", "request_header": {"Content-Length": [5]}}}, rehash=True))
valid("network-traffic: icmp-ext", edit(NETWORK_TRAFFIC, extensions={"icmp-ext": {"icmp_type_hex": "08", "icmp_code_hex": "00"}}, rehash=True))
invalid("network-traffic: icmp-ext without code", edit(NETWORK_TRAFFIC, extensions={"icmp-ext": {"icmp_type_hex": "08"}}, rehash=True))
invalid("network-traffic: icmp-ext type not hex", edit(NETWORK_TRAFFIC, extensions={"icmp-ext": {"icmp_type_hex": "8", "icmp_code_hex": "00"}}, rehash=True))
valid("network-traffic: socket-ext", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"address_family": "AF_INET", "is_blocking": True, "is_listening": False, "socket_type": "SOCK_STREAM", "options": {"SO_RCVBUF": 65536, "TCP_NODELAY": 1}, "socket_descriptor": 3}}, rehash=True))
invalid("network-traffic: socket-ext address family outside the enumeration", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"address_family": "AF_ROUTE"}}, rehash=True))
invalid("network-traffic: socket-ext without address family", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"is_blocking": True}}, rehash=True))
invalid("network-traffic: socket-ext socket type outside the enumeration", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"address_family": "AF_INET", "socket_type": "SOCK_FANCY"}}, rehash=True))
invalid("network-traffic: socket-ext option value a string", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"address_family": "AF_INET", "options": {"SO_RCVBUF": "64k"}}}, rehash=True))
invalid("network-traffic: socket-ext negative descriptor", edit(NETWORK_TRAFFIC, extensions={"socket-ext": {"address_family": "AF_INET", "socket_descriptor": -1}}, rehash=True))
valid("network-traffic: tcp-ext", edit(NETWORK_TRAFFIC, extensions={"tcp-ext": {"src_flags_hex": "00000002"}}, rehash=True))
invalid("network-traffic: tcp-ext empty of properties", edit(NETWORK_TRAFFIC, extensions={"tcp-ext": {"x_acme_note": "none"}}, rehash=True))
invalid("network-traffic: windows-process-ext on traffic", edit(NETWORK_TRAFFIC, extensions={"windows-process-ext": {"aslr_enabled": True}}, rehash=True), disagrees="STIX 2.1 §6.13.2 Windows Process Extension: defined for process objects only")

PROCESS = {"type": "process", "spec_version": "2.1", "id": PROCESS_ID, "is_hidden": False, "pid": 1221, "created_time": "2024-05-01T08:00:00Z", "cwd": "/tmp", "command_line": "./gedit-bin --new-window", "environment_variables": {"HOME": "/home/user", "LANG": "C"}, "opened_connection_refs": [NT_ID], "creator_user_ref": USER_ID, "image_ref": FILE_ID, "parent_ref": sid("process", "parent"), "child_refs": [sid("process", "child")]}
valid("process: complete", PROCESS)
sco_common_cases(PROCESS)
valid("process: pid only", {"type": "process", "spec_version": "2.1", "id": sid("process", "pid-only"), "pid": 4})
valid("process: extension only", {"type": "process", "spec_version": "2.1", "id": sid("process", "ext-only"), "extensions": {"windows-process-ext": {"aslr_enabled": True, "dep_enabled": True, "priority": "HIGH_PRIORITY_CLASS", "owner_sid": "S-1-5-21", "integrity_level": "high", "startup_info": {"lpTitle": "x"}}}})
invalid("process: no property", {"type": "process", "spec_version": "2.1", "id": sid("process", "empty")})
invalid("process: UUIDv5 id", edit(PROCESS, id="process--" + str(uuid.uuid5(NAMESPACE, "process"))))
invalid("process: image_ref to a directory", edit(PROCESS, image_ref=DIRECTORY_ID), disagrees=refs("§6.13 Process (image_ref: file)"))
invalid("process: parent_ref to a file", edit(PROCESS, parent_ref=FILE_ID), disagrees=refs("§6.13 Process (parent_ref: process)"))
invalid("process: environment variable not a string", edit(PROCESS, environment_variables={"COUNT": 3}), disagrees="STIX 2.1 §6.13 Process: each environment_variables value MUST be a string")
invalid("process: pid as a string", edit(PROCESS, pid="1221"))
invalid("process: windows-process-ext integrity outside the enumeration", edit(PROCESS, extensions={"windows-process-ext": {"integrity_level": "extreme"}}))
valid("process: windows-service-ext", edit(PROCESS, extensions={"windows-service-ext": {"service_name": "sirvizio", "display_name": "Sirvizio", "start_type": "SERVICE_AUTO_START", "service_type": "SERVICE_WIN32_OWN_PROCESS", "service_status": "SERVICE_RUNNING", "service_dll_refs": [FILE_ID], "descriptions": ["A service"]}}))
invalid("process: windows-service-ext start type outside the enumeration", edit(PROCESS, extensions={"windows-service-ext": {"start_type": "SERVICE_WHENEVER"}}))
invalid("process: windows-service-ext status outside the enumeration", edit(PROCESS, extensions={"windows-service-ext": {"service_status": "SERVICE_BROKEN"}}))
invalid("process: windows-service-ext type outside the enumeration", edit(PROCESS, extensions={"windows-service-ext": {"service_type": "SERVICE_FANCY"}}))
invalid("process: windows-service-ext dll refs to a directory", edit(PROCESS, extensions={"windows-service-ext": {"service_dll_refs": [DIRECTORY_ID]}}), disagrees=refs("§6.13.3 Windows Service Extension (service_dll_refs: file)"))
invalid("process: archive-ext on a process", edit(PROCESS, extensions={"archive-ext": {"contains_refs": [FILE_ID]}}), disagrees="STIX 2.1 §6.7.1 Archive File Extension: defined for file objects only")

SOFTWARE = sco("software", name="Word", cpe="cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*", swid="com.microsoft.word", languages=["en", "ja"], vendor="Microsoft", version="2002")
valid("software: complete", SOFTWARE)
sco_common_cases(SOFTWARE)
invalid("software: name missing", edit(SOFTWARE, name=DROP, rehash=True))
invalid("software: CPE 2.2", edit(SOFTWARE, cpe="cpe:/a:microsoft:word:2000", rehash=True))
invalid("software: CPE with too few components", edit(SOFTWARE, cpe="cpe:2.3:a:microsoft:word", rehash=True))
invalid("software: language not RFC 5646", edit(SOFTWARE, languages=["english_us"]))
invalid("software: languages not a list", edit(SOFTWARE, languages="en"))

URL = sco("url", value="https://example.com/research/index.html")
valid("url: complete", URL)
sco_common_cases(URL)
for value in ["http://[::1]:8080/x?y=z#f", "ftp://ftp.example.com/pub/file.txt", "mailto:john@example.com", "https://example.com/a%20b"]:
    valid("url: " + value, sco("url", value=value))
for value in ["https://example.com/a b", "example.com/path", "https://example.com/%zz", "https://example.com/<script>", "1http://x", "http://example.com:80a/"]:
    invalid("url: " + value, sco("url", value=value))
invalid("url: value missing", edit(URL, value=DROP))

USER_ACCOUNT = sco("user-account", user_id="1001", credential="password", account_login="jdoe", account_type="unix", display_name="John Doe", is_service_account=False, is_privileged=False, can_escalate_privs=True, is_disabled=False, account_created="2016-01-20T12:31:12Z", account_expires="2018-01-20T12:31:12Z", credential_last_changed="2016-01-20T14:27:43Z", account_first_login="2016-01-20T14:26:07Z", account_last_login="2016-07-22T16:08:28Z")
valid("user-account: complete", USER_ACCOUNT)
sco_common_cases(USER_ACCOUNT)
valid("user-account: account type outside the vocabulary", edit(USER_ACCOUNT, account_type="mastodon", rehash=True))
valid("user-account: unix-account-ext", edit(USER_ACCOUNT, extensions={"unix-account-ext": {"gid": 1001, "groups": ["wheel"], "home_dir": "/home/jdoe", "shell": "/bin/bash"}}))
invalid("user-account: unix-account-ext gid as a string", edit(USER_ACCOUNT, extensions={"unix-account-ext": {"gid": "1001"}}))
invalid("user-account: unix-account-ext empty of properties", edit(USER_ACCOUNT, extensions={"unix-account-ext": {"x_acme": 1}}))
invalid("user-account: no property", {"type": "user-account", "spec_version": "2.1", "id": sid("user-account", "empty")})
invalid("user-account: is_privileged as a string", edit(USER_ACCOUNT, is_privileged="no"))
invalid("user-account: account_created not a timestamp", edit(USER_ACCOUNT, account_created="2016"))
invalid("user-account: UUIDv5 id without contributing properties", {"type": "user-account", "spec_version": "2.1", "id": "user-account--" + str(uuid.uuid5(NAMESPACE, "user")), "display_name": "Nobody"})
valid("user-account: UUIDv4 id without contributing properties", {"type": "user-account", "spec_version": "2.1", "id": sid("user-account", "nobody"), "display_name": "Nobody"})

REGISTRY = sco("windows-registry-key", key="HKEY_LOCAL_MACHINE\\System\\Foo\\Bar", values=[{"name": "Foo", "data": "qwerty", "data_type": "REG_SZ"}, {"name": "Bar", "data": "42", "data_type": "REG_DWORD"}], modified_time="2024-01-01T00:00:00Z", creator_user_ref=USER_ID, number_of_subkeys=2)
valid("windows-registry-key: complete", REGISTRY)
sco_common_cases(REGISTRY)
invalid("windows-registry-key: abbreviated hive", edit(REGISTRY, key="HKLM\\System\\Foo", rehash=True))
invalid("windows-registry-key: data type outside the enumeration", edit(REGISTRY, values=[{"name": "Foo", "data_type": "REG_STRING"}], rehash=True))
invalid("windows-registry-key: value with no property", edit(REGISTRY, values=[{}], rehash=True))
invalid("windows-registry-key: creator_user_ref to an identity", edit(REGISTRY, creator_user_ref=IDENTITY), disagrees=refs("§6.17 Windows Registry Key (creator_user_ref: user-account)"))
invalid("windows-registry-key: no property", {"type": "windows-registry-key", "spec_version": "2.1", "id": sid("windows-registry-key", "empty")})
valid(
    "windows-registry-key: modified_time only",
    {"type": "windows-registry-key", "spec_version": "2.1", "id": sid("windows-registry-key", "mtime"), "modified_time": "2024-01-01T00:00:00Z"},
    disagrees="STIX 2.1 §6.17 Windows Registry Key: modified_time is one of its properties; the OASIS schema's at-least-one list names 'modified' instead",
)

X509 = sco("x509-certificate", is_self_signed=False, hashes={"SHA-256": SHA256}, version="3", serial_number="36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06", signature_algorithm="md5WithRSAEncryption", issuer="C=ZA, ST=Western Cape", validity_not_before="2016-03-12T12:00:00Z", validity_not_after="2016-08-21T12:00:00Z", subject="C=US, ST=Maryland", subject_public_key_algorithm="rsaEncryption", subject_public_key_modulus="00:a1", subject_public_key_exponent=65537, x509_v3_extensions={"basic_constraints": "critical,CA:TRUE", "private_key_usage_period_not_before": "2016-03-12T12:00:00Z"})
valid("x509-certificate: complete", X509)
sco_common_cases(X509)
invalid("x509-certificate: no property", {"type": "x509-certificate", "spec_version": "2.1", "id": sid("x509-certificate", "empty")})
invalid("x509-certificate: v3 extensions empty of properties", edit(X509, x509_v3_extensions={"x_acme": "1"}))
invalid("x509-certificate: v3 extension timestamp malformed", edit(X509, x509_v3_extensions={"private_key_usage_period_not_before": "2016"}))
invalid("x509-certificate: exponent as a string", edit(X509, subject_public_key_exponent="65537"))
invalid("x509-certificate: is_self_signed as a string", edit(X509, is_self_signed="false"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "objects.jsonl")
    names = [c["case"] for c in CASES]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        sys.exit("duplicate case names: {}".format(duplicates))
    with open(out, "w", encoding="utf-8") as f:
        for entry in CASES:
            f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
    counts = {v: sum(1 for c in CASES if c["verdict"] == v) for v in ("valid", "invalid")}
    print("{} cases ({} valid, {} invalid) -> {}".format(len(CASES), counts["valid"], counts["invalid"], out))


if __name__ == "__main__":
    main()
