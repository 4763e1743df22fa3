package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/dirlock"
	"github.com/jiesu/jiesu/internal/logging"
	"github.com/jiesu/jiesu/internal/metrics"
	"github.com/jiesu/jiesu/internal/outbox"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/version"
	"github.com/jiesu/jiesu/internal/web"
)

// shutdownGrace is how long in-flight requests get after a signal.
const shutdownGrace = 15 * time.Second

// serve runs the HTTP server and the outbox worker until ctx ends.
func serve(ctx context.Context, cfg *config.Config, env Env) (err error) {
	log, err := logging.NewTo(cfg.Log, env.Stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	defer logging.RouteLibraries(log)()
	info := version.Get()
	log.Info("starting jiesu", zap.String("version", info.Version), zap.String("commit", info.Commit),
		zap.String("go", info.Go), zap.String("config", cfg.Source()))
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	// From here on the exit error is a log line like the others, for the
	// collector that reads them.
	defer func() {
		if err != nil {
			// The stack would be serve's own, the same every time.
			log.WithOptions(zap.AddStacktrace(zapcore.FatalLevel)).Error("exiting", zap.Error(err))
			err = logged{err}
		}
	}()
	app, err := build(ctx, cfg, wiring{log: log})
	if err != nil {
		return err
	}
	defer app.close()

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
	}
	mln, err := net.Listen("tcp", cfg.Server.MetricsListen)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("server.metrics_listen %s: %w", cfg.Server.MetricsListen, err)
	}
	msrv := metricsServer(app.metrics, log)
	srv := &http.Server{
		Handler:           app.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
	workers, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	done := app.start(workers)
	log.Info("serving", zap.String("addr", ln.Addr().String()), zap.String("metrics_addr", mln.Addr().String()),
		zap.String("store", app.store.Dialect()), zap.String("data_dir", cfg.Server.DataDir))

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- msrv.Serve(mln) }()
	// A Serve returns before Shutdown only when it failed; either way both
	// servers stop.
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	err = errors.Join(err, srv.Shutdown(sctx), msrv.Shutdown(sctx))
	cancel()
	stopWorkers()
	<-done
	return err
}

// logged is an error already written to the log, which Run need not print
// again.
type logged struct{ error }

func (e logged) Unwrap() error { return e.error }

// closeAll closes the last opened first: the chat sides before the Redis
// they use.
func closeAll(closers []func() error) {
	for i := len(closers) - 1; i >= 0; i-- {
		_ = closers[i]()
	}
}

// app is every long-lived part of a running jiesu.
type app struct {
	store    *store.Store
	web      *web.Server
	metrics  *metrics.Metrics
	svc      *service.Service
	worker   *outbox.Worker
	students *students
	units    *unitChat
	start    func(ctx context.Context) (done <-chan struct{})
	closers  []func() error // run, last first, before the store closes
	ownStore bool           // build opened the store, so close closes it
	lock     *dirlock.Lock  // the data directory's, held while it runs on SQLite
}

func (a *app) close() {
	closeAll(a.closers)
	if a.ownStore {
		_ = a.store.Close()
	}
	_ = a.lock.Release()
}

// wiring is what build takes besides the configuration. serve gives the
// logger alone; the end-to-end tests also give a fake clock, a store and
// keys of their own, a cache that replicas share, and outbox settings, so
// that what they run is wired as serve wires it. A zero field gets what
// serve would.
type wiring struct {
	log   *zap.Logger
	clock clock.Clock     // default the wall clock
	store *store.Store    // default opened and migrated from the configuration
	keys  *secret.Keyring // default the configured keys, or one kept in the data directory
	http  *http.Client    // to WeCom; default the client's own
	cache cache.Cache     // both chat sides' cache, instead of Redis or an in-process one
	// outbox changes the worker's parameters after the chat sides have.
	outbox []func(*outbox.Params)
}

