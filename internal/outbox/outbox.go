// Package outbox delivers the messages that case transitions queued. A
// Worker claims due messages under a lease, renders each from its template,
// resolves who receives it on which platform, sends it through that
// platform's bot.Sender, and records the outcome: sent, retry later with
// exponential backoff and full jitter, or dead.
//
// Delivery is at least once. A message can go out twice when a replica dies
// between the send and MarkSent, or when a message to several platforms
// fails on one and is retried on all; every send carries the message's
// dedup key so platforms that deduplicate (WeCom, DingTalk msgUuid) drop
// the repeat.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/store"
)

// Store is the part of *store.Store the worker uses.
//
// ClaimOutbox counts the attempt it claims for (Attempts is 1 on the first
// claim), so an item that crashes its replica mid-send still uses up
// attempts. MarkRetry, MarkDead, RenewOutbox and MarkSentAs act only while
// the claim of that attempt holds the item.
type Store interface {
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]cases.OutboxItem, error)
	RenewOutbox(ctx context.Context, id int64, attempt int, until time.Time) (bool, error)
	MarkSent(ctx context.Context, id int64, platform, platformMsgID string, now time.Time) error
	MarkRetry(ctx context.Context, id int64, attempt int, errText string, next time.Time) error
	MarkDead(ctx context.Context, id int64, attempt int, errText string, now time.Time) error
	MarkSentAs(ctx context.Context, claims []store.OutboxClaim, key string) (bool, error)
	GetCase(ctx context.Context, id int64) (cases.Case, error)
}

// Renderer turns a template and a case into a message; *render.Renderer is
// one.
type Renderer interface {
	Render(name cases.Template, d render.Data) (bot.Message, error)
}

// Resolver says where a recipient is; *Directory is one.
type Resolver interface {
	Resolve(c cases.Case, to cases.Recipient) ([]bot.Address, error)
}

// Recorder counts deliveries; *metrics.Metrics is one.
type Recorder interface {
	Delivered(platform string)
	DeliveryFailed(platform, kind string)
}

// Failure kinds given to Recorder.DeliveryFailed.
const (
	FailureRetry = "retry"
	FailureDead  = "dead"
)

// DefaultSendTimeout bounds one send, so a hung platform cannot hold a
// claimed batch past its lease.
const DefaultSendTimeout = 10 * time.Second

// maxErrorText bounds the error kept with a message: enough for a platform's
// errcode and errmsg, not a whole HTML error page.
const maxErrorText = 1000

// Config tunes the worker; ConfigFrom takes it from config.Outbox.
type Config struct {
	PollInterval time.Duration // default config.DefaultOutboxPoll
	Batch        int           // messages per claim; default config.DefaultOutboxBatch
	MaxAttempts  int           // attempts before dead; default config.DefaultOutboxAttempts
	Backoff      time.Duration // first retry's ceiling, doubled per attempt; default config.DefaultOutboxBackoff
	MaxBackoff   time.Duration // cap of the ceiling; default config.DefaultOutboxMaxWait
	Lease        time.Duration // how long a claim is ours; default config.DefaultOutboxLease
	SendTimeout  time.Duration // one send's limit; default DefaultSendTimeout
	Concurrency  int           // cases delivered at once; default DefaultConcurrency
}

// ConfigFrom takes the worker's settings from the configuration.
func ConfigFrom(o config.Outbox) Config {
	return Config{
		PollInterval: o.PollInterval, Batch: o.Batch, MaxAttempts: o.MaxAttempts,
		Backoff: o.Backoff, MaxBackoff: o.MaxBackoff, Lease: o.Lease,
	}
}

func (c Config) withDefaults() Config {
	set := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	set(&c.PollInterval, config.DefaultOutboxPoll)
	set(&c.Backoff, config.DefaultOutboxBackoff)
	set(&c.MaxBackoff, config.DefaultOutboxMaxWait)
	set(&c.Lease, config.DefaultOutboxLease)
	set(&c.SendTimeout, DefaultSendTimeout)
	if c.Batch <= 0 {
		c.Batch = config.DefaultOutboxBatch
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = config.DefaultOutboxAttempts
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	// RunOnce stops a batch when a send might outlast the lease; a send
	// longer than the lease would stop every batch before its first message.
	c.SendTimeout = min(c.SendTimeout, c.Lease/2)
	return c
}

// Params are what a Worker is built from. Store, Renderer and Resolver are
// required; the rest have defaults.
type Params struct {
	Config   Config
	Store    Store
	Renderer Renderer
	Resolver Resolver
	// Senders are the platforms, one per name. A message for a platform
	// without a sender is dead-lettered.
	Senders []bot.Sender
	Clock   clock.Clock // default clock.Real
	Log     *zap.Logger // default no-op
	Metrics Recorder    // default none
	// Jitter picks a delay in [0, ceiling]. Default: uniformly at random.
	// Tests inject a fixed choice.
	Jitter func(ceiling time.Duration) time.Duration
	// Limiter keeps sends under the limits senders plan (bot.Planner).
	// Default: in-process; a RedisLimiter shares them between replicas.
	Limiter Limiter
}

// Worker drains the outbox.
type Worker struct {
	cfg      Config
	store    Store
	render   Renderer
	resolver Resolver
	senders  map[string]bot.Sender
	clock    clock.Clock
	log      *zap.Logger
	metrics  Recorder
	jitter   func(time.Duration) time.Duration
	wake     chan struct{}
	limiter  Limiter
	folds    FoldStore // nil when the store cannot split, hold or fold
}

// Sentinels callers and logs test with errors.Is.
var (
	ErrNoSender         = errors.New("no sender for platform")
	ErrNoChatPath       = errors.New("no chat path to the recipient")
	ErrLeaseRunningOut  = errors.New("not sent: the claim's lease ran short and could not be renewed")
	ErrUnknownRecipient = errors.New("unknown recipient")
	ErrClaimLost        = errors.New("not sent: another claim holds the message")
)

// New builds a Worker.
func New(p Params) (*Worker, error) {
	if p.Store == nil || p.Renderer == nil || p.Resolver == nil {
		return nil, errors.New("outbox: Store, Renderer and Resolver are required")
	}
	w := &Worker{
		cfg: p.Config.withDefaults(), store: p.Store, render: p.Renderer, resolver: p.Resolver,
		senders: make(map[string]bot.Sender, len(p.Senders)),
		clock:   p.Clock, log: p.Log, metrics: p.Metrics, jitter: p.Jitter,
		wake: make(chan struct{}, 1),
	}
	for _, s := range p.Senders {
		name := s.Platform()
		if _, dup := w.senders[name]; dup {
			return nil, fmt.Errorf("outbox: two senders for platform %q", name)
		}
		w.senders[name] = s
	}
	if w.clock == nil {
		w.clock = clock.Real{}
	}
	if w.log == nil {
		w.log = zap.NewNop()
	}
	w.log = w.log.Named("outbox")
	if w.metrics == nil {
		w.metrics = nopRecorder{}
	}
	if w.jitter == nil {
		w.jitter = fullJitter
	}
	w.limiter = p.Limiter
	if w.limiter == nil {
		w.limiter = NewMemoryLimiter()
	}
	w.folds, _ = p.Store.(FoldStore)
	return w, nil
}

type nopRecorder struct{}

func (nopRecorder) Delivered(string)              {}
func (nopRecorder) DeliveryFailed(string, string) {}

// fullJitter is uniform in [0, ceiling]: retries of many messages that
// failed together (a platform outage) spread out instead of returning in a
// wave.
func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}
