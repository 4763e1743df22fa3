package secret

import (
	"errors"
	"testing"
)

// FuzzOpen feeds Open whatever a database, an import or an attacker might
// hold. It must never panic, must fail only with the package's sentinels,
// and whatever it does open must seal and open back to the same text.
func FuzzOpen(f *testing.F) {
	k := mustKeyring(f, k2+","+k1)
	good, _ := k.Seal("张三")
	old, _ := mustKeyring(f, k1).Seal("13812345678")
	for _, seed := range []string{
		"", good, old, "v1", "v1.", "v1..", "v1.k1.", "v1.k9." + good[6:], "v1.k2." + good[6:] + "A",
		"v2.k2.AAAA", "v1.k2.!!!!", "v1.k2.\n", "张三", "v1.张.三", "\xff\xfe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sealed string) {
		plain, err := k.Open(sealed)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrTampered) {
				t.Fatalf("Open(%q): error %v is none of the sentinels", sealed, err)
			}
			return
		}
		again, err := k.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := k.Open(again); err != nil || back != plain {
			t.Fatalf("round trip of %q gave %q, %v", plain, back, err)
		}
		if _, _, err := k.Reseal(sealed); err != nil {
			t.Fatalf("Reseal(%q) after Open succeeded: %v", sealed, err)
		}
	})
}
