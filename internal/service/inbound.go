package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// Inbound timing.
const (
	// inboundLease is how long a claim on a platform message holds before
	// another replica may take it over: longer than any handling, so only
	// a replica that died lets it lapse.
	inboundLease = 30 * time.Second
	// inboundPoll is how often a request waiting for another replica's
	// handling of the same message looks again.
	inboundPoll = 20 * time.Millisecond
	// inboundCacheTTL keeps replies in the cache for the platform's
	// retries, which come within seconds.
	inboundCacheTTL = 10 * time.Minute
)

// ErrInboundBusy means another request was still handling the same
// platform message when the caller's context ended.
var ErrInboundBusy = errors.New("the message is still being handled")

// Inbox makes a platform's deliveries of one message (its retries, even
// concurrent ones, on any replica) change things once and all get the same
// reply: the first delivery runs the handler, the others wait for its
// reply. The database is the ground truth (one claim row per message);
// the cache, when there is one, answers later retries without a query,
// and deliveries in one process share one run without touching either.
type Inbox struct {
	svc   *Service
	cache cache.Cache // nil: none

	mu      sync.Mutex
	flights map[string]*flight
}

type flight struct {
	done  chan struct{}
	reply string
	err   error
}

// NewInbox returns an Inbox over the service's store; c may be nil.
func NewInbox(s *Service, c cache.Cache) *Inbox {
	return &Inbox{svc: s, cache: c, flights: map[string]*flight{}}
}

// Once runs handle for the message key of channel unless it ran before,
// and returns the reply of the run that counted. The reply is recorded
// after handle returns, that is after whatever it changed is committed.
// A failed handle records nothing: the platform's next retry runs it
// again.
func (b *Inbox) Once(ctx context.Context, channel, key string, handle func(ctx context.Context) (string, error)) (string, error) {
	claim := func(ctx context.Context) (store.InboundClaim, error) {
		return b.svc.store.ClaimInbound(ctx, channel, key, b.svc.clock.Now(), inboundLease)
	}
	finish := func(ctx context.Context, sealed string) error {
		return b.svc.store.FinishInbound(ctx, channel, key, sealed)
	}
	return b.run(ctx, channel, key, claim, handle, finish)
}

// Answer is what a chat complainant's message gets from OnceAs's handler:
// the reply, and whether the reply asks them for a phone, which OnceAs
// records with the reply (see store.AskContact).
type Answer struct {
	Text        string
	AsksContact bool
}

// OnceAs is Once for a message from a chat complainant: claiming it also
// records their message, as TouchComplainant does, and recording the
// reply also records that it asked for a phone, as AskContact does, each
// in the same round trip on PostgreSQL. handle gets what is kept about
// them.
//
// A reply decides to ask from the record it was given (never asked), so
// two first messages handled at the same instant may both ask; asking
// twice is the price of a round trip fewer on every first message.
func (b *Inbox) OnceAs(ctx context.Context, channel cases.Channel, key, identity string, handle func(ctx context.Context, who cases.ChatComplainant) (Answer, error)) (string, error) {
	var who cases.ChatComplainant
	if key == "" {
		var err error
		if who, err = b.svc.TouchComplainant(ctx, channel, identity); err != nil {
			return "", err
		}
		a, err := handle(ctx, who)
		if err == nil && a.AsksContact {
			_, err = b.svc.AskContact(ctx, channel, identity)
		}
		return a.Text, err
	}
	asks := false
	tried, touched := false, false
	claim := func(ctx context.Context) (store.InboundClaim, error) {
		if tried { // a poll for another replica's handling: just look
			return b.svc.store.ClaimInbound(ctx, string(channel), key, b.svc.clock.Now(), inboundLease)
		}
		tried = true
		c, w, err := b.svc.store.ClaimInboundTouching(ctx, channel, key, identity, b.svc.clock.Now(), inboundLease)
		if err == nil && c.Claimed {
			touched, who = true, w
		}
		return c, err
	}
	run := func(ctx context.Context) (string, error) {
		if !touched { // claimed on a later poll, after another replica let go: read afresh
			var err error
			if who, err = b.svc.TouchComplainant(ctx, channel, identity); err != nil {
				return "", err
			}
		}
		a, err := handle(ctx, who)
		asks = a.AsksContact
		return a.Text, err
	}
	finish := func(ctx context.Context, sealed string) error {
		if asks {
			return b.svc.store.FinishInboundAsking(ctx, channel, key, sealed, identity, b.svc.clock.Now())
		}
		return b.svc.store.FinishInbound(ctx, string(channel), key, sealed)
	}
	return b.run(ctx, string(channel), key, claim, run, finish)
}

