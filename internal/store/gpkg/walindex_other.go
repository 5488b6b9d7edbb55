//go:build !unix

package gpkg

import "errors"

// mapWalIndex: elsewhere than on unix the version is read through PRAGMA
// data_version every time.
func mapWalIndex(string) (*walIndex, func(), error) {
	return nil, nil, errors.New("wal-index not mapped on this system")
}
