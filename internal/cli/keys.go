package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
)

// generateKey prints a new keyring entry to put first in
// security.encryption_keys.
func generateKey(id string, env Env) error {
	entry, err := secret.GenerateKey(id)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, entry)
	return nil
}

// resealKeys moves every sealed value to the active key, so that the keys
// after it can be retired. It may run beside a running server; a replica
// still on the old keyring can seal under the old key meanwhile, which the
// count of what is left shows.
func resealKeys(ctx context.Context, cfg *config.Config, env Env) error {
	keys, err := secret.LoadOrCreate(cfg.Security.EncryptionKeys, cfg.Server.DataDir)
	if err != nil {
		return fmt.Errorf("encryption keys: %w", err)
	}
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, rerr := st.Reseal(ctx, keys.ActiveID(), keys.Reseal, store.DefaultResealBatch)
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "column\tresealed\tleft under other keys\n")
	left := 0
	for _, c := range counts {
		fmt.Fprintf(w, "%s\t%d\t%d\n", c.Column, c.Resealed, c.Left)
		left += c.Left
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("%d values could not be resealed; keep the keys they name:\n%w", left, rerr)
	}
	if left > 0 {
		return fmt.Errorf("%d values are still under other keys (written meanwhile by a replica on the old keys?); run it again once every replica has the new keys", left)
	}
	fmt.Fprintf(env.Stdout, "every sealed value is under key %q; the other keys may be removed from security.encryption_keys\n", keys.ActiveID())
	return nil
}
