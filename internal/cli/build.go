package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/dirlock"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/survey"
	"github.com/jiesu/jiesu/internal/unitchat"
	"github.com/jiesu/jiesu/internal/web"
	"github.com/jiesu/jiesu/templates"
)

// wiring is what build takes besides the configuration. serve gives the
// logger alone; the end-to-end tests give the clock, the store, the keys,
// the cache and the other doubles below, so that what they run is what
// serve runs. The chat platforms a test talks to are fakes whose base URLs
// are in the configuration. A zero field gets what serve would.
type wiring struct {
	log   *zap.Logger
	clock clock.Clock     // default the wall clock
	store *store.Store    // default opened and migrated from the configuration
	keys  *secret.Keyring // default the configured keys, or one kept in the data directory
	http  *http.Client    // to WeCom; default the client's own
	cache cache.Cache     // both chat sides' cache, instead of Redis or an in-process one
	// jitter picks the outbox's retry delays in [0, ceiling]; default at
	// random.
	jitter func(ceiling time.Duration) time.Duration
	// senders are senders of platforms the configuration leaves off (a
	// test's recording Official Account); default none.
	senders []bot.Sender
	// outboxStore is where the delivery worker records its sends; default
	// the store. A test gives one that dies in the middle of a delivery.
	outboxStore outbox.Store
	// wait is how a restarting worker waits out its backoff; default a
	// timer.
	wait waitFunc
}

// app is every long-lived part of a running jiesu.
type app struct {
	store     *store.Store
	web       *web.Server
	metrics   *metrics.Metrics
	svc       *service.Service
	worker    *outbox.Worker
	cache     cache.Cache // both chat sides'
	limiter   outbox.Limiter
	scheduler *sla.Scheduler
	workers   []worker // what serve runs beside the HTTP servers
	clock     clock.Clock
	wait      waitFunc
	redis     *sharedRedis  // nil: no redis.url
	lock      *dirlock.Lock // the data directory's, held while it runs on SQLite
	ownsDB    bool          // build opened the store, so close closes it
}

func (a *app) close() {
	if a.redis != nil {
		_ = a.redis.close()
	}
	if a.ownsDB {
		_ = a.store.Close()
	}
	_ = a.lock.Release()
}

