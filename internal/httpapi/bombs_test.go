package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// uploads lists the conflation uploads spooled in dir.
func uploads(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "placemap-conflate-*"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func post(t *testing.T, base, path string, body []byte) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest("POST", base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer token-editor")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Error struct{ Code, Message string }
	}
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &e)
	return res.StatusCode, e.Error.Code, e.Error.Message
}

// TestConflationBombsAre413: decompression bombs of each kind uploaded
// for conflation are answered 413 (a PBF inside gzip, which breaks the
// format, 400), naming the file and the limit; the review list is left as
// it was, and no spooled upload is left in the temporary directory. A
// lawful file past --max-decompressed-mb is refused the same way.
func TestConflationBombsAre413(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	bombs := []struct {
		file   string
		body   []byte
		status int
		code   string
		want   string
	}{
		{"bomb.osm.bz2", testkit.BombBzip2(t), 413, place.ETOOLARGE, "runs past 16 MiB"},
		{"bomb.osm.gz", testkit.BombXMLGzip(t), 413, place.ETOOLARGE, "runs past 16 MiB"},
		{"bomb.json.gz", testkit.BombJSONGzip(t), 413, place.ETOOLARGE, "runs past 16 MiB"},
		{"bomb.osm.pbf", testkit.BombPBFRawSize(t), 413, place.ETOOLARGE, "declares 1000 bytes uncompressed but inflates past"},
		{"block.osm.pbf", testkit.BombPBFBlockLimit(t), 413, place.ETOOLARGE, "inflates past the format's 33554432"},
		{"bomb.osm.pbf.gz", testkit.BombPBFGzip(t), 400, place.EINVALID, "PBF is compressed already"},
	}
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		if code, _, msg := post(t, srv.URL, "/api/conflations?file=one.osm", []byte(oneLibraryOSM)); code != 201 {
			t.Fatalf("a lawful upload: %d %s", code, msg)
		}
		pending := func() int {
			ps, err := st.Proposals(context.Background(), place.Pending)
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		before := pending()
		for _, b := range bombs {
			code, ecode, msg := post(t, srv.URL, "/api/conflations?file="+b.file, b.body)
			if code != b.status || ecode != b.code || !strings.HasPrefix(msg, b.file+": ") || !strings.Contains(msg, b.want) {
				t.Errorf("%s: %d %s %q; want %d %s naming the file and %q", b.file, code, ecode, msg, b.status, b.code, b.want)
			}
			if n := pending(); n != before {
				t.Errorf("%s: %d proposals pending, %d before", b.file, n, before)
			}
			if left := uploads(t, tmp); len(left) > 0 {
				t.Errorf("%s: spooled uploads left behind: %v", b.file, left)
			}
		}

		// The limit is the server's: 4 KiB of OSM XML in gzip against a
		// limit of 2 KiB.
		small := httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{MaxDecompressed: 2 << 10}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		smallSrv := httptest.NewServer(small)
		t.Cleanup(smallSrv.Close)
		xml := strings.Replace(oneLibraryOSM, "</osm>", strings.Repeat("<!-- padding -->", 256)+"</osm>", 1)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(xml))
		zw.Close()
		code, ecode, msg := post(t, smallSrv.URL, "/api/conflations?file=padded.osm.gz", gz.Bytes())
		if code != 413 || ecode != place.ETOOLARGE || !strings.Contains(msg, "padded.osm.gz: the gzip data decompresses to more than 2048 bytes, the limit (--max-decompressed-mb)") {
			t.Errorf("past the server's limit: %d %s %q", code, ecode, msg)
		}
		if code, _, msg := post(t, srv.URL, "/api/conflations?file=padded.osm.gz", gz.Bytes()); code != 201 {
			t.Errorf("within the default limit: %d %s", code, msg)
		}
	})
}

// TestRemoveStaleUploads: the spooled uploads a process left when it
// died are removed at start; other files, and directories of the same
// name, are not.
func TestRemoveStaleUploads(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"placemap-conflate-123", "placemap-conflate-456", "other-file"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("<osm>"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "placemap-conflate-dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	removed, err := httpapi.RemoveStaleUploads(dir)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v, %v; want the two uploads", removed, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 2 || !strings.HasSuffix(left[0], "other-file") || !strings.HasSuffix(left[1], "placemap-conflate-dir") {
		t.Errorf("left %v; want other-file and the directory", left)
	}
}
