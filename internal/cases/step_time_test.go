package cases

import (
	"testing"
	"time"
)

func TestParseStepTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want StepTime
	}{
		{"80%", StepTime{Kind: StepFraction, Fraction: 0.8}},
		{"100%", StepTime{Kind: StepFraction, Fraction: 1}},
		{"12.5%", StepTime{Kind: StepFraction, Fraction: 0.125}},
		{"dispatch+10m", StepTime{Kind: StepOffset, Anchor: AnchorDispatch, Offset: 10 * time.Minute}},
		{"dispatch", StepTime{Kind: StepOffset, Anchor: AnchorDispatch}},
		{"contact_by", StepTime{Kind: StepOffset, Anchor: AnchorContactBy}},
		{"contact_by+15m", StepTime{Kind: StepOffset, Anchor: AnchorContactBy, Offset: 15 * time.Minute}},
		{"contact_by-5m", StepTime{Kind: StepOffset, Anchor: AnchorContactBy, Offset: -5 * time.Minute}},
		{"resolve_by", StepTime{Kind: StepOffset, Anchor: AnchorResolveBy}},
		{"resolve_by+0", StepTime{Kind: StepOffset, Anchor: AnchorResolveBy}},
		{" resolve_by - 1h30m ", StepTime{Kind: StepOffset, Anchor: AnchorResolveBy, Offset: -90 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseStepTime(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseStepTime(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			again, err := ParseStepTime(got.String())
			if err != nil || again != got {
				t.Errorf("String %q does not parse back: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseStepTimeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "0%", "-5%", "101%", "abc%", "NaN%", "soon", "dispatch-10m", "resolve_by+", "resolve_by+-5m",
		"resolve_by*2", "contact_by+5d", "resolve_byx", "50"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if at, err := ParseStepTime(in); err == nil {
				t.Errorf("ParseStepTime(%q) = %+v, want an error", in, at)
			}
		})
	}
}

func TestStepTimeWhen(t *testing.T) {
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
		at, err := ParseStepTime(tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := at.When(dispatched, contactBy, resolveBy); !got.Equal(tt.want) {
			t.Errorf("%s: When = %v, want %v", tt.at, got, tt.want)
		}
	}
	at, _ := ParseStepTime("80%")
	if got := at.After(30*time.Minute, 2*time.Hour); got != 96*time.Minute {
		t.Errorf("80%% of 2h = %v, want 1h36m", got)
	}
}

// A step time reads back as the file would write it, which is also how the
// sweep's records name the step.
func TestStepTimeStringIsShort(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"dispatch+10m": "dispatch+10m", "resolve_by-24h": "resolve_by-24h", "contact_by+1h30m": "contact_by+1h30m",
		"resolve_by+90s": "resolve_by+1m30s", "resolve_by+0": "resolve_by", "80 %": "80%",
	} {
		at, err := ParseStepTime(in)
		if err != nil || at.String() != want {
			t.Errorf("ParseStepTime(%q).String() = %q, %v; want %q", in, at.String(), err, want)
		}
	}
}
