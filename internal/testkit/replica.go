package testkit

import (
	"path/filepath"
	"strconv"
)

// NewReplica makes a streaming replica of c: a base backup of it
// (pg_basebackup -R, so the copy follows c) in a directory and on a port
// of its own, started as a hot standby, and removed when the test ends.
// c needs no setup for it: initdb's defaults stream WAL and trust
// replication connections from 127.0.0.1.
func (c *Cluster) NewReplica() *Cluster {
	c.t.Helper()
	r := newCluster(c.t, c.bin)
	out, err := r.command(filepath.Join(c.bin, "pg_basebackup"), "-D", r.dir, "-R", "-X", "stream", "-c", "fast",
		"-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres").CombinedOutput()
	if err != nil {
		c.t.Fatalf("pg_basebackup: %v\n%s", err, out)
	}
	r.Start()
	return r
}

// Kill stops the server at once, as a crash or a pulled cable would
// (pg_ctl -m immediate): connections end without a goodbye.
func (c *Cluster) Kill() {
	c.t.Helper()
	if err := c.pgctl("stop", "-w", "-m", "immediate"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v", err)
	}
	c.running = false
}
