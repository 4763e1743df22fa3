package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// The first start records its key; a start or a replica with another key
// under the same id is refused, before anything is sealed, and a start
// with no key for values sealed in the database is refused too.
func TestVerifyKeysRefusesAnotherKeyUnderTheSameID(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if held, err := s.HoldsSealedData(ctx); err != nil || held {
			t.Fatalf("a new database holds sealed data: %v, %v", held, err)
		}
		first := keyring(t, "k20261128")
		if err := s.VerifyKeys(ctx, first, at(0), false); err != nil {
			t.Fatalf("check without recording: %v", err)
		}
		if held, _ := s.HoldsSealedData(ctx); held {
			t.Fatal("a check without recording recorded")
		}
		if err := s.VerifyKeys(ctx, first, at(0), true); err != nil {
			t.Fatalf("first start: %v", err)
		}
		if held, _ := s.HoldsSealedData(ctx); !held {
			t.Error("after the first start the database holds no fingerprint")
		}
		if err := s.VerifyKeys(ctx, first, at(time.Hour), true); err != nil {
			t.Fatalf("restart with the same key: %v", err)
		}
		// No value is sealed yet: the second replica is refused all the same.
		err := s.VerifyKeys(ctx, keyring(t, "k20261128/x"), at(time.Hour), true)
		if !errors.Is(err, store.ErrKeyMismatch) || !strings.Contains(err.Error(), `"k20261128"`) {
			t.Fatalf("another key under the same id: %v, want ErrKeyMismatch naming it", err)
		}
		// Nor may a replica seal under a key id of its own.
		if err := s.VerifyKeys(ctx, keyring(t, "k20261129"), at(time.Hour), true); !errors.Is(err, store.ErrKeyMissing) {
			t.Fatalf("a replica with another key id: %v, want ErrKeyMissing", err)
		}
		storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Complainant.NameSealed = seal(t, first, "张三")
			in.Complainant.ContactSealed = seal(t, first, "13812345678")
		}))
		// The key file moved away and a new key made with a new id.
		err = s.VerifyKeys(ctx, keyring(t, "k20261129"), at(24*time.Hour), true)
		if !errors.Is(err, store.ErrKeyMissing) || !strings.Contains(err.Error(), `"k20261128"`) {
			t.Fatalf("a start without the key of the stored values: %v, want ErrKeyMissing naming it", err)
		}
		for _, e := range []string{"张三", "13812345678", "eHh4"} {
			if strings.Contains(err.Error(), e) {
				t.Errorf("the error shows %q: %v", e, err)
			}
		}
	})
}

// A database sealed before fingerprints were kept: the data itself tells
// which keys sealed it, and a key that does not open it is refused.
func TestVerifyKeysAgainstDataSealedBefore(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old := keyring(t, "k1")
		storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Complainant.NameSealed = seal(t, old, "张三")
		}))
		if err := s.VerifyKeys(ctx, keyring(t, "k1/x"), at(0), true); !errors.Is(err, store.ErrKeyMismatch) {
			t.Fatalf("a key that does not open the data: %v, want ErrKeyMismatch", err)
		}
		if err := s.VerifyKeys(ctx, keyring(t, "k2"), at(0), true); !errors.Is(err, store.ErrKeyMissing) {
			t.Fatalf("no key for the data: %v, want ErrKeyMissing", err)
		}
		rotated := keyring(t, "k2", "k1")
		if err := s.VerifyKeys(ctx, rotated, at(0), true); err != nil {
			t.Fatalf("the right keys: %v", err)
		}
		// k1 is recorded now: a wrong k1 is refused by its fingerprint.
		wrong := keyring(t, "k2", "k1/y")
		if err := s.VerifyKeys(ctx, wrong, at(0), true); !errors.Is(err, store.ErrKeyMismatch) {
			t.Fatalf("a wrong old key: %v, want ErrKeyMismatch", err)
		}
		// Once every value is resealed, the old key may go.
		if _, err := s.Reseal(ctx, rotated, 10); err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyKeys(ctx, keyring(t, "k2"), at(time.Hour), true); !errors.Is(err, store.ErrKeyMissing) {
			t.Fatalf("after reseal, without the old key, before it is retired: %v, want ErrKeyMissing", err)
		}
		if ids, err := s.RetireKeys(ctx, "k2", at(time.Hour)); err != nil || len(ids) != 1 || ids[0] != "k1" {
			t.Fatalf("RetireKeys = %q, %v; want k1", ids, err)
		}
		if err := s.VerifyKeys(ctx, keyring(t, "k2"), at(time.Hour), true); err != nil {
			t.Fatalf("after reseal, without the retired key: %v", err)
		}
	})
}
