package config

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/configs"
	"github.com/jiesu/jiesu/internal/cases"
)

// A duration key set to a bare 0 in the file takes its default, as 0s and
// a key left out do; only a unit-less number other than 0 is refused.
func TestZeroDurationInTheFileIsTheDefault(t *testing.T) {
	t.Parallel()
	for _, zero := range []string{"0", "0s", "0h"} {
		c, _, err := parse([]byte("survey:\n  delay: "+zero+"\nsla:\n  sweep_interval: "+zero+"\n"), noEnv)
		if err != nil {
			t.Fatalf("%s: %v", zero, err)
		}
		if c.Survey.Delay != DefaultSurveyDelay || c.SLA.SweepInterval != DefaultSweepInterval {
			t.Errorf("%s: delay %s, sweep %s; want the defaults", zero, c.Survey.Delay, c.SLA.SweepInterval)
		}
	}
	_, _, err := parse([]byte("survey:\n  delay: 86400\n"), noEnv)
	wantErr(t, err, `survey.delay: "86400" is not a duration such as 30s, 10m or 2h`)
}

// Every duration has bounds, and the message gives them with the reason.
func TestDurationBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want string
	}{
		{"a survey the same instant", "survey:\n  delay: 1ns\n", nil,
			"survey.delay: 1ns: want 1m to 48h: the complainant reads the result before being asked to rate it"},
		{"a variable's 0 is not the default", "", map[string]string{"JIESU_SURVEY_DELAY": "0"}, "survey.delay: 0s: want 1m to 48h"},
		{"a sweep an hour late", "sla:\n  sweep_interval: 1h\n", nil, "sla.sweep_interval: 1h0m0s: want 1s to 10m: "},
		{"an incident over days", "sla:\n  incident_window: 72h\n", nil, "sla.incident_window: 72h0m0s: want 1m to 24h: "},
		{"a lease of a millisecond", "outbox:\n  lease: 1ms\n", nil, "outbox.lease: 1ms: want 5s to 1h: a replica that dies"},
		{"a deadline of seconds", "tiers:\n  urgent:\n    contact_within: 30s\n", nil, "tiers.urgent.contact_within: 30s: want 1m to 720h: deadlines are shown to the minute"},
		{"a replay window of a day", "wecom:\n  replay_window: 24h\n", nil, "wecom.replay_window: 24h0m0s: want 30s to 15m: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The example with the key replaced: yaml refuses a key twice.
			c, _, err := parse([]byte(tt.yaml), env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			wantErr(t, c.Validate(), tt.want)
		})
	}
}

// The example's durations sit inside their bounds, and its header says
// what a zero means.
func TestExampleDurationsInBounds(t *testing.T) {
	t.Parallel()
	c := example(t)
	for _, b := range c.durationBounds() {
		if b.d < b.min || b.d > b.max || b.d == 0 {
			t.Errorf("%s = %s outside %s to %s", b.key, b.d, b.min, b.max)
		}
	}
	if !strings.Contains(string(configs.Example), "or set to 0, takes its default") {
		t.Error("the example does not say that 0 means the default")
	}
}

// The bounds the example gives as [min, max] beside a key are the ones
// validation applies.
func TestExampleStatesTheBounds(t *testing.T) {
	t.Parallel()
	line := regexp.MustCompile(`^\s*#?\s*([a-z_]+): .*# \[(\S+), (\S+)\]`)
	bounds := map[string][2]string{}
	for _, b := range example(t).durationBounds() {
		key := b.key[strings.LastIndex(b.key, ".")+1:]
		bounds[key] = [2]string{cases.ShortDuration(b.min), cases.ShortDuration(b.max)}
	}
	stated := 0
	for _, l := range strings.Split(string(configs.Example), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		stated++
		if got, ok := bounds[m[1]]; !ok || got != [2]string{m[2], m[3]} {
			t.Errorf("the example gives %s [%s, %s]; validation applies %v", m[1], m[2], m[3], got)
		}
	}
	if stated < 10 {
		t.Errorf("the example states %d bounds", stated)
	}
}
