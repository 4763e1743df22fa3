package config

import (
	"errors"
	"fmt"
	"os"

	"github.com/jiesu/jiesu/configs"
)

// Load reads the configuration at path ("" reads the example built into
// the binary, configs/jiesu.example.yaml), fills defaults, applies the
// environment through lookupEnv (os.LookupEnv in main, a map in tests) and
// validates the result. Every problem found in one step is reported
// together; a configuration with any problem is refused.
func Load(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	data, name := configs.Example, "embedded example"
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		name = path
	}
	c, envErr := parse(data, lookupEnv)
	if c == nil {
		return nil, fmt.Errorf("config %s: %w", name, envErr)
	}
	// A variable that did not parse left the file's value in place, which
	// is judged with the rest, so that one start shows every problem.
	if err := errors.Join(envErr, c.Validate()); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return c, nil
}

// parse is Load without the file and without validation: YAML, defaults,
// environment. A YAML that does not decode gives no Config; the
// environment's problems come with the Config it could make.
func parse(data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	c := &Config{}
	if err := decodeStrict(data, c); err != nil {
		return nil, err
	}
	applyDefaults(c)
	if lookupEnv == nil {
		return c, nil
	}
	return c, applyEnv(c, lookupEnv)
}
