package sla

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// Stored remind and escalate data decodes into StepPayload with no key
// left over and encodes back to the same bytes.
func TestStoredStepPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		`{"due_at":"2026-11-28T09:40:00+08:00","elapsed":"10m0s","if":"not_accepted","notify":["unit_group","unit_head"],"recipients":["unit:logistics","member:logistics-head"],"step":"dispatch+10m"}`,
		`{"digest":["role:school_office"],"due_at":"2026-11-28T01:30:00Z","if":"not_resolved","late_by":"1h30m0s","notify":["school_office"],"recipients":null,"step":"resolve_by"}`,
		`{"covered":["unit:logistics"],"due_at":"2026-11-28T09:30:00.5+08:00","if":"not_contacted","incident":7,"left":"20m0s","notify":["member:office-wang"],"recipients":[],"step":"contact_by"}`,
	} {
		var p StepPayload
		dec := json.NewDecoder(bytes.NewReader([]byte(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode %s: %v", data, err)
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != data {
			t.Errorf("round trip\n got %s\nwant %s", out, data)
		}
	}
}

// The event a fired step records encodes as its StepPayload does, with
// the measured phrase under its own key.
func TestStepEventData(t *testing.T) {
	t.Parallel()
	at, err := cases.ParseStepTime("resolve_by")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 28, 9, 30, 0, 0, cases.Shanghai())
	f := firing{c: store.SLACase{ID: 1}, step: Step{Tier: cases.TierGeneral, At: at, If: config.IfNotResolved,
		Notify: []config.Target{config.NotifySchoolOffice}}, due: due, kind: KindEscalation, phrase: "late_by", by: time.Hour}
	e := stepEvent(f, []string{"role:school_office"}, nil, nil, due)
	got, err := json.Marshal(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"due_at":"2026-11-28T09:30:00+08:00","if":"not_resolved","late_by":"1h0m0s","notify":["school_office"],"recipients":["role:school_office"],"step":"resolve_by"}`
	if string(got) != want || e.Kind != EventEscalate {
		t.Errorf("%s %s, want %s", e.Kind, got, want)
	}
}
