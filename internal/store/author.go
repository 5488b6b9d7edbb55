package store

import "context"

type authorKey struct{}

// Authorship says who makes a change and why, for its revision.
type Authorship struct {
	Author  string
	Comment string
}

// WithAuthor returns a context whose writes are recorded as made by
// author, with comment.
func WithAuthor(ctx context.Context, author, comment string) context.Context {
	return context.WithValue(ctx, authorKey{}, Authorship{author, comment})
}

// AuthorOf returns who makes the writes of ctx; "placemap" (the program
// itself, importing) when nobody is named.
func AuthorOf(ctx context.Context) Authorship {
	if c, ok := ctx.Value(authorKey{}).(Authorship); ok && c.Author != "" {
		return c
	}
	return Authorship{Author: "placemap"}
}
