package auth

import (
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
