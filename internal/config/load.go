package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/configs"
)

// Load reads the configuration at path ("" reads the example built into
// the binary, configs/jiesu.example.yaml), fills defaults, applies the
// environment through lookupEnv (os.LookupEnv in main, a map in tests) and
// validates the result. Every problem found in one step is reported
// together; a configuration with any problem is refused.
func Load(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	return LoadEnv(path, lookupEnv, nil)
}

// LoadEnv is Load given also the names of every variable in the
// environment (from os.Environ): a JIESU_ variable that sets no key, such
// as a misspelt one, is then refused with the rest of the problems.
func LoadEnv(path string, lookupEnv func(string) (string, bool), envNames []string) (*Config, error) {
	data, name := configs.Example, ExampleSource
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		name = path
	}
	c, failed, envErr := parse(data, lookupEnv)
	if c == nil {
		return nil, fmt.Errorf("config %s: %w", name, envErr)
	}
	// The rest is judged too, so that one start shows every problem; but a
	// variable that could not be read left the file's value in place, and
	// what is said of that value (or of another key against it) would be
	// about a value the operator did not mean.
	var unknownErr error
	if envNames != nil {
		unknownErr = c.CheckEnvNames(envNames)
	}
	if err := errors.Join(envErr, unknownErr, without(c.Validate(), failed)); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	c.source = name
	return c, nil
}

// without drops from Validate's problems those that name one of keys, as
// their key or in their message.
func without(err error, keys []string) error {
	if err == nil || len(keys) == 0 {
		return err
	}
	all := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		all = joined.Unwrap()
	}
	var kept []error
	for _, e := range all {
		var p *Problem
		if errors.As(e, &p) && slices.ContainsFunc(keys, func(k string) bool { return p.Key == k || strings.Contains(p.Msg, k) }) {
			continue
		}
		kept = append(kept, e)
	}
	return errors.Join(kept...)
}

// parse is Load without the file and without validation: YAML, defaults,
// environment. A YAML that does not decode gives no Config; the
// environment's problems come with the Config it could make, and the keys
// whose variables failed.
func parse(data []byte, lookupEnv func(string) (string, bool)) (*Config, []string, error) {
	c := &Config{}
	if err := decodeStrict(data, c); err != nil {
		return nil, nil, err
	}
	applyDefaults(c)
	if lookupEnv == nil {
		return c, nil, nil
	}
	failed, err := applyEnv(c, lookupEnv)
	return c, failed, err
}
