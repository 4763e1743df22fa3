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

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/logging"
	"github.com/jiesu/jiesu/internal/version"
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
	a, err := build(ctx, cfg, wiring{log: log})
	if err != nil {
		return err
	}
	defer a.close()
	return runApp(ctx, cfg, a, log)
}

// runApp serves a on the configured listeners and runs its workers until ctx
// ends, a server fails or a worker that does not restart fails; then both
// servers stop and the workers are stopped and waited for.
func runApp(ctx context.Context, cfg *config.Config, a *app, log *zap.Logger) (err error) {
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
	}
	mln, err := net.Listen("tcp", cfg.Server.MetricsListen)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("server.metrics_listen %s: %w", cfg.Server.MetricsListen, err)
	}
	msrv := metricsServer(a.metrics, log)
	srv := &http.Server{
		Handler:           a.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
	workersCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workers := startWorkers(workersCtx, a.workers, log, a.clock, a.wait)
	log.Info("serving", zap.String("addr", ln.Addr().String()), zap.String("metrics_addr", mln.Addr().String()),
		zap.String("store", a.store.Dialect()), zap.String("data_dir", cfg.Server.DataDir))

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- msrv.Serve(mln) }()
	// A Serve returns before Shutdown only when it failed; either way both
	// servers stop.
	select {
	case err = <-errc:
	case err = <-workers.failed:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	err = errors.Join(err, srv.Shutdown(sctx), msrv.Shutdown(sctx))
	cancel()
	stopWorkers()
	<-workers.done
	return err
}

// logged is an error already written to the log, which Run need not print
// again.
type logged struct{ error }

func (e logged) Unwrap() error { return e.error }
