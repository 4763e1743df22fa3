package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// keyring parses "id" entries into a keyring of fixed 32-byte keys made
// of the id, the first active; "id/x" makes the key of id out of x instead,
// another key under the same id.
func keyring(t *testing.T, ids ...string) *secret.Keyring {
	t.Helper()
	var spec []string
	for _, e := range ids {
		id, fill, ok := strings.Cut(e, "/")
		if !ok {
			fill = id
		}
		spec = append(spec, id+":"+base64.StdEncoding.EncodeToString([]byte(strings.Repeat(fill, 32)[:32])))
	}
	k, err := secret.ParseKeyring(strings.Join(spec, ","))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func seal(t *testing.T, k *secret.Keyring, plain string) string {
	t.Helper()
	v, err := k.Seal(plain)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// After a rotation, Reseal moves every sealed column to the new key, in
// batches, leaving what it cannot open and saying so; a second run has
// nothing to do, and the old key can go.
func TestResealMovesEverySealedColumnToTheActiveKey(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old, lost := keyring(t, "k1"), keyring(t, "k0")
		var ids []int64
		for i := range 5 {
			c := storetest.Create(t, s, storetest.NewCase(t, at(time.Duration(i)*time.Minute), "logistics", func(in *cases.Intake) {
				in.Complainant.NameSealed = seal(t, old, "张三")
				in.Complainant.ContactSealed = seal(t, old, "13812345678")
				if i == 3 {
					// Sealed with a key no longer in the keyring: cannot be moved.
					in.Complainant.NameSealed = seal(t, lost, "李四")
				}
				if i == 4 {
					in.Complainant.ContactSealed = "" // no contact: nothing to seal
				}
			}))
			ids = append(ids, c.ID)
		}
		for _, id := range []string{"openid-a", "openid-b", "openid-c"} {
			if _, err := s.TouchComplainant(ctx, cases.ChannelWeChatOA, id, at(0)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateComplainant(ctx, cases.ChannelWeChatOA, id, at(0), func(c *cases.ChatComplainant) error {
				c.ContactSealed = seal(t, old, "139"+id[len(id)-1:])
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ClaimInbound(ctx, "wechat_oa", "msg-1", at(0), time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishInbound(ctx, "wechat_oa", "msg-1", seal(t, old, "已受理")); err != nil {
			t.Fatal(err)
		}

		rotated := keyring(t, "k2", "k1")
		rep, err := s.Reseal(ctx, rotated, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ResealCount{
			{Column: "cases.complainant_name_sealed", Resealed: 4, Left: 1},
			{Column: "cases.complainant_contact_sealed", Resealed: 4},
			// Registered before the index: Reseal fills it in.
			{Column: "cases.complainant_contact_index", Resealed: 4},
			{Column: "complainants.contact_sealed", Resealed: 3},
			{Column: "inbound_messages.reply_sealed", Resealed: 1},
		}
		if !slices.Equal(rep.Columns, want) {
			t.Errorf("counts (-want +got):\n%s", storetest.Diff(want, rep.Columns))
		}
		if len(rep.Failed) != 1 || rep.Failed[0].KeyID != "k0" || rep.Failed[0].Column != "cases.complainant_name_sealed" ||
			rep.Failed[0].Row != fmt.Sprintf("[%d]", ids[3]) || !errors.Is(rep.Failed[0].Err, secret.ErrUnknownKey) {
			t.Errorf("failed %+v, want case %d's name under the unknown key k0", rep.Failed, ids[3])
		}

		for i, id := range ids {
			c, err := s.GetCase(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			// A new version: a transition that read the case before must
			// not write the old value back.
			if c.Version != 2 {
				t.Errorf("case %d version %d, want 2", i, c.Version)
			}
			if i != 3 {
				mustOpen(t, rotated, "k2", c.Complainant.NameSealed, "张三")
			}
			if i != 4 {
				mustOpen(t, rotated, "k2", c.Complainant.ContactSealed, "13812345678")
				if c.Complainant.ContactIndex != rotated.PhoneIndex("138 1234 5678") {
					t.Errorf("case %d contact index %q, want the new key's", i, c.Complainant.ContactIndex)
				}
			} else if c.Complainant.ContactSealed != "" {
				t.Errorf("empty contact became %q", c.Complainant.ContactSealed)
			}
		}
		cp, err := s.GetComplainant(ctx, cases.ChannelWeChatOA, "openid-b")
		if err != nil {
			t.Fatal(err)
		}
		mustOpen(t, rotated, "k2", cp.ContactSealed, "139b")
		in, err := s.GetInbound(ctx, "wechat_oa", "msg-1")
		if err != nil {
			t.Fatal(err)
		}
		mustOpen(t, rotated, "k2", in.ReplySealed, "已受理")

		again, err := s.Reseal(ctx, rotated, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range again.Columns {
			if c.Resealed != 0 {
				t.Errorf("second run resealed %d of %s", c.Resealed, c.Column)
			}
		}
	})
}

// mustOpen checks that v is sealed under key id and opens to want.
func mustOpen(t *testing.T, k *secret.Keyring, id, v, want string) {
	t.Helper()
	if !strings.HasPrefix(v, "v1."+id+".") {
		t.Errorf("%.12s… is not under key %s", v, id)
	}
	if got, err := k.Open(v); err != nil || got != want {
		t.Errorf("opens to %q, %v; want %q", got, err, want)
	}
}

// The blind index of a contact moves with the keys: an index under the old
// key is recomputed even when the sealed value already is under the new
// one, and a contact that is no phone number keeps none.
func TestResealMovesTheContactIndex(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old, rotated := keyring(t, "k1"), keyring(t, "k2", "k1")
		phone := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Complainant.NameSealed = seal(t, rotated, "张三")
			in.Complainant.ContactSealed = seal(t, rotated, "13812345678")
			in.Complainant.ContactIndex = old.PhoneIndex("13812345678")
		}))
		mail := storetest.Create(t, s, storetest.NewCase(t, at(time.Minute), "logistics", func(in *cases.Intake) {
			in.Complainant.NameSealed = seal(t, rotated, "李四")
			in.Complainant.ContactSealed = seal(t, rotated, "lisi@example.edu.cn")
		}))
		rep, err := s.Reseal(ctx, rotated, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := store.ResealCount{Column: "cases.complainant_contact_index", Resealed: 1}
		if !slices.Contains(rep.Columns, want) || len(rep.Failed) != 0 {
			t.Errorf("report %+v, want %+v", rep, want)
		}
		got, err := s.GetCase(ctx, phone.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Complainant.ContactIndex != rotated.PhoneIndex("13812345678") || got.Complainant.ContactSealed != phone.Complainant.ContactSealed {
			t.Errorf("after reseal: index %q sealed %q; want the new index and the same sealed value", got.Complainant.ContactIndex, got.Complainant.ContactSealed)
		}
		if got, err := s.GetCase(ctx, mail.ID); err != nil || got.Complainant.ContactIndex != "" || got.Version != mail.Version {
			t.Errorf("a mail contact: index %q version %d, %v; want none and untouched", got.Complainant.ContactIndex, got.Version, err)
		}
		found, err := s.ListCases(ctx, cases.Filter{ContactIndexes: rotated.PhoneIndexes("+86 138 1234 5678")})
		if err != nil || len(found) != 1 || found[0].ID != phone.ID {
			t.Errorf("lookup by the new index found %d cases, %v", len(found), err)
		}
	})
}
