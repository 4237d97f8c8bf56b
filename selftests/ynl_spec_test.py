#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The YNL spec of the module's family (Documentation/netlink/specs/
hostgeom.yaml) against its UAPI header (kmod/uapi/hostgeom_genl.h), with
the kernel tree's own tools: the spec is validated against the tree's
genetlink-c schema, rendered into a uAPI header by the tree's ynl-gen-c
(--mode uapi), and every #define and every enum of the two headers is
compared, names and values read by the C compiler. Each kernel tree that
scripts/kernel-tree has unpacked (6.12, and 7.3 where it is there) is
used; a spec with one value changed must fail the comparison. The string
attributes' max-len checks are compared with the module's policies
(kmod/main.c, NLA_NUL_STRING entries and their .len), so that a limit the
module enforces is in the spec, and a spec without one must fail. KTAP
out."""
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from ynl_common import ROOT, SPEC, in_tree, kernel_tree, report, run

UAPI = os.path.join(ROOT, "kmod", "uapi", "hostgeom_genl.h")
POLICIES = os.path.join(ROOT, "kmod", "main.c")
CC = os.environ.get("CC", "cc")
GENERATORS = ("tools/net/ynl/pyynl/ynl_gen_c.py", "tools/net/ynl/ynl-gen-c.py")


def fake_tree(tmp, tree, spec_text):
    """ynl-gen-c looks for the schema two levels above the spec and for a
    MAINTAINERS file above it (it loops forever without one): a minimal
    tree in tmp, the tree's schemas linked in."""
    d = os.path.join(tmp, "Documentation", "netlink")
    os.makedirs(os.path.join(d, "specs"), exist_ok=True)
    open(os.path.join(tmp, "MAINTAINERS"), "w", encoding="utf-8").close()
    for schema in os.listdir(os.path.join(tree, "Documentation", "netlink")):
        if schema.endswith(".yaml"):
            link = os.path.join(d, schema)
            if not os.path.lexists(link):
                os.symlink(os.path.join(tree, "Documentation", "netlink", schema), link)
    spec = os.path.join(d, "specs", "hostgeom.yaml")
    with open(spec, "w", encoding="utf-8") as f:
        f.write(spec_text)
    return spec


def generate(gen, spec, out):
    p = run([sys.executable, gen, "--mode", "uapi", "--header", "--spec", spec, "-o", out])
    if p.returncode != 0 or not os.path.isfile(out):
        tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
        return "ynl-gen-c failed: " + " / ".join(tail)
    return None


def names(header):
    """The header's value macros and its enums ({tag: [names]}), as the
    preprocessor sees them."""
    base = run([CC, "-dM", "-E", "-x", "c", "/dev/null"]).stdout.splitlines()
    p = run([CC, "-dM", "-E", "-x", "c", header])
    if p.returncode != 0:
        raise RuntimeError(f"{CC} -dM -E {header}: {p.stderr.strip()}")
    macros = []
    for line in sorted(set(p.stdout.splitlines()) - set(base)):
        m = re.match(r"#define (\w+) (.+)$", line)
        if m:  # the include guard has no value
            macros.append(m.group(1))
    p = run([CC, "-E", "-P", "-x", "c", header])
    if p.returncode != 0:
        raise RuntimeError(f"{CC} -E {header}: {p.stderr.strip()}")
    enums = {}
    for m in re.finditer(r"enum\s+(\w*)\s*\{([^}]*)\}", p.stdout):
        entries = [e.split("=")[0].strip() for e in m.group(2).split(",")]
        enums[m.group(1) or f"(anonymous {len(enums)})"] = [e for e in entries if e]
    return macros, enums


def values(header, tmp, idents):
    """{name: value} for every identifier, printed by a program that
    includes the header."""
    src = os.path.join(tmp, "values.c")
    exe = os.path.join(tmp, "values")
    with open(src, "w", encoding="utf-8") as f:
        f.write(f'#include <stdio.h>\n#include "{header}"\n'
                "static void s(const char *n, const char *v) { printf(\"%s \\\"%s\\\"\\n\", n, v); }\n"
                "static void i(const char *n, unsigned long long v) { printf(\"%s %llu\\n\", n, v); }\n"
                "#define P(x) _Generic((x), char *: s, const char *: s, default: i)(#x, x)\n"
                "int main(void)\n{\n")
        for n in idents:
            f.write(f"\tP({n});\n")
        f.write("\treturn 0;\n}\n")
    p = run([CC, "-std=gnu11", "-Wall", "-Werror", "-o", exe, src])
    if p.returncode != 0:
        raise RuntimeError(f"cannot build the value printer: {p.stderr.strip()[-300:]}")
    out = run([exe]).stdout.splitlines()
    return dict(line.split(" ", 1) for line in out)


