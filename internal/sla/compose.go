package sla

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// DigestTemplate is the message a recipient gets instead of one message per
// case when one sweep escalates several cases (or incidents) to them.
const DigestTemplate = cases.TemplateEscalationDigest

// DigestRows is how many cases a digest lists by number; the rest it
// counts. A leader wants the size of the problem and where to look, and
// group robots cap a message at a few kilobytes.
const DigestRows = 10

// item is one thing a recipient is told in this sweep: a step fired on a
// case, or on an incident (one of its cases standing for it).
type item struct {
	f     firing
	to    cases.Recipient
	key   string // the claim behind it: the case step, or the incident step and recipient
	count int    // cases in the incident; 0 for a case on its own
}

// compose turns a sweep's items into outbox messages: per recipient, one
// message when there is one item, else one digest.
func compose(items []item) []cases.OutboxItem {
	by := map[cases.Recipient][]item{}
	var order []cases.Recipient
	for _, it := range items {
		if _, ok := by[it.to]; !ok {
			order = append(order, it.to)
		}
		by[it.to] = append(by[it.to], it)
	}
	out := make([]cases.OutboxItem, 0, len(order))
	for _, to := range order {
		its := by[to]
		if len(its) == 1 {
			out = append(out, single(its[0]))
			continue
		}
		out = append(out, digest(to, its))
	}
	return out
}

// single is the step's own template about its case: what is late, by how
// much, who holds it (the case's unit and first handler) and its link.
func single(it item) cases.OutboxItem {
	data := map[string]string{
		"condition": string(it.f.step.If),
		"kind":      it.f.kind,
		it.f.phrase: it.f.by.String(),
	}
	if it.count > 0 {
		data["incident_count"] = strconv.Itoa(it.count)
	}
	return cases.OutboxItem{
		CaseID: it.f.c.ID, Template: it.f.step.Template, To: it.to, Data: data,
		DedupKey: "sla/" + it.key + "/" + label(it.to),
		// Not for a case that left the clock before this went out.
		OnlyWhile: cases.WhileOnClock,
	}
}

// digest lists the items oldest step first, escalations before reminders,
// one row each: number, unit, condition, phrase, by how much, incident
// count, tab-separated for the template to lay out in Chinese.
func digest(to cases.Recipient, its []item) cases.OutboxItem {
	slices.SortFunc(its, func(a, b item) int {
		if a.f.kind != b.f.kind {
			return cmp.Compare(a.f.kind, b.f.kind) // "escalation" sorts before "reminder"
		}
		return cmp.Or(a.f.due.Compare(b.f.due), cmp.Compare(a.f.c.Number, b.f.c.Number))
	})
	rows := make([]string, 0, min(len(its), DigestRows))
	keys := make([]string, len(its))
	escalations := 0
	for i, it := range its {
		keys[i] = it.key
		if it.f.kind == KindEscalation {
			escalations++
		}
		if i >= DigestRows {
			continue
		}
		count := ""
		if it.count > 0 {
			count = strconv.Itoa(it.count)
		}
		rows = append(rows, strings.Join([]string{it.f.c.Number, it.f.c.LeadUnit, string(it.f.step.If),
			it.f.phrase, it.f.by.String(), count}, "\t"))
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	data := map[string]string{
		"count":       strconv.Itoa(len(its)),
		"escalations": strconv.Itoa(escalations),
		"reminders":   strconv.Itoa(len(its) - escalations),
		"rows":        strings.Join(rows, "\n"),
	}
	if more := len(its) - len(rows); more > 0 {
		data["more"] = strconv.Itoa(more)
	}
	return cases.OutboxItem{
		Template: DigestTemplate, To: to, Data: data,
		DedupKey: "sla/digest/" + label(to) + "/" + hex.EncodeToString(sum[:12]),
	}
}
