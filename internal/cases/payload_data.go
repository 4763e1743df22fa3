package cases

import (
	"reflect"
	"strings"
)

// PayloadData is p as an event's Data: each field under its json name,
// holding the field's own value, and a field tagged omitempty or omitzero
// left out when empty, as encoding/json writes p. nil for no payload.
func PayloadData(p Payload) map[string]any {
	if p == nil {
		return nil
	}
	v := reflect.Indirect(reflect.ValueOf(p))
	out := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		name, opts, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		f := v.Field(i)
		if optional(opts) && (f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0)) {
			continue
		}
		out[name] = f.Interface()
	}
	return out
}

func optional(opts string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return true
		}
	}
	return false
}
