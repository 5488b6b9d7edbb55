package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// CreateUser adds an account.
func (s *Store) CreateUser(ctx context.Context, u auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		scopes, err := json.Marshal(nonNilStrings(u.Scopes))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO users (id, email, role, password_hash, created_at, scopes, display_name) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, u.Email, string(u.Role), u.PasswordHash, u.CreatedAt, scopes, u.DisplayName)
		if place.ErrorCode(translate(err)) == place.ECONFLICT {
			return place.Errorf(place.ECONFLICT, "an account for %s exists already", u.Email)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", translate(err))
		}
		return addRevision(ctx, tx, "user", u.ID, "create", map[string]string{"email": u.Email, "role": string(u.Role)})
	})
}

func (s *Store) user(ctx context.Context, where string, arg any) (auth.User, error) {
	var u auth.User
	var role string
	var scopes []byte
	err := s.pool.QueryRow(ctx, `SELECT id, email, role, password_hash, created_at, scopes, display_name FROM users WHERE `+where+` = $1`, arg).
		Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &u.CreatedAt, &scopes, &u.DisplayName)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, place.Errorf(place.ENOTFOUND, "no such account")
	}
	if err != nil {
		return u, translate(err)
	}
	u.Role, u.CreatedAt = auth.Role(role), u.CreatedAt.UTC()
	if err := json.Unmarshal(scopes, &u.Scopes); err != nil {
		return u, fmt.Errorf("user %s: scopes: %w", u.ID, err)
	}
	return u, nil
}

// SetDisplayName changes how an account is shown to the public.
func (s *Store) SetDisplayName(ctx context.Context, userID, name string) error {
	clean, err := auth.CheckDisplayName(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET display_name = $1 WHERE id = $2`, clean, userID)
		if err != nil {
			return fmt.Errorf("set display name: %w", translate(err))
		}
		if tag.RowsAffected() == 0 {
			return place.Errorf(place.ENOTFOUND, "no such account")
		}
		return addRevision(ctx, tx, "user", userID, "display_name", map[string]string{"display_name": clean})
	})
}

// GrantedScopes lists every scope any account holds, each once.
func (s *Store) GrantedScopes(ctx context.Context) ([]place.Scope, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT scopes::text FROM users WHERE scopes <> '[]'::jsonb`)
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
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		ses.Hash, ses.UserID, ses.CSRF, ses.CreatedAt, ses.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// Session finds an unexpired session by the hash of its secret.
func (s *Store) Session(ctx context.Context, hash string) (auth.Session, error) {
	var ses auth.Session
	err := s.pool.QueryRow(ctx, `SELECT hash, user_id, csrf, created_at, expires_at FROM sessions WHERE hash = $1 AND expires_at > now()`, hash).
		Scan(&ses.Hash, &ses.UserID, &ses.CSRF, &ses.CreatedAt, &ses.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ses, place.Errorf(place.ENOTFOUND, "no such session")
	}
	return ses, translate(err)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return translate(err)
}

// CreateToken stores an API token.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO api_tokens (hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)`,
		t.Hash, t.UserID, t.Name, t.CreatedAt)
	if err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// Token finds an API token by hash.
func (s *Store) Token(ctx context.Context, hash string) (auth.Token, error) {
	var t auth.Token
	err := s.pool.QueryRow(ctx, `SELECT hash, user_id, name, created_at FROM api_tokens WHERE hash = $1`, hash).
		Scan(&t.Hash, &t.UserID, &t.Name, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, place.Errorf(place.ENOTFOUND, "no such token")
	}
	return t, translate(err)
}

// Tokens lists an account's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]auth.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT hash, user_id, name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY fid`, userID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []auth.Token{}
	for rows.Next() {
		var t auth.Token
		if err := rows.Scan(&t.Hash, &t.UserID, &t.Name, &t.CreatedAt); err != nil {
			return nil, translate(err)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		out = append(out, t)
	}
	return out, translate(rows.Err())
}

// DeleteTokens revokes one token of an account (by ID), or all of them.
func (s *Store) DeleteTokens(ctx context.Context, userID, id string) (int, error) {
	q, args := `DELETE FROM api_tokens WHERE user_id = $1`, []any{userID}
	if id != "" {
		q, args = q+` AND left(hash, 16) = $2`, append(args, id)
	}
	tag, err := s.pool.Exec(ctx, q, args...)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
