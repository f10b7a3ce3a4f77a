#!/usr/bin/env python3
"""Checks a Group Policy administrative template: the ADMX and every ADML
beside it (in <dir>/<culture>/<name>.adml) parse, and everything the ADMX
refers to resolves in every language:

- each $(string.X) and $(presentation.X) exists in each ADML, and each ADML
  has no string or presentation that nothing uses;
- each presentation's controls refer to exactly the policy's elements, with a
  control that fits the element (textBox for text, dropdownList for enum...);
- policy, category and element names are unique; parent categories and
  supportedOn definitions exist;
- every policy under a `...\\Recommended` key has an enforced twin of the same
  name without `_Recommended`, writing the same values.

Usage: scripts/check-admx.py [path/to/Name.admx]   (default: Wemasy Feedback's)
Exits 1 and lists every problem when there is one. Python 3 standard library only.
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
DEFAULT = Path(__file__).resolve().parent.parent / "docs/policy/windows/WemasyFeedback.admx"

# Which presentation control may show which policy element.
CONTROLS = {
    "textBox": {"text"},
    "comboBox": {"text"},
    "decimalTextBox": {"decimal", "text"},
    "dropdownList": {"enum"},
    "multiTextBox": {"multiText"},
    "checkBox": {"boolean"},
    "listBox": {"list"},
}
REFERENCE = re.compile(r"^\$\((string|presentation)\.([A-Za-z0-9_]+)\)$")


def local(tag):
    return tag[len(NS):] if tag.startswith(NS) else tag


def parse(path, root_name, problems):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        problems.append(f"{path}: {error}")
        return None
    if root.tag != NS + root_name:
        problems.append(f"{path}: the root is <{root.tag}>, not <{root_name}> in the PolicyDefinitions namespace")
        return None
    return root


def references(admx):
    """Every $(string.X) and $(presentation.X) the ADMX uses, by kind."""
    used = {"string": set(), "presentation": set()}
    for element in admx.iter():
        for value in element.attrib.values():
            match = REFERENCE.match(value)
            if match:
                used[match.group(1)].add(match.group(2))
    return used


def unique(names, what, path, problems):
    seen = set()
    for name in names:
        if name in seen:
            problems.append(f"{path}: {what} {name!r} is defined twice")
        seen.add(name)
    return seen


def check_admx(path, admx, problems):
    categories = unique(
        [c.get("name") for c in admx.iter(NS + "category")], "category", path, problems)
    supported = unique(
        [d.get("name") for d in admx.iter(NS + "definition")], "supportedOn definition", path, problems)
    policies = admx.findall(f"{NS}policies/{NS}policy")
    unique([p.get("name") for p in policies], "policy", path, problems)

    for element in admx.iter(NS + "parentCategory"):
        ref = element.get("ref")
        if ":" not in ref and ref not in categories:
            problems.append(f"{path}: parent category {ref!r} is not defined")
    for policy in policies:
        name = policy.get("name")
        on = policy.find(NS + "supportedOn")
        if on is None or (":" not in on.get("ref") and on.get("ref") not in supported):
            problems.append(f"{path}: policy {name}: its supportedOn is missing or not defined")
        if not policy.get("key", "").lower().startswith("software\\policies\\"):
            problems.append(f"{path}: policy {name}: key {policy.get('key')!r} is not under Software\\Policies")
        elements = policy.find(NS + "elements")
        ids = [e.get("id") for e in elements] if elements is not None else []
        unique(ids, f"policy {name}: element", path, problems)
        if ids and not policy.get("presentation"):
            problems.append(f"{path}: policy {name} has elements but no presentation")
        if not ids and policy.get("valueName") is None:
            problems.append(f"{path}: policy {name} has neither elements nor a valueName: it writes nothing")
    return policies


def written(policy):
    """What a policy writes: (value name, element kind) pairs."""
    values = set()
    if policy.get("valueName"):
        values.add((policy.get("valueName"), "flag"))
    elements = policy.find(NS + "elements")
    for element in elements if elements is not None else []:
        values.add((element.get("valueName"), local(element.tag)))
    return values


def check_levels(path, policies, problems):
    by_name = {p.get("name"): p for p in policies}
    for policy in policies:
        name, key = policy.get("name"), policy.get("key", "")
        if not key.lower().endswith("\\recommended"):
            continue
        twin = by_name.get(name.removesuffix("_Recommended"))
        if not name.endswith("_Recommended") or twin is None:
            problems.append(f"{path}: recommended policy {name} has no enforced twin named without _Recommended")
        elif twin.get("key", "") + "\\Recommended" != key:
            problems.append(f"{path}: {name} writes to {key}, not to its twin's key + \\Recommended")
        elif written(twin) != written(policy):
            problems.append(f"{path}: {name} does not write the same values as {twin.get('name')}")


def check_adml(path, adml, policies, used, problems):
    strings = unique(
        [s.get("id") for s in adml.iter(NS + "string")], "string", path, problems)
    presentations = {}
    for presentation in adml.iter(NS + "presentation"):
        if presentation.get("id") in presentations:
            problems.append(f"{path}: presentation {presentation.get('id')!r} is defined twice")
        presentations[presentation.get("id")] = presentation
    for name in sorted(used["string"] - strings):
        problems.append(f"{path}: string {name!r} is used by the ADMX but not defined")
    for name in sorted(strings - used["string"]):
        problems.append(f"{path}: string {name!r} is defined but nothing uses it")
    for name in sorted(used["presentation"] - presentations.keys()):
        problems.append(f"{path}: presentation {name!r} is used by the ADMX but not defined")
    for name in sorted(presentations.keys() - used["presentation"]):
        problems.append(f"{path}: presentation {name!r} is defined but nothing uses it")
    for string in adml.iter(NS + "string"):
        if not (string.text or "").strip():
            problems.append(f"{path}: string {string.get('id')!r} is empty")

    for policy in policies:
        ref = REFERENCE.match(policy.get("presentation") or "")
        if not ref or ref.group(2) not in presentations:
            continue
        found = policy.find(NS + "elements")
        elements = {e.get("id"): local(e.tag) for e in (found if found is not None else [])}
        controls = {}
        for control in presentations[ref.group(2)]:
            kind = local(control.tag)
            if kind == "text":
                continue
            refid = control.get("refId")
            if refid in controls:
                problems.append(f"{path}: presentation {ref.group(2)} shows {refid!r} twice")
            controls[refid] = kind
        name = policy.get("name")
        for refid in sorted(controls.keys() - elements.keys()):
            problems.append(f"{path}: presentation {ref.group(2)} (policy {name}) refers to {refid!r}, which the policy does not have")
        for refid in sorted(elements.keys() - controls.keys()):
            problems.append(f"{path}: presentation {ref.group(2)} (policy {name}) does not show element {refid!r}")
        for refid in sorted(controls.keys() & elements.keys()):
            if elements[refid] not in CONTROLS.get(controls[refid], set()):
                problems.append(f"{path}: policy {name}: a {controls[refid]} cannot show the {elements[refid]} element {refid!r}")


def main():
    admx_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    problems = []
    admx = parse(admx_path, "policyDefinitions", problems)
    if admx is None:
        print("\n".join(problems), file=sys.stderr)
        return 1
    policies = check_admx(admx_path, admx, problems)
    check_levels(admx_path, policies, problems)
    used = references(admx)

    adml_paths = sorted(admx_path.parent.glob(f"*/{admx_path.stem}.adml"))
    if not adml_paths:
        problems.append(f"{admx_path}: no ADML beside it (expected <culture>/{admx_path.stem}.adml)")
    for adml_path in adml_paths:
        adml = parse(adml_path, "policyDefinitionResources", problems)
        if adml is not None:
            check_adml(adml_path, adml, policies, used, problems)

    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    cultures = ", ".join(p.parent.name for p in adml_paths)
    print(f"{admx_path.name}: {len(policies)} policies, every reference resolves in {cultures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
