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
// nothing else. The page, the API and every message to a unit or a leader
// show a case through it; Reveal is the one way to the text in full. It
// fails rather than show a text whose name it could not open.
func Masked(keys Opener, rule secret.TextMask, c cases.Case) (cases.Case, error) {
	mask, err := maskFor(keys, rule, c)
	if err != nil {
		return cases.Case{}, err
	}
	c.Content = mask(c.Content)
	return c, nil
}

// maskFor is the rule bound to the name of c's complainant.
func maskFor(keys Opener, rule secret.TextMask, c cases.Case) (func(string) string, error) {
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

// shownEvents masks the notes of a case's timeline as Shown masks its
// text: a supplement is the complainant's own words, and the other notes
// may quote them.
func (s *Service) shownEvents(c cases.Case, evs []cases.Event) ([]cases.Event, error) {
	mask, err := maskFor(s.keys, s.mask, c)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Event, len(evs))
	for i, e := range evs {
		e.Note = mask(e.Note)
		out[i] = e
	}
	return out, nil
}
