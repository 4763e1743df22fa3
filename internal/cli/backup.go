package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// backupKeySuffix names the copy of the key file beside a backup.
const backupKeySuffix = ".key"

// backup copies the SQLite database to file while the server runs, and the
// key file beside it as file.key: a copy without its key opens no name
// and no phone. It checks first that the keys fit the database, as a start
// would, so that the pair restores. It takes no lock: it runs beside the
// server.
func backup(ctx context.Context, cfg *config.Config, file string, env Env) error {
	if cfg.Database.URL != "" {
		return fmt.Errorf("database.url is set: back PostgreSQL up with pg_dump (docs/operations.md), and keep security.encryption_keys with it: %w", store.ErrNotSQLite)
	}
	if _, err := os.Stat(sqlitePath(cfg)); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	keyFile := file + backupKeySuffix
	for _, p := range []string{file, keyFile} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s exists: a backup never writes over a file", p)
		}
	}
	keys, st, err := openBeside(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.VerifyKeys(ctx, keys, time.Now(), false); err != nil {
		return fmt.Errorf("encryption keys do not fit the database, so a backup would not restore:\n%w", err)
	}
	if err := st.BackupTo(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database copied to %s\n", file)
	if strings.TrimSpace(cfg.Security.EncryptionKeys) != "" {
		fmt.Fprintf(env.Stdout, "the keys %s are in security.encryption_keys, not in a file: keep that setting with the backup, apart from it\n", strings.Join(keys.IDs(), ", "))
		return nil
	}
	if err := copyKeyFile(cfg, keyFile); err != nil {
		_ = os.Remove(file)
		return err
	}
	fmt.Fprintf(env.Stdout, "key file copied to %s (keys %s): a backup restores only with it\n", keyFile, strings.Join(keys.IDs(), ", "))
	return nil
}

func copyKeyFile(cfg *config.Config, to string) error {
	b, err := os.ReadFile(keyFilePath(cfg))
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(to)
		return fmt.Errorf("key file: %w", err)
	}
	return nil
}
