package secret

import (
	"strings"
	"testing"
)

func TestPhoneIndexFindsOneNumberHoweverWritten(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, k1)
	want := k.PhoneIndex("13812345678")
	if !strings.HasPrefix(want, "p1.k1.") || strings.Contains(want, "12345678") {
		t.Fatalf("PhoneIndex = %q: want p1.k1. and no digits of the phone", want)
	}
	for _, same := range []string{"+86 138-1234-5678", "0086 138 1234 5678", "8613812345678", "１３８１２３４５６７８", "138\u30001234\u30005678", " 13812345678 "} {
		if got := k.PhoneIndex(same); got != want {
			t.Errorf("PhoneIndex(%q) = %q, want that of 13812345678", same, got)
		}
	}
	land := k.PhoneIndex("010-80791234")
	for _, same := range []string{"(010)80791234", "010 8079 1234", "01080791234", "+86 010-80791234", "０１０－８０７９１２３４"} {
		if got := k.PhoneIndex(same); got != land {
			t.Errorf("PhoneIndex(%q) = %q, want that of 010-80791234", same, got)
		}
	}
	if land == want || k.PhoneIndex("13812345679") == want {
		t.Error("two numbers share an index")
	}
	for _, notPhone := range []string{"", "张三", "138", "2026", "13812345678 <script>", "@13812345678", "电话13812345678",
		"https://x.cn/13812345678", "1381234\x005678", strings.Repeat("1", 16), strings.Repeat("长", 5000)} {
		if got := k.PhoneIndex(notPhone); got != "" {
			t.Errorf("PhoneIndex(%q) = %q, want none", notPhone, got)
		}
	}
}

func TestPhoneIndexIsKeyed(t *testing.T) {
	t.Parallel()
	a, b := mustKeyring(t, k1), mustKeyring(t, entry("k1", testKey(9)))
	if a.PhoneIndex("13812345678") == b.PhoneIndex("13812345678") {
		t.Error("two keys of one id give the same index: it is not keyed")
	}
	rotated := mustKeyring(t, k2+","+k1)
	got := rotated.PhoneIndexes("138 1234 5678")
	if len(got) != 2 || got[0] != rotated.PhoneIndex("13812345678") || got[1] != a.PhoneIndex("13812345678") {
		t.Errorf("PhoneIndexes = %q, want the active key's then k1's", got)
	}
	if !strings.HasPrefix(got[0], rotated.IndexPrefix()) || strings.HasPrefix(got[1], rotated.IndexPrefix()) {
		t.Errorf("IndexPrefix %q does not tell the active key's index from the old one", rotated.IndexPrefix())
	}
	if rotated.PhoneIndexes("no phone") != nil {
		t.Error("PhoneIndexes of a word")
	}
}

func TestCheckTellsKeysApart(t *testing.T) {
	t.Parallel()
	a, same, other := mustKeyring(t, k1), mustKeyring(t, k2+","+k1), mustKeyring(t, entry("k1", testKey(9)))
	ca, _ := a.Check("k1")
	cs, _ := same.Check("k1")
	co, _ := other.Check("k1")
	if ca == "" || ca != cs || ca == co {
		t.Errorf("checks %q %q %q: want equal for one key, different for another", ca, cs, co)
	}
	if _, ok := a.Check("k2"); ok {
		t.Error("Check of a key the keyring lacks")
	}
	if ids := same.IDs(); len(ids) != 2 || ids[0] != "k2" {
		t.Errorf("IDs = %q", ids)
	}
}
