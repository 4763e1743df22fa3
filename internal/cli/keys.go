package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

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

// openBeside opens what a tool beside running servers needs: their keys,
// never made here, and their store, never migrated here (a newer binary
// would upgrade it under older replicas).
func openBeside(ctx context.Context, cfg *config.Config) (*secret.Keyring, *store.Store, error) {
	keys, err := secret.Load(cfg.Security.EncryptionKeys, cfg.Server.DataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption keys: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return keys, st, nil
}

// resealKeys moves every sealed value to the active key, so that the keys
// after it can be retired. It runs beside running servers, so it neither
// migrates the schema (a newer binary would upgrade it under older
// replicas) nor makes a key file; a replica still on the old keyring can
// seal under the old key meanwhile, which the count of what is left shows.
func resealKeys(ctx context.Context, cfg *config.Config, env Env) error {
	keys, st, err := openBeside(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	cur, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur != latest {
		return fmt.Errorf("the database schema is at version %d, this binary's at %d: reseal with the binary the servers run", cur, latest)
	}
	// The new key's fingerprint is recorded before it seals anything. A
	// key missing for some values is what the report below names, row by
	// row; a key that is not the one of its id stops here.
	if err := st.VerifyKeys(ctx, keys, time.Now(), true); errors.Is(err, store.ErrKeyMismatch) {
		return fmt.Errorf("encryption keys:\n%w", err)
	}
	rep, err := st.Reseal(ctx, keys, store.DefaultResealBatch)
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "column\tresealed\tleft under other keys\n")
	left := 0
	for _, c := range rep.Columns {
		fmt.Fprintf(w, "%s\t%d\t%d\n", c.Column, c.Resealed, c.Left)
		left += c.Left
	}
	if ferr := w.Flush(); ferr != nil {
		return ferr
	}
	if err != nil {
		return fmt.Errorf("stopped: %w; what was resealed stays so, and running it again goes on", err)
	}
	if len(rep.Failed) > 0 {
		return failedReseal(rep.Failed)
	}
	if left > 0 {
		return fmt.Errorf("%d values are still under other keys, written meanwhile by a replica on the old keys: run it again once every replica has the new keys", left)
	}
	retired, err := st.RetireKeys(ctx, keys.ActiveID(), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "every stored value is under key %q.\n", keys.ActiveID())
	whatToChange(cfg, keys, retired, env)
	return nil
}

// whatToChange tells, after a reseal, what the configuration must say so
// that no restart loses the data: the active key must stay where the
// servers read it, and the key file must not be taken for it.
func whatToChange(cfg *config.Config, keys *secret.Keyring, retired []string, env Env) {
	active := keys.ActiveID()
	others := keys.IDs()[1:]
	fmt.Fprintln(env.Stdout, "What to change now:")
	if strings.TrimSpace(cfg.Security.EncryptionKeys) != "" {
		fmt.Fprintf(env.Stdout, "- security.encryption_keys must keep %q first, on every server: it is the only key the stored values need.\n", active)
		keyFile := keyFilePath(cfg)
		if _, err := os.Stat(keyFile); err == nil {
			fmt.Fprintf(env.Stdout, "- %s does not hold %q: never unset security.encryption_keys to fall back on it. Keep the file only as the backup of the keys it holds.\n", keyFile, active)
		}
	} else {
		fmt.Fprintf(env.Stdout, "- %s holds %q: back it up now.\n", keyFilePath(cfg), active)
	}
	if len(others) > 0 {
		fmt.Fprintf(env.Stdout, "- %s may leave the keys once the survey links sent before the rotation are past use (their cases rated, or closed unrated after survey.close_unrated_after).\n", strings.Join(others, ", "))
	}
	if len(retired) > 0 {
		fmt.Fprintf(env.Stdout, "- retired in the database: %s; a start without them is no longer refused.\n", strings.Join(retired, ", "))
	}
	fmt.Fprintln(env.Stdout, "Then run jiesu check-config with the new configuration: it checks the keys against the database.")
}

// failedReseal says, per key, what could not be opened and what to do.
func failedReseal(failed []store.ResealFailure) error {
	type group struct {
		missing bool
		n       int
		rows    []string
	}
	byKey := map[string]*group{}
	for _, f := range failed {
		g := byKey[f.KeyID]
		if g == nil {
			g = &group{missing: errors.Is(f.Err, secret.ErrUnknownKey)}
			byKey[f.KeyID] = g
		}
		g.n++
		if len(g.rows) < 3 {
			g.rows = append(g.rows, f.Column+" "+f.Row)
		}
	}
	ids := make([]string, 0, len(byKey))
	for id := range byKey {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var lines []string
	for _, id := range ids {
		g := byKey[id]
		why := fmt.Sprintf("%d values under key %q do not open: altered or damaged", g.n, id)
		if g.missing {
			why = fmt.Sprintf("%d values are under key %q, which security.encryption_keys lacks: put it back after the first key and run again", g.n, id)
		}
		lines = append(lines, why+" (e.g. "+strings.Join(g.rows, "; ")+")")
	}
	return errors.New(strings.Join(lines, "\n"))
}
