package sla

import (
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

// StepPayload is the data of a remind or escalate event: the step (its at
// and if), when it was due, what it measured (one of Elapsed, LateBy and
// Left, a Go duration), whom it names and whom it told: alone
// (Recipients), in a digest (Digest), or covered by its incident's
// earlier message (Covered); Incident when the case stands for one.
type StepPayload struct {
	Covered    []string  `json:"covered,omitempty"`
	Digest     []string  `json:"digest,omitempty"`
	DueAt      time.Time `json:"due_at"`
	Elapsed    string    `json:"elapsed,omitempty"`
	If         string    `json:"if"`
	Incident   int64     `json:"incident,omitempty"`
	LateBy     string    `json:"late_by,omitempty"`
	Left       string    `json:"left,omitempty"`
	Notify     []string  `json:"notify"`
	Recipients []string  `json:"recipients"`
	Step       string    `json:"step"`
}

func (StepPayload) EventPayload() {}

var _ cases.Payload = StepPayload{}

// stepPayload is what f's event records.
func stepPayload(f firing, sent, digested, covered []string) StepPayload {
	p := StepPayload{
		Step: f.step.At.String(), If: string(f.step.If), DueAt: f.due, Notify: targetNames(f.step.Notify),
		Recipients: sent, Digest: digested, Covered: covered,
	}
	switch by := f.by.String(); f.phrase {
	case "elapsed":
		p.Elapsed = by
	case "late_by":
		p.LateBy = by
	case "left":
		p.Left = by
	}
	if grouped(f.c) {
		p.Incident = f.c.Incident
	}
	return p
}

// targetNames are targets as the configuration writes them.
func targetNames(ts []config.Target) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
