// Package auth holds accounts, roles, sessions and API tokens: who may
// write what, and how a request proves who it comes from.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/placemap/placemap/internal/place"
)

// Role is what a user may do. Each role may do what the ones below it may.
type Role string

// The roles, most powerful first.
const (
	Admin       Role = "admin"       // everything, including accounts
	Moderator   Role = "moderator"   // edit, and accept or reject suggestions
	Editor      Role = "editor"      // create, update, move and delete assets
	Contributor Role = "contributor" // suggest changes for a moderator
)

// Roles lists the roles, most powerful first.
var Roles = []Role{Admin, Moderator, Editor, Contributor}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return len(Roles) - i
		}
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r may do what min may.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// User is an account.
type User struct {
	ID           string
	Email        string
	Role         Role
	PasswordHash string // argon2id, PHC string format
	// Scopes limit where an editor or moderator may write: "set" (any
	// area of a boundary set) or "set:code" (one area, e.g. a
	// neighbourhood). None means everywhere.
	Scopes []string
	// DisplayName is how the account is shown to the public (in history,
	// the change feed, the map): chosen by the account, or "" for its
	// role's phrase ("an editor"). Its e-mail is shown to admins only.
	DisplayName string
	CreatedAt   time.Time
}

// MaxDisplayName is the longest display name, in characters.
const MaxDisplayName = 60

// RolePhrase is how an account of a role is shown when it has chosen no
// display name: "an editor", "a moderator", "an admin", "a contributor".
func (r Role) RolePhrase() string {
	switch r {
	case Admin:
		return "an admin"
	case Moderator:
		return "a moderator"
	case Editor:
		return "an editor"
	case Contributor:
		return "a contributor"
	}
	return "an account"
}

// PublicName is how the account is shown to people who are not admins:
// its display name, or its role's phrase.
func (u User) PublicName() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Role.RolePhrase()
}

// reservedName reports whether a display name would pass for one placemap
// gives (a role's phrase, "placemap", "anonymous"…), so nobody can sign
// their changes as "an admin".
func reservedName(s string) bool {
	l := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, r := range Roles {
		if l == r.RolePhrase() || l == string(r) {
			return true
		}
	}
	switch l {
	case "an account", "placemap", "anonymous", "a resident", "a visitor", "a former account", "someone":
		return true
	}
	return false
}

// CheckDisplayName tidies a display name (spaces trimmed, NFC) and checks
// it: plain text of at most MaxDisplayName characters, valid UTF-8, no
// control characters (NUL included), and no "@", so nothing shown to the
// public reads as an e-mail address. "" means "show my role".
func CheckDisplayName(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", place.Errorf(place.EINVALID, "display name: not valid UTF-8")
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if n := utf8.RuneCountInString(s); n > MaxDisplayName {
		return "", place.Errorf(place.EINVALID, "display name: %d characters, at most %d", n, MaxDisplayName)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r) {
			return "", place.Errorf(place.EINVALID, "display name: control or invisible formatting character %U; plain text only", r)
		}
		if r == '@' {
			return "", place.Errorf(place.EINVALID, "display name: no \"@\" (it is shown publicly, and e-mail addresses are not)")
		}
	}
	if reservedName(s) {
		return "", place.Errorf(place.EINVALID, "display name %q is reserved: it is how placemap names roles, visitors or itself; send \"\" to be shown by your role", s)
	}
	return s, nil
}

// Validate checks a user's fields.
func (u *User) Validate() error {
	a, err := mail.ParseAddress(u.Email)
	if err != nil || a.Address != u.Email || len(u.Email) > 254 {
		return place.Errorf(place.EINVALID, "email %q is not an address", u.Email)
	}
	if !u.Role.Valid() {
		return place.Errorf(place.EINVALID, "role %q is not one of %v", u.Role, Roles)
	}
	if _, err := place.ParseGrant(u.Scopes); err != nil {
		return err
	}
	name, err := CheckDisplayName(u.DisplayName)
	if err != nil {
		return err
	}
	if name != u.DisplayName {
		return place.Errorf(place.EINVALID, "display name %q: untidy (spaces around it, or not NFC)", u.DisplayName)
	}
	return nil
}

// NormalizeEmail lower-cases an address so one person has one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// argon2id parameters (RFC 9106's second recommended option, memory
// lowered to 64 MiB for small servers).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
	// MinPassword is the shortest password accepted.
	MinPassword = 10
)

// HashPassword hashes a password with argon2id and a random salt.
func HashPassword(password string) (string, error) {
	if len(password) < MinPassword {
		return "", place.Errorf(place.EINVALID, "password is shorter than %d characters", MinPassword)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, in constant time.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is an argon2id hash, with HashPassword's parameters, of no
// password anyone knows: signing in with an unknown address verifies
// against it, so it takes as long as with a known one.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$cGxhY2VtYXAtZHVtbXkhIQ$" +
	"dW5rbm93bi1hY2NvdW50LWR1bW15LWtleS0zMmJ5dGU"

// CheckPasswordOrDummy is CheckPassword for a sign-in: when the account
// does not exist (hash ""), or its hash is not one CheckPassword reads, it
// runs the same argon2id verification against a dummy hash and reports
// false, so the answer takes the same time whether or not the address has
// an account.
func CheckPasswordOrDummy(hash, password string) bool {
	if hash == "" || !wellFormed(hash) {
		CheckPassword(dummyHash, password)
		return false
	}
	return CheckPassword(hash, password)
}

// wellFormed reports whether CheckPassword can read hash's parameters.
func wellFormed(hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p)
	return err == nil
}

// NewSecret returns a random secret for a session, token or CSRF token,
// and the hash a store keeps in its place: a stolen database gives no
// working session or token.
func NewSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret is the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Session is a signed-in browser.
type Session struct {
	Hash      string // of the cookie's value
	UserID    string
	CSRF      string // the token forms and scripts must send back
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token for scripts and imports.
type Token struct {
	Hash      string
	UserID    string
	Name      string
	CreatedAt time.Time
}

// ID names a token without revealing it: the start of its hash, which
// cannot be turned back into the secret.
func (t Token) ID() string {
	if len(t.Hash) < 16 {
		return t.Hash
	}
	return t.Hash[:16]
}
