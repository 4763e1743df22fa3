package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// otherEnv are JIESU_ variables that set no key and are still in order:
// the config file's own name, and the test suite's settings, which a
// developer's shell may hold while running jiesu.
var otherEnv = []string{EnvPrefix + "CONFIG", EnvPrefix + "REQUIRE_SERVICES"}

// foreignEnv matches variables others put in jiesu's environment: the test
// suite's JIESU_TEST_* and JIESU_BENCH_*, and the service links Kubernetes
// adds for a Service named jiesu (JIESU_SERVICE_HOST, JIESU_PORT,
// JIESU_PORT_8080_TCP_ADDR, …).
var foreignEnv = regexp.MustCompile(`^JIESU_(TEST_|BENCH_|SERVICE_HOST$|SERVICE_PORT($|_)|PORT($|_[0-9]+_(TCP|UDP|SCTP)($|_(PROTO|PORT|ADDR)$)))`)

// knownEnv lists every variable that sets a key of c, aliases and _FILE
// forms included. Elements of lists are those of c, so it is built after
// the file is read.
func knownEnv(c *Config) map[string]bool {
	known := map[string]bool{}
	for _, n := range otherEnv {
		known[n] = true
	}
	walkScalars(reflect.ValueOf(c).Elem(), "", func(key string, _ reflect.Value, secret bool) {
		ev := envVar(key, secret)
		for _, n := range append([]string{ev.Name}, ev.Aliases...) {
			known[n] = true
			if secret {
				known[n+"_FILE"] = true
			}
		}
	})
	return known
}

// CheckEnvNames refuses every JIESU_ variable among names that sets no key
// of c, naming the closest one that does: a misspelt variable would
// otherwise be ignored, and the default it meant to change would run in
// production unnoticed. LoadEnv applies it; deployment files' tests ask it
// of the variables they set.
func (c *Config) CheckEnvNames(names []string) error {
	known := knownEnv(c)
	var ps problems
	sorted := slices.Clone(names)
	sort.Strings(sorted)
	for _, n := range sorted {
		if !strings.HasPrefix(n, EnvPrefix) || known[n] || foreignEnv.MatchString(n) {
			continue
		}
		msg := "matches no configuration key"
		if near := nearest(n, known); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		}
		ps.add(n, "%s", msg)
	}
	return errors.Join(ps...)
}

// nearest is the known name closest to n, if it is close enough to be a
// typo of it: at most a quarter of n's letters differ.
func nearest(n string, known map[string]bool) string {
	best, bestDist := "", len(n)/4+1
	for k := range known {
		if d := editDistance(n, k); d < bestDist || (d == bestDist && best != "" && k < best) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of two ASCII names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