// build makes every part of a running jiesu once, each from the parts
// before it: the store, the keys, the metrics, the shared cache and rate
// limits, the renderer, the chat platforms' senders, the outbox worker
// that sends through them, the service that wakes it, the scheduler, the
// chat platforms' handlers on the service, and the HTTP server that
// serves them. Nothing is set on a part after it is made.
func build(ctx context.Context, cfg *config.Config, w wiring) (_ *app, err error) {
	a := &app{clock: w.clock, wait: w.wait, store: w.store}
	log := w.log
	if log == nil {
		log = zap.NewNop()
	}
	if a.clock == nil {
		a.clock = clock.Real{}
	}
	if a.wait == nil {
		a.wait = wait
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if w.store == nil {
		if cfg.Database.URL == "" {
			// One server per SQLite file (and per key file).
			if err = writableDir(cfg.Server.DataDir); err != nil {
				return nil, err
			}
			if a.lock, err = dirlock.Acquire(cfg.Server.DataDir); err != nil {
				return nil, err
			}
		}
		if a.store, err = openMigrated(ctx, cfg); err != nil {
			return nil, err
		}
		a.ownsDB = true
	}
	st, clk := a.store, a.clock
	keys, err := serverKeys(ctx, cfg, st, w.keys, log, clk.Now())
	if err != nil {
		return nil, err
	}
	router, err := routing.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	m := metrics.New(metrics.Options{Source: st, Pool: st, Now: clk.Now, ErrorLog: zap.NewStdLog(log.Named("metrics"))})
	a.metrics = m

	// One cache and one limiter for every platform: Redis when configured
	// (shared by replicas), else in process; a test may bring its own.
	a.cache, a.limiter = w.cache, outbox.NewMemoryLimiter()
	switch {
	case a.cache != nil:
	case cfg.Redis.URL != "":
		if a.redis, err = newSharedRedis(cfg, clk, log, m); err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		a.cache, a.limiter = a.redis.cache, a.redis.limiter
	default:
		a.cache = cache.NewMemory(clk)
	}

	// One renderer, parsed now so that a broken template stops the start
	// rather than a delivery.
	links := survey.NewLinks(keys, cfg.Server.BaseURL)
	base := render.BaseFrom(cfg)
	base.SurveyLink = links.Link
	renderer, err := render.New(templates.FS, cfg.Server.TemplatesDir, base)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}

	students := newStudents(cfg, st, clk, log, a.cache, func(code int64) { m.PlatformAPIError(bot.PlatformWeChat, code) })
	units, err := newUnitChat(ctx, unitChatDeps{Config: cfg, Store: st, Clock: clk, Log: log, HTTP: w.http, Cache: a.cache,
		APIErrors: func(code int64) { m.PlatformAPIError(bot.PlatformWeCom, code) }})
	if err != nil {
		return nil, fmt.Errorf("unit chat: %w", err)
	}
	var outboxStore outbox.Store = st
	if w.outboxStore != nil {
		outboxStore = w.outboxStore
	}
	a.worker, err = newOutbox(outboxDeps{Config: cfg, Store: outboxStore,
		// Reveals the complainant to the member who accepted the case.
		Renderer: unitchat.Revealer{Next: renderer, Keys: keys, Mask: cfg.TextMask()},
		Senders:  append(append(students.senders(), units.senders()...), w.senders...),
		Limiter:  a.limiter, Clock: clk, Jitter: w.jitter, Metrics: m, Log: log})
	if err != nil {
		return nil, err
	}
	a.svc = service.New(service.Deps{Store: st, Config: cfg, Router: router, Keys: keys, Clock: clk, Log: log, Committed: a.worker.Notify})
	if a.scheduler, err = newScheduler(cfg, st, a.svc, a.worker.Notify, m.NewScheduler(), log); err != nil {
		return nil, err
	}

	studentSide, err := newStudentChat(studentChatDeps{Config: cfg, Service: a.svc, Out: students, Links: links, Cache: a.cache,
		Clock: clk, Log: log, Metrics: m})
	if err != nil {
		return nil, fmt.Errorf("students: %w", err)
	}
	unitRoutes, err := units.routes(unitRoutesDeps{Service: a.svc, Renderer: renderer, Codes: st, Sealer: keys, Metrics: m})
	if err != nil {
		return nil, fmt.Errorf("wecom: %w", err)
	}
	var redisState func() string
	if a.redis != nil {
		redisState = a.redis.state
	}
	a.web = web.New(web.Options{
		Service: a.svc, Tokens: auth.New(st, cfg, auth.Options{Clock: clk}), Clock: clk, Log: log.Named("http"), Metrics: m,
		Ready: web.AllReady(units.ready(ready(st)), a.scheduler.Check), Redis: redisState, Outbox: st, TrustedProxies: cfg.Server.TrustedProxyRanges(),
		MaxBodyBytes: cfg.Server.MaxBodyBytes, Routes: append(studentSide.routes, unitRoutes...),
	})
	a.workers = []worker{
		// Delivery retries a failed round itself at its next poll; should
		// it return an error anyway, it restarts rather than stop the
		// process: callbacks and the API still register cases while it is
		// down, and their messages wait in the outbox for it.
		{name: "outbox", run: a.worker.Run, restart: true},
		// The scheduler retries a failed job (the SLA sweep, digests,
		// incident notices, survey follow-ups, inbound pruning, case
		// numbers) at its next tick and reports it on /readyz. It returns
		// an error only when it cannot schedule at all, which running it
		// again would not mend; a replica without it would serve on and
		// escalate nothing, so the process stops and says why.
		{name: "scheduler", run: a.scheduler.Run},
		// Attachment downloads are best-effort, retried each minute;
		// their failure must not take the callbacks down.
		{name: "attachments", run: studentSide.run, restart: true},
	}
	return a, nil
}

// ready is the /readyz check: the database answers and its schema is the
// one this binary knows. The driver's error names the user, the host and
// the database, so /readyz shows only what kind of failure it was.
func ready(st *store.Store) web.Readiness {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			return web.NotReady("database unreachable: check that it runs and that database.url is right (the server log has the driver's error)", fmt.Errorf("database: %w", err))
		}
		cur, latest, err := st.SchemaVersion(ctx)
		if err != nil {
			return web.NotReady("database schema unreadable (the server log has the error)", fmt.Errorf("schema: %w", err))
		}
		if cur != latest {
			reason := fmt.Sprintf("database schema at version %d, this binary expects %d: ", cur, latest)
			if cur < latest {
				reason += "run jiesu migrate"
			} else {
				reason += "the database is newer than this binary; deploy the newer one"
			}
			return web.NotReady(reason, errors.New(reason))
		}
		return nil
	}
}
