package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testKey returns a fixed 32-byte key whose bytes start at b.
func testKey(b byte) []byte {
	return bytes.Repeat([]byte{b}, KeySize)
}

func entry(id string, key []byte) string {
	return id + ":" + base64.StdEncoding.EncodeToString(key)
}

var (
	k1 = entry("k1", testKey(1))
	k2 = entry("k2", testKey(2))
)

func mustKeyring(t testing.TB, spec string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(spec)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	for _, plain := range []string{"张三", "13812345678", "a", "欧阳娜娜 <ouyang@example.edu.cn>", strings.Repeat("长", 5000), "\x00\xff"} {
		sealed, err := k.Seal(plain)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if !strings.HasPrefix(sealed, "v1.k1.") {
			t.Errorf("Seal(%.10q) = %.20q…, want prefix v1.k1.", plain, sealed)
		}
		// Short ASCII can turn up in base64 by chance; longer text cannot.
		if len(plain) >= 8 && strings.Contains(sealed, plain) {
			t.Errorf("Seal(%.10q) shows the plaintext", plain)
		}
		got, err := k.Open(sealed)
		if err != nil || got != plain {
			t.Errorf("Open(Seal(%.10q)) = %.10q, %v", plain, got, err)
		}
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	a, _ := k.Seal("张三")
	b, _ := k.Seal("张三")
	if a == b {
		t.Errorf("two seals of the same text are equal (%q): the nonce is not random", a)
	}
}

func TestEmptyStaysEmpty(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	if s, err := k.Seal(""); s != "" || err != nil {
		t.Errorf(`Seal("") = %q, %v; want "", nil`, s, err)
	}
	if s, err := k.Open(""); s != "" || err != nil {
		t.Errorf(`Open("") = %q, %v; want "", nil`, s, err)
	}
	if s, changed, err := k.Reseal(""); s != "" || changed || err != nil {
		t.Errorf(`Reseal("") = %q, %v, %v; want "", false, nil`, s, changed, err)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	old := mustKeyring(t, k1)
	sealed, err := old.Seal("13812345678")
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustKeyring(t, k2+","+k1)
	if got := rotated.ActiveID(); got != "k2" {
		t.Fatalf("ActiveID() = %q, want k2", got)
	}
	if got, err := rotated.Open(sealed); err != nil || got != "13812345678" {
		t.Fatalf("Open(old value) = %q, %v", got, err)
	}
	resealed, changed, err := rotated.Reseal(sealed)
	if err != nil || !changed {
		t.Fatalf("Reseal = %v, %v; want changed", changed, err)
	}
	if !strings.HasPrefix(resealed, "v1.k2.") {
		t.Errorf("Reseal = %q, want it under k2", resealed)
	}
	// The old key can now be dropped.
	if got, err := mustKeyring(t, k2).Open(resealed); err != nil || got != "13812345678" {
		t.Errorf("Open(resealed) without k1 = %q, %v", got, err)
	}
	again, changed, err := rotated.Reseal(resealed)
	if err != nil || changed || again != resealed {
		t.Errorf("Reseal(already active) = %q, %v, %v; want it unchanged", again, changed, err)
	}
}

func TestUnknownKey(t *testing.T) {
	t.Parallel()
	sealed, _ := mustKeyring(t, k1).Seal("张三")
	k := mustKeyring(t, k2)
	if _, err := k.Open(sealed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Open = %v, want ErrUnknownKey", err)
	}
	if _, _, err := k.Reseal(sealed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Reseal = %v, want ErrUnknownKey", err)
	}
}

func TestTampered(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	sealed, _ := k.Seal("13812345678")
	prefix, payload := sealed[:len("v1.k1.")], sealed[len("v1.k1."):]
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		bad := bytes.Clone(raw)
		bad[i] ^= 0x01
		if _, err := k.Open(prefix + base64.RawURLEncoding.EncodeToString(bad)); !errors.Is(err, ErrTampered) {
			t.Fatalf("Open with byte %d flipped = %v, want ErrTampered", i, err)
		}
	}
	// The same id with a different key does not authenticate either.
	if _, err := mustKeyring(t, entry("k1", testKey(9))).Open(sealed); !errors.Is(err, ErrTampered) {
		t.Errorf("Open under another key named k1 = %v, want ErrTampered", err)
	}
	// Every one-character change to the text is refused, one way or another.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=\n"
	for i := range sealed {
		for _, c := range []byte(alphabet) {
			if c == sealed[i] {
				continue
			}
			bad := sealed[:i] + string(c) + sealed[i+1:]
			if got, err := k.Open(bad); err == nil {
				t.Fatalf("Open(%q) = %q, nil; want an error", bad, got)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	good, _ := k.Seal("张三")
	payload := good[len("v1.k1."):]
	short := base64.RawURLEncoding.EncodeToString(make([]byte, 28))
	for _, s := range []string{
		"张三",
		"v1",
		"v1.",
		"v1.k1",
		"v1.k1.",
		"v2.k1." + payload,
		"V1.k1." + payload,
		"v1..",
		"v1.." + payload,
		"v1.k 1." + payload,
		"v1.k1." + payload + ".x",
		"v1.k1." + payload + "=",
		"v1.k1." + payload[:10] + "\n" + payload[10:],
		"v1.k1." + base64.StdEncoding.EncodeToString(make([]byte, 40)) + "+/",
		"v1.k1.!!!!",
		"v1.k1." + short,
		" " + good,
	} {
		if got, err := k.Open(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("Open(%q) = %q, %v; want ErrMalformed", s, got, err)
		}
	}
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	key := testKey(7)
	valid := []string{
		"k1:" + base64.StdEncoding.EncodeToString(key),
		"k1:" + base64.RawStdEncoding.EncodeToString(key),
		"k1:" + base64.URLEncoding.EncodeToString(append([]byte{0xfb, 0xff}, key[2:]...)),
		"k1:" + base64.RawURLEncoding.EncodeToString(append([]byte{0xfb, 0xff}, key[2:]...)),
		"  k1 : " + base64.StdEncoding.EncodeToString(key) + " \n",
		"k1:" + base64.StdEncoding.EncodeToString(key) + ", Key_2-b:" + base64.StdEncoding.EncodeToString(testKey(8)),
	}
	for _, spec := range valid {
		k, err := ParseKeyring(spec)
		if err != nil {
			t.Errorf("ParseKeyring(%q): %v", spec, err)
			continue
		}
		if k.ActiveID() != "k1" {
			t.Errorf("ParseKeyring(%q).ActiveID() = %q, want k1", spec, k.ActiveID())
		}
	}

	secretText := base64.StdEncoding.EncodeToString(key)
	invalid := []string{
		"",
		"   ",
		secretText,
		":" + secretText,
		"k.1:" + secretText,
		"k1:" + secretText + ",k1:" + base64.StdEncoding.EncodeToString(testKey(8)),
		"k1:" + secretText + ",",
		"k1:" + secretText[:20] + "!!" + secretText[22:],
		"k1:" + base64.StdEncoding.EncodeToString(key[:16]),
		"k1:" + base64.StdEncoding.EncodeToString(append(key, 0)),
	}
	for _, spec := range invalid {
		_, err := ParseKeyring(spec)
		if !errors.Is(err, ErrInvalidKeyring) {
			t.Errorf("ParseKeyring(%q) = %v, want ErrInvalidKeyring", spec, err)
			continue
		}
		if strings.Contains(err.Error(), secretText[:16]) {
			t.Errorf("ParseKeyring error shows the key: %v", err)
		}
	}
}

func TestKeyringDoesNotPrintKeys(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k2+","+k1)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(format, k)
		if got != "secret.Keyring{active: k2, keys: k2,k1}" {
			t.Errorf("Sprintf(%s) = %q", format, got)
		}
	}
}

func TestNilKeyring(t *testing.T) {
	t.Parallel()
	var k *Keyring
	if _, err := k.Seal("张三"); !errors.Is(err, ErrInvalidKeyring) {
		t.Errorf("nil Seal = %v, want ErrInvalidKeyring", err)
	}
	sealed, _ := mustKeyring(t, k1).Seal("张三")
	if _, err := k.Open(sealed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("nil Open = %v, want ErrUnknownKey", err)
	}
	if _, err := (&Keyring{}).Seal("张三"); !errors.Is(err, ErrInvalidKeyring) {
		t.Errorf("zero Seal = %v, want ErrInvalidKeyring", err)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	k := mustKeyring(b, k1)
	b.ReportAllocs()
	for b.Loop() {
		s, _ := k.Seal("13812345678")
		if _, err := k.Open(s); err != nil {
			b.Fatal(err)
		}
	}
}
