-- A covering index for low-zoom asset tiles, which count assets by cell and
-- category: looking an R-tree hit up here reads a few index pages instead of
-- the asset's whole row (halves a z8 tile over a million assets).

-- +goose Up
CREATE INDEX assets_cell ON assets (fid, lon, lat, category);

-- +goose Down
DROP INDEX assets_cell;
