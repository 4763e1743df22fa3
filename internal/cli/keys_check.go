package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
)

// checkTimeout bounds check-config's look at the database.
const checkTimeout = 5 * time.Second

// sqlitePath is the embedded database's file in the data directory.
func sqlitePath(cfg *config.Config) string { return filepath.Join(cfg.Server.DataDir, "jiesu.db") }

// keyFilePath is where a key generated for the data directory is kept.
func keyFilePath(cfg *config.Config) string {
	return filepath.Join(cfg.Server.DataDir, secret.KeyFileName)
}

// verifyKeys is check-config's look at the keys a start would use: the
// configured ones, or the data directory's key file, against the
// fingerprints the database keeps (store.VerifyKeys), writing nothing. It
// fails where a start would refuse; a database not there yet, or out of
// reach, leaves the keys unverified, and it says so.
func verifyKeys(ctx context.Context, cfg *config.Config, env Env) error {
	say := func(format string, args ...any) { fmt.Fprintf(env.Stderr, "keys: "+format+"\n", args...) }
	keyFile := keyFilePath(cfg)
	keys, err := secret.Load(cfg.Security.EncryptionKeys, cfg.Server.DataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("encryption keys: %w", err)
	}
	if cfg.Database.URL == "" {
		if _, err := os.Stat(sqlitePath(cfg)); errors.Is(err, fs.ErrNotExist) {
			say("not verified: no database yet at %s", sqlitePath(cfg))
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	st, err := openStore(ctx, cfg)
	if err != nil {
		say("not verified: %v", err)
		return nil
	}
	defer st.Close()
	switch err := st.CheckSchema(ctx); {
	case errors.Is(err, store.ErrSchemaTooNew):
		// serve refuses this database: so does check-config.
		return fmt.Errorf("%w: a newer jiesu migrated it; run that release, or restore the backup taken before it", err)
	case errors.Is(err, store.ErrSchemaPending):
		say("not verified: %v; the start migrates it (or run jiesu migrate), then check again", err)
		return nil
	case err != nil:
		say("not verified: %v", err)
		return nil
	}
	if keys == nil {
		held, err := st.HoldsSealedData(ctx)
		if err != nil {
			return err
		}
		if held {
			return fmt.Errorf("encryption keys: %s is missing: %w", keyFile, errSealedData)
		}
		say("none yet: the first start makes %s; back it up then", keyFile)
		return nil
	}
	if err := st.VerifyKeys(ctx, keys, time.Now(), false); err != nil {
		return fmt.Errorf("encryption keys do not fit the database:\n%w", err)
	}
	from := "security.encryption_keys"
	if strings.TrimSpace(cfg.Security.EncryptionKeys) == "" {
		from = keyFile
	}
	say("%s from %s fit the database; %q seals", strings.Join(keys.IDs(), ", "), from, keys.ActiveID())
	if from != keyFile {
		if _, err := os.Stat(keyFile); err == nil {
			say("%s is not read while security.encryption_keys is set: that setting is what a start needs", keyFile)
		}
	}
	return nil
}
