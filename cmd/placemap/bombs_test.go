package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// rssLimit is the peak resident memory a process may reach refusing a
// bomb (the bound); the bombs hold 1 to 2 GiB.
const rssLimit = 512 << 20

// bombFiles writes a decompression bomb of each kind into dir.
func bombFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for name, b := range map[string][]byte{
		"bomb.osm.bz2":    testkit.BombBzip2(t),         // 1.6 KB → 2 GiB
		"bomb.osm.gz":     testkit.BombXMLGzip(t),       // 2 MB → 2 GiB
		"bomb.json.gz":    testkit.BombJSONGzip(t),      // 2 MB → 2 GiB
		"rawsize.osm.pbf": testkit.BombPBFRawSize(t),    // a block declaring 1,000 bytes, inflating to 2 GiB
		"block.osm.pbf":   testkit.BombPBFBlockLimit(t), // a block declaring 32 MiB, inflating to 1 GiB
		"bomb.osm.pbf.gz": testkit.BombPBFGzip(t),       // 1 MB → 1 GiB of raw blocks
	} {
		files[name] = filepath.Join(dir, name)
		if err := os.WriteFile(files[name], b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// procStatus reads a field of /proc/PID/status in bytes (VmRSS, VmHWM).
func procStatus(pid int, field string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// guard kills the process (or, with children, the first of its
// children: the command GNU time runs) if its memory passes four times
// the bound, so that a regression fails the test without taking the
// machine down.
func guard(pid int, children bool) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				target := pid
				if children {
					b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
					f := strings.Fields(string(b))
					if len(f) == 0 {
						continue
					}
					target, _ = strconv.Atoi(f[0])
				}
				if rss, ok := procStatus(target, "VmRSS"); ok && rss > 4*rssLimit {
					syscall.Kill(target, syscall.SIGKILL)
				}
			}
		}
	}()
	return func() { close(done) }
}

// runMeasured runs placemap with args under GNU time and returns its exit
// status, its standard error and its peak resident memory in bytes. The
// figure is GNU time's: the rusage of a process started straight from
// this one would count this test process's own peak, which Linux carries
// over a vfork and exec.
func runMeasured(t *testing.T, gnuTime, bin string, args ...string) (int, string, int64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "time")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", out, bin}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := guard(cmd.Process.Pid, true)
	cmd.Wait()
	stop()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(b)) // "Command exited with non-zero status 1" comes first
	kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("GNU time wrote %q", b)
	}
	return cmd.ProcessState.ExitCode(), stderr.String(), kb << 10
}

func needLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads peak memory from Linux's rusage and /proc")
	}
}

// TestCLIRefusesBombsWithinMemory: import osm and conflate osm refuse a
// decompression bomb of each kind with a message naming the file and the
// limit, write nothing (no assets, no report), and the process's peak
// resident memory (getrusage) stays under 512 MiB.
func TestCLIRefusesBombsWithinMemory(t *testing.T) {
	needLinux(t)
	gnuTime := testkit.Need(t, "/usr/bin/time", "GNU time (Debian package time)")
	bin := placemapBinary(t)
	dir, data := t.TempDir(), t.TempDir()
	if code, _, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "wards", "--title", "Wards", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	before := snapshot(t, data)
	want := map[string]string{
		"bomb.osm.bz2":    "bomb.osm.bz2: an OSM XML element runs past 16 MiB",
		"bomb.osm.gz":     "bomb.osm.gz: an OSM XML element runs past 16 MiB",
		"bomb.json.gz":    "bomb.json.gz: an Overpass JSON element runs past 16 MiB",
		"rawsize.osm.pbf": "rawsize.osm.pbf: block 1 of the PBF file declares 1000 bytes uncompressed but inflates past the format's 33554432",
		"block.osm.pbf":   "block.osm.pbf: block 1 of the PBF file declares 33554432 bytes uncompressed but inflates past the format's 33554432",
		"bomb.osm.pbf.gz": "bomb.osm.pbf.gz: a PBF file compressed again",
	}
	report := filepath.Join(dir, "report.csv")
	for name, file := range bombFiles(t, dir) {
		for _, args := range [][]string{
			{"import", "osm", file, "--data", data},
			{"conflate", "osm", file, "--report", report, "--data", data},
			// A smaller limit than the 16 MiB bound on one element: the
			// decompressed size is what refuses the bzip2 and gzip bombs.
			{"import", "osm", file, "--data", data, "--max-decompressed-mb", "4"},
		} {
			t.Run(name+" "+args[0]+" "+strings.Join(args[3:], " "), func(t *testing.T) {
				code, stderr, peak := runMeasured(t, gnuTime, bin, args...)
				t.Logf("%s: peak RSS %.1f MiB; %s", name, float64(peak)/(1<<20), strings.TrimSpace(stderr))
				if code != 1 {
					t.Errorf("exit %d, want 1", code)
				}
				msg := want[name]
				limited := args[len(args)-2] == "--max-decompressed-mb"
				if limited && name == "block.osm.pbf" { // its one block declares 32 MiB
					msg = "block.osm.pbf: the PBF data (its blocks added up) decompresses to more than 4 MiB, the limit (--max-decompressed-mb)"
				}
				if limited && !strings.Contains(name, ".pbf") {
					msg = name + ": the " + map[bool]string{true: "bzip2", false: "gzip"}[strings.HasSuffix(name, ".bz2")] +
						" data decompresses to more than 4 MiB, the limit (--max-decompressed-mb): refused as a decompression bomb"
				}
				if !strings.Contains(stderr, msg) {
					t.Errorf("stderr %q, want %q", stderr, msg)
				}
				if peak <= 0 || peak >= rssLimit {
					t.Errorf("peak RSS %d MiB refusing %s; want under %d MiB", peak>>20, name, rssLimit>>20)
				}
				if after := snapshot(t, data); after != before {
					t.Errorf("store changed: %q → %q", before, after)
				}
				if _, err := os.Stat(report); err == nil {
					t.Errorf("a report was written")
				}
			})
		}
	}
	if code, _, errs := cli(t, "import", "osm", "x.osm", "--max-decompressed-mb", "0", "--data", data); code != 2 || !strings.Contains(errs, "--max-decompressed-mb 0: want 1 to") {
		t.Errorf("--max-decompressed-mb 0: exit %d, %q", code, errs)
	}
}

