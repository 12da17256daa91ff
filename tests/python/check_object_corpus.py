#!/usr/bin/env python3
"""Checks the hub's STIX object corpus against the OASIS STIX 2.1 validator.

Usage: check_object_corpus.py CORPUS.jsonl [--show-agreements]

Each line of CORPUS is {"case", "verdict": "valid"|"invalid", "object", and optionally
"oracle_disagrees": CLAUSE}. Every object is run through
`stix2validator.validate_instance` with default options for STIX 2.1; an exception
raised by the validator counts as "invalid" (it refuses to judge the input). Prints one
line per case whose oracle verdict differs from the corpus verdict and is not marked
`oracle_disagrees`, and one per marked case where the oracle in fact agrees (a stale
mark). Exits non-zero if there is any such line.
"""

import argparse
import json
import sys

from stix2validator import ValidationOptions, validate_instance


def oracle_verdict(obj, options):
    """("valid" | "invalid", messages) according to the OASIS validator."""
    try:
        result = validate_instance(obj, options)
    except Exception as error:  # the validator raises on input it cannot judge
        return "invalid", ["{}: {}".format(type(error).__name__, error)]
    if result.is_valid:
        return "valid", []
    return "invalid", [str(error) for error in result.errors]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--show-agreements", action="store_true")
    args = parser.parse_args()

    options = ValidationOptions(version="2.1")
    counts = {"valid": 0, "invalid": 0}
    unexplained = []
    stale = []
    marked = 0
    with open(args.corpus, encoding="utf-8") as corpus:
        for number, line in enumerate(corpus, start=1):
            if not line.strip():
                continue
            entry = json.loads(line)
            expected = entry["verdict"]
            counts[expected] += 1
            found, messages = oracle_verdict(entry["object"], options)
            name = entry.get("case", "line {}".format(number))
            if "oracle_disagrees" in entry:
                marked += 1
                if found == expected:
                    stale.append("line {} ({}): marked oracle_disagrees but the oracle agrees ({})".format(number, name, found))
            elif found != expected:
                detail = "; ".join(messages)[:300]
                unexplained.append("line {} ({}): corpus says {}, oracle says {} {}".format(number, name, expected, found, detail))
            elif args.show_agreements:
                print("line {} ({}): {}".format(number, name, found))

    for problem in unexplained + stale:
        print(problem)
    print(
        "checked {} objects ({} valid, {} invalid): {} disagreements marked with a clause, {} unexplained, {} stale marks".format(
            counts["valid"] + counts["invalid"], counts["valid"], counts["invalid"], marked, len(unexplained), len(stale)
        )
    )
    if unexplained or stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
