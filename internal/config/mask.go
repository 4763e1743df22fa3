package config

import (
	"bytes"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// MaskedValue replaces a secret's value in a dump. The whole value goes, even of
// a URL, because a password is not the only sensitive part of one.
const MaskedValue = "******"

// Masked returns the effective configuration as YAML, every non-empty
// secret replaced by "******", for check-config and the logs.
func (c *Config) Masked() ([]byte, error) {
	cp := reflect.New(reflect.TypeFor[Config]()).Elem()
	cp.Set(reflect.ValueOf(*c))
	mask(cp)
	// Effective means what the server will use, derived defaults included.
	cp.Addr().Interface().(*Config).WeChat.AttachmentsDir = c.AttachmentsDir()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cp.Interface()); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// mask blanks the secrets of a copy. Lists are copied before they are
// changed, since the copy shares their arrays with the original.
func mask(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if isSecret(f) && fv.Kind() == reflect.String {
				if fv.String() != "" {
					fv.SetString(MaskedValue)
				}
				continue
			}
			mask(fv)
		}
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() != reflect.Struct {
			return
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(cp, v)
		v.Set(cp)
		for i := range cp.Len() {
			mask(cp.Index(i))
		}
	}
}
