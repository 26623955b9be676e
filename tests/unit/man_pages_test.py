#!/usr/bin/env python3
"""Checks the manual pages against what they document.

  tracker(8)                  every long option of `tracker --help`, every
                              event, environment variable, JSON key and event
                              argument of the sources
  trackerctl(1)               every command and long option of `trackerctl
                              --help` and of each command's --help, every exit
                              code of exit_codes.h, the polkit actions
  tracker.conf(5)             every section and key of the parser's table and
                              of the shipped systemd/tracker.conf, each in its
                              own section
  org.khulnasoft.Tracker1(5)  every interface, method, signal and property of
                              the XML with its signature and annotation, every
                              error name, the polkit actions

and runs `man --warnings` on each page, which must print nothing. Without
man(1) that last part is skipped (exit 77) unless CI=true, which makes it a
failure. Exits 1 naming everything that is missing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

PAGES = ["tracker.8", "trackerctl.1", "tracker.conf.5", "org.khulnasoft.Tracker1.5"]
SKIP = 77

problems = []


def problem(text):
    problems.append(text)


# ---------------------------------------------------------------- roff


def unescape(text):
    """Roff escapes to plain text, fonts dropped."""
    text = text.replace("\\e", "\x00")
    text = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", text)
    replacements = {
        "\\-": "-", "\\(aq": "'", "\\(dq": '"', "\\(bu": "*", "\\(em": "--",
        "\\(en": "-", "\\&": "", "\\%": "", "\\ ": " ", "\\~": " ", "\\c": "",
        "\\|": "", "\\^": "", "\\:": "",
    }
    for escape, plain in replacements.items():
        text = text.replace(escape, plain)
    text = re.sub(r"\\\(..", "?", text)
    return text.replace("\x00", "\\")


def macro_args(rest):
    """Splits the arguments of a macro line the way roff does."""
    args, current, quoted, i = [], None, False, 0
    while i < len(rest):
        c = rest[i]
        if quoted:
            if c == '"' and rest[i + 1:i + 2] == '"':
                current += '"'
                i += 1
            elif c == '"':
                quoted = False
            else:
                current += c
        elif c == '"' and current is None:
            current, quoted = "", True
        elif c in " \t":
            if current is not None:
                args.append(current)
                current = None
        else:
            current = (current or "") + c
        i += 1
    if current is not None:
        args.append(current)
    return args


ALTERNATING = {"BR", "RB", "BI", "IB", "IR", "RI"}


def line_text(line):
    """The text a source line shows."""
    if line.startswith((".", "'")):
        name, _, rest = line[1:].partition(" ")
        args = macro_args(rest)
        joined = "".join(args) if name in ALTERNATING else " ".join(args)
        return unescape(joined) if name in ALTERNATING | {"B", "I", "SH", "SS"} else ""
    return unescape(line)


class Page:
    def __init__(self, name, path):
        self.name = name
        with open(path, encoding="utf-8") as f:
            self.lines = [l for l in f.read().splitlines() if not l.startswith('.\\"')]

    def region(self, start, levels):
        """Lines after index `start` up to the next heading of `levels`."""
        end = start + 1
        while end < len(self.lines) and not self.lines[end].startswith(levels):
            end += 1
        return self.lines[start + 1:end]

    def sections(self, macro):
        """(title, lines) of every .SH (or .SS) heading."""
        levels = (".SH",) if macro == ".SH" else (".SH", ".SS")
        for i, line in enumerate(self.lines):
            if line.startswith(macro + " "):
                yield line_text(line).strip(), self.region(i, levels)

    def section(self, title, macro=".SH"):
        for name, lines in self.sections(macro):
            if name == title:
                return lines
        problem(f"{self.name}: no {macro} \"{title}\" heading")
        return []


def tags(lines):
    """The texts of the tags of .TP items (with their .TQ continuations)."""
    found = []
    for i, line in enumerate(lines[:-1]):
        if line.split(" ")[0] in (".TP", ".TQ"):
            found.append(line_text(lines[i + 1]).strip())
    return found


def flat(lines):
    """The text of `lines` with all white space collapsed."""
    return re.sub(r"\s+", " ", " ".join(line_text(l) for l in lines)).strip()


def long_options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text))


# ---------------------------------------------------------------- sources


def run_help(binary, *args):
    result = subprocess.run([binary, *args, "--help"], capture_output=True, text=True,
                            timeout=30, env={**os.environ, "LC_ALL": "C"})
    if result.returncode != 0:
        problem(f"{os.path.basename(binary)} {' '.join(args)} --help exited with "
                f"{result.returncode}: {result.stderr.strip()}")
    return result.stdout


def help_options(help_text):
    """The long options of a CLI11 help text (its option column)."""
    options = set()
    block = None
    for line in help_text.splitlines():
        if re.match(r"^\S.*:$", line):
            block = line[:-1]
            continue
        if block == "Options" and line.startswith("  -"):
            options |= long_options(line.split()[0])
    return options


def help_subcommands(help_text):
    commands, block = [], None
    for line in help_text.splitlines():
        if re.match(r"^\S.*:$", line):
            block = line[:-1]
        elif block == "Subcommands" and line.startswith("  ") and line.strip():
            commands.append(line.split()[0])
    return commands


def read(source_root, path):
    with open(os.path.join(source_root, path), encoding="utf-8") as f:
        return f.read()


def must_find(what, items):
    """Fails loudly when a source could not be read: the test must not pass empty."""
    if not items:
        problem(f"found no {what}: has the source changed shape? Update {__file__}")
    return items


def config_keys(source_root):
    """(section, key) from the parser's table and from the shipped file."""
    table = read(source_root, "src/config/config_keys.cpp")
    keys = set(re.findall(r'\{\s*"([A-Za-z]+)",\s*"([A-Za-z]+)",\s*apply_\w+', table))
    must_find("config keys in src/config/config_keys.cpp", keys)
    section = None
    shipped = set()
    for line in read(source_root, "systemd/tracker.conf").splitlines():
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
        elif m := re.match(r"^#?([A-Z]\w*)=", line):
            shipped.add((section, m.group(1)))
    must_find("keys in systemd/tracker.conf", shipped)
    sections = set(re.findall(r'"(\w+)"', re.search(r"kSections\s*=\s*\{([^}]*)\}",
                                                     table).group(1))) if "kSections" in table else set()
    return keys | shipped, must_find("config sections in src/config/config_keys.cpp", sections)