func (b *Inbox) run(ctx context.Context, channel, key string, claim func(context.Context) (store.InboundClaim, error), handle func(ctx context.Context) (string, error), finish func(ctx context.Context, sealed string) error) (string, error) {
	if key == "" {
		return handle(ctx)
	}
	ck := "inbound:" + channel + ":" + key
	if reply, ok := b.cached(ctx, ck); ok {
		return reply, nil
	}
	fk := channel + "\x00" + key
	b.mu.Lock()
	if f := b.flights[fk]; f != nil {
		b.mu.Unlock()
		select {
		case <-f.done:
			return f.reply, f.err
		case <-ctx.Done():
			return "", fmt.Errorf("wait for %s: %w", key, ErrInboundBusy)
		}
	}
	f := &flight{done: make(chan struct{})}
	b.flights[fk] = f
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.flights, fk)
		b.mu.Unlock()
		close(f.done)
	}()
	f.reply, f.err = b.once(ctx, channel, key, claim, handle, finish)
	if f.err == nil && b.cache != nil {
		if sealed, err := b.svc.keys.Seal(f.reply); err == nil {
			_ = b.cache.Set(ck, sealed, inboundCacheTTL) // only a shortcut; the database has it
		}
	}
	return f.reply, f.err
}

func (b *Inbox) cached(ctx context.Context, ck string) (string, bool) {
	if b.cache == nil {
		return "", false
	}
	sealed, ok, err := b.cache.GetString(ctx, ck)
	if err != nil || !ok {
		return "", false
	}
	reply, err := b.svc.keys.Open(sealed)
	if err != nil {
		return "", false
	}
	return reply, true
}

// once claims the message in the database and handles it, or waits for
// the replica that claimed it: until it records its reply, or releases its
// claim (its handling failed) or lets the lease lapse (it died), either of
// which lets this request claim the message itself.
func (b *Inbox) once(ctx context.Context, channel, key string, claimFn func(context.Context) (store.InboundClaim, error), handle func(ctx context.Context) (string, error), finish func(ctx context.Context, sealed string) error) (string, error) {
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return "", fmt.Errorf("wait for %s: %w", key, ErrInboundBusy)
			case <-time.After(inboundPoll):
			}
		}
		claim, err := claimFn(ctx)
		if err != nil {
			return "", err
		}
		if claim.Done {
			return b.svc.keys.Open(claim.ReplySealed)
		}
		if claim.Claimed {
			return b.handle(ctx, channel, key, handle, finish)
		}
	}
}

func (b *Inbox) handle(ctx context.Context, channel, key string, handle func(ctx context.Context) (string, error), finish func(ctx context.Context, sealed string) error) (string, error) {
	st := b.svc.store
	reply, err := handle(ctx)
	if err != nil {
		// Let the platform's retry run it afresh rather than wait out the
		// lease; what handle committed before failing is idempotent.
		if rerr := st.ReleaseInbound(context.WithoutCancel(ctx), channel, key); rerr != nil {
			b.svc.log.Warn("release inbound message", zap.String("channel", channel), zap.Error(rerr))
		}
		return "", err
	}
	sealed, err := b.svc.keys.Seal(reply)
	if err != nil {
		return "", fmt.Errorf("seal reply: %w", err)
	}
	if err := finish(context.WithoutCancel(ctx), sealed); err != nil {
		// The change is committed and the reply is right; a retry after the
		// lease would run the handler again, which the case's own
		// idempotency absorbs. Answer now rather than fail the student.
		b.svc.log.Warn("record inbound reply", zap.String("channel", channel), zap.Error(err))
	}
	return reply, nil
}

// PruneInbound forgets platform messages received before `before`.
func (s *Service) PruneInbound(ctx context.Context, before time.Time) (int, error) {
	return s.store.PruneInbound(ctx, before)
}
