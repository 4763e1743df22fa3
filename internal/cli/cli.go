// Package cli parses jiesu's command line and runs its subcommands: serve
// (the default), migrate, check-config, token create, list and revoke,
// keys generate and reseal, backup, and wechat menu sync.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/jiesu/jiesu/internal/auth"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/logging"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/version"
)

// Env is what the commands read from and write to, injected so that tests
// run them in process.
type Env struct {
	Lookup func(string) (string, bool)
	// Names lists every variable set (os.Environ's names), so that a
	// misspelt JIESU_ one is refused; nil skips that check.
	Names  func() []string
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `jiesu: 接诉即办, a complaint-handling service

Usage:
  jiesu [--config FILE] [serve]              serve HTTP (the default)
  jiesu [--config FILE] migrate              apply database migrations and exit
  jiesu version | --version                  print the version, the commit and the Go release
  jiesu [--config FILE] healthcheck          exit 0 if the local server answers /readyz (for HEALTHCHECK)
  jiesu [--config FILE] check-config         validate and print the effective config (secrets masked),
                                             and check the keys against the database's fingerprints
  jiesu [--config FILE] token create MEMBER  print a new API token for configured member MEMBER
  jiesu [--config FILE] token list [MEMBER]  list API tokens (id, member, created), all or MEMBER's
  jiesu [--config FILE] token revoke ID      delete the API token with id ID (from token list);
                                             a running server refuses it within 30 s
  jiesu [--config FILE] outbox list [--state STATE|all] [--case REF] [--since T] [--limit N]
                                             list outbox messages, oldest first (default: the dead ones)
  jiesu [--config FILE] outbox retry ID|--all-dead [--since T] [--note TEXT]
                                             send dead messages again from their first attempt
  jiesu [--config FILE] outbox drop ID [--note TEXT]
                                             give up on a dead or pending message for good
  jiesu keys generate ID                     print a new encryption key entry with id ID, to put
                                             first in security.encryption_keys
  jiesu [--config FILE] keys reseal          re-encrypt every stored name, contact and reply (and
                                             rekey the phone index) under the first (active) key;
                                             then it says which keys may be removed
  jiesu [--config FILE] backup FILE          copy the SQLite database to FILE while the server runs,
                                             and the key file to FILE.key
  jiesu [--config FILE] wechat menu sync     create the Official Account's menu (templates/wechat_menu.json)

Flags may also follow the command: jiesu keys reseal --config FILE.
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
	showVersion := fs.Bool("version", false, "print the version and exit")
	ob := addOutboxFlags(fs)
	// Flags may come anywhere among the words: jiesu keys reseal --config
	// FILE. The flag package stops at the first word, so take the words one
	// at a time; after "--" everything is a word.
	var words []string
	err := fs.Parse(args)
	for err == nil && fs.NArg() > 0 {
		if len(args) > fs.NArg() && args[len(args)-fs.NArg()-1] == "--" {
			words = append(words, fs.Args()...)
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
		err = fs.Parse(args)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cmd, rest := "serve", words
	if len(words) > 0 {
		cmd, rest = words[0], words[1:]
	}
	if *configPath == "" {
		*configPath, _ = env.Lookup("JIESU_CONFIG")
	}
	if used := usedOutboxFlags(fs); len(used) > 0 && cmd != "outbox" {
		fmt.Fprintf(env.Stderr, "jiesu %s: %s belong to jiesu outbox\n", cmd, strings.Join(used, ", "))
		return 2
	}
	switch {
	case cmd == "help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	case *showVersion || (cmd == "version" && len(rest) == 0):
		fmt.Fprintln(env.Stdout, version.Get())
		return 0
	case cmd == "keys" && len(rest) == 2 && rest[0] == "generate":
		// Needs no configuration: it makes the key a configuration lacks.
		if err := generateKey(rest[1], env); err != nil {
			fmt.Fprintf(env.Stderr, "jiesu keys: %v\n", err)
			return 1
		}
		return 0
	}
	var names []string
	if env.Names != nil {
		names = env.Names()
	}
	cfg, err := config.LoadEnv(*configPath, env.Lookup, names)
	if err != nil {
		if cmd == "serve" {
			// A server's stderr goes to a log collector: one JSON line.
			logInvalidConfig(env, err)
			return 1
		}
		fmt.Fprintf(env.Stderr, "jiesu: invalid configuration:\n%v\n", err)
		return 1
	}
	switch {
	case cmd == "serve" && len(rest) == 0:
		err = serve(ctx, cfg, env)
	case cmd == "migrate" && len(rest) == 0:
		err = migrate(ctx, cfg, env)
	case cmd == "healthcheck" && len(rest) == 0:
		err = healthcheck(ctx, cfg, env)
	case cmd == "check-config" && len(rest) == 0:
		err = checkConfig(ctx, cfg, env)
	case cmd == "token" && len(rest) == 2 && rest[0] == "create":
		err = createToken(ctx, cfg, rest[1], env)
	case cmd == "token" && len(rest) >= 1 && len(rest) <= 2 && rest[0] == "list":
		err = listTokens(ctx, cfg, rest[1:], env)
	case cmd == "token" && len(rest) == 2 && rest[0] == "revoke":
		err = revokeToken(ctx, cfg, rest[1], env)
	case cmd == "keys" && len(rest) == 1 && rest[0] == "reseal":
		err = resealKeys(ctx, cfg, env)
	case cmd == "backup" && len(rest) == 1:
		err = backup(ctx, cfg, rest[0], env)
	case cmd == "outbox":
		err = outboxCommand(ctx, cfg, rest, ob, env)
	case cmd == "wechat" && len(rest) == 2 && rest[0] == "menu" && rest[1] == "sync":
		err = syncWeChatMenu(ctx, cfg, env)
	default:
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	if errors.Is(err, errUsage) {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	if errors.As(err, new(logged)) {
		return 1
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "jiesu %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// logInvalidConfig writes a refused configuration as serve's log would, in
// JSON: the configuration that would say otherwise is the one refused.
func logInvalidConfig(env Env, err error) {
	log, lerr := logging.NewTo(config.Log{}, env.Stderr)
	if lerr != nil {
		fmt.Fprintf(env.Stderr, "jiesu: invalid configuration:\n%v\n", err)
		return
	}
	log.WithOptions(zap.AddStacktrace(zapcore.FatalLevel)).Error("invalid configuration", zap.Error(err))
	_ = log.Sync()
}

// openStore opens the configured store: PostgreSQL when database.url is
// set, else the SQLite file in the data directory.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	opts := store.Options{URL: cfg.Database.URL, MaxConns: cfg.Database.MaxConns}
	if opts.URL == "" {
		if err := writableDir(cfg.Server.DataDir); err != nil {
			return nil, err
		}
		opts.SQLitePath = sqlitePath(cfg)
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

// checkConfig prints the effective configuration, then checks the keys
// against the database as a start would.
func checkConfig(ctx context.Context, cfg *config.Config, env Env) error {
	out, err := cfg.Masked()
	if err != nil {
		return err
	}
	if _, err = env.Stdout.Write(out); err != nil {
		return err
	}
	// Last of the listing, so that a script or a person reading the end of
	// a long listing knows the whole file passed; the keys' check follows.
	if _, err = fmt.Fprintln(env.Stdout, "config OK"); err != nil {
		return err
	}
	return verifyKeys(ctx, cfg, env)
}

func createToken(ctx context.Context, cfg *config.Config, member string, env Env) error {
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	token, err := auth.New(st, cfg, auth.Options{}).Create(ctx, member, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}

// listTokens does not check the member against the config: the tokens of a
// member who left are the ones most worth finding and revoking.
func listTokens(ctx context.Context, cfg *config.Config, member []string, env Env) error {
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var memberID string
	if len(member) > 0 {
		memberID = member[0]
	}
	tokens, err := st.ListTokens(ctx, memberID)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	for _, tok := range tokens {
		fmt.Fprintf(w, "%s\t%s\t%s\n", tok.ID, tok.MemberID, tok.CreatedAt.In(cases.Shanghai()).Format("2006-01-02 15:04:05 -07:00"))
	}
	return w.Flush()
}

func revokeToken(ctx context.Context, cfg *config.Config, id string, env Env) error {
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// The revocation is immediate in this process only; a running server
	// keeps its cached lookup for up to its cache TTL.
	if err := auth.New(st, cfg, auth.Options{}).Revoke(ctx, id); err != nil {
		if errors.Is(err, cases.ErrNotFound) {
			return fmt.Errorf("%w; jiesu token list shows the ids", err)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked token %s; a running server refuses it within %s\n", id, auth.DefaultCacheTTL)
	return nil
}
