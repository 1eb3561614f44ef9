"""Hostile PDFs, built byte by byte: each is well-formed where a reader looks first (header,
cross-reference, catalog, a signature field) and costly where a verifier goes next.

Used by tests/test_verify_budget.py and bench/verify_bench.py (issue 19, item 1). Each
builder takes its size: the tests build small ones, the bench the full 20 MB ones.
"""

import zlib

MiB = 1024 * 1024
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
# A signer writes the byte range once the file is laid out: `with_byte_ranges` fills these.
PLACEHOLDER = b"/ByteRange [0 ********** ********** **********]"


def signature(contents: bytes = b"00" * 32, extra: bytes = b"") -> bytes:
    """A signature dictionary: its /Contents the hex digits given, `extra` entries before."""
    return (
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
        + PLACEHOLDER
        + extra
        + b" /Contents <"
        + contents
        + b"> >>"
    )


def signed_form(fields: int = 1, value: bytes | None = None) -> dict[int, bytes]:
    """Objects of a one-page document whose form has `fields` signature fields (numbered
    from 10), all signed by one signature dictionary (object 4)."""
    refs = b" ".join(b"%d 0 R" % n for n in range(10, 10 + fields))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] /SigFlags 3 >> >>" % refs,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [%s] >>" % refs,
        4: value or signature(),
    }
    for number in range(10, 10 + fields):
        objects[number] = _field(number)
    return objects


def _field(number: int) -> bytes:
    return (
        b"<< /FT /Sig /T (S%d) /V 4 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0]"
        b" /F 132 /P 3 0 R >>" % number
    )


def assemble(objects: dict[int, bytes]) -> bytes:
    """The objects after HEADER, a cross-reference table, its trailer (/Root 1 0 R) and the
    byte ranges filled in."""
    body = bytearray(HEADER)
    offsets = {}
    for number, content in objects.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    at = len(body)
    body += b"xref\n0 1\n0000000000 65535 f \n"
    for number in sorted(offsets):
        body += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(objects) + 1,
        at,
    )
    return with_byte_ranges(bytes(body))


def with_byte_ranges(pdf: bytes) -> bytes:
    """Each PLACEHOLDER filled, as a signer does, with the whole file but the hex string of
    the /Contents that follows it."""
    data = bytearray(pdf)
    start = 0
    while (at := data.find(PLACEHOLDER, start)) != -1:
        hole = data.index(b"/Contents <", at) + len(b"/Contents ")
        end = data.index(b">", hole) + 1
        data[at : at + len(PLACEHOLDER)] = b"/ByteRange [0 %010d %010d %010d]" % (
            hole,
            end,
            len(data) - end,
        )
        start = end
    return bytes(data)


def huge_contents(total_bytes: int = 20 * MiB) -> bytes:
    """One signature whose /Contents fills the file with hex digits (issue 19: 10 million
    of them cost 14.4 CPU-s and 1.9 GB)."""
    room = total_bytes - len(assemble(signed_form()))
    return assemble(signed_form(value=signature(b"0" * (64 + room))))


def nested(depth: int = 100_000, total_bytes: int = 0) -> bytes:
    """A signature dictionary carrying arrays, then dictionaries, nested `depth` deep, the
    pair repeated until the file holds `total_bytes`."""
    block = b" " + b"[" * depth + b"]" * depth + b" << /A " * depth + b"0" + b" >>" * depth
    repeats = max(1, total_bytes // len(block))
    return assemble(signed_form(value=signature(extra=b" /Nest [" + block * repeats + b"]")))


def many_fields(count: int = 20_000, contents: bytes = b"00" * 32) -> bytes:
    """`count` signature fields signed by the one signature whose /Contents is given (a
    real CMS makes each field cost a verifier a parse)."""
    return assemble(signed_form(count, signature(contents)))


def prev_loop() -> bytes:
    """A document whose two last cross-reference sections name each other as /Prev."""
    data = assemble(signed_form())
    # Both sections list no object; their offsets are known before they are written.
    section = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 11 /Root 1 0 R /Prev %010d >>\n"
    first = len(data)
    second = first + len(section % 0)
    return data + section % second + section % first + b"startxref\n%d\n%%%%EOF\n" % second


def prev_chain(total_bytes: int = 20 * MiB) -> bytes:
    """Cross-reference sections, each naming the one before as /Prev, until the file holds
    `total_bytes`."""
    data = bytearray(assemble(signed_form()))
    previous = int(data[data.rindex(b"startxref") + len(b"startxref") :].split()[0])
    section = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 11 /Root 1 0 R /Prev %010d >>\n"
    while len(data) < total_bytes:
        at = len(data)
        data += section % previous
        previous = at
    return bytes(data + b"startxref\n%d\n%%%%EOF\n" % previous)


def flate_bomb(streams: int = 30, inflated_bytes: int = 63 * MiB, ratio: int = 100) -> bytes:
    """`streams` signature fields, each in an object stream of its own that inflates to
    `inflated_bytes` of blanks after the field. Bytes after the deflate data pad each
    stream so that it inflates `ratio` times its length (pyHanko refuses more than 100 by
    default); the objects are found through an xref stream."""
    objects = signed_form(streams)
    run, count = _blanks(inflated_bytes)
    packed = {}
    for holder, number in enumerate(range(10, 10 + streams), start=10 + streams):
        field = b"%d 0 " % number
        data = _deflate_then_blanks(field + objects.pop(number), run, count)
        data += b" " * max(0, inflated_bytes // ratio + 1024 - len(data))
        objects[holder] = (
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(field), len(data))
            + data
            + b"\nendstream"
        )
        packed[number] = holder
    return with_byte_ranges(_with_xref_stream(objects, packed))


def _blanks(size: int) -> tuple[bytes, int]:
    """Raw deflate blocks inflating to `size` blanks (rounded down to whole MiB): one
    compressed MiB, flushed so it stands alone, repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * MiB) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // MiB), size // MiB * MiB


def _deflate_then_blanks(data: bytes, run: bytes, count: int) -> bytes:
    """A zlib stream of `data` followed by `count` blanks (their deflate `run`)."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head.compress(data) + head.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    checksum = _adler32_after_blanks(zlib.adler32(data), count)
    return b"\x78\xda" + start + run + end + checksum.to_bytes(4, "big")


def _adler32_after_blanks(adler: int, count: int) -> int:
    """Adler-32 carried on over `count` blanks, in closed form (no GiB to scan)."""
    base, blank = 65521, 0x20
    low, high = adler & 0xFFFF, adler >> 16
    high = (high + count * low + blank * count * (count + 1) // 2) % base
    low = (low + blank * count) % base
    return (high << 16) | low


def _with_xref_stream(objects: dict[int, bytes], packed: dict[int, int]) -> bytes:
    """The objects after HEADER, found through an xref stream (object `packed[n]` holds
    object n at index 0)."""
    body = bytearray(HEADER)
    offsets = {}
    for number, content in objects.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    own = max(max(objects), max(packed)) + 1
    offsets[own] = len(body)
    rows = []
    for number in range(own + 1):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        elif number in packed:
            rows.append(b"\x02" + packed[number].to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x00\x00\x00\x00\x00\xff\xff")
    table = b"".join(rows)
    body += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        own,
        own + 1,
        len(table),
    )
    body += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[own]
    return bytes(body)
