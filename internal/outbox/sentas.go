package outbox

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// A message handed to a platform may have arrived even when its record
// did not follow (the replica was killed between the two). So before the
// first send the worker records the dedup key it sends under (MarkSentAs),
// and every later attempt sends under that key again, tells the platform
// it may have arrived before, and is never folded into a new digest: a
// WeCom card keeps its task_id, which WeCom answers with 42014 once it
// arrived. Messages sent in one digest go again together, as that digest.

// handOver records, once per attempt, that items are handed to a platform
// under key; a claim lost meanwhile sends nothing.
func (w *Worker) handOver(ctx context.Context, a *attempt, items []cases.OutboxItem, key string) error {
	if a.handed {
		return nil
	}
	claims := make([]store.OutboxClaim, 0, len(items))
	for _, it := range items {
		if it.ID != 0 && it.SentAs != key {
			claims = append(claims, store.OutboxClaim{ID: it.ID, Attempt: it.Attempts})
		}
	}
	held, err := w.store.MarkSentAs(ctx, claims, key)
	if err != nil {
		return bot.Retryable(fmt.Errorf("record the send: %w", err), 0)
	}
	if !held {
		return bot.Retryable(ErrClaimLost, 0)
	}
	a.handed = true
	return nil
}

// mayHaveArrived reports whether an earlier attempt of it went out under
// key.
func mayHaveArrived(it cases.OutboxItem, key string) bool {
	return it.SentAs != "" && it.SentAs == key
}

// foldable reports whether it may go in a new digest: only while no
// attempt of it may have arrived.
func foldable(it cases.OutboxItem) bool { return it.SentAs == "" }

// inDigest reports whether it was last handed over in a digest: under a
// key not its own.
func inDigest(it cases.OutboxItem) bool {
	return it.SentAs != "" && it.SentAs != it.DedupKey
}

// resendDigests takes the messages of items that were last sent in a
// digest out of the batch and sends each such digest again, with its
// other messages that still wait, under its key. It returns the rest of
// items and how many more messages it claimed.
func (w *Worker) resendDigests(ctx context.Context, items []cases.OutboxItem) ([]cases.OutboxItem, int, error) {
	if w.folds == nil {
		return items, 0, nil
	}
	var keys []string
	groups := map[string][]cases.OutboxItem{}
	rest := items[:0:0]
	for _, it := range items {
		if !inDigest(it) {
			rest = append(rest, it)
			continue
		}
		if _, ok := groups[it.SentAs]; !ok {
			keys = append(keys, it.SentAs)
		}
		groups[it.SentAs] = append(groups[it.SentAs], it)
	}
	claimed := 0
	var errs []error
	for _, key := range keys {
		more, err := w.folds.ClaimSentAs(ctx, key, w.clock.Now(), w.cfg.Lease)
		if err != nil {
			errs = append(errs, fmt.Errorf("outbox: %w", err), w.release(ctx, groups[key], "its digest's other messages could not be claimed"))
			continue
		}
		claimed += len(more)
		errs = append(errs, w.resendDigest(ctx, key, append(groups[key], more...)))
	}
	return rest, claimed, errors.Join(errs...)
}

// resendDigest sends the digest key again with the messages of it that
// still wait, however few.
func (w *Worker) resendDigest(ctx context.Context, key string, items []cases.OutboxItem) error {
	parts, errs := w.prepareFolded(ctx, items, func(_ cases.OutboxItem, p planned) bool { return p.d.DigestTemplate != "" },
		func(a *attempt, _ cases.OutboxItem) error {
			// Alone under the digest's key it could be taken for the digest.
			return w.dead(ctx, a, fmt.Errorf("sent in digest %s, now of a part that does not fold: %w", key, ErrUnknownPart))
		})
	if len(parts) == 0 {
		return errors.Join(errs...)
	}
	w.log.Info("digest sent again under its key", zap.String("key", key), zap.Int("messages", len(parts)))
	_, err := w.sendFolded(ctx, parts, key)
	return errors.Join(append(errs, err)...)
}
