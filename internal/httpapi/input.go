package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/placemap/placemap/internal/place"
)

// checkRequestText refuses, at the edge and for every route, a request
// whose path or query holds a NUL byte or bytes that are not UTF-8
// (requestText).
func (s *Server) checkRequestText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requestText(r); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requestText is EINVALID for a request whose path or query holds a NUL
// byte or bytes that are not UTF-8: no slug, code, id or search text may
// hold them, and PostgreSQL cannot even compare against them (it answered
// 500 where SQLite said "not found"). A path part longer than any name
// placemap serves is refused too.
func requestText(r *http.Request) error {
	if err := place.CheckText("the path", r.URL.Path); err != nil {
		return err
	}
	// The parts between slashes, counted as strings.Split would, without
	// making its slice: every request comes through here.
	rest := r.URL.Path
	for i := 0; ; i++ {
		seg, after, more := strings.Cut(rest, "/")
		if len(seg) > maxPathSegment {
			return place.Errorf(place.EINVALID, "the path's part %d is %d bytes long; no name placemap serves is longer than %d", i, len(seg), maxPathSegment)
		}
		if !more {
			break
		}
		rest = after
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return place.Errorf(place.EINVALID, "the query string: %v", err)
	}
	for k, vs := range q {
		if err := place.CheckText("a query parameter's name", k); err != nil {
			return err
		}
		for _, v := range vs {
			if err := place.CheckText("query parameter "+strconv.Quote(place.Excerpt(k)), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxPathSegment bounds one part of a URL path, in bytes.
const maxPathSegment = 256

// readBody reads a request body whole: ETOOLARGE past the size limit.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, place.Errorf(place.ETOOLARGE, "request body is larger than %d bytes", tooLarge.Limit)
		}
		return nil, place.Errorf(place.EINVALID, "request body: %v", err)
	}
	return body, nil
}

// checkJSONText refuses a JSON body any of whose strings, keys included,
// holds a NUL byte (the escape \u0000), naming where. Bytes that are not
// UTF-8 need no check: encoding/json replaces them with U+FFFD. A body
// that is not JSON is left to the decoder to describe.
func checkJSONText(body []byte) error {
	if bytes.IndexByte(body, 0) < 0 && !bytes.Contains(body, []byte(`\u0000`)) && !bytes.Contains(body, []byte(`\U0000`)) {
		return nil // fast path: no NUL can be there
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var path []string // the keys and indexes down to the current value
	type frame struct {
		object bool
		key    bool // in an object: the next string is a key
		index  int
	}
	var stack []frame
	where := func() string {
		p := path
		for len(p) > 0 && p[len(p)-1] == "" {
			p = p[:len(p)-1]
		}
		if len(p) == 0 {
			return "the request body"
		}
		return "request body member " + strconv.Quote(place.Excerpt(strings.Join(p, ".")))
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or not JSON: the decoder will say
		}
		// Before a value in an array, name its index.
		if n := len(stack); n > 0 && !stack[n-1].object {
			if d, ok := tok.(json.Delim); !ok || d != ']' {
				path[len(path)-1] = strconv.Itoa(stack[n-1].index)
				stack[n-1].index++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', key: true})
				path = append(path, "")
				continue // a container is a value: its end finishes it
			case '}', ']':
				stack = stack[:len(stack)-1]
				path = path[:len(path)-1]
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
				path[len(path)-1] = ""
				if strings.IndexByte(t, 0) >= 0 {
					return place.Errorf(place.EINVALID, "a key in %s holds a NUL byte (the control character U+0000)", where())
				}
				path[len(path)-1] = t
				stack[n-1].key = false
				continue
			}
			if strings.IndexByte(t, 0) >= 0 {
				return place.Errorf(place.EINVALID, "%s holds a NUL byte (the control character U+0000)", where())
			}
		}
		// A value is done: in an object, a key comes next.
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].key = true
		}
	}
}

// cleanComment is the X-Placemap-Comment a revision keeps: trimmed, bytes
// that are not UTF-8 (a header may carry any) replaced, NUL and other
// control characters dropped, and at most maxComment bytes, cut on a
// character boundary.
func cleanComment(h string) string {
	c := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(h, "\uFFFD"))
	return place.Truncate(strings.TrimSpace(c), maxComment)
}

// maxComment bounds a revision's comment, in bytes.
const maxComment = 500
