package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
)

// errSealedData refuses a new key for a database whose values a lost key
// sealed, or that recorded a key another server may be sealing with: a new
// key would open none of their values.
var errSealedData = errors.New("the database holds sealed values, or a key's fingerprint, and no key for them is here: restore jiesu.key from its backup, or set security.encryption_keys to the keys that sealed them")

// serverKeys gives a starting server its keys: configured, or kept in the
// data directory and made there on the first start of an empty database.
// Either way the database's fingerprints must agree before anything is
// sealed (store.VerifyKeys), and the active key's is recorded.
func serverKeys(ctx context.Context, cfg *config.Config, st *store.Store, keys *secret.Keyring, log *zap.Logger, now time.Time) (*secret.Keyring, error) {
	if keys == nil {
		if strings.TrimSpace(cfg.Security.EncryptionKeys) == "" && cfg.Database.URL != "" {
			// The key is made in the data directory on first start (on
			// SQLite, opening the store checked the directory already).
			if err := writableDir(cfg.Server.DataDir); err != nil {
				return nil, err
			}
		}
		var created bool
		var err error
		keys, created, err = secret.LoadOrCreate(cfg.Security.EncryptionKeys, cfg.Server.DataDir, func() error {
			held, err := st.HoldsSealedData(ctx)
			if err == nil && held {
				err = errSealedData
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("encryption keys: %w", err)
		}
		if created {
			// Said loudly: the file is the only copy of the key, and every
			// name and phone sealed from now on is lost with it.
			log.Warn("GENERATED A NEW ENCRYPTION KEY: BACK IT UP NOW. Every complainant's name and phone will be sealed with it; if the file is lost they cannot be read again. Copy it somewhere safe apart from the database backups, or move it into security.encryption_keys.",
				zap.String("path", keyFilePath(cfg)), zap.String("key_id", keys.ActiveID()))
		}
	}
	if err := st.VerifyKeys(ctx, keys, now, true); err != nil {
		return nil, fmt.Errorf("encryption keys:\n%w", err)
	}
	return keys, nil
}
