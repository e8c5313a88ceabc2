#!/usr/bin/env python3
"""Every relative link of README.md, CHANGELOG.md and docs/*.md points at a file of this
repository, and every #anchor at a heading of its page (GitHub's heading slugs). A link that
leaves the repository (../shared/...) would break for anyone with only the clone.

Usage: check_doc_links.py REPO_ROOT. Prints each broken link; exit status 1 when there is one.
"""
import pathlib
import re
import sys

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def slug(heading):
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page):
    return {slug(h) for h in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8")))}


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    pages = [root / "README.md", root / "CHANGELOG.md"] + sorted((root / "docs").glob("*.md"))
    broken = []
    for page in pages:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(root)}: ({target})"
            if root not in resolved.parents and resolved != root:
                broken.append(f"{where} leaves the repository")
            elif not resolved.exists():
                broken.append(f"{where} names a file that does not exist")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{where} names no heading of {resolved.relative_to(root)}")
    for line in broken:
        print(line)
    print(f"{len(pages)} pages checked, {len(broken)} broken link(s)")
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