def environment_variables(source_root):
    header = read(source_root, "src/config/config.h")
    block = re.search(r"kEnvironmentVariables\[\]\s*=\s*\{([^}]*)\}", header)
    return must_find("environment variables in src/config/config.h",
                     re.findall(r'"(\w+)"', block.group(1)) if block else [])


def event_names(source_root):
    source = read(source_root, "src/events/event.cpp")
    block = re.search(r"kNames\s*=\s*\{(.*?)\};", source, re.S)
    return must_find("event names in src/events/event.cpp",
                     re.findall(r'"(\w+)"', block.group(1)) if block else [])


def json_keys(source_root):
    source = read(source_root, "src/events/json_printer.cpp")
    return must_find("JSON keys in src/events/json_printer.cpp",
                     sorted(set(re.findall(r'"(\w+)":', source))))


def event_arguments(source_root):
    names = set(re.findall(r'push_back\(\{"(\w+)",',
                           read(source_root, "src/events/lifecycle_args.cpp")))
    names |= set(re.findall(r'\{"(\w+)", "[^"]+",', read(source_root, "src/agent/pipeline.cpp")))
    return must_find("event arguments in lifecycle_args.cpp and pipeline.cpp", sorted(names))


def exit_codes(source_root):
    header = read(source_root, "src/trackerctl/exit_codes.h")
    return must_find("exit codes in src/trackerctl/exit_codes.h",
                     sorted({int(n) for n in re.findall(r"\bkExit\w+\s*=\s*(\d+)", header)}))


def polkit_actions(source_root):
    actions = []
    policy_dir = os.path.join(source_root, "polkit")
    for name in sorted(os.listdir(policy_dir)):
        if name.endswith(".policy"):
            root = ET.parse(os.path.join(policy_dir, name)).getroot()
            actions += [a.get("id") for a in root.iter("action")]
    return must_find("polkit actions in polkit/*.policy", actions)


# ---------------------------------------------------------------- checks


