package cases

import "time"

// ParseInstant reads a bound of a time range as people and scripts give
// it: an RFC 3339 instant, or a day in Shanghai, which as the range's end
// (end true) includes that whole day, as people mean "to 28 November".
// An empty v is the zero time: no bound.
func ParseInstant(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, Shanghai()); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
