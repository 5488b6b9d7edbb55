// Package demo loads the Sheffield demo described by seeds/demo.json from
// the embedded seeds and geodata into a store.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/placemap/placemap/geodata"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/seeds"
)

// Manifest is seeds/demo.json.
type Manifest struct {
	Title   string        `json:"title"`
	Sets    []SetEntry    `json:"sets"`
	Lookups []LookupEntry `json:"lookups"`
	Assets  []AssetsEntry `json:"assets"`
}

// SetEntry is a boundary file that becomes a set.
type SetEntry struct {
	File      string `json:"file"`
	CodeField string `json:"code_field"`
	NameField string `json:"name_field"`
	place.BoundarySet
}

// LookupEntry is a lookup table that builds a set from another set's areas.
type LookupEntry struct {
	File       string `json:"file"`
	Units      string `json:"units"`
	UnitField  string `json:"unit_field"`
	GroupField string `json:"group_field"`
	NameField  string `json:"name_field"`
	place.BoundarySet
}

// AssetsEntry is an asset file.
type AssetsEntry struct {
	File        string `json:"file"`
	Source      string `json:"source"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
}

// ReadManifest reads the embedded demo manifest.
func ReadManifest() (Manifest, error) {
	var m Manifest
	b, err := fs.ReadFile(seeds.FS, "demo.json")
	if err != nil {
		return m, fmt.Errorf("read seeds/demo.json: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("seeds/demo.json: %w", err)
	}
	return m, nil
}

// open returns an embedded file: "seeds:NAME" from seeds/, else from geodata/.
func open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, "seeds:"); ok {
		return seeds.FS.Open(rest)
	}
	return geodata.FS.Open(name)
}

// Load imports every set, lookup set and asset file of the demo into st.
func Load(ctx context.Context, st importer.Store, log *slog.Logger) error {
	m, err := ReadManifest()
	if err != nil {
		return err
	}
	start := time.Now()
	for _, e := range m.Sets {
		f, err := open(e.File)
		if err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
		res, err := importer.Set(ctx, st, f, e.File, e.BoundarySet, formats.BoundaryOptions{CodeField: e.CodeField, NameField: e.NameField})
		f.Close()
		if err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
		log.Info("demo set loaded", "set", e.Slug, "areas", res.Areas, "repaired", res.Repaired)
	}
	for _, e := range m.Lookups {
		f, err := open(e.File)
		if err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
		res, err := importer.SetFromLookup(ctx, st, f, e.File, e.BoundarySet, importer.LookupOptions{
			Units: e.Units, UnitField: e.UnitField, GroupField: e.GroupField, NameField: e.NameField})
		f.Close()
		if err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
		log.Info("demo set loaded", "set", e.Slug, "areas", res.Areas, "from", e.Units, "unassigned_units", len(res.Unassigned))
	}
	for _, e := range m.Assets {
		f, err := open(e.File)
		if err != nil {
			return fmt.Errorf("demo assets %s: %w", e.File, err)
		}
		rep, err := importer.Assets(ctx, st, f, e.File, formats.AssetOptions{Source: e.Source, Licence: e.Licence, Attribution: e.Attribution})
		f.Close()
		if err != nil {
			return fmt.Errorf("demo assets %s: %w", e.File, err)
		}
		log.Info("demo assets loaded", "file", e.File, "assets", rep.Assets, "memberships", rep.Memberships)
	}
	log.Info("demo loaded", "title", m.Title, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
