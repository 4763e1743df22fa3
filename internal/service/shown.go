package service

import (
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
)

// Opener decrypts what the service sealed; *secret.Keyring is one.
type Opener interface {
	Open(sealed string) (string, error)
}

// Masked is a case as everyone sees it who has not revealed it: the text
// the complainant wrote passes through the one rule for personal data
// (secret.TextMask), with their own name, which is opened for that and
// nothing else; so do the units' result and reports, which often quote
// the phone they called, as the group messages always quoted them. The page, the API and every message to a unit or a leader
// show a case through it; Reveal is the one way to the text in full. It
// fails rather than show a text whose name it could not open.
func Masked(keys Opener, rule secret.TextMask, c cases.Case) (cases.Case, error) {
	mask, err := MaskText(keys, rule, c)
	if err != nil {
		return cases.Case{}, err
	}
	return MaskCase(mask, c), nil
}

// MaskCase is c with its texts passed through mask (MaskText's).
func MaskCase(mask func(string) string, c cases.Case) cases.Case {
	c.Content, c.Result, c.Report = mask(c.Content), mask(c.Result), mask(c.Report)
	if len(c.CoUnits) > 0 {
		c.CoUnits = append([]cases.Assignment(nil), c.CoUnits...)
		for i := range c.CoUnits {
			c.CoUnits[i].Report = mask(c.CoUnits[i].Report)
		}
	}
	return c
}

// MaskText is the rule bound to the name of c's complainant, opened once:
// for the case's texts (MaskCase) and those that quote it outside it (a
// timeline's notes, a message's reason or result).
func MaskText(keys Opener, rule secret.TextMask, c cases.Case) (func(string) string, error) {
	name, err := keys.Open(c.Complainant.NameSealed)
	if err != nil {
		return nil, fmt.Errorf("open name of %s to mask its text: %w", c.Number, err)
	}
	return func(s string) string { return rule.Text(s, name) }, nil
}

// Shown is c as Masked makes it, with this service's keys and rule.
func (s *Service) Shown(c cases.Case) (cases.Case, error) {
	return Masked(s.keys, s.mask, c)
}

// shownEvents masks the notes of a case's timeline, and the texts in their
// data (a result, a report, a reason), as Shown masks the case: a
// supplement is the complainant's own words, and the others may quote them
// or the phone a unit called.
func (s *Service) shownEvents(c cases.Case, evs []cases.Event) ([]cases.Event, error) {
	mask, err := MaskText(s.keys, s.mask, c)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Event, len(evs))
	for i, e := range evs {
		e.Note = mask(e.Note)
		if len(e.Data) > 0 {
			data := make(map[string]any, len(e.Data))
			for k, v := range e.Data {
				if text, ok := v.(string); ok && FreeText(k) {
					v = mask(text)
				}
				data[k] = v
			}
			e.Data = data
		}
		out[i] = e
	}
	return out, nil
}

// FreeText reports whether a key of an event's or a message's data holds
// what people typed (a reason, a result, a report), which the mask reads;
// the others are the system's own (times, ids, tiers), whose digits it
// must not take for phone numbers.
func FreeText(key string) bool {
	switch key {
	case "reason", "result", "report", "note", "comment":
		return true
	}
	return false
}
