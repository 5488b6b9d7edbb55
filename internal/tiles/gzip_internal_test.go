package tiles

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// TestGzipped: tiles small and large (each gzipped by its own package)
// come back whole through the standard library's reader, from writers
// new and reused.
func TestGzipped(t *testing.T) {
	r := &Renderer{}
	for i := range r.gzips {
		r.gzips[i] = make(chan gzipWriter, 2)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{GzipAbove + 1, gzipFastAbove - 1, gzipFastAbove, 600 << 10} {
		var b bytes.Buffer // compressible, as tiles are: names and codes
		for b.Len() < n {
			fmt.Fprintf(&b, "E0%07d Sheffield %03d%c ", rnd.IntN(40000), rnd.IntN(600), 'A'+rnd.IntN(5))
		}
		data := b.Bytes()[:n]
		for range 2 {
			gz, err := r.gzipped(data)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%d bytes gzipped to %d came back as %d (%v)", n, len(gz), len(got), err)
			}
			if len(gz) >= n {
				t.Errorf("%d bytes gzipped to %d", n, len(gz))
			}
		}
	}
}