// build opens and migrates the store (unless w gives one) and wires the
// service, the API and the background workers.
func build(ctx context.Context, cfg *config.Config, w wiring) (*app, error) {
	log, clk := w.log, w.clock
	if log == nil {
		log = zap.NewNop()
	}
	if clk == nil {
		clk = clock.Real{}
	}
	st, ownStore := w.store, w.store == nil
	var lock *dirlock.Lock
	if ownStore {
		var err error
		if cfg.Database.URL == "" {
			// One server per SQLite file (and per key file).
			if err = writableDir(cfg.Server.DataDir); err != nil {
				return nil, err
			}
			if lock, err = dirlock.Acquire(cfg.Server.DataDir); err != nil {
				return nil, err
			}
		}
		if st, err = openMigrated(ctx, cfg); err != nil {
			_ = lock.Release()
			return nil, err
		}
	}
	ok := false
	defer func() {
		if !ok && ownStore {
			_ = st.Close()
			_ = lock.Release()
		}
	}()
	keys, err := serverKeys(ctx, cfg, st, w.keys, log, clk.Now())
	if err != nil {
		return nil, err
	}
	router, err := routing.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	m := metrics.New(metrics.Options{Source: st, Pool: st, Now: clk.Now, ErrorLog: zap.NewStdLog(log.Named("metrics"))})
	var closers []func() error
	defer func() {
		if !ok {
			closeAll(closers)
		}
	}()
	// One cache and one limiter for both platforms: Redis when configured
	// (shared by replicas), else in process; a test may bring its own.
	shared, limiter := w.cache, outbox.Limiter(outbox.NewMemoryLimiter())
	var redis *sharedRedis
	switch {
	case shared != nil:
	case cfg.Redis.URL != "":
		if redis, err = newSharedRedis(cfg, clk, log, m); err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		closers = append(closers, redis.close)
		shared, limiter = redis.cache, redis.limiter
	default:
		shared = cache.NewMemory(clk)
	}
	units, err := newUnitChat(ctx, unitChatDeps{Config: cfg, Store: st, Keys: keys, Clock: clk, Log: log, HTTP: w.http, Cache: shared, Limiter: limiter,
		APIErrors: func(code int64) { m.PlatformAPIError(bot.PlatformWeCom, code) }})
	if err != nil {
		return nil, fmt.Errorf("unit chat: %w", err)
	}
	closers = append(closers, units.close)
	students, err := newStudents(cfg, keys, clk, log, shared, func(code int64) { m.PlatformAPIError(bot.PlatformWeChat, code) })
	if err != nil {
		return nil, fmt.Errorf("students: %w", err)
	}
	closers = append(closers, students.close)
	// units wraps the renderer, so it comes after options that need the
	// *render.Renderer itself.
	worker, err := newOutbox(cfg, st, m, log, append([]func(*outbox.Params){students.outboxOptions, units.outboxOptions}, w.outbox...)...)
	if err != nil {
		return nil, err
	}
	svc := service.New(service.Deps{Store: st, Config: cfg, Router: router, Keys: keys, Clock: clk, Log: log, Committed: worker.Notify})
	scheduler, err := newScheduler(cfg, st, svc, worker.Notify, m.NewScheduler(), log)
	if err != nil {
		return nil, err
	}
	var redisState func() string
	if redis != nil {
		redisState = redis.state
	}
	srv := web.New(web.Options{
		Service: svc, Tokens: auth.New(st, cfg, auth.Options{Clock: clk}), Clock: clk, Log: log.Named("http"), Metrics: m,
		Ready: web.AllReady(units.ready(ready(st)), scheduler.Check), Redis: redisState, Outbox: st, TrustedProxies: cfg.Server.TrustedProxyRanges(),
		MaxBodyBytes: cfg.Server.MaxBodyBytes,
	})
	if err := units.mount(srv, svc, m); err != nil {
		return nil, fmt.Errorf("wecom: %w", err)
	}
	if err := students.mount(srv, svc, m); err != nil {
		return nil, fmt.Errorf("students: %w", err)
	}
	ok = true
	return &app{store: st, web: srv, metrics: m, svc: svc, worker: worker, students: students, units: units,
		closers: closers, ownStore: ownStore, lock: lock, start: func(ctx context.Context) <-chan struct{} {
			return runAll(ctx, worker.Run, scheduler.Run, students.run)
		}}, nil
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
