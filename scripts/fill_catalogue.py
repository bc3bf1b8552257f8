"""Fill the English catalogue from .tsv files of new msgids (msgid<TAB>English), after a merge.

Run from the root of the checkout (the one with manage.py), with its virtualenv:

    PYTHONPATH=$PWD .venv/bin/python scripts/fill_catalogue.py a.tsv b.tsv

Steps:
1. `manage.py makemessages -l en --no-obsolete` (the options the catalogue has always been
   made with: with locations, no obsolete `#~` entries).
2. Every entry that is untranslated or fuzzy and whose msgid is in a .tsv gets the English
   text; its fuzzy flag and msgmerge's "#| previous msgid" are dropped.
3. The file is saved with polib, then `makemessages` runs once more so that msgmerge rewraps
   every entry exactly as makemessages writes it (width 79): no wrapping noise in later diffs.
4. Report: entries still untranslated, still fuzzy (msgmerge's guesses nobody confirmed),
   .tsv lines that match no msgid, conflicts. Exit status 1 when something is left to do.

TSV format, one entry a line, UTF-8, columns separated by a TAB:
    msgid<TAB>English
    msgid<TAB>English singular<TAB>English plural        (ngettext entries)
Escapes inside a column: \\n newline, \\t tab, \\\\ backslash. A msgid with a context
(pgettext, {% translate ... context ... %}) is written `context\\x04msgid` (gettext's own
separator, as the 4 characters backslash-x-0-4). Empty lines and lines starting with # are
skipped. %(name)s placeholders must be the same as in the msgid, or the line is refused.

A .tsv text never replaces a translation already in the catalogue (reported as a conflict
when it differs) unless --overwrite is given.
"""

# A command-line tool for the lead: it prints its report and runs manage.py (sys.executable).
# ruff: noqa: T201, S603

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import polib

PO_RELATIVE = Path("locale/en/LC_MESSAGES/django.po")
MAKEMESSAGES = ["manage.py", "makemessages", "-l", "en", "--no-obsolete"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}
CONTEXT_SEPARATOR = "\\x04"


def unescape(text: str) -> str:
    out = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        # Keep the context separator for the key parser; other unknown escapes stay as typed.
        if following in ESCAPES:
            out.append(ESCAPES[following])
        else:
            out.append("\\" + following)
    return "".join(out)


def parse_key(column: str) -> tuple[str | None, str]:
    if CONTEXT_SEPARATOR in column:
        context, msgid = column.split(CONTEXT_SEPARATOR, 1)
        return unescape(context), unescape(msgid)
    return None, unescape(column)


def read_tsv(paths: list[Path], problems: list[str]) -> dict:
    """{(context, msgid): (forms, where)}; forms is a tuple of 1 or 2 English texts."""
    found: dict = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{number}"
            if not line.strip() or line.startswith("#"):
                continue
            columns = line.split("\t")
            if len(columns) in (2, 3) and columns[0] and not any(c.strip() for c in columns[1:]):
                continue  # a --todo line not filled in yet: the entry stays reported
            if len(columns) not in (2, 3) or not all(c.strip() for c in columns):
                problems.append(f"{where}: expected msgid<TAB>English[<TAB>plural]: {line!r}")
                continue
            key = parse_key(columns[0])
            forms = tuple(unescape(c) for c in columns[1:])
            if any(placeholders(text) != placeholders(key[1]) for text in forms):
                problems.append(f"{where}: placeholders differ from the msgid {key[1]!r}; skipped")
                continue
            if key in found and found[key][0] != forms:
                problems.append(
                    f"{where}: {key[1]!r} already given as {found[key][0]!r} in "
                    f"{found[key][1]}; kept that one"
                )
                continue
            found.setdefault(key, (forms, where))
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def needs_work(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags or not entry.translated()


def fill(entry: polib.POEntry, forms: tuple[str, ...], where: str, problems: list[str]) -> bool:
    if entry.msgid_plural:
        if len(forms) != 2:
            problems.append(
                f"{where}: {entry.msgid!r} is a plural entry (ngettext): give "
                "msgid<TAB>singular<TAB>plural; skipped"
            )
            return False
        entry.msgstr_plural = {0: forms[0], 1: forms[1]}
    else:
        if len(forms) != 1:
            problems.append(f"{where}: {entry.msgid!r} has no plural form; third column ignored")
        entry.msgstr = forms[0]
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    return True


def same(entry: polib.POEntry, forms: tuple[str, ...]) -> bool:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)) == forms
    return (entry.msgstr,) == forms[:1]


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{where} {context}{entry.msgid!r}"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def todo_line(entry: polib.POEntry) -> str:
    """A .tsv line to complete: the key, then an empty column per English form."""
    key = escape(entry.msgid)
    if entry.msgctxt:
        key = escape(entry.msgctxt) + CONTEXT_SEPARATOR + key
    return key + "\t" * (2 if entry.msgid_plural else 1)


