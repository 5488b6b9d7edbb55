package main

import (
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestReadReplicaFlags: --db-read and --max-replica-lag are refused as a
// usage error (exit 2) where they cannot work, before any connection.
func TestReadReplicaFlags(t *testing.T) {
	data := t.TempDir()
	const db = "postgres://placemap@127.0.0.1:1/placemap"
	for _, tc := range []struct {
		args []string
		env  string
		msg  string
	}{
		{[]string{"sets", "--data", data, "--db-read", db}, "", "--db-read (or $PLACEMAP_DATABASE_READ_URLS) reads from replicas of a PostgreSQL primary"},
		{[]string{"sets", "--data", data}, db, "reads from replicas of a PostgreSQL primary"},
		{[]string{"sets", "--db", db, "--db-read", "replica.example.org"}, "", "want a postgres:// URL"},
		{[]string{"sets", "--db", db}, "replica.example.org", "--db-read wants postgres:// URLs"},
		{[]string{"sets", "--db", db, "--db-read", db, "--max-replica-lag", "0s"}, "", "--max-replica-lag wants a positive duration"},
	} {
		t.Setenv("PLACEMAP_DATABASE_READ_URLS", tc.env)
		code, _, errs := cli(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v (env %q): exit %d, %q; want %d and %q", tc.args, tc.env, code, errs, exitUsage, tc.msg)
		}
	}
}

// TestReadReplicaCommand: a command given a primary and its replica
// writes on the one and reads its write back.
func TestReadReplicaCommand(t *testing.T) {
	primary := testkit.NewCluster(t)
	replica := primary.NewReplica()
	flags := []string{"--db", primary.URL(), "--db-read", replica.URL(), "--max-replica-lag", "2s"}
	if code, out, errs := cli(t, append([]string{"demo"}, flags...)...); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	t.Setenv("PLACEMAP_DATABASE_READ_URLS", replica.URL()+","+replica.URL())
	code, out, errs := cli(t, "sets", "--db", primary.URL())
	if code != 0 || !strings.Contains(out, "lsoa") {
		t.Fatalf("sets over two replica URLs from the environment: %d %q %q", code, out, errs)
	}
}
