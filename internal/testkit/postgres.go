package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresURL is the server tests use: $PLACEMAP_TEST_POSTGRES_URL or the
// local PostgreSQL on 127.0.0.1:5432.
func PostgresURL() string {
	if u := os.Getenv("PLACEMAP_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// PostGISDatabase creates a fresh database with the PostGIS extension for
// one test and drops it afterwards. It returns a connection to it. Under CI
// an unreachable server or a missing extension fails the test; elsewhere
// the test is skipped with a message.
func PostGISDatabase(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		unavailable(t, "PostgreSQL at "+PostgresURL()+" is unreachable: "+err.Error())
	}
	defer admin.Close(context.Background())
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "placemap_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		unavailable(t, "create test database: "+err.Error())
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := pgx.Connect(ctx, PostgresURL())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		unavailable(t, "PostGIS extension missing (apt-get install postgresql-15-postgis-3): "+err.Error())
	}
	return conn
}

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip("SKIP: " + msg)
}

// PostGISDatabaseURL creates a fresh database like PostGISDatabase and
// returns its URL, for code that opens its own connections.
func PostGISDatabaseURL(t testing.TB) string {
	t.Helper()
	conn := PostGISDatabase(t)
	cfg := conn.Config()
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
