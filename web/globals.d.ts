// The globals the vendored browser libraries set (index.html loads their
// UMD builds by <script>), typed from their npm packages, and the handle
// app.js puts on window for the browser tests.
declare global {
  interface Window {
    maplibregl: typeof import('maplibre-gl');
    terraDraw: typeof import('terra-draw');
    terraDrawMaplibreGlAdapter: typeof import('terra-draw-maplibre-gl-adapter');
    placemap: object;
    placemapEmbed: {map: import("maplibre-gl").Map | null, ready: Promise<{sets: number}> | null};
  }
}
export {};
