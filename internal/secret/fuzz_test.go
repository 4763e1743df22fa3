package secret

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
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

// FuzzTextMask surrounds a mobile, spelt as people spell it, with whatever a
// complaint might hold (markup, links, control characters, other numbers).
// The number must never come through, and the rest must stay valid text.
func FuzzTextMask(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""}, {"电话", "谢谢"}, {"<b>", "</b>"}, {"[链接](https://x.cn/?t=", ")"}, {"@所有人 ", "\x00\u202e"},
		{"6-312 ", " 2026-11-28"}, {"+86", ""}, {"0086 ", " 8"}, {"身份证110101", "X"}, {"１", "２"},
	} {
		f.Add(seed[0], seed[1])
	}
	var m TextMask
	f.Fuzz(func(t *testing.T, before, after string) {
		for _, spelt := range []string{"，138-0013-8000，", "，１３８ ００１３ ８０００，", "，+86 138 0013 8000，"} {
			in := before + spelt + after
			got := m.Text(in, "王小明")
			if strings.Count(got, "0013") > strings.Count(before+after, "0013") || strings.Count(got, "００１３") > strings.Count(before+after, "００１３") {
				t.Fatalf("Text(%q) = %q: the number comes through", in, got)
			}
			if utf8.ValidString(in) && !utf8.ValidString(got) {
				t.Fatalf("Text(%q) = %q: not valid UTF-8", in, got)
			}
		}
	})
}
