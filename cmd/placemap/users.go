package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store"
)

// cmdUser adds an account: placemap user add EMAIL --role admin. The
// password is read from standard input with --password-stdin, or made up
// and shown once.
func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "revoke-tokens" {
		return cmdRevokeTokens(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "display-name" {
		return cmdDisplayName(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError{"want: user add EMAIL --role admin|moderator|editor|contributor [--scope SET[:CODE]]... [--display-name NAME] [--password-stdin], user display-name EMAIL NAME, or user revoke-tokens EMAIL"}
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	sc := storeFlags(fs)
	role := fs.String("role", "", "admin, moderator, editor or contributor (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	displayName := fs.String("display-name", "", "how the public sees the account (default: its role, e.g. \"an editor\"); the e-mail is shown to admins only")
	var scopes []string
	fs.Func("scope", "limit an editor or moderator to a set or an area: SET or SET:CODE; repeatable", func(v string) error {
		scopes = append(scopes, v)
		return nil
	})
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || *role == "" {
		return usageError{"want: user add EMAIL --role ROLE"}
	}
	password := ""
	made := false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		secret, _, err := auth.NewSecret()
		if err != nil {
			return err
		}
		password, made = secret[:20], true
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	name, err := auth.CheckDisplayName(*displayName)
	if err != nil {
		return err
	}
	u := auth.User{ID: httpapi.NewUserID(), Email: auth.NormalizeEmail(pos[0]), Role: auth.Role(*role), PasswordHash: hash,
		Scopes: scopes, DisplayName: name, CreatedAt: time.Now().UTC()}
	if err := u.Validate(); err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// A scope names a set or an area that exists: one naming nothing would
	// grant whatever area later took that code.
	if err := store.CheckGrant(ctx, st, scopes); err != nil {
		return err
	}
	if err := st.CreateUser(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s as %s", u.Email, u.Role)
	if len(scopes) > 0 {
		fmt.Fprintf(stdout, " for %s", strings.Join(scopes, ", "))
	}
	fmt.Fprintln(stdout)
	if made {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}

// cmdDisplayName sets how the public sees an account: placemap user
// display-name EMAIL NAME ("" for its role).
func cmdDisplayName(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user display-name", flag.ContinueOnError)
	sc := storeFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"want: user display-name EMAIL NAME (\"\" to show the account by its role)"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, auth.NormalizeEmail(pos[0]))
	if err != nil {
		return err
	}
	if err := st.SetDisplayName(ctx, u.ID, pos[1]); err != nil {
		return err
	}
	if u, err = st.User(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is shown as %q\n", u.Email, u.PublicName())
	return nil
}

// cmdRevokeTokens revokes every API token of an account, for when one has
// leaked: placemap user revoke-tokens EMAIL.
func cmdRevokeTokens(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user revoke-tokens", flag.ContinueOnError)
	sc := storeFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want: user revoke-tokens EMAIL"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, pos[0])
	if err != nil {
		return err
	}
	n, err := st.DeleteTokens(ctx, u.ID, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked %d API tokens of %s\n", n, u.Email)
	return nil
}
