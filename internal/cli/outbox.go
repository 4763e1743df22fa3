package cli

import (
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/logsender"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
)

// outboxDeps are what the delivery worker is built from, every one given
// by build.
type outboxDeps struct {
	Config   *config.Config
	Store    outbox.Store
	Renderer outbox.Renderer
	// Senders are the chat platforms that are on; the log sender is added
	// for the members without a chat.
	Senders []bot.Sender
	Limiter outbox.Limiter
	Clock   clock.Clock
	Jitter  func(ceiling time.Duration) time.Duration // nil: at random
	Metrics *metrics.Metrics
	Log     *zap.Logger
}

// newOutbox builds the delivery worker.
func newOutbox(d outboxDeps) (*outbox.Worker, error) {
	w, err := outbox.New(outbox.Params{
		Config: outbox.ConfigFrom(d.Config.Outbox), Store: d.Store, Renderer: d.Renderer, Resolver: outbox.NewDirectory(d.Config),
		Senders: append([]bot.Sender{logsender.New(d.Log.Named("send"))}, d.Senders...),
		Limiter: d.Limiter, Clock: d.Clock, Jitter: d.Jitter, Log: d.Log, Metrics: d.Metrics,
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return w, nil
}
