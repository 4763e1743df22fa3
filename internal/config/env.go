package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix starts every variable jiesu reads.
const EnvPrefix = "JIESU_"

// shortName returns the documented name of the two keys every deployment
// sets, shorter than the rule's JIESU_SERVER_LISTEN and JIESU_SERVER_DATA_DIR
// (which are still read, as aliases).
func shortName(key string) (string, bool) {
	switch key {
	case "server.listen":
		return EnvPrefix + "LISTEN", true
	case "server.data_dir":
		return EnvPrefix + "DATA_DIR", true
	}
	return "", false
}

// EnvVar is one environment variable and the key it sets.
type EnvVar struct {
	// Name is the documented name, e.g. JIESU_DATABASE_URL.
	Name string
	// Aliases are other names read for the same key.
	Aliases []string
	// Key is the YAML key path, e.g. database.url.
	Key string
	// Secret keys may also be read from the file named by Name+"_FILE".
	Secret bool
}

// Env lists the variables Load reads for keys outside lists, in the order
// of the Config; those of list elements depend on the file's ids.
func Env() []EnvVar {
	var vars []EnvVar
	walkScalars(reflect.ValueOf(&Config{}).Elem(), "", func(key string, _ reflect.Value, secret bool) {
		vars = append(vars, envVar(key, secret))
	})
	return vars
}

func envVar(key string, secret bool) EnvVar {
	// A member id may hold "-", which no shell allows in a variable's name.
	long := EnvPrefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
	if short, ok := shortName(key); ok {
		return EnvVar{Name: short, Aliases: []string{long}, Key: key, Secret: secret}
	}
	return EnvVar{Name: long, Key: key, Secret: secret}
}

// walkScalars calls fn for every field the environment can set: strings,
// numbers, booleans, durations and lists of strings. An element of a list
// of structs (units, members, categories, escalation steps) is named by its
// id, or by its position when it has none (units.logistics.chat.robot_key,
// escalation.urgent.0.at): the file says which elements there are, the
// environment only changes their fields, never their ids.
func walkScalars(v reflect.Value, path string, fn func(key string, field reflect.Value, secret bool)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := yamlKey(f)
		if !ok {
			continue
		}
		key, fv := joinKey(path, name), v.Field(i)
		switch {
		case f.Type.Kind() == reflect.Struct:
			walkScalars(fv, key, fn)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			for j := range fv.Len() {
				walkElement(fv.Index(j), joinKey(key, elementName(fv.Index(j), j)), fn)
			}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() != reflect.String:
			// not overridable
		default:
			fn(key, fv, isSecret(f))
		}
	}
}

// walkElement is walkScalars for an element of a list, without its id.
func walkElement(v reflect.Value, path string, fn func(key string, field reflect.Value, secret bool)) {
	walkScalars(v, path, func(key string, field reflect.Value, secret bool) {
		if key != path+".id" {
			fn(key, field, secret)
		}
	})
}

// elementName is an element's id, or its position if it has none.
func elementName(v reflect.Value, i int) string {
	for j := range v.NumField() {
		if name, ok := yamlKey(v.Type().Field(j)); ok && name == "id" && v.Field(j).Kind() == reflect.String && v.Field(j).String() != "" {
			return v.Field(j).String()
		}
	}
	return strconv.Itoa(i)
}

// applyEnv sets every field whose variable is set and not empty. An empty
// variable counts as unset, because deployment templates commonly render
// "NAME=" for a value nobody gave.
func applyEnv(c *Config, lookup func(string) (string, bool)) (failed []string, err error) {
	var errs []error
	walkScalars(reflect.ValueOf(c).Elem(), "", func(key string, field reflect.Value, secret bool) {
		ev := envVar(key, secret)
		name, val, ok, err := readEnv(ev, lookup)
		if err == nil && ok {
			err = setField(field, name, val, secret)
		}
		if err != nil {
			errs = append(errs, err)
			failed = append(failed, key)
		}
	})
	return failed, errors.Join(errs...)
}

// readEnv finds the one variable that sets ev, refusing two that would
// compete: NAME and NAME_FILE, or a short name and its long alias.
func readEnv(ev EnvVar, lookup func(string) (string, bool)) (name, val string, ok bool, err error) {
	var set []string
	for _, n := range append([]string{ev.Name}, ev.Aliases...) {
		if v, found := lookup(n); found && v != "" {
			set, name, val = append(set, n), n, v
		}
		if !ev.Secret {
			continue
		}
		path, found := lookup(n + "_FILE")
		if !found || path == "" {
			continue
		}
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return "", "", false, fmt.Errorf("%s_FILE: %w", n, rerr)
		}
		// Files written by echo or an editor end in a newline that is no
		// part of the secret.
		set, name, val = append(set, n+"_FILE"), n+"_FILE", strings.TrimRight(string(data), "\r\n")
	}
	switch len(set) {
	case 0:
		return "", "", false, nil
	case 1:
		return name, val, true, nil
	}
	return "", "", false, fmt.Errorf("%s are both set for %s: set only one", strings.Join(set, " and "), ev.Key)
}

// setField parses val into the field. A secret's value never appears in
// an error.
func setField(field reflect.Value, name, val string, secret bool) error {
	shown := strconv.Quote(val)
	if secret {
		shown = "the value"
	}
	switch {
	case field.Type() == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("%s: %s is not a duration such as 30s, 10m or 2h: %w", name, shown, err)
		}
		field.SetInt(int64(d))
	case field.Kind() == reflect.String:
		field.SetString(val)
	case field.Kind() == reflect.Int, field.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, field.Type().Bits())
		if err != nil {
			return fmt.Errorf("%s: %s is not a whole number: %w", name, shown, err)
		}
		field.SetInt(n)
	case field.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("%s: %s is not true or false: %w", name, shown, err)
		}
		field.SetBool(b)
	case field.Kind() == reflect.Pointer && field.Type().Elem().Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("%s: %s is not true or false: %w", name, shown, err)
		}
		field.Set(reflect.ValueOf(&b))
	case field.Kind() == reflect.Slice:
		field.Set(reflect.ValueOf(splitList(val)))
	default:
		// A new field of a kind this switch does not know: fail loudly in
		// tests rather than ignore the variable.
		return fmt.Errorf("%s: cannot set a %s from the environment", name, field.Type())
	}
	return nil
}

// splitList reads a comma-separated list. The full-width comma counts too:
// an operator typing Chinese words often types it.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
