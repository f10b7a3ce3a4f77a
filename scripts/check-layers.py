#!/usr/bin/env python3
"""Checks the desktop shell stays a thin layer over the core: no two of
src-tauri's modules import each other, directly or round a circle, and
src-tauri holds under 10% of the workspace's Rust lines. Prints the
modules in the order they may be read (each before those that use it)."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
shell = root / "src-tauri" / "src"
modules = {path.stem: path.read_text() for path in shell.glob("*.rs")}
entry = {"lib", "main"}

uses = {}
for name, text in modules.items():
    found = set()
    for group in re.findall(r"crate::\{([^}]*)\}", text):
        found.update(part.strip().split("::")[0] for part in group.split(","))
    found.update(re.findall(r"crate::([a-z_][a-z0-9_]*)", text))
    uses[name] = {module for module in found if module in modules and module != name}

order, state = [], {}


def visit(name, path):
    if state.get(name) == "done":
        return
    if state.get(name) == "open":
        circle = path[path.index(name):] + [name]
        sys.exit("src-tauri imports in a circle: " + " -> ".join(circle))
    state[name] = "open"
    for used in sorted(uses[name]):
        visit(used, path + [name])
    state[name] = "done"
    order.append(name)


for name in sorted(modules):
    if name not in entry:
        if uses[name] & entry:
            sys.exit(f"src-tauri/src/{name}.rs uses the crate root ({', '.join(sorted(uses[name] & entry))})")
        visit(name, [])

lines = lambda paths: sum(len(path.read_text().splitlines()) for path in paths)
all_rust = [
    path
    for path in root.rglob("*.rs")
    if not any(part in {"target", "node_modules", ".git"} for part in path.relative_to(root).parts)
]
shell_lines = lines((root / "src-tauri").rglob("*.rs"))
total = lines(all_rust)
share = 100 * shell_lines / total
print(f"src-tauri: {shell_lines} of {total} Rust lines ({share:.1f}%), no import circle")
print("read in this order: " + ", ".join(order))
if share >= 10:
    sys.exit(f"src-tauri holds {share:.1f}% of the Rust lines; the shell must stay under 10%")
