package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// The static engine is the physical limit of serving a tile over loopback
// HTTP here: Go's file server (in a process of its own, as placemap is)
// sending the very bytes placemap sent, read from files, gzipped ones
// beside the others as a server's precompressed files are (nginx's
// gzip_static). tilebench fills the directory by fetching each tile once
// from placemap, then measures the file server like any other engine.

// serveStatic serves dir on addr until killed, printing the address it
// listens on as its first line.
func serveStatic(dir, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("static server: %w", err)
	}
	fmt.Println(ln.Addr().String())
	files := http.FileServer(http.Dir(dir))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			name := filepath.Join(dir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path))) + ".gz"
			if _, err := os.Stat(name); err == nil {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Vary", "Accept-Encoding")
				http.ServeFile(w, r, name)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
	return http.Serve(ln, h)
}

// staticServer is a file server process over a directory tilebench fills.
type staticServer struct {
	dir  string
	base string // http://host:port
	cmd  *exec.Cmd
	raw  *http.Client // asks placemap for the bytes as they are sent, undecoded
}

// startStatic starts this program as a file server over a new directory.
func startStatic() (*staticServer, error) {
	dir, err := os.MkdirTemp("", "tilebench-static-")
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-serve-static", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start static server: %w", err)
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("static server's address: %w", err)
	}
	return &staticServer{dir: dir, base: "http://" + strings.TrimSpace(addr), cmd: cmd,
		raw: &http.Client{Transport: &http.Transport{DisableCompression: true}}}, nil
}

func (s *staticServer) stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	_ = os.RemoveAll(s.dir)
}

// template is the URL template of the files, as -http takes.
func (s *staticServer) template() string { return s.base + "/{layer}/{z}/{x}/{y}.mvt" }

// fill fetches every tile of ts from src (a URL template) once, plain and
// gzipped, and writes the bytes where the file server finds them.
func (s *staticServer) fill(ctx context.Context, src, layer string, ts []maptile.Tile) error {
	for _, t := range ts {
		url := expand(src, layer, t)
		name := filepath.Join(s.dir, layer, strconv.Itoa(int(t.Z)), strconv.Itoa(int(t.X)), strconv.Itoa(int(t.Y))+".mvt")
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		for _, gz := range []bool{false, true} {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			res, err := s.raw.Do(req)
			if err != nil {
				return err
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				return err
			}
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
				return fmt.Errorf("%s: %s", url, res.Status)
			}
			if gz && res.Header.Get("Content-Encoding") != "gzip" {
				continue // sent as it is: the plain file serves it
			}
			file := name
			if gz {
				file += ".gz"
			}
			if err := os.WriteFile(file, b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
