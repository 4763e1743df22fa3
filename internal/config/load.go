package config

import (
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
	c, err := parse(data, lookupEnv)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return c, nil
}

// parse is Load without the file and without validation: YAML, defaults,
// environment.
func parse(data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	c := &Config{}
	if err := decodeStrict(data, c); err != nil {
		return nil, err
	}
	applyDefaults(c)
	if lookupEnv != nil {
		if err := applyEnv(c, lookupEnv); err != nil {
			return nil, err
		}
	}
	return c, nil
}