// TestServeRefusesBombsAndLeavesNoUploads runs placemap serve as a
// process with its own temporary directory: an upload left there by a
// process that died is removed at start; a decompression bomb of each
// kind uploaded for conflation is answered 413 (the PBF inside gzip 400)
// with the server's peak resident memory (VmHWM) under 512 MiB; and an
// upload under way is spooled to a file that has no name, so that when
// the server is killed mid-upload nothing is left behind.
func TestServeRefusesBombsAndLeavesNoUploads(t *testing.T) {
	needLinux(t)
	bin := placemapBinary(t)
	data, tmp := t.TempDir(), t.TempDir()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	u := auth.User{ID: "u-editor", Email: "editor@example.org", Role: auth.Editor, PasswordHash: "-", CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-editor"), UserID: u.ID, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	stale := filepath.Join(tmp, "placemap-conflate-1234567")
	if err := os.WriteFile(stale, []byte("<osm>half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	bombs := bombFiles(t, t.TempDir())

	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--no-demo")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := guard(cmd.Process.Pid, false)
	defer func() { stop(); cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("serve printed nothing")
	}
	_, rest, _ := strings.Cut(sc.Text(), "serving ")
	base := strings.Fields(rest)[0]
	go io.Copy(io.Discard, out)

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale upload %s is still there (%v)", stale, err)
	}
	upload := func(name string, body io.Reader) (int, string) {
		req, err := http.NewRequest("POST", base+"/api/conflations?file="+name, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer token-editor")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for name, file := range bombs {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		code, body := upload(name, bytes.NewReader(b))
		wantCode := http.StatusRequestEntityTooLarge
		if strings.HasSuffix(name, ".pbf.gz") {
			wantCode = http.StatusBadRequest
		}
		if code != wantCode || !strings.Contains(body, name+": ") {
			t.Errorf("%s: %d %s; want %d naming the file", name, code, body, wantCode)
		}
	}
	peak, ok := procStatus(cmd.Process.Pid, "VmHWM")
	t.Logf("server peak RSS after six bombs: %.1f MiB", float64(peak)/(1<<20))
	if !ok || peak >= rssLimit {
		t.Errorf("server peak RSS %d MiB (read %v); want under %d MiB", peak>>20, ok, rssLimit>>20)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "placemap-conflate-*")); len(left) > 0 {
		t.Errorf("uploads left behind: %v", left)
	}

	// An upload under way: its file is open in the server, and nameless.
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", base+"/api/conflations?file=slow.osm", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer token-editor")
	go func() {
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	if _, err := pw.Write([]byte(`<osm version="0.6">` + strings.Repeat("\n", 64<<10))); err != nil {
		t.Fatal(err)
	}
	spooled := func() bool {
		fds, _ := os.ReadDir("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/fd")
		for _, fd := range fds {
			target, _ := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/fd/" + fd.Name())
			if strings.HasPrefix(target, filepath.Join(tmp, "placemap-conflate-")) {
				return true
			}
		}
		return false
	}
	waitFor(t, "the upload to be spooled", 30*time.Second, spooled)
	if left, _ := filepath.Glob(filepath.Join(tmp, "placemap-conflate-*")); len(left) > 0 {
		t.Errorf("an upload under way has a name in the temporary directory: %v", left)
	}
	cmd.Process.Kill()
	cmd.Wait()
	pw.Close()
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("the server was killed mid-upload and left %v", left)
	}
}
