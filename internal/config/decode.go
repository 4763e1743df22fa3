package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// decodeStrict reads YAML into c and refuses keys the Config does not have.
// yaml's own KnownFields reports "field nmae not found in type config.Unit";
// walking the node tree against the type instead names the key path
// (units[2].nmae), which is what an operator can find in the file, and
// reports every problem at once.
func decodeStrict(data []byte, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil // an empty file: every key takes its default
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return nil
	}
	var problems []error
	checkNode(doc, reflect.TypeFor[Config](), "", false, &problems)
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	return doc.Decode(c)
}

// checkNode compares one node with the type it will decode into.
func checkNode(n *yaml.Node, t reflect.Type, path string, secret bool, problems *[]error) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // null leaves the zero value, which the defaults fill
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fail := func(msg string) {
		*problems = append(*problems, &Problem{Key: path, Msg: fmt.Sprintf("%s (line %d)", msg, n.Line)})
	}
	switch {
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping of keys")
			return
		}
		checkMapping(n, t, path, problems)
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			fail("want a list")
			return
		}
		for i, item := range n.Content {
			checkNode(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), secret, problems)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			fail("want a single value, not a list or mapping")
			return
		}
		// A zero means the default, and a bare 0 needs no unit; YAML reads
		// it as a number, which yaml refuses for a duration.
		if t == durationType && n.Tag == "!!int" && n.Value == "0" {
			n.Tag, n.Value = "!!str", "0s"
		}
		// Decode the scalar alone, so that a type error carries its path.
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			what := strconv.Quote(n.Value)
			if secret {
				what = "the value" // never echo a credential
			}
			fail(fmt.Sprintf("%s is not %s", what, describe(t)))
		}
	}
}

// checkMapping checks a mapping's keys against a struct's fields.
func checkMapping(n *yaml.Node, t reflect.Type, path string, problems *[]error) {
	fields := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if key, ok := yamlKey(f); ok {
			fields[key] = f
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" && k.Tag == "!!merge" {
			// A merge key (<<: *defaults) brings in another mapping's keys.
			for v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, m := range merged {
				checkNode(m, t, path, false, problems)
			}
			continue
		}
		key := joinKey(path, k.Value)
		f, ok := fields[k.Value]
		if !ok {
			*problems = append(*problems, &Problem{Key: key, Msg: fmt.Sprintf("unknown key (line %d)", k.Line)})
			continue
		}
		if seen[k.Value] {
			*problems = append(*problems, &Problem{Key: key, Msg: fmt.Sprintf("key given twice (line %d)", k.Line)})
			continue
		}
		seen[k.Value] = true
		checkNode(v, f.Type, key, isSecret(f), problems)
	}
}

// describe names what a scalar of type t must look like.
func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 30s, 10m or 2h"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Int, t.Kind() == reflect.Int64:
		return "a whole number"
	}
	return "a " + t.String()
}