def read_header(header, tmp):
    macros, enums = names(header)
    idents = macros + [e for tag in enums.values() for e in tag]
    return values(header, tmp, idents), macros, enums


def compare(kit, gen):
    """One (name, problem or None) per check: the defines, then each enum."""
    kv, km, ke = kit
    gv, gm, ge = gen
    checks = []
    problems = []
    for n in sorted(set(km) | set(gm)):
        if n not in gm:
            problems.append(f"{n} not in the spec")
        elif n not in km:
            problems.append(f"{n} only in the spec")
        elif kv[n] != gv[n]:
            problems.append(f"{n} is {kv[n]} in the header, {gv[n]} in the spec")
    checks.append(("defines", brief(problems)))
    for tag in list(ke) + [t for t in ge if t not in ke]:
        if tag not in ge:
            checks.append((f"enum {tag}", "not in the spec"))
            continue
        if tag not in ke:
            checks.append((f"enum {tag}", "only in the spec"))
            continue
        problems = [f"{n} not in the spec" for n in ke[tag] if n not in ge[tag]]
        problems += [f"{n} only in the spec" for n in ge[tag] if n not in ke[tag]]
        problems += [f"{n} is {kv[n]} in the header, {gv[n]} in the spec"
                     for n in ke[tag] if n in ge[tag] and kv[n] != gv[n]]
        if not problems and ke[tag] != ge[tag]:
            problems.append("the members are in another order")
        checks.append((f"enum {tag}", brief(problems)))
    return checks


def brief(problems):
    """The first three problems of a check, and how many more."""
    if not problems:
        return None
    more = f"; {len(problems) - 3} more" if len(problems) > 3 else ""
    return "; ".join(problems[:3]) + more


