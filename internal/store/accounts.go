package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
)

// Accounts, their sessions and API tokens. Accounts change as revisions in
// a write transaction; sessions and tokens are written straight to the
// pool, outside one: they change who may write, not the data, so they leave
// the data version (and every cache keyed by it) alone.

// CreateUser adds an account; EINVALID for one auth.User.Validate refuses,
// ECONFLICT if the email (or id) is taken.
func (db *DB) CreateUser(ctx context.Context, u auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	scopes := u.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	b, err := json.Marshal(scopes)
	if err != nil {
		return fmt.Errorf("create user: scopes: %w", err)
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // no tile layer's
		_, err := tx.Exec(ctx, sqlInsertUser, u.ID, u.Email, string(u.Role), u.PasswordHash, dbTime(u.CreatedAt), string(b), u.DisplayName)
		if place.ErrorCode(err) == place.ECONFLICT {
			return place.Errorf(place.ECONFLICT, "an account for %s exists already", u.Email)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return addRevision(ctx, tx, "user", u.ID, "create", map[string]string{"email": u.Email, "role": string(u.Role)})
	})
}

// UserByEmail finds an account by email; ENOTFOUND.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return db.user(ctx, "email", email)
}

// User finds an account by id; ENOTFOUND.
func (db *DB) User(ctx context.Context, id string) (auth.User, error) { return db.user(ctx, "id", id) }

// user finds the account whose column col is v, on the primary: its role
// and password decide what a request may do (OnPrimary).
func (db *DB) user(ctx context.Context, col string, v any) (auth.User, error) {
	var u auth.User
	var role, scopes string
	err := db.d.Conns.Reads().QueryRow(OnPrimary(ctx), sqlSelectUser+col+` = $1`, v).
		Scan(&u.ID, &u.Email, &role, &u.PasswordHash, timeScan{&u.CreatedAt}, &scopes, &u.DisplayName)
	if noRows(err) {
		return u, place.Errorf(place.ENOTFOUND, "no such account")
	}
	if err != nil {
		return u, fmt.Errorf("account: %w", err)
	}
	u.Role = auth.Role(role)
	if err := json.Unmarshal([]byte(scopes), &u.Scopes); err != nil {
		return u, fmt.Errorf("user %s: scopes: %w", u.ID, err)
	}
	return u, nil
}

// SetDisplayName changes how an account is shown to the public, as a
// revision; EINVALID for a name auth.CheckDisplayName refuses; ENOTFOUND.
func (db *DB) SetDisplayName(ctx context.Context, userID, name string) error {
	clean, err := auth.CheckDisplayName(name)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // no tile layer's
		n, err := tx.Exec(ctx, sqlSetDisplayName, clean, userID)
		if err != nil {
			return fmt.Errorf("set display name: %w", err)
		}
		if n == 0 {
			return place.Errorf(place.ENOTFOUND, "no such account")
		}
		return addRevision(ctx, tx, "user", userID, "display_name", map[string]string{"display_name": clean})
	})
}

// GrantedScopes lists every scope any account holds, each once.
func (db *DB) GrantedScopes(ctx context.Context) ([]place.Scope, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlGrantedScopes)
	lists, err := collect(rows, err, func(r Row) ([]string, error) {
		var raw string
		var l []string
		if err := r.Scan(&raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			return nil, err
		}
		return l, nil
	})
	if err != nil {
		return nil, fmt.Errorf("granted scopes: %w", err)
	}
	return DistinctScopes(lists), nil
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	_, err := db.d.Conns.Reads().Exec(ctx, sqlInsertSession, s.Hash, s.UserID, s.CSRF, dbTime(s.CreatedAt), dbTime(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session finds an unexpired session by the hash of its secret; ENOTFOUND
// for none and for an expired one. It reads the primary: a session signed
// out is gone at once (OnPrimary).
func (db *DB) Session(ctx context.Context, hash string) (auth.Session, error) {
	var s auth.Session
	err := db.d.Conns.Reads().QueryRow(OnPrimary(ctx), sqlSelectSession, hash).
		Scan(&s.Hash, &s.UserID, &s.CSRF, timeScan{&s.CreatedAt}, timeScan{&s.ExpiresAt})
	if noRows(err) {
		return s, place.Errorf(place.ENOTFOUND, "no such session")
	}
	if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	if Now().After(s.ExpiresAt) {
		return s, place.Errorf(place.ENOTFOUND, "session expired")
	}
	return s, nil
}

// DeleteSession ends a session (none is no error).
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	if _, err := db.d.Conns.Reads().Exec(ctx, sqlDeleteSession, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CreateToken stores an API token.
func (db *DB) CreateToken(ctx context.Context, t auth.Token) error {
	if _, err := db.d.Conns.Reads().Exec(ctx, sqlInsertToken, t.Hash, t.UserID, t.Name, dbTime(t.CreatedAt)); err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// Token finds an API token by hash; ENOTFOUND. It reads the primary: a
// token revoked is refused at once (OnPrimary).
func (db *DB) Token(ctx context.Context, hash string) (auth.Token, error) {
	t, err := scanToken(db.d.Conns.Reads().QueryRow(OnPrimary(ctx), sqlSelectTokens+`hash = $1`, hash))
	if noRows(err) {
		return t, place.Errorf(place.ENOTFOUND, "no such token")
	}
	if err != nil {
		return t, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

// Tokens lists an account's API tokens, oldest first.
func (db *DB) Tokens(ctx context.Context, userID string) ([]auth.Token, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectTokens+`user_id = $1 ORDER BY fid`, userID)
	out, err := collect(rows, err, scanToken)
	if err != nil {
		return nil, fmt.Errorf("tokens of %s: %w", userID, err)
	}
	if out == nil {
		out = []auth.Token{}
	}
	return out, nil
}

func scanToken(r Row) (auth.Token, error) {
	var t auth.Token
	err := r.Scan(&t.Hash, &t.UserID, &t.Name, timeScan{&t.CreatedAt})
	return t, err
}

// DeleteTokens revokes the token of an account whose ID (auth.Token.ID) is
// id, or all of the account's tokens when id is "", and says how many went.
func (db *DB) DeleteTokens(ctx context.Context, userID, id string) (int, error) {
	q, args := sqlDeleteTokens, []any{userID}
	if id != "" {
		q, args = sqlDeleteTokenWithID, append(args, id)
	}
	n, err := db.d.Conns.Reads().Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of %s: %w", userID, err)
	}
	return int(n), nil
}
