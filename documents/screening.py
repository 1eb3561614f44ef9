"""What a PDF must look like before the verifier parses it (sàng lọc tệp trước khi kiểm tra).

A signed result is a few pages with one signature; an anonymous upload may be built to make
a parser spend seconds and gigabytes (issue 19). `refusal(data)` reads only the raw bytes,
with searches that run in C, so it costs milliseconds on the largest upload we accept, and
names the first thing no genuine signed result has:

- a signature whose /ByteRange is not four numbers leaving exactly one hex string hole of
  at most MAX_SIGNATURE_BYTES inside the file (a PAdES signature with its certificates and
  timestamps is tens of KB), or a /Contents hex string longer than a signature can be;
- more than MAX_SIGNATURES signatures or signature fields;
- a cross-reference declaring more than MAX_OBJECTS objects (/Size), or a table longer;
- more than MAX_XREF_SECTIONS cross-reference sections on the /Prev chain, or a chain that
  comes back to a section already read.

It looks for these as a genuine file writes them. A file that spells them otherwise (a name
with #-escapes, a /Contents as a literal string), nests deeper than the parser's recursion
allows or inflates past its decode limits passes here and is stopped by the verifier's
parse limits and budget (`signing.verify_pdf`): this screen makes the known shapes cost
nothing, the budget bounds the rest.
"""

import re

MAX_SIGNATURE_BYTES = 64 * 1024
MAX_SIGNATURES = 16
MAX_OBJECTS = 50_000
MAX_XREF_SECTIONS = 64

_HEX_DIGITS = 2 * MAX_SIGNATURE_BYTES
_BYTE_RANGE = re.compile(
    rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]"
)
# A scan that starts at one /Contents stops at the first byte that is neither hex nor blank,
# so no two scans overlap: linear in the file.
_LONG_CONTENTS = re.compile(rb"/Contents\s*<[0-9A-Fa-f\s]{%d}" % (_HEX_DIGITS + 1))
_HEX = re.compile(rb"[0-9A-Fa-f\s]*")
_SIGNATURE_FIELD = re.compile(rb"/FT\s*/Sig\b")
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_PREV = re.compile(rb"/Prev\s+(\d{1,12})")
_STARTXREF = re.compile(rb"startxref\s+(\d{1,12})")
_TRAILER_WINDOW = 4096  # a trailer or an xref stream's dictionary is a few hundred bytes
# Every pattern above starts with a literal, which the regex engine finds with a fast
# search: each pass over a 20 MB file takes a few milliseconds.


def refusal(data: bytes) -> str | None:
    """Why this file is refused before parsing, or None if it may be parsed."""
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        return "no PDF header"
    return _signatures(data) or _declared_sizes(data) or _prev_chain(data)


def _signatures(data: bytes) -> str | None:
    if _LONG_CONTENTS.search(data):
        return f"a /Contents string longer than a signature of {MAX_SIGNATURE_BYTES} bytes"
    for count, _ in enumerate(_SIGNATURE_FIELD.finditer(data), start=1):
        if count > MAX_SIGNATURES:
            return f"more than {MAX_SIGNATURES} signature fields"
    for count, found in enumerate(re.finditer(rb"/ByteRange", data), start=1):
        if count > MAX_SIGNATURES:
            return f"more than {MAX_SIGNATURES} signatures"
        byte_range = _BYTE_RANGE.match(data, found.start())
        if byte_range is None:
            return "a /ByteRange that is not four numbers"
        start, hole, after, length = (int(n) for n in byte_range.groups())
        if start != 0 or not 0 < hole < after or after + length > len(data):
            return "a /ByteRange outside the file"
        if after - hole > _HEX_DIGITS + 2:
            return f"a signature larger than {MAX_SIGNATURE_BYTES} bytes"
        hex_string = data[hole] == ord("<") and data[after - 1] == ord(">")
        if not hex_string or not _HEX.fullmatch(data, hole + 1, after - 1):
            return "a /ByteRange whose hole is not one hex string"
    return None


def _declared_sizes(data: bytes) -> str | None:
    for count, size in enumerate(_SIZE.finditer(data), start=1):
        if count > MAX_XREF_SECTIONS:
            return f"more than {MAX_XREF_SECTIONS} cross-reference sections"
        if int(size.group(1)) > MAX_OBJECTS:
            return f"a cross-reference of more than {MAX_OBJECTS} objects"
    return None


def _prev_chain(data: bytes) -> str | None:
    """Walk the cross-reference sections from the last startxref back through /Prev, as the
    parser will: none twice, at most MAX_XREF_SECTIONS of them."""
    last = data.rfind(b"startxref", max(0, len(data) - 1024))
    found = _STARTXREF.match(data, last) if last != -1 else None
    at = int(found.group(1)) if found else None
    seen = set()
    while at is not None and at < len(data):
        if at in seen:
            return "a /Prev loop between cross-reference sections"
        if len(seen) == MAX_XREF_SECTIONS:
            return f"more than {MAX_XREF_SECTIONS} cross-reference sections"
        seen.add(at)
        if data.startswith(b"xref", at):
            # At most MAX_OBJECTS entries of 20 bytes each, then the trailer.
            start = data.find(b"trailer", at, at + 20 * MAX_OBJECTS + _TRAILER_WINDOW)
            if start == -1:
                return f"a cross-reference table of more than {MAX_OBJECTS} entries"
            end = data.find(b"startxref", start, start + _TRAILER_WINDOW)
        else:  # an xref stream: its dictionary comes before the stream's data
            start, end = at, data.find(b"stream", at, at + _TRAILER_WINDOW)
        prev = _PREV.search(data, start, end if end != -1 else start + _TRAILER_WINDOW)
        at = int(prev.group(1)) if prev else None
    return None
