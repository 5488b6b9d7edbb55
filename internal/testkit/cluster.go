package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Cluster is a PostgreSQL cluster of a test's own, on a temporary
// directory and port, so a test may stop, start and break it without
// touching the shared server.
type Cluster struct {
	t       testing.TB
	bin     string
	dir     string
	Port    int
	asUser  string // run the server as this user (initdb refuses root)
	running bool
}

// NewCluster creates and starts a cluster, and removes it when the test
// ends. Under CI a missing PostgreSQL installation fails the test.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bin := postgresBin()
	if bin == "" {
		unavailable(t, "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
	}
	c := newCluster(t, bin)
	if out, err := c.command(filepath.Join(bin, "initdb"), "-D", c.dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.Start()
	return c
}

// newCluster is a cluster not yet made: a temporary directory (owned by
// postgres when the test runs as root) removed when the test ends, and a
// free port.
func newCluster(t testing.TB, bin string) *Cluster {
	t.Helper()
	c := &Cluster{t: t, bin: bin}
	base, err := os.MkdirTemp("", "placemap-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = filepath.Join(base, "data")
	t.Cleanup(func() {
		if c.running {
			_ = c.pgctl("stop", "-m", "immediate")
		}
		os.RemoveAll(base)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs a postgres user to run the cluster: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(base, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.asUser = "postgres"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return c
}

// URL is the connection URL of the cluster's postgres database.
func (c *Cluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c full_page_writes=off", c.Port, filepath.Dir(c.dir))
	if err := c.pgctl("start", "-w", "-t", "60", "-o", opts, "-l", filepath.Join(filepath.Dir(c.dir), "server.log")); err != nil {
		log, _ := os.ReadFile(filepath.Join(filepath.Dir(c.dir), "server.log"))
		c.t.Fatalf("pg_ctl start: %v\n%s", err, log)
	}
	c.running = true
}

// Stop stops the server, ending every connection (pg_ctl -m fast).
func (c *Cluster) Stop() {
	c.t.Helper()
	if err := c.pgctl("stop", "-w", "-m", "fast"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v", err)
	}
	c.running = false
}

func (c *Cluster) pgctl(args ...string) error {
	args = append([]string{"-D", c.dir}, args...)
	out, err := c.command(filepath.Join(c.bin, "pg_ctl"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// postgresBin finds the newest installed server's bin directory.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a < b
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}
