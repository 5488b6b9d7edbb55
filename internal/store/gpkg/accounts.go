package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// CreateUser adds an account.
func (s *Store) CreateUser(ctx context.Context, u auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		scopes, err := json.Marshal(nonNilStrings(u.Scopes))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, email, role, password_hash, created_at, scopes, display_name) VALUES (?,?,?,?,?,?,?)`,
			u.ID, u.Email, string(u.Role), u.PasswordHash, u.CreatedAt.UTC().Format(timeFormat), string(scopes), u.DisplayName)
		if place.ErrorCode(translate(err)) == place.ECONFLICT {
			return place.Errorf(place.ECONFLICT, "an account for %s exists already", u.Email)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return addRevision(ctx, tx, "user", u.ID, "create", map[string]string{"email": u.Email, "role": string(u.Role)})
	})
}

func (s *Store) user(ctx context.Context, where string, arg any) (auth.User, error) {
	var u auth.User
	var role, scopes string
	var created any
	err := s.db.QueryRowContext(ctx, `SELECT id, email, role, password_hash, created_at, scopes, display_name FROM users WHERE `+where+` = ?`, arg).
		Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &created, &scopes, &u.DisplayName)
	if errors.Is(err, sql.ErrNoRows) {
		return u, place.Errorf(place.ENOTFOUND, "no such account")
	}
	if err != nil {
		return u, translate(err)
	}
	u.Role = auth.Role(role)
	if err := json.Unmarshal([]byte(scopes), &u.Scopes); err != nil {
		return u, fmt.Errorf("user %s: scopes: %w", u.ID, err)
	}
	u.CreatedAt, err = readTime(created)
	return u, err
}

// SetDisplayName changes how an account is shown to the public.
func (s *Store) SetDisplayName(ctx context.Context, userID, name string) error {
	clean, err := auth.CheckDisplayName(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ? WHERE id = ?`, clean, userID)
		if err != nil {
			return fmt.Errorf("set display name: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return place.Errorf(place.ENOTFOUND, "no such account")
		}
		return addRevision(ctx, tx, "user", userID, "display_name", map[string]string{"display_name": clean})
	})
}

// GrantedScopes lists every scope any account holds, each once.
func (s *Store) GrantedScopes(ctx context.Context) ([]place.Scope, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT scopes FROM users WHERE scopes <> '[]'`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var lists [][]string
	for rows.Next() {
		var raw string
		var l []string
		if err := rows.Scan(&raw); err != nil {
			return nil, translate(err)
		}
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			return nil, fmt.Errorf("granted scopes: %w", err)
		}
		lists = append(lists, l)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return store.DistinctScopes(lists), nil
}

// UserByEmail finds an account by email.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.user(ctx, "email", email)
}

// User finds an account by id.
func (s *Store) User(ctx context.Context, id string) (auth.User, error) { return s.user(ctx, "id", id) }

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, ses auth.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)`,
		ses.Hash, ses.UserID, ses.CSRF, ses.CreatedAt.UTC().Format(timeFormat), ses.ExpiresAt.UTC().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// Session finds an unexpired session by the hash of its secret.
func (s *Store) Session(ctx context.Context, hash string) (auth.Session, error) {
	var ses auth.Session
	var created, expires any
	err := s.db.QueryRowContext(ctx, `SELECT hash, user_id, csrf, created_at, expires_at FROM sessions WHERE hash = ?`, hash).
		Scan(&ses.Hash, &ses.UserID, &ses.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, place.Errorf(place.ENOTFOUND, "no such session")
	}
	if err != nil {
		return ses, translate(err)
	}
	if ses.CreatedAt, err = readTime(created); err != nil {
		return ses, err
	}
	if ses.ExpiresAt, err = readTime(expires); err != nil {
		return ses, err
	}
	if now().After(ses.ExpiresAt) {
		return ses, place.Errorf(place.ENOTFOUND, "session expired")
	}
	return ses, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return translate(err)
}

// CreateToken stores an API token.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (hash, user_id, name, created_at) VALUES (?,?,?,?)`,
		t.Hash, t.UserID, t.Name, t.CreatedAt.UTC().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// Token finds an API token by hash.
func (s *Store) Token(ctx context.Context, hash string) (auth.Token, error) {
	var t auth.Token
	var created any
	err := s.db.QueryRowContext(ctx, `SELECT hash, user_id, name, created_at FROM api_tokens WHERE hash = ?`, hash).
		Scan(&t.Hash, &t.UserID, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, place.Errorf(place.ENOTFOUND, "no such token")
	}
	if err != nil {
		return t, translate(err)
	}
	t.CreatedAt, err = readTime(created)
	return t, err
}

// Tokens lists an account's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]auth.Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, user_id, name, created_at FROM api_tokens WHERE user_id = ? ORDER BY fid`, userID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []auth.Token{}
	for rows.Next() {
		var t auth.Token
		var created any
		if err := rows.Scan(&t.Hash, &t.UserID, &t.Name, &created); err != nil {
			return nil, err
		}
		if t.CreatedAt, err = readTime(created); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteTokens revokes one token of an account (by ID), or all of them.
func (s *Store) DeleteTokens(ctx context.Context, userID, id string) (int, error) {
	q, args := `DELETE FROM api_tokens WHERE user_id = ?`, []any{userID}
	if id != "" {
		q, args = q+` AND substr(hash, 1, 16) = ?`, append(args, id)
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
