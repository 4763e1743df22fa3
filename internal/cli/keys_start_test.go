package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// embeddedConfig is the built-in configuration on SQLite in its own data
// directory.
func embeddedConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.DataDir = t.TempDir()
	return cfg
}

// sealCase stores a case whose name and phone the data directory's key
// sealed, as a running server would.
func sealCase(t *testing.T, st *store.Store, keys *secret.Keyring) {
	t.Helper()
	name, _ := keys.Seal("张三")
	phone, _ := keys.Seal("13812345678")
	storetest.Create(t, st, storetest.NewCase(t, time.Now(), "logistics", func(in *cases.Intake) {
		in.Complainant.NameSealed, in.Complainant.ContactSealed = name, phone
	}))
}

// The key file moved away: the start refuses instead of making a new key,
// and a key file with another key under the same id is refused too.
func TestStartWithoutTheKeyOfTheStoredDataIsRefused(t *testing.T) {
	t.Parallel()
	cfg := embeddedConfig(t)
	core, logs := observer.New(zapcore.WarnLevel)
	a, err := build(context.Background(), cfg, wiring{log: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	path := keyFilePath(cfg)
	warned := logs.FilterMessageSnippet("BACK IT UP").All()
	if len(warned) != 1 || warned[0].ContextMap()["path"] != path {
		t.Errorf("generating the key logged %+v, want one warning naming %s", warned, path)
	}
	keys, err := secret.Load("", cfg.Server.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	sealCase(t, a.store, keys)
	a.close()

	if err := os.Rename(path, path+".moved"); err != nil {
		t.Fatal(err)
	}
	_, err = build(context.Background(), cfg, wiring{})
	if !errors.Is(err, errSealedData) || !strings.Contains(err.Error(), path) {
		t.Fatalf("start without the key file: %v, want refused naming %s", err, path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused start made a key file: %v", err)
	}

	// Another key under the same id, as a regeneration on the same day.
	other := keys.ActiveID() + ":" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("z", 32)))
	if err := os.WriteFile(path, []byte(other+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = build(context.Background(), cfg, wiring{})
	if !errors.Is(err, store.ErrKeyMismatch) || !strings.Contains(err.Error(), keys.ActiveID()) {
		t.Fatalf("start with another key under id %s: %v, want ErrKeyMismatch", keys.ActiveID(), err)
	}

	if err := os.Rename(path+".moved", path); err != nil {
		t.Fatal(err)
	}
	a, err = build(context.Background(), cfg, wiring{})
	if err != nil {
		t.Fatalf("start with the key back: %v", err)
	}
	a.close()
}

// A replica on the same database with another key under the same id, or a
// key of its own, is refused at its start: before, both were ready and
// each sealed what the other could not open.
func TestReplicaWithAnotherKeyIsRefused(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		cfg := embeddedConfig(t)
		key := func(fill string) *secret.Keyring {
			k, err := secret.ParseKeyring("k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(fill, 32))))
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		first, err := build(context.Background(), cfg, wiring{store: st, keys: key("a")})
		if err != nil {
			t.Fatal(err)
		}
		defer first.close()
		if _, err := build(context.Background(), cfg, wiring{store: st, keys: key("b")}); !errors.Is(err, store.ErrKeyMismatch) {
			t.Errorf("replica with another key named k1: %v, want ErrKeyMismatch", err)
		}
		same, err := build(context.Background(), cfg, wiring{store: st, keys: key("a")})
		if err != nil {
			t.Fatalf("replica with the same key: %v", err)
		}
		same.close()
	})
}