def validate(tree, spec_text):
    import jsonschema  # pylint: disable=import-outside-toplevel
    import yaml  # pylint: disable=import-outside-toplevel
    spec = yaml.safe_load(spec_text)
    proto = spec.get("protocol", "genetlink")
    with open(os.path.join(tree, "Documentation", "netlink", f"{proto}.yaml"),
              encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    try:
        jsonschema.validate(spec, schema)
    except jsonschema.ValidationError as e:
        return f"{proto}: {e.message} at {'/'.join(str(p) for p in e.absolute_path)}"
    return None


def broken(spec_text):
    """The spec with one value changed: the hold's name limit, 64 to 65."""
    new, n = re.subn(r"(name: hold-name-max\n\s+value: )64\b", r"\g<1>65", spec_text)
    assert n == 1, "the spec has no hold-name-max of 64 to change"
    return new


def policy_lens(source, defines):
    """{attribute's C name: .len} of the NLA_NUL_STRING entries of the
    module's policies, the length's expression evaluated with the UAPI
    header's @defines (name: value text)."""
    with open(source, encoding="utf-8") as f:
        text = f.read()
    lens = {}
    for m in re.finditer(r"\[(HOSTGEOM_A_\w+)\]\s*=\s*\{\s*\.type\s*=\s*NLA_(?:NUL_)?STRING\s*"
                         r"(?:,\s*\.len\s*=\s*([^}]+?))?\s*\}", text):
        expr = m.group(2) or ""
        expr = re.sub(r"\b(HOSTGEOM_\w+)\b", lambda n: defines.get(n.group(1), n.group(1)), expr)
        n = re.fullmatch(r"\s*(\d+)\s*(?:([-+])\s*(\d+))?\s*", expr)
        if expr and not n:
            raise RuntimeError(f"{source}: cannot evaluate {m.group(1)}'s .len {m.group(2)!r}")
        if not n:
            lens[m.group(1)] = None
        elif n.group(2):
            b = int(n.group(3))
            lens[m.group(1)] = int(n.group(1)) + (b if n.group(2) == "+" else -b)
        else:
            lens[m.group(1)] = int(n.group(1))
    return lens


def spec_max_lens(spec_text):
    """{attribute's C name: max-len or None} of the spec's string
    attributes."""
    import yaml  # pylint: disable=import-outside-toplevel
    spec = yaml.safe_load(spec_text)
    lens = {}
    for aset in spec.get("attribute-sets", []):
        prefix = aset.get("name-prefix", aset["name"] + "-a-")
        for a in aset.get("attributes", []):
            if a.get("type") == "string":
                c_name = (prefix + a["name"]).upper().replace("-", "_")
                lens[c_name] = a.get("checks", {}).get("max-len")
    return lens


def compare_max_len(spec_text, policy):
    """The problems (None: none) of the spec's string max-lens against the
    module's @policy."""
    spec = spec_max_lens(spec_text)
    problems = []
    for name, length in sorted(policy.items()):
        if name not in spec:
            problems.append(f"{name} is no string attribute in the spec")
        elif spec[name] != length:
            problems.append(f"{name}'s max-len is {spec[name]} in the spec, "
                            f"{length} in the module's policy")
    return brief(problems)


def main():
    print("KTAP version 1")
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel,unused-import
        import yaml  # pylint: disable=import-outside-toplevel,unused-import
    except ImportError as e:
        print(f"1..0 # SKIP {e.name} missing (Debian: python3-yaml, python3-jsonschema; scripts/setup installs them)")
        return 4
    trees = [(s, kernel_tree(s)) for s in ("6.12", "7.3")]
    trees = [(s, t, in_tree(t, GENERATORS)) for s, t in trees if in_tree(t, GENERATORS)]
    if not trees:
        print("1..0 # SKIP no kernel tree with tools/net/ynl (scripts/setup unpacks 6.12)")
        return 4
    with open(SPEC, encoding="utf-8") as f:
        spec_text = f.read()
    results = []
    with tempfile.TemporaryDirectory(prefix="ynl_spec_test.") as tmp:
        kit = read_header(UAPI, tmp)
        try:
            policy = policy_lens(POLICIES, kit[0])
        except (OSError, RuntimeError) as e:
            policy = None
            results.append(("string max-len against the module's policy", str(e)))
        if policy is not None:
            results.append(("string max-len against the module's policy",
                            compare_max_len(spec_text, policy) if policy
                            else f"no string attribute found in {POLICIES}"))
            # The comparison must see a max-len left out.
            less, n = re.subn(r"(name: hold-until-added\n\s+type: string\n)\s+checks:\n\s+max-len: 63\n",
                              r"\g<1>", spec_text)
            want = ("HOSTGEOM_A_HOLD_UNTIL_ADDED's max-len is None in the spec, "
                    "63 in the module's policy")
            seen = compare_max_len(less, policy) if n == 1 else "the spec has no max-len on hold-until-added to leave out"
            results.append(("a max-len left out fails", None if seen == want else f"found {seen!r}, wanted {want!r}"))
        for series, tree, gen in trees:
            results.append((f"{series} schema", validate(tree, spec_text)))
            d = os.path.join(tmp, series)
            spec = fake_tree(d, tree, spec_text)
            out = os.path.join(d, "hostgeom.h")
            err = generate(gen, spec, out)
            results.append((f"{series} ynl-gen-c uapi", err))
            if err:
                continue
            for name, problem in compare(kit, read_header(out, d)):
                results.append((f"{series} {name}", problem))
        # The comparison must see a changed value (with the first tree).
        series, tree, gen = trees[0]
        d = os.path.join(tmp, "broken")
        out = os.path.join(d, "hostgeom.h")
        err = generate(gen, fake_tree(d, tree, broken(spec_text)), out)
        if err:
            results.append(("a changed value fails", err))
        else:
            seen = [p for _, p in compare(kit, read_header(out, d)) if p]
            want = "HOSTGEOM_HOLD_NAME_MAX is 64 in the header, 65 in the spec"
            results.append(("a changed value fails",
                            None if seen == [want] else f"found {seen}, wanted [{want}]"))
    return report("ynl_spec", results)

if __name__ == "__main__":
    sys.exit(main())
