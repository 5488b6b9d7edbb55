package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not argon2id PHC", h)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") || CheckPassword("garbage", "x") {
		t.Error("CheckPassword")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		r, min Role
		ok     bool
	}{
		{Admin, Editor, true}, {Moderator, Editor, true}, {Editor, Editor, true},
		{Contributor, Editor, false}, {"", Contributor, false}, {Editor, Moderator, false},
	} {
		if got := tc.r.AtLeast(tc.min); got != tc.ok {
			t.Errorf("%q.AtLeast(%q) = %v", tc.r, tc.min, got)
		}
	}
}

func TestSecrets(t *testing.T) {
	s1, h1, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := NewSecret()
	if s1 == s2 || len(s1) < 40 || HashSecret(s1) != h1 || h1 == s1 {
		t.Errorf("secrets %q %q hash %q", s1, s2, h1)
	}
}

// TestDummyHash: a sign-in for an unknown address verifies against a hash
// with the parameters of a real one, and never succeeds.
func TestDummyHash(t *testing.T) {
	real, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dummyHash[:strings.LastIndex(dummyHash[:strings.LastIndex(dummyHash, "$")], "$")], real[:strings.LastIndex(real[:strings.LastIndex(real, "$")], "$")]; got != want {
		t.Errorf("dummy hash parameters %q, want those of HashPassword %q", got, want)
	}
	parts := strings.Split(dummyHash, "$")
	if len(parts) != 6 || !wellFormed(dummyHash) {
		t.Fatalf("dummy hash %q is not one CheckPassword reads", dummyHash)
	}
	for _, p := range parts[4:] {
		if _, err := base64.RawStdEncoding.DecodeString(p); err != nil {
			t.Errorf("dummy hash part %q: %v", p, err)
		}
	}
	if key, _ := base64.RawStdEncoding.DecodeString(parts[5]); len(key) != argonKeyLen {
		t.Errorf("dummy key is %d bytes, want %d", len(key), argonKeyLen)
	}
	if salt, _ := base64.RawStdEncoding.DecodeString(parts[4]); len(salt) != saltLen {
		t.Errorf("dummy salt is %d bytes, want %d", len(salt), saltLen)
	}
	for _, h := range []string{"", "garbage", "$argon2id$v=19$m=x$a$b"} {
		if CheckPasswordOrDummy(h, "correct horse battery") {
			t.Errorf("CheckPasswordOrDummy(%q) succeeded", h)
		}
	}
	if !CheckPasswordOrDummy(real, "correct horse battery") || CheckPasswordOrDummy(real, "wrong horse battery") {
		t.Error("CheckPasswordOrDummy on a real hash")
	}
}

func TestDisplayNames(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"Heeley Hub volunteers", "Heeley Hub volunteers", ""},
		{"  Ann  ", "Ann", ""},
		{"", "", ""},
		{"<b>Ann</b>", "<b>Ann</b>", ""}, // plain text: shown as typed, never as HTML
		{"Cafe\u0301", "Caf\u00e9", ""},
		{strings.Repeat("é", MaxDisplayName), strings.Repeat("é", MaxDisplayName), ""},
		{strings.Repeat("é", MaxDisplayName+1), "", "at most"},
		{"ann@example.org", "", "@"},
		{"Ann\x00", "", "control"},
		{"Ann\nBob", "", "control"},
		{"Ann\u202eboB", "", "invisible"},
		{"\xff", "", "UTF-8"},
		{"An  Admin", "", "reserved"},
		{"admin", "", "reserved"},
		{"Placemap", "", "reserved"},
		{"anonymous", "", "reserved"},
		{"an editor", "", "reserved"},
		{"Admin of Heeley", "Admin of Heeley", ""},
	} {
		got, err := CheckDisplayName(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("CheckDisplayName(%q) = %q, %v, want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CheckDisplayName(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
	for r, want := range map[Role]string{Admin: "an admin", Moderator: "a moderator", Editor: "an editor", Contributor: "a contributor"} {
		if got := (User{Role: r}).PublicName(); got != want {
			t.Errorf("%s: %q, want %q", r, got, want)
		}
	}
	if got := (User{Role: Editor, DisplayName: "Ann"}).PublicName(); got != "Ann" {
		t.Errorf("named: %q", got)
	}
}
