package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jiesu/jiesu/internal/cases"
)

// decode reads exactly one JSON object into v, a pointer to a struct, and
// reports every problem of the body at once: unknown fields (a misspelt
// field is an error rather than silently ignored), values of the wrong
// type, and text that is not valid UTF-8 (raw bytes or lone surrogate
// escapes, which encoding/json would quietly turn into U+FFFD). What the
// text says is for cases.CheckText, in the layer that knows each field's
// limit. The body is already capped by the size-limit middleware.
func decode(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeRaw(raw, v)
}

// readBody reads a JSON request's body whole.
func readBody(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send application/json"}
		}
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err // the size limit, or a broken connection
	}
	return raw, nil
}

// decodeRaw is decode of a body already read.
func decodeRaw(raw []byte, v any) error {
	if validJSONText(raw) {
		// Most bodies are right: one strict pass decides it. Only a body
		// it refuses is read again, field by field, for every problem.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if dec.Decode(v) == nil {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				return nil
			}
		}
		reflect.ValueOf(v).Elem().SetZero()
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		if errors.Is(err, io.EOF) {
			return errBadRequest("malformed_json", "the body is empty")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errBadRequest("malformed_json", "the body must be a JSON object")
		}
		return errBadRequest("malformed_json", "the body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadRequest("malformed_json", "the body must hold exactly one JSON object")
	}
	var ps problems
	fill(&ps, "", obj, reflect.ValueOf(v).Elem())
	return ps.err()
}

// fill sets the fields of the struct dst from obj, recording a problem for
// every key dst has no field for and every value that does not fit.
func fill(ps *problems, prefix string, obj map[string]json.RawMessage, dst reflect.Value) {
	seen := map[string]bool{}
	t := dst.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		seen[name] = true
		raw, ok := obj[name]
		if !ok {
			continue
		}
		field, fv := prefix+name, dst.Field(i)
		if fv.Kind() == reflect.Struct && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			var sub map[string]json.RawMessage
			if json.Unmarshal(raw, &sub) != nil {
				ps.add("malformed_json", field, field+" must be an object")
				continue
			}
			fill(ps, field+".", sub, fv)
			continue
		}
		if !validJSONText(raw) {
			ps.add("invalid", field, field+": must be valid UTF-8 text (no stray bytes or lone surrogates)")
			continue
		}
		if json.Unmarshal(raw, fv.Addr().Interface()) != nil {
			ps.add("malformed_json", field, field+" must be "+describe(fv.Type()))
		}
	}
	var unknown []string
	for k := range obj {
		if !seen[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		ps.add("unknown_field", prefix+k, "unknown field "+prefix+k)
	}
}

// describe says in words what a value of t looks like.
func describe(t reflect.Type) string {
	oneOf := func(vals ...string) string { return "one of " + strings.Join(vals, ", ") }
	switch t {
	case reflect.TypeFor[cases.Rating]():
		return oneOf(names(cases.Ratings)...)
	case reflect.TypeFor[cases.Tier]():
		return oneOf(names(cases.Tiers)...)
	case reflect.TypeFor[cases.Channel]():
		return oneOf(names(cases.Channels)...)
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describe(t.Elem()), "a ") + "s"
	case reflect.Pointer:
		return describe(t.Elem())
	}
	return "a " + t.Kind().String()
}

func names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// validJSONText reports whether a raw JSON value is valid UTF-8 and its
// \u escapes pair every surrogate.
func validJSONText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // an escaped character, possibly a backslash
			continue
		}
		r, ok := hex4(raw[i+2:])
		switch {
		case !ok:
			return false
		case r >= 0xD800 && r < 0xDC00:
			lo, ok := uint16(0), false
			if i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				lo, ok = hex4(raw[i+8:])
			}
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return false
		default:
			i += 5
		}
	}
	return true
}

func hex4(b []byte) (uint16, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v uint16
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint16(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint16(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | uint16(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// decodeOptional is decode for a body that may be left out altogether.
// A chunked request announces no length: its body is known to be empty
// only once read.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	raw, err := readBody(r)
	if err != nil || len(raw) == 0 {
		return err
	}
	return decodeRaw(raw, v)
}
