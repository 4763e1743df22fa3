package cases

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Kinds of StepTime.
const (
	StepFraction = "fraction" // a share of the resolve window
	StepOffset   = "offset"   // a duration from an anchor
)

// Anchors of an offset StepTime.
const (
	AnchorDispatch  = "dispatch"
	AnchorContactBy = "contact_by"
	AnchorResolveBy = "resolve_by"
)

// StepTime is when an escalation step is due, as the configuration's
// escalation.<tier>[].at says it: relative to a case's own deadlines, so
// it lives beside them (deadline.go) and not in the configuration, which
// only reads it.
type StepTime struct {
	// Kind is StepFraction or StepOffset.
	Kind string
	// Anchor is the instant an offset counts from; empty for a fraction.
	Anchor string
	// Fraction of the window from dispatch to resolve_by, in (0, 1].
	Fraction float64
	// Offset from Anchor; never negative from dispatch.
	Offset time.Duration
}

// ParseStepTime reads an escalation step's at: "NN%" (0 < NN <= 100, a share of
// the window from dispatch to resolve_by), "dispatch+DUR", or "contact_by"
// and "resolve_by", each optionally followed by +DUR or -DUR. DUR is a Go
// duration (10m, 1h30m, 0).
func ParseStepTime(s string) (StepTime, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return StepTime{}, errors.New("empty")
	}
	if num, ok := strings.CutSuffix(s, "%"); ok {
		pct, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(pct) {
			return StepTime{}, fmt.Errorf("%q is not a percentage such as 80%%", s)
		}
		if pct <= 0 || pct > 100 {
			return StepTime{}, fmt.Errorf("%q: a share of the window must be more than 0%% and at most 100%%", s)
		}
		return StepTime{Kind: StepFraction, Fraction: pct / 100}, nil
	}
	for _, anchor := range []string{AnchorDispatch, AnchorContactBy, AnchorResolveBy} {
		rest, ok := strings.CutPrefix(s, anchor)
		if !ok {
			continue
		}
		if rest == "" {
			return StepTime{Kind: StepOffset, Anchor: anchor}, nil
		}
		sign := rest[0]
		if (sign != '+' && sign != '-') || len(rest) < 2 || rest[1] == '+' || rest[1] == '-' {
			return StepTime{}, fmt.Errorf("%q: after %s write +DUR or -DUR, e.g. %s+30m", s, anchor, anchor)
		}
		d, err := time.ParseDuration(rest[1:])
		if err != nil {
			return StepTime{}, fmt.Errorf("%q: %q is not a duration such as 30m or 2h", s, rest[1:])
		}
		if sign == '-' {
			d = -d
		}
		if anchor == AnchorDispatch && d < 0 {
			return StepTime{}, fmt.Errorf("%q is before dispatch", s)
		}
		return StepTime{Kind: StepOffset, Anchor: anchor, Offset: d}, nil
	}
	return StepTime{}, fmt.Errorf("%q: want NN%%, dispatch+DUR, contact_by[±DUR] or resolve_by[±DUR]", s)
}

// When returns the instant the step is due for a case with these times.
// It takes the case's own deadlines, not the tier's, so that an extension
// moves the steps that hang on resolve_by.
func (a StepTime) When(dispatched, contactBy, resolveBy time.Time) time.Time {
	switch {
	case a.Kind == StepFraction:
		window := resolveBy.Sub(dispatched)
		return dispatched.Add(time.Duration(float64(window) * a.Fraction))
	case a.Anchor == AnchorContactBy:
		return contactBy.Add(a.Offset)
	case a.Anchor == AnchorResolveBy:
		return resolveBy.Add(a.Offset)
	}
	return dispatched.Add(a.Offset)
}

// After returns how long after dispatch the step is due under a tier's
// windows, with no extension.
func (a StepTime) After(contactWithin, resolveWithin time.Duration) time.Duration {
	var zero time.Time
	return a.When(zero, zero.Add(contactWithin), zero.Add(resolveWithin)).Sub(zero)
}

// String formats a back in the form ParseStepTime reads.
func (a StepTime) String() string {
	if a.Kind == StepFraction {
		return strconv.FormatFloat(a.Fraction*100, 'f', -1, 64) + "%"
	}
	switch {
	case a.Offset > 0:
		return a.Anchor + "+" + ShortDuration(a.Offset)
	case a.Offset < 0:
		return a.Anchor + "-" + ShortDuration(-a.Offset)
	}
	return a.Anchor
}

// ShortDuration writes d as a person would in the configuration file: 24h,
// not 24h0m0s. The configuration's own messages quote durations this way too.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