def check_tracker(page, tracker, source_root):
    options_tags = tags(page.section("OPTIONS"))
    documented = set().union(*(long_options(t) for t in options_tags)) if options_tags else set()
    for option in sorted(must_find("options in tracker --help", help_options(run_help(tracker)))):
        if option not in documented:
            problem(f"{page.name}: option {option} of `tracker --help` is not an item of OPTIONS")

    events = set(tags(page.section("EVENTS")))
    for event in event_names(source_root):
        if event not in events:
            problem(f"{page.name}: event {event} is not an item of EVENTS")

    environment = " ".join(tags(page.section("ENVIRONMENT")))
    for variable in environment_variables(source_root):
        if not re.search(rf"\b{variable}\b", environment):
            problem(f"{page.name}: environment variable {variable} is not an item of ENVIRONMENT")

    output = " ".join(tags(page.section("OUTPUT")))
    for key in json_keys(source_root):
        if not re.search(rf"\b{key}\b", output + " " + flat(page.section("OUTPUT"))):
            problem(f"{page.name}: JSON key {key} is not described under OUTPUT")
    events_text = flat(page.section("EVENTS"))
    for argument in event_arguments(source_root):
        if not re.search(rf"\b{argument}\b", events_text):
            problem(f"{page.name}: event argument {argument} is not described under EVENTS")


def check_trackerctl(page, trackerctl, source_root):
    main_help = run_help(trackerctl)
    documented = set()
    for tag in tags(page.section("OPTIONS")):
        documented |= long_options(tag)
    for option in sorted(must_find("options in trackerctl --help", help_options(main_help))):
        if option not in documented:
            problem(f"{page.name}: option {option} of `trackerctl --help` is not an item of "
                    "OPTIONS")

    command_lines = page.section("COMMANDS")
    command_tags = tags(command_lines)
    commands = {t.split()[0] for t in command_tags if t}
    command_options = set().union(*(long_options(t) for t in command_tags)) if command_tags \
        else set()
    for command in must_find("commands in trackerctl --help", help_subcommands(main_help)):
        if command not in commands:
            problem(f"{page.name}: command {command} is not an item of COMMANDS")
        for option in sorted(help_options(run_help(trackerctl, command)) - {"--help"}):
            if option not in command_options:
                problem(f"{page.name}: option {option} of `trackerctl {command} --help` is not "
                        "an item of COMMANDS")

    codes = {t for t in tags(page.section("EXIT STATUS"))}
    for code in exit_codes(source_root):
        if str(code) not in codes:
            problem(f"{page.name}: exit code {code} of exit_codes.h is not an item of EXIT STATUS")

    authorization = tags(page.section("AUTHORIZATION"))
    for action in polkit_actions(source_root):
        if action not in authorization:
            problem(f"{page.name}: polkit action {action} is not an item of AUTHORIZATION")


def check_config(page, source_root):
    keys, sections = config_keys(source_root)
    regions = {}
    for title, lines in page.sections(".SS"):
        if m := re.fullmatch(r"\[(\w+)\] section", title):
            regions[m.group(1)] = lines
    for section in sorted(sections | {s for s, _ in keys}):
        if section not in regions:
            problem(f"{page.name}: section [{section}] has no .SS \"[{section}] section\"")
    for section, key in sorted(keys):
        if section in regions and not any(re.search(rf"(?<!\w){key}=", t)
                                          for t in tags(regions[section])):
            problem(f"{page.name}: key {key}= is not an item of \"[{section}] section\"")
    for variable in environment_variables(source_root):
        if variable not in flat(page.lines):
            problem(f"{page.name}: environment variable {variable} is not mentioned")


def signature(member):
    args = []
    for arg in member.findall("arg"):
        direction = arg.get("direction")
        if member.tag == "method":
            args.append(f"{direction or 'in'} {arg.get('type')} {arg.get('name')}")
        else:
            args.append(f"{arg.get('type')} {arg.get('name')}")
    return f"{member.get('name')}({', '.join(args)});"


