package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placemap/placemap/internal/store"
)

func TestLagBehind(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	history := []sample{{now.Add(-10 * time.Second), 100}, {now.Add(-3 * time.Second), 200}, {now.Add(-1 * time.Second), 300}}
	for _, c := range []struct {
		replay store.LSN
		want   time.Duration
	}{
		{300, 0},               // has all the primary had
		{400, 0},               // sampled later than the primary
		{250, time.Second},     // lacks only the newest sample's
		{200, time.Second},     // a position equal to a sample's has it
		{150, 3 * time.Second}, // lacks the last two
		{50, 10 * time.Second}, // lacks them all: at least the oldest's age
	} {
		if got := lagBehind(history, c.replay, now); got != c.want {
			t.Errorf("lagBehind(replay %d) = %s, want %s", c.replay, got, c.want)
		}
	}
	if got := lagBehind(nil, 5, now); got != 0 {
		t.Errorf("no history: %s, want 0", got)
	}
}

func TestRecord(t *testing.T) {
	r := &router{maxLag: time.Second, every: 100 * time.Millisecond}
	at := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	r.record(at, 10)
	r.record(at.Add(time.Second), 10) // the log stood still: the first sample stays the oldest lacking 10
	r.record(at.Add(2*time.Second), 20)
	if len(r.history) != 2 || r.history[0].at != at || r.history[1].lsn != 20 {
		t.Fatalf("history %+v", r.history)
	}
	r.record(at.Add(time.Minute), 20)
	if len(r.history) != 1 || r.history[0].lsn != 20 {
		t.Fatalf("history after a minute %+v, want the newest sample alone", r.history)
	}
}

func TestReplicaFault(t *testing.T) {
	for _, c := range []struct {
		err         error
		down, again bool
	}{
		{&pgconn.PgError{Code: "40001", Message: "canceling statement due to conflict with recovery"}, false, true},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true, true},
		{&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, true, true},
		{&pgconn.PgError{Code: "08006"}, true, true},
		{&pgconn.PgError{Code: "53300", Message: "too many connections"}, true, true},
		{&pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, false, false},
		{&pgconn.PgError{Code: "42P01", Message: `relation "x" does not exist`}, false, false},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, true},
		{errors.New("conn closed"), true, true},
		{context.Canceled, false, false},
		{context.DeadlineExceeded, false, false},
		{errors.New("cannot scan NULL into *string"), false, false},
	} {
		down, again := replicaFault(c.err)
		if down != c.down || again != c.again {
			t.Errorf("replicaFault(%v) = %v, %v; want %v, %v", c.err, down, again, c.down, c.again)
		}
	}
}

func TestReplicaUpdate(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	history := []sample{{now.Add(-3 * time.Second), 100}, {now.Add(-time.Second), 200}}
	for _, c := range []struct {
		name    string
		was     bool
		p       probe
		healthy bool
		reason  string
		msg     string
	}{
		{"caught up", false, probe{recovery: true, hasReplay: true, replay: 200, sysid: 7}, true, "", "takes reads again"},
		{"a second behind", true, probe{recovery: true, hasReplay: true, replay: 150, sysid: 7}, true, "", ""},
		{"three seconds behind", true, probe{recovery: true, hasReplay: true, replay: 50, sysid: 7}, false, "3.0 s behind the primary", "skipped"},
		{"down", true, probe{err: errors.New("dial tcp 127.0.0.1:5433: connect: connection refused")}, false, "unreachable: dial tcp", "skipped"},
		{"promoted", true, probe{recovery: false, sysid: 7}, false, "not a standby", "skipped"},
		{"another primary's", false, probe{recovery: true, hasReplay: true, replay: 200, sysid: 8}, false, "another primary", ""},
		{"system identifier withheld", false, probe{recovery: true, hasReplay: true, replay: 200}, true, "", "takes reads again"},
	} {
		rep := &replica{name: "r", healthy: c.was, gaveUp: 99}
		msg := rep.update(c.p, history, 7, now, 2*time.Second)
		if rep.healthy != c.healthy || !strings.Contains(rep.reason, c.reason) || (c.reason == "" && rep.reason != "") ||
			!strings.Contains(msg, c.msg) || (c.msg == "" && msg != "") || rep.gaveUp != 0 {
			t.Errorf("%s: healthy %v, reason %q, message %q; want %v, %q, %q", c.name, rep.healthy, rep.reason, msg, c.healthy, c.reason, c.msg)
		}
	}
}
