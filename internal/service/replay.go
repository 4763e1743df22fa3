package service

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// ErrIdempotencyMismatch is a repeated create (same Idempotency-Key, or
// same channel and channel reference) whose complaint is not the first
// one's: taking it as a replay would lose the second complaint.
var ErrIdempotencyMismatch = errors.New("idempotency mismatch")

// MismatchError names the fields in which a repeated create differs from
// the case the first one made.
type MismatchError struct {
	Number string   // the first request's case
	Fields []string // as the request names them
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("case %s was made by an earlier request with the same key; this one differs in %s", e.Number, strings.Join(e.Fields, ", "))
}

func (e *MismatchError) Unwrap() error { return ErrIdempotencyMismatch }

// sameRequest checks that in, a create that found the case c made by an
// earlier request, asks for what that one did. It compares what the
// request gave and nothing routing or later actions may have changed. A
// chat complainant is compared by identity: their phone may be bound
// between a message and its retry.
func (s *Service) sameRequest(c cases.Case, in CreateInput) error {
	var diff []string
	if in.Channel != c.Channel {
		diff = append(diff, "channel")
	}
	if strings.TrimSpace(in.ChannelRef) != c.ChannelRef {
		diff = append(diff, "channel_ref")
	}
	if strings.TrimSpace(in.Content) != c.Content {
		diff = append(diff, "content")
	}
	if in.Identity != "" || c.Complainant.Identity != "" {
		if in.Identity != c.Complainant.Identity {
			diff = append(diff, "complainant")
		}
	} else {
		for _, f := range []struct{ field, given, sealed string }{
			{"complainant.name", in.Name, c.Complainant.NameSealed},
			{"complainant.contact", in.Contact, c.Complainant.ContactSealed},
		} {
			first, err := s.keys.Open(f.sealed)
			if err != nil {
				return fmt.Errorf("compare with %s: %w", c.Number, err)
			}
			if strings.TrimSpace(f.given) != first {
				diff = append(diff, f.field)
			}
		}
	}
	if len(diff) > 0 {
		return &MismatchError{Number: c.Number, Fields: diff}
	}
	return nil
}
