package secret

import "testing"

func TestMaskName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":            "",
		"   ":         "",
		"张三":          "张*",
		"欧阳娜娜":        "欧***",
		" 李四 ":        "李*",
		"王":           "王*",
		"迪丽热巴·迪力木拉提":  "迪*********",
		"Alice":       "A*",
		"alice smith": "a*",
		"Émile":       "É*",
		"张*":          "张*",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                  "",
		"13812345678":       "138****5678",
		"+86 138-1234-5678": "138****5678",
		"１３８１２３４５６７８":       "138****5678",
		"010-80791234":      "010-****1234",
		"(010)80791234":     "010-****1234",
		"010 80791234":      "010-****1234",
		"01080791234":       "010-****1234",
		"0571-8888123":      "0571-***8123",
		"05718888123":       "0571-***8123",
		"0571-88881234-801": "0571-****1234-***",
		"80791234":          "****1234",
		"400-810-8888":      "******8888",
		"12345678901":       "*******8901",
		"110":               "***",
		"123456":            "******",
		"wechat_zhang3":     "*************",
		"电话13812345678":     "*************",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
