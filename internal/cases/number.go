package cases

import (
	"fmt"
	"time"
)

// Number formats a case number from the registration time and the day's
// sequence: JS20261128-0042. The day is Shanghai's.
func Number(at time.Time, seq int) string {
	return fmt.Sprintf("JS%s-%04d", at.In(Shanghai()).Format("20060102"), seq)
}

// Day returns the Shanghai date of at as the key of the per-day sequence.
func Day(at time.Time) string { return at.In(Shanghai()).Format("20060102") }
