package config

import (
	"errors"
	"strings"
	"testing"
)

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// env is an environment made of m.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// example returns a fresh copy of the embedded example, loaded and valid.
func example(t *testing.T) *Config {
	t.Helper()
	c, err := Load("", noEnv)
	if err != nil {
		t.Fatalf("Load embedded example: %v", err)
	}
	return c
}

// wantErr fails unless err's text contains every part.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not contain %q:\n%v", p, err)
		}
	}
}

// problemKeys returns the key of every *Problem in err.
func problemKeys(err error) []string {
	var keys []string
	var walk func(error)
	walk = func(e error) {
		var p *Problem
		if errors.As(e, &p) && e == error(p) {
			keys = append(keys, p.Key)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return keys
}

// withWeCom fills the wecom section, which units on WeCom need.
func withWeCom(c *Config) {
	c.WeCom.CorpID, c.WeCom.AgentID, c.WeCom.Secret, c.WeCom.Token = "ww1", 1000002, "s", "t"
	c.WeCom.EncodingAESKey = strings.Repeat("a", 43)
}
