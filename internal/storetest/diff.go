package storetest

import (
	"fmt"
	"reflect"
	"time"
)

// Diff describes the first difference between want and got, or returns ""
// if they are equal. Instants compare with time.Time.Equal, so a time read
// back in UTC equals the one written in Asia/Shanghai.
func Diff(want, got any) string {
	return diff("", reflect.ValueOf(want), reflect.ValueOf(got))
}

func diff(path string, w, g reflect.Value) string {
	if !w.IsValid() || !g.IsValid() {
		if w.IsValid() != g.IsValid() {
			return fmt.Sprintf("%s: want %v, got %v", path, w, g)
		}
		return ""
	}
	if w.Type() != g.Type() {
		return fmt.Sprintf("%s: want type %s, got %s", path, w.Type(), g.Type())
	}
	if w.Type() == reflect.TypeFor[time.Time]() {
		wt, gt := w.Interface().(time.Time), g.Interface().(time.Time)
		if !wt.Equal(gt) {
			return fmt.Sprintf("%s: want %s, got %s", path, wt.UTC().Format(time.RFC3339Nano), gt.UTC().Format(time.RFC3339Nano))
		}
		return ""
	}
	switch w.Kind() {
	case reflect.Pointer, reflect.Interface:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				return fmt.Sprintf("%s: want %v, got %v", path, w, g)
			}
			return ""
		}
		return diff(path, w.Elem(), g.Elem())
	case reflect.Struct:
		for i := 0; i < w.NumField(); i++ {
			if !w.Type().Field(i).IsExported() {
				continue // not comparable from outside; domain types export all
			}
			if d := diff(path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s: want %d elements, got %d: %v vs %v", path, w.Len(), g.Len(), w, g)
		}
		for i := 0; i < w.Len(); i++ {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s: want %v, got %v", path, w, g)
		}
		for _, k := range w.MapKeys() {
			if d := diff(fmt.Sprintf("%s[%v]", path, k), w.MapIndex(k), g.MapIndex(k)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(w.Interface(), g.Interface()) {
		return fmt.Sprintf("%s: want %v, got %v", path, w, g)
	}
	return ""
}
