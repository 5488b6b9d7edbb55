package store

import (
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// EncodeProvenance is how both stores keep a set's provenance: JSON text,
// "" for none.
func EncodeProvenance(p *place.Provenance) (string, error) {
	if p == nil {
		return "", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("provenance: %w", err)
	}
	return string(b), nil
}

// DecodeProvenance reads what EncodeProvenance wrote.
func DecodeProvenance(s string) (*place.Provenance, error) {
	if s == "" {
		return nil, nil
	}
	var p place.Provenance
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	return &p, nil
}
