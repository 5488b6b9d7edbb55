package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestCrashSafetyGeoPackage kills placemap with SIGKILL in the middle of
// writes — a server taking API writes from eight clients, and, at the same
// time, a second process importing 8,000 assets into the same file — then
// reopens the GeoPackage: PRAGMA integrity_check is ok, GDAL reads it,
// every write the server acknowledged is there, and the import is all or
// nothing.
func TestCrashSafetyGeoPackage(t *testing.T) {
	bin := placemapBinary(t)
	ogrinfo := testkit.Need(t, "ogrinfo", "gdal-bin")
	data := t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	u := auth.User{ID: "u-ed", Email: "ed@example.org", Role: auth.Editor, CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("crash-token"), UserID: u.ID, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	before, err := store.AllAssets(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	// The importer's file: 8,000 points around Sheffield.
	var b strings.Builder
	b.WriteString("name,lon,lat,category\n")
	for i := 0; i < 8000; i++ {
		fmt.Fprintf(&b, "Imported %d,%.6f,%.6f,community_centre\n", i, -1.55+0.2*float64(i%200)/200, 53.33+0.12*float64(i/200)/100)
	}
	importFile := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(importFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--no-demo", "--writes-per-minute", "100000")
	out, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("serve printed nothing")
	}
	_, rest, _ := strings.Cut(sc.Text(), "serving ")
	base := strings.Fields(rest)[0]

	importer := exec.Command(bin, "import", "assets", importFile, "--data", data)
	if err := importer.Start(); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	acked := map[string]bool{}
	codes := map[int]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Longer than SQLite's 10 s busy timeout: a write queued behind the
	// import gets the server's answer (201, or 503 when the lock stays
	// taken) rather than the client giving up first.
	client := &http.Client{Timeout: 30 * time.Second}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"type":"Feature","properties":{"name":"Written %d-%d","category":"library"},"geometry":{"type":"Point","coordinates":[-1.47,53.38]}}`, w, i)
				req, _ := http.NewRequest("POST", base+"/api/assets", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer crash-token")
				req.Header.Set("Content-Type", "application/geo+json")
				res, err := client.Do(req)
				if err != nil {
					select {
					case <-stop:
						return // the server is gone
					case <-time.After(100 * time.Millisecond):
						continue // try again until the kill
					}
				}
				var a struct{ ID string }
				_ = json.NewDecoder(res.Body).Decode(&a)
				res.Body.Close()
				mu.Lock()
				codes[res.StatusCode]++
				if res.StatusCode == http.StatusCreated && a.ID != "" {
					acked[a.ID] = true
				}
				mu.Unlock()
			}
		}(w)
	}
	// Let writes pile up, then kill both processes mid-write.
	deadline := time.Now().Add(90 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("no 40 acknowledged writes in 90 s: answers %v", codes)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	_ = importer.Process.Signal(syscall.SIGKILL)
	_ = serve.Process.Signal(syscall.SIGKILL)
	close(stop)
	wg.Wait()
	_ = importer.Wait()
	_ = serve.Wait()
	importFinished := importer.ProcessState.Success()

	// The file as it was left: SQLite's own check, before placemap opens it.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, gpkg.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after SIGKILL: %q %v", check, err)
	}
	db.Close()
	if out, err := exec.Command(ogrinfo, "-ro", "-so", filepath.Join(data, gpkg.FileName), "assets").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "Feature Count:") {
		t.Fatalf("GDAL after SIGKILL: %v\n%s", err, out)
	}
	st, err = gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	after, err := store.AllAssets(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	imported := 0
	for _, a := range after {
		have[a.ID] = true
		if strings.HasPrefix(a.Name, "Imported ") {
			imported++
		}
	}
	lost := 0
	for id := range acked {
		if !have[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	if imported != 0 && imported != 8000 {
		t.Errorf("the killed import left %d of 8,000 assets: not all or nothing", imported)
	}
	if importFinished && imported != 8000 {
		t.Errorf("the import finished but %d assets are there", imported)
	}
	t.Logf("%d assets before, %d acknowledged writes all kept, import finished before the kill: %v (%d imported), %d after",
		len(before), len(acked), importFinished, imported, len(after))
}