def check_dbus(page, source_root):
    xml_path = os.path.join(source_root, "dbus", "org.khulnasoft.Tracker1.xml")
    xml_text = read(source_root, "dbus/org.khulnasoft.Tracker1.xml")
    root = ET.parse(xml_path).getroot()
    sections = list(page.sections(".SH"))
    interfaces = must_find("interfaces in the XML", root.findall("interface"))
    for interface in interfaces:
        name = interface.get("name")
        region = next((lines for _, lines in sections
                       if f"interface {name} {{" in flat(lines)), None)
        if region is None:
            problem(f"{page.name}: no section shows \"interface {name} {{\"")
            continue
        text = flat(region)
        member_tags = " ".join(tags(region))
        for member in interface:
            if member.tag not in ("method", "signal", "property"):
                continue
            member_name = member.get("name")
            what = f"{member.tag} {name}.{member_name}"
            if member.tag == "property":
                annotation = next((a.get("value") for a in member.findall("annotation")
                                   if a.get("name") == "org.freedesktop.DBus.Property."
                                   "EmitsChangedSignal"), None)
                access = "readonly" if member.get("access") == "read" else "readwrite"
                declared = f"{access} {member.get('type')} {member_name} ="
                prefix = (f'@org.freedesktop.DBus.Property.EmitsChangedSignal("{annotation}") '
                          if annotation else "")
                found = re.search(rf"(\S+) {re.escape(declared)}", text)
                ok = found and (f"{prefix}{declared}" in text if annotation
                                else not found.group(1).startswith("@"))
                if not ok:
                    problem(f"{page.name}: {what} is not declared as "
                            f"\"{prefix}{declared}\"")
            elif signature(member) not in text:
                problem(f"{page.name}: {what} is not declared as \"{signature(member)}\"")
            if not re.search(rf"\b{member_name}\b", member_tags):
                problem(f"{page.name}: {what} is not an item of its section")

    error_names = set(re.findall(r"org\.(?:khulnasoft\.Tracker1|freedesktop\.DBus)\.Error\.\w+",
                                 xml_text))
    error_names |= set(re.findall(r'"(org\.[\w.]+\.Error\.\w+)"',
                                  read(source_root, "src/service/dbus_names.h")))
    errors = tags(page.section("ERRORS"))
    for error in sorted(must_find("error names in the XML", error_names)):
        if error not in errors:
            problem(f"{page.name}: error {error} is not an item of ERRORS")

    authorization = tags(page.section("AUTHORIZATION"))
    for action in polkit_actions(source_root):
        if action not in authorization:
            problem(f"{page.name}: polkit action {action} is not an item of AUTHORIZATION")


def man_warnings(paths):
    """Runs man --warnings as a reader's man and as lintian do; None without man."""
    man = shutil.which("man")
    if not man:
        return None
    env = {**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "", "MANPAGER": "cat",
           "PAGER": "cat"}
    for path in paths:
        for extra, locale in (([], "C"), (["-E", "UTF-8", "-Tutf8", "-Z"], "C.UTF-8")):
            result = subprocess.run([man, "--warnings", *extra, "-l", path],
                                    capture_output=True, text=True, timeout=60,
                                    env={**env, "LC_ALL": locale})
            if result.returncode != 0 or result.stderr.strip():
                command = " ".join(["man", "--warnings", *extra, "-l"])
                problem(f"{os.path.basename(path)}: `{command}` (exit {result.returncode}):\n"
                        f"{result.stderr.rstrip()}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--man-dir", required=True, help="where the built pages are")
    parser.add_argument("--tracker", required=True)
    parser.add_argument("--trackerctl", required=True)
    args = parser.parse_args()

    paths = {name: os.path.join(args.man_dir, name) for name in PAGES}
    pages = {name: Page(name, path) for name, path in paths.items()}
    check_tracker(pages["tracker.8"], args.tracker, args.source_root)
    check_trackerctl(pages["trackerctl.1"], args.trackerctl, args.source_root)
    check_config(pages["tracker.conf.5"], args.source_root)
    check_dbus(pages["org.khulnasoft.Tracker1.5"], args.source_root)
    checked_warnings = man_warnings(paths.values())

    for text in problems:
        print(f"FAIL {text}")
    if problems:
        print(f"{len(problems)} problem(s) in the manual pages")
        return 1
    if checked_warnings is None:
        if os.environ.get("CI") == "true":
            print("FAIL man(1) is missing (install man-db and groff-base): CI=true needs "
                  "`man --warnings` to run")
            return 1
        print("SKIP the pages match the code, but man(1) is missing (install man-db and "
              "groff-base), so `man --warnings` did not run")
        return SKIP
    print(f"OK {len(PAGES)} pages match the code and man --warnings is silent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
