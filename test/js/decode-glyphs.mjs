// Decodes a glyph range with pbf, reading it as MapLibre's glyph reader
// does (src/style/parse_glyph_pbf.ts: fontstacks of field 1, each glyph's
// fields 1-7, the bitmap (width+6)×(height+6) bytes), and prints what it found
// as JSON for the Go tests to check.
//
//   node test/js/decode-glyphs.mjs FILE
//
// Output: {"stacks": [{"name", "range", "glyphs": [{"id", "width", "height",
// "left", "top", "advance", "bitmap_bytes", "bitmap_fits", "max", "min"}]}]}
import { readFileSync } from 'node:fs';
import { PbfReader } from 'pbf';

const GLYPH_PBF_BORDER = 3;

function readFontstacks(tag, stacks, pbf) {
  if (tag === 1) {
    stacks.push(pbf.readMessage(readFontstack, { name: '', range: '', glyphs: [] }));
  }
}

function readFontstack(tag, stack, pbf) {
  if (tag === 1) stack.name = pbf.readString();
  else if (tag === 2) stack.range = pbf.readString();
  else if (tag === 3) {
    const g = pbf.readMessage(readGlyph, {});
    const w = g.width + 2 * GLYPH_PBF_BORDER;
    const h = g.height + 2 * GLYPH_PBF_BORDER;
    const bytes = g.bitmap ? g.bitmap.length : 0;
    stack.glyphs.push({
      id: g.id, width: g.width, height: g.height, left: g.left, top: g.top, advance: g.advance,
      bitmap_bytes: bytes, bitmap_fits: g.width === 0 ? bytes === 0 : bytes === w * h,
      max: bytes ? Math.max(...g.bitmap) : 0, min: bytes ? Math.min(...g.bitmap) : 0,
    });
  }
}

function readGlyph(tag, glyph, pbf) {
  if (tag === 1) glyph.id = pbf.readVarint();
  else if (tag === 2) glyph.bitmap = pbf.readBytes();
  else if (tag === 3) glyph.width = pbf.readVarint();
  else if (tag === 4) glyph.height = pbf.readVarint();
  else if (tag === 5) glyph.left = pbf.readSVarint();
  else if (tag === 6) glyph.top = pbf.readSVarint();
  else if (tag === 7) glyph.advance = pbf.readVarint();
}

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node decode-glyphs.mjs FILE');
  process.exit(2);
}
const stacks = new PbfReader(readFileSync(file)).readFields(readFontstacks, []);
process.stdout.write(JSON.stringify({ stacks }));
