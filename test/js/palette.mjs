#!/usr/bin/env node
// Checks web/palette.js: every category colour (and "other") differs from
// every other by at least 20 CIE76 ΔE under normal vision and simulated
// protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes
// 2009, severity 1); the first three boundary-set colours likewise by 30
// and each set colour from the next by 20; and every colour has at least
// 3:1 contrast with the map background (WCAG 1.4.11).
// Prints the worst pairs and exits 1 if any check fails.
import { SET_PALETTE, CATEGORY_COLORS, OTHER_COLOR, BACKGROUND } from '../../web/palette.js';

const VISION = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};
const lin = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const rgb = (hex) => { const n = parseInt(hex.slice(1), 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(lin); };
function lab([r, g, b]) {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * b, z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const seen = (hex, m) => { const c = rgb(hex); return m.map((row) => Math.min(1, Math.max(0, row[0] * c[0] + row[1] * c[1] + row[2] * c[2]))); };
function worst(a, b) {
  let w = { d: Infinity };
  for (const [vision, m] of Object.entries(VISION)) {
    const [p, q] = [lab(seen(a, m)), lab(seen(b, m))];
    const d = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    if (d < w.d) w = { d, vision };
  }
  return w;
}
const luminance = (hex) => { const [r, g, b] = rgb(hex); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };

const problems = [];
const pairs = (list, min, what) => {
  let least = Infinity;
  for (const [a, b] of list) {
    const w = worst(a, b);
    least = Math.min(least, w.d);
    if (w.d < min) problems.push(`${what}: ${a} and ${b} differ by ${w.d.toFixed(1)} ΔE under ${w.vision}, want ≥ ${min}`);
  }
  return least;
};
const cats = [...Object.values(CATEGORY_COLORS), OTHER_COLOR];
const all = (list) => list.flatMap((a, i) => list.slice(i + 1).map((b) => [a, b]));
const catMin = pairs(all(cats), 20, 'categories');
const firstMin = pairs(all(SET_PALETTE.slice(0, 3)), 30, 'the first three sets');
const nextMin = pairs(SET_PALETTE.slice(1).map((b, i) => [SET_PALETTE[i], b]), 20, 'consecutive sets');
for (const c of [...cats, ...SET_PALETTE]) {
  const r = contrast(c, BACKGROUND);
  if (r < 3) problems.push(`${c} has ${r.toFixed(2)}:1 contrast with the background ${BACKGROUND}, want ≥ 3:1`);
}
console.log(`categories: least ΔE ${catMin.toFixed(1)}; first three sets: ${firstMin.toFixed(1)}; consecutive sets: ${nextMin.toFixed(1)}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
