package config

import (
	"testing"
	"time"
)

func TestParseAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want At
	}{
		{"80%", At{Kind: AtFraction, Fraction: 0.8}},
		{"100%", At{Kind: AtFraction, Fraction: 1}},
		{"12.5%", At{Kind: AtFraction, Fraction: 0.125}},
		{"dispatch+10m", At{Kind: AtOffset, Anchor: AnchorDispatch, Offset: 10 * time.Minute}},
		{"dispatch", At{Kind: AtOffset, Anchor: AnchorDispatch}},
		{"contact_by", At{Kind: AtOffset, Anchor: AnchorContactBy}},
		{"contact_by+15m", At{Kind: AtOffset, Anchor: AnchorContactBy, Offset: 15 * time.Minute}},
		{"contact_by-5m", At{Kind: AtOffset, Anchor: AnchorContactBy, Offset: -5 * time.Minute}},
		{"resolve_by", At{Kind: AtOffset, Anchor: AnchorResolveBy}},
		{"resolve_by+0", At{Kind: AtOffset, Anchor: AnchorResolveBy}},
		{" resolve_by - 1h30m ", At{Kind: AtOffset, Anchor: AnchorResolveBy, Offset: -90 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAt(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseAt(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			again, err := ParseAt(got.String())
			if err != nil || again != got {
				t.Errorf("String %q does not parse back: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseAtErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "0%", "-5%", "101%", "abc%", "NaN%", "soon", "dispatch-10m", "resolve_by+", "resolve_by+-5m",
		"resolve_by*2", "contact_by+5d", "resolve_byx", "50"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if at, err := ParseAt(in); err == nil {
				t.Errorf("ParseAt(%q) = %+v, want an error", in, at)
			}
		})
	}
}

func TestAtWhen(t *testing.T) {
	t.Parallel()
	dispatched := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	contactBy := dispatched.Add(30 * time.Minute)
	resolveBy := dispatched.Add(4 * time.Hour) // as if extended from 2h
	tests := []struct {
		at   string
		want time.Time
	}{
		{"50%", dispatched.Add(2 * time.Hour)},
		{"dispatch+10m", dispatched.Add(10 * time.Minute)},
		{"contact_by", contactBy},
		{"contact_by+5m", contactBy.Add(5 * time.Minute)},
		{"resolve_by-30m", resolveBy.Add(-30 * time.Minute)},
	}
	for _, tt := range tests {
		at, err := ParseAt(tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := at.When(dispatched, contactBy, resolveBy); !got.Equal(tt.want) {
			t.Errorf("%s: When = %v, want %v", tt.at, got, tt.want)
		}
	}
	at, _ := ParseAt("80%")
	if got := at.After(30*time.Minute, 2*time.Hour); got != 96*time.Minute {
		t.Errorf("80%% of 2h = %v, want 1h36m", got)
	}
}
