package store

import (
	"encoding/json"
	"time"
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
