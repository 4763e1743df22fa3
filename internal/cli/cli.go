// Package cli parses jiesu's command line and runs its subcommands: serve
// (the default), migrate, check-config and token create.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// Env is what the commands read from and write to, injected so that tests
// run them in process.
type Env struct {
	Lookup func(string) (string, bool)
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `jiesu: 接诉即办, a complaint-handling service

Usage:
  jiesu [--config FILE] [serve]          serve HTTP (the default)
  jiesu [--config FILE] migrate          apply database migrations and exit
  jiesu [--config FILE] check-config     validate and print the effective config (secrets masked)
  jiesu [--config FILE] token create ID  print a new API token for configured member ID

The config file is --config, else $JIESU_CONFIG, else the built-in example
(configs/jiesu.example.yaml). Every key can be overridden by JIESU_<KEY_PATH>,
e.g. JIESU_DATABASE_URL; JIESU_LISTEN and JIESU_DATA_DIR set the listen
address and the data directory.
`

// Run runs one command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("jiesu", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage) }
	configPath := fs.String("config", "", "configuration file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *configPath == "" {
		*configPath, _ = env.Lookup("JIESU_CONFIG")
	}
	rest := fs.Args()
	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	if cmd == "help" {
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	cfg, err := config.Load(*configPath, env.Lookup)
	if err != nil {
		fmt.Fprintf(env.Stderr, "jiesu: invalid configuration:\n%v\n", err)
		return 1
	}
	switch {
	case cmd == "serve" && len(rest) == 0:
		err = serve(ctx, cfg, env)
	case cmd == "migrate" && len(rest) == 0:
		err = migrate(ctx, cfg, env)
	case cmd == "check-config" && len(rest) == 0:
		err = checkConfig(cfg, env)
	case cmd == "token" && len(rest) == 2 && rest[0] == "create":
		err = createToken(ctx, cfg, rest[1], env)
	default:
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "jiesu %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// openStore opens the configured store: PostgreSQL when database.url is
// set, else the SQLite file in the data directory.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	opts := store.Options{URL: cfg.Database.URL, MaxConns: cfg.Database.MaxConns}
	if opts.URL == "" {
		if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		opts.SQLitePath = filepath.Join(cfg.Server.DataDir, "jiesu.db")
	}
	st, err := store.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// openMigrated opens the store and brings its schema up to date, as every
// command that writes does.
func openMigrated(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return st, nil
}

func migrate(ctx context.Context, cfg *config.Config, env Env) error {
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	cur, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s schema at version %d\n", st.Dialect(), cur)
	return nil
}

func checkConfig(cfg *config.Config, env Env) error {
	out, err := cfg.Masked()
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(out)
	return err
}

func createToken(ctx context.Context, cfg *config.Config, member string, env Env) error {
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	token, err := auth.New(st, cfg).Create(ctx, member, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}
