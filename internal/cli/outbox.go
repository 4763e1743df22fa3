package cli

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/logsender"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/templates"
)

// newOutbox builds the delivery worker with the templates parsed now, so a
// broken template stops the start rather than a delivery.
// opts add platforms' senders and the like.
func newOutbox(cfg *config.Config, st *store.Store, m *metrics.Metrics, log *zap.Logger, opts ...func(*outbox.Params)) (*outbox.Worker, error) {
	r, err := render.New(templates.FS, cfg.Server.TemplatesDir, render.BaseFrom(cfg))
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	p := outbox.Params{
		Config: outbox.ConfigFrom(cfg.Outbox), Store: st, Renderer: r, Resolver: outbox.NewDirectory(cfg),
		Senders: []bot.Sender{logsender.New(log.Named("send"))}, Log: log, Metrics: m,
	}
	for _, o := range opts {
		o(&p)
	}
	w, err := outbox.New(p)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return w, nil
}
