// @ts-check
// placemap's colours, chosen so people with colour-vision deficiencies can
// tell them apart: test/js/palette.mjs checks every category colour
// against every other (and "other"), and the boundary sets' colours in the
// order they are given out, under normal vision and simulated
// protanopia, deuteranopia and tritanopia (Machado, Oliveira and
// Fernandes, 2009), and each against the map's background for contrast
// (WCAG 1.4.11, 3:1). Colour is never the only cue: the legend and the
// layer list name every colour, and closed assets are hollow.

export const BACKGROUND = '#f4f2ee';

// Boundary sets, in the order given out (the first two are shown at start).
export const SET_PALETTE = [
  '#0e7490', // teal
  '#b45309', // ochre
  '#6d28d9', // violet
  '#4d7c0f', // olive
  '#be185d', // raspberry
  '#1e3a8a', // navy
  '#b91c1c', // brick
  '#475569', // slate
  '#047857', // green
  '#86198f', // plum
];

// Asset categories with a colour of their own (from the Okabe–Ito and
// Tol palettes); the rest are OTHER_COLOR.
export const CATEGORY_COLORS = {
  library: '#0072b2', // blue
  community_centre: '#d55e00', // vermillion
  family_hub: '#7c3aed', // violet
  day_centre: '#332288', // indigo
};
export const OTHER_COLOR = '#6b7280';
