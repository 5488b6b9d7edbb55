package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// Network is a routing graph kept with the store, one per mode: the
// encoded graph (network.Graph.MarshalBinary) and its build report.
type Network struct {
	Mode    string          // walk or cycle
	Source  string          // the extract it was built from (file name)
	BuiltAt time.Time       // when it was imported
	Report  json.RawMessage // network.Report as JSON
	Graph   []byte          // network.Graph.MarshalBinary
}

// ReplaceNetwork keeps n as the network of its mode, replacing the one
// before in one transaction: on any error the old network stays.
func (db *DB) ReplaceNetwork(ctx context.Context, n Network) error {
	switch {
	case n.Mode != "walk" && n.Mode != "cycle":
		return place.Errorf(place.EINVALID, "network mode %q: want walk or cycle", n.Mode)
	case len(n.Graph) == 0:
		return place.Errorf(place.EINVALID, "network %s from %s: the graph is empty", n.Mode, n.Source)
	case !json.Valid(n.Report):
		return place.Errorf(place.EINVALID, "network %s from %s: the report is not JSON", n.Mode, n.Source)
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		built := n.BuiltAt
		if built.IsZero() {
			built = tx.now
		}
		if _, err := tx.Exec(ctx, sqlDeleteNetwork, n.Mode); err != nil {
			return fmt.Errorf("clear the %s network: %w", n.Mode, err)
		}
		_, err := tx.Exec(ctx, sqlInsertNetwork,
			n.Mode, n.Source, dbTime(built), string(n.Report), n.Graph)
		if err != nil {
			return fmt.Errorf("write the %s network: %w", n.Mode, err)
		}
		return nil
	})
}

// Network returns the network of a mode; NoNetwork when there is none.
func (db *DB) Network(ctx context.Context, mode string) (Network, error) {
	return db.readNetwork(ctx, mode, true)
}

// NetworkInfo is Network without the graph: what GET /api/network shows.
func (db *DB) NetworkInfo(ctx context.Context, mode string) (Network, error) {
	return db.readNetwork(ctx, mode, false)
}

// NoNetwork is the error for a mode with no network kept (ENOTFOUND),
// saying how to import one.
func NoNetwork(mode string) error {
	return place.Errorf(place.ENOTFOUND, "no %s network: import one with placemap import network FILE.osm.pbf --mode %s", mode, mode)
}

// readNetwork reads the network of a mode, its graph too when withGraph.
func (db *DB) readNetwork(ctx context.Context, mode string, withGraph bool) (Network, error) {
	n := Network{Mode: mode}
	var report string
	q, dest := sqlNetworkInfo, []any{&n.Source, timeScan{&n.BuiltAt}, &report}
	if withGraph {
		q, dest = sqlNetwork, append(dest, &n.Graph)
	}
	err := db.d.Conns.Reads().QueryRow(ctx, q, mode).Scan(dest...)
	if noRows(err) {
		return n, NoNetwork(mode)
	}
	if err != nil {
		return n, fmt.Errorf("read the %s network: %w", mode, err)
	}
	n.Report = json.RawMessage(report)
	return n, nil
}

// AssetRef names an asset by its FID: what an indicator of kind asset
// holds.
type AssetRef struct {
	FID      int64  `json:"fid"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// AssetsByFID returns the assets with these FIDs (those that still
// exist), by FID.
func (db *DB) AssetsByFID(ctx context.Context, fids []int64) (map[int64]AssetRef, error) {
	out := make(map[int64]AssetRef, len(fids))
	for start := 0; start < len(fids); start += 500 {
		chunk := fids[start:min(start+500, len(fids))]
		var a args
		marks := make([]string, len(chunk))
		for i, f := range chunk {
			marks[i] = a.add(f)
		}
		rows, err := db.d.Conns.Reads().Query(ctx, `SELECT fid, id, name, category FROM assets WHERE fid IN (`+strings.Join(marks, ", ")+`)`, a...)
		list, err := collect(rows, err, func(r Row) (AssetRef, error) {
			var x AssetRef
			err := r.Scan(&x.FID, &x.ID, &x.Name, &x.Category)
			return x, err
		})
		if err != nil {
			return nil, fmt.Errorf("assets by fid: %w", err)
		}
		for _, x := range list {
			out[x.FID] = x
		}
	}
	return out, nil
}
