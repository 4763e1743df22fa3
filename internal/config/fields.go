package config

import (
	"reflect"
	"strings"
	"time"
)

// The loader, the environment overrides and the masked dump all walk the
// Config by its yaml tags, so that a new field needs no code to be read,
// overridden or masked.

var durationType = reflect.TypeFor[time.Duration]()

// yamlKey returns the field's YAML key, or false for a field YAML skips.
func yamlKey(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return strings.ToLower(f.Name), true
	}
	return name, true
}

// isSecret reports whether the field holds a credential.
func isSecret(f reflect.StructField) bool { return f.Tag.Get("secret") == "true" }

// joinKey appends a key to a dotted path.
func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
