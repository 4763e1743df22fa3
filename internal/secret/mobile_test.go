package secret

import "testing"

func TestValidMobile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "13812345678", true},
		{"19912345678", "19912345678", true},
		{" 138 1234 5678 ", "13812345678", true},
		{"138-1234-5678", "13812345678", true},
		{"+8613812345678", "13812345678", true},
		{"+86 138 1234 5678", "13812345678", true},
		{"008613812345678", "13812345678", true},
		{"8613812345678", "13812345678", true},
		{"１３８１２３４５６７８", "13812345678", true},
		{"138\u30001234\u30005678", "13812345678", true},
		{"", "", false},
		{"12812345678", "", false},     // 12x is not a mobile prefix
		{"1381234567", "", false},      // 10 digits
		{"138123456789", "", false},    // 12 digits
		{"010-80791234", "", false},    // landline
		{"+85213812345678", "", false}, // not the mainland
		{"1381234567a", "", false},
		{"138.1234.5678", "", false},
		{"+86+8613812345678", "", false},
	}
	for _, tt := range tests {
		got, ok := ValidMobile(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ValidMobile(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
