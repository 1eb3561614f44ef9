"""The visible stamp of a signed result (dấu chữ ký số), in Vietnamese, drawn in DejaVu
Serif, the font of the forms: who signed, when (Vietnam time, as the case page shows it)
and where to check it, beside a QR code to the verification page."""

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import QRStampStyle

from onestop.paper import FONT, FONT_FILES, font_dir

TEXT = "Ký số bởi: %(signer)s\nThời gian ký: %(ts)s\nKiểm tra tại: %(url)s"
TIME_FORMAT = "%H:%M %d/%m/%Y (GMT+7)"  # of the signing moment in Asia/Ho_Chi_Minh
SIZE = 8  # pt


class _PerMilleGlyphs(GlyphAccumulator):
    """pyHanko (0.38) writes a CID font's widths and its TJ adjustments in the font's own
    units, which PDF reads as thousandths of an em: right only for a font of 1000 units per
    em. DejaVu has 2048, so its letters would stand twice their width apart. Shaping at a
    scale of 1000 and writing the widths in thousandths puts them where they belong."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._to_mille = 1000 / self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        cid, width = super()._get_cid_and_width(glyph_id)
        return cid, round(width * self._to_mille)

    def prepare_write(self):
        if not self._write_prepared:  # the widths once, in thousandths
            self._glyphs = {
                glyph: (cid, round(width * self._to_mille))
                for glyph, (cid, width) in self._glyphs.items()
            }
        super().prepare_write()


@dataclass(frozen=True)
class _PerMilleFont(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        # In memory: fontTools reads the tables lazily, after this returns.
        font = BytesIO(Path(self.font_file).read_bytes())
        return _PerMilleGlyphs(
            writer=writer, font_handle=font, font_size=self.font_size, obj_stream=obj_stream
        )


@cache
def style() -> QRStampStyle:
    """The stamp style (the font is embedded as a subset of the glyphs the stamp uses)."""
    font = _PerMilleFont(str(font_dir() / FONT_FILES[FONT]), font_size=SIZE)
    return QRStampStyle(
        stamp_text=TEXT,
        timestamp_format=TIME_FORMAT,
        text_box_style=TextBoxStyle(font=font, font_size=SIZE, leading=SIZE + 3),
        border_width=1,
    )
