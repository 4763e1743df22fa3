package survey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// inboundMemory is how long the replies to platform messages are kept for
// their retries; platforms give up within minutes.
const inboundMemory = 24 * time.Hour

// Sweepable is what the sweep needs of service.Service.
type Sweepable interface {
	CloseUnrated(ctx context.Context, now time.Time) (int, error)
	ExpireContactAsks(ctx context.Context, before time.Time) (int, error)
	PruneInbound(ctx context.Context, before time.Time) (int, error)
}

// Sweeper turns time into the follow-up's events. The SLA scheduler calls
// Sweep on its cron; until it exists, the serve command calls it on a
// ticker.
type Sweeper struct {
	svc Sweepable
	// askWindow is how long a phone question waits for its answer
	// (wechat.supplement_window): after it, the question lapses.
	askWindow time.Duration
	log       *zap.Logger
}

// NewSweeper returns a sweeper; askWindow is how long a chat complainant
// has to answer the phone question.
func NewSweeper(svc Sweepable, askWindow time.Duration, log *zap.Logger) *Sweeper {
	if log == nil {
		log = zap.NewNop()
	}
	return &Sweeper{svc: svc, askWindow: askWindow, log: log.Named("survey")}
}

// Sweep does what is due at now: closes cases left unrated past
// survey.close_unrated_after (the follow-up list needs no sweep: it is
// read from the clock), settles phone questions nobody answered (their
// cases are excluded as no_contact), and forgets old platform messages.
// Each step is idempotent, so running Sweep twice does each thing once;
// every step runs even when another fails.
func (s *Sweeper) Sweep(ctx context.Context, now time.Time) error {
	var errs []error
	closed, err := s.svc.CloseUnrated(ctx, now)
	if err != nil {
		errs = append(errs, fmt.Errorf("close unrated: %w", err))
	}
	settled, err := s.svc.ExpireContactAsks(ctx, now.Add(-s.askWindow))
	if err != nil {
		errs = append(errs, fmt.Errorf("expire phone questions: %w", err))
	}
	if _, err := s.svc.PruneInbound(ctx, now.Add(-inboundMemory)); err != nil {
		errs = append(errs, fmt.Errorf("prune inbound: %w", err))
	}
	if closed > 0 || settled > 0 {
		s.log.Info("survey sweep", zap.Int("closed_unrated", closed), zap.Int("phone_questions_lapsed", settled))
	}
	return errors.Join(errs...)
}
