#!/usr/bin/env python3
# Build a man page from a roff template and the CLI's own --help output, so
# the command and flag lists can never go stale.  Directive lines in the
# template (roff comments, so the template is valid roff by itself):
#   .\" @options@ [CMD...]    the "Options:"/"Global options:" list of `minirt CMD... --help`
#   .\" @commands@ [CMD...]   one .SS per command of `minirt CMD... help`:
#                             usage, description, options
# @VERSION@, @DATE@ and every --define KEY=VALUE are replaced everywhere.
# Usage: gen-man.py --minirt EXE [--define K=V]... TEMPLATE OUTPUT
import argparse
import datetime
import os
import re
import subprocess
import sys


def help_text(exe, args):
    res = subprocess.run([exe] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, check=False)
    if res.returncode != 0:
        sys.exit("gen-man.py: %s %s: exit status %d"
                 % (exe, " ".join(args), res.returncode))
    return res.stdout.decode().splitlines()


def esc(text):
    """Plain text to roff: backslashes, hyphen-minus (flags stay
    copy-pastable) and a leading control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def sections(lines):
    """Split --help output into {heading: [lines]}; the text before the
    first heading is under "" (usage, description)."""
    out = {"": []}
    cur = ""
    for line in lines:
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            cur = line[:-1]
            out[cur] = []
        else:
            out[cur].append(line)
    return out


def parse_options(lines):
    """[(spec, description)] from an option list; a spec too long for its
    column continues on the next line."""
    opts = []
    for line in lines:
        if not line.strip():
            if opts:
                break  # the list ends at the first blank line after it
            continue
        m = re.match(r"^\s+(-\S.*?)(?:\s{2,}(.*))?$", line)
        if m:
            opts.append([m.group(1), m.group(2) or ""])
        elif opts:
            opts[-1][1] = (opts[-1][1] + " " + line.strip()).strip()
    return opts


def option_roff(spec, desc):
    forms = []
    for form in spec.split(", "):
        flag, _, arg = form.partition(" ")
        s = "\\fB%s\\fR" % esc(flag)
        if arg:
            s += " \\fI%s\\fR" % esc(arg)
        forms.append(s)
    return [".TP", ", ".join(forms), esc(desc)]


def options_block(exe, cmd):
    sec = sections(help_text(exe, cmd + ["--help"]))
    key = "Options" if "Options" in sec else "Global options"
    out = []
    for spec, desc in parse_options(sec.get(key, [])):
        out += option_roff(spec, desc)
    return out


def commands_block(exe, cmd):
    listing = sections(help_text(exe, cmd + ["help"]))
    out = []
    for line in listing.get("Commands", []):
        m = re.match(r"^\s+(\S+)\s", line)
        if not m:
            continue
        name = m.group(1)
        sec = sections(help_text(exe, cmd + [name, "--help"]))
        head = [l for l in sec[""] if l.strip()]
        usage = head[0][len("Usage: "):] if head and head[0].startswith("Usage: ") else ""
        words = " ".join(["minirt"] + cmd + [name])
        rest = usage[len(words):].strip() if usage.startswith(words) else usage
        out += [".SS %s" % esc(name), ".B %s" % esc(words)]
        if rest:
            out.append(esc(rest))
        out.append(".PP")
        out += [esc(l.strip()) for l in head[1:]]
        for spec, desc in parse_options(sec.get("Options", [])):
            out += option_roff(spec, desc)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minirt", required=True)
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("template")
    ap.add_argument("output")
    a = ap.parse_args()

    # Reproducible: the date of SOURCE_DATE_EPOCH (dpkg-buildpackage sets it
    # from debian/changelog), else today's.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
            if epoch else datetime.datetime.now(datetime.timezone.utc))
    version = help_text(a.minirt, ["--version"])[0].split()[-1]
    subst = {"VERSION": version, "DATE": when.strftime("%Y-%m-%d")}
    for d in a.define:
        k, _, v = d.partition("=")
        subst[k] = v

    out = []
    with open(a.template, encoding="utf-8") as f:
        for line in f.read().splitlines():
            m = re.match(r'^\.\\" @(options|commands)@\s*(.*)$', line)
            if m:
                cmd = m.group(2).split()
                out += (options_block if m.group(1) == "options" else commands_block)(a.minirt, cmd)
                continue
            out.append(re.sub(r"@([A-Z_]+)@",
                              lambda mm: subst.get(mm.group(1), mm.group(0)), line))
    tmp = a.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, a.output)


if __name__ == "__main__":
    main()