def makemessages(repo: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(repo))
    subprocess.run(
        [sys.executable, *MAKEMESSAGES], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tsv", nargs="+", help="TSV files (msgid<TAB>English)")
    parser.add_argument("--repo", default=".", help="checkout root (default: current folder)")
    parser.add_argument(
        "--overwrite", action="store_true", help="let .tsv texts replace existing translations"
    )
    parser.add_argument(
        "--no-makemessages",
        action="store_true",
        help="fill the .po as it is (no extraction, no rewrapping pass)",
    )
    parser.add_argument(
        "--todo", metavar="FILE", help="write what is left as .tsv lines to fill in (FILE)"
    )
    args = parser.parse_args()
    repo = Path(args.repo).resolve()
    po_path = repo / PO_RELATIVE
    if not (repo / "manage.py").exists() or not po_path.exists():
        parser.error(f"{repo} is not the project root (manage.py and {PO_RELATIVE} needed)")
    paths = [Path(p) for p in args.tsv]

    problems: list[str] = []
    translations = read_tsv(paths, problems)
    if not args.no_makemessages:
        makemessages(repo)

    po = polib.pofile(str(po_path), wrapwidth=79)
    filled = 0
    used = set()
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key not in translations:
            continue
        used.add(key)
        forms, where = translations[key]
        if needs_work(entry) or (args.overwrite and not same(entry, forms)):
            filled += fill(entry, forms, where, problems)
        elif not same(entry, forms):
            problems.append(
                f"{where}: {entry.msgid!r} is already translated as "
                f"{entry.msgstr or entry.msgstr_plural!r}; kept (use --overwrite to replace)"
            )
    po.save(str(po_path))
    if not args.no_makemessages:
        makemessages(repo)  # msgmerge rewraps what polib wrote, as makemessages always does

    po = polib.pofile(str(po_path))
    untranslated = [e for e in po.untranslated_entries() if "fuzzy" not in e.flags]
    fuzzy = po.fuzzy_entries()
    unused = [key for key in translations if key not in used]
    print(f"{len(paths)} TSV file(s), {len(translations)} line(s); filled {filled} entr(ies).")
    for problem in problems:
        print(f"PROBLEM {problem}")
    for context, msgid in unused:
        label = f"[{context}] " if context else ""
        print(f"UNUSED  {translations[(context, msgid)][1]}: {label}{msgid!r} is in no entry")
    for entry in untranslated:
        print(f"UNTRANSLATED {describe(entry)}")
    for entry in fuzzy:
        guess = entry.msgstr_plural if entry.msgid_plural else entry.msgstr
        print(f"FUZZY   {describe(entry)} (msgmerge's guess: {guess!r})")
    if args.todo and (untranslated or fuzzy):
        with Path(args.todo).open("w", encoding="utf-8") as out:
            for entry in [*untranslated, *fuzzy]:
                out.write(todo_line(entry) + "\n")
        print(f"Wrote {args.todo}: fill its English column(s), then run again with it.")
    print(
        f"{len(po)} entries; {len(untranslated)} untranslated, {len(fuzzy)} fuzzy, "
        f"{len(problems)} problem(s)."
    )
    return 1 if untranslated or fuzzy or problems else 0


if __name__ == "__main__":
    sys.exit(main())
