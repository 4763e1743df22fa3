package sla_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/sla"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// stopsAt is where a case stops for good, as what its handler did.
var stopsAt = []struct {
	name string
	acts []act
}{
	{"never accepted", nil},
	{"accepted but not contacted", []act{accept(minute)}},
	{"contacted but not resolved", []act{accept(minute), contact(2 * minute)}},
}

// reachTicks are the clock's times in the walk: often while the urgent
// chain runs, then hourly, then every six hours, to ten days.
func reachTicks() []time.Duration {
	var out []time.Duration
	for d := 10 * minute; d <= 3*hour; d += 10 * minute {
		out = append(out, d)
	}
	for d := 4 * hour; d <= 2*day; d += hour {
		out = append(out, d)
	}
	for d := 2*day + 6*hour; d <= noOtherStep; d += 6 * hour {
		out = append(out, d)
	}
	return out
}

// Every tier × contact state × where the case stops, through the real
// sweep, scheduler and outbox on the fake clock: a case nobody accepted
// reaches the school office whether or not its complainant left a phone,
// and a case stopped anywhere else reaches someone above its unit.
func TestEveryPathIsEscalated(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		b := setup(t, st, nil, nil)
		type path struct {
			name string
			c    cases.Case
			acts []act
		}
		var paths []path
		for _, tier := range cases.Tiers {
			for _, noContact := range []bool{false, true} {
				for _, s := range stopsAt {
					name := fmt.Sprintf("%s, no contact %v, %s", tier, noContact, s.name)
					c := storetest.Create(t, st, storetest.NewCase(t, t0, "logistics", func(in *cases.Intake) {
						in.Tier = tier
						if noContact {
							in.Complainant.ContactSealed, in.Complainant.ContactMasked, in.Complainant.NoContact = "", "", true
						}
					}))
					if noContact && len(s.acts) == 2 {
						// Nobody can call a complainant who left no contact:
						// the path does not exist.
						c = storetest.Transition(t, st, c, member(t, b.cfg, handlerID), cases.Command{Action: cases.ActionAccept}, t0.Add(minute))
						if _, err := cases.Apply(c, member(t, b.cfg, handlerID), cases.Command{Action: cases.ActionContact}, t0.Add(2*minute), cases.DefaultPolicy()); err == nil {
							t.Errorf("%s: contact without contact was allowed", name)
						}
						continue
					}
					paths = append(paths, path{name, c, s.acts})
				}
			}
		}
		b.drain(t) // the dispatch notices
		for i, p := range paths {
			for _, a := range p.acts {
				paths[i].c = storetest.Transition(t, st, paths[i].c, member(t, b.cfg, a.by), a.cmd, t0.Add(a.after))
			}
		}
		for _, d := range reachTicks() {
			b.clock.Set(t0.Add(d))
			b.tick(t)
		}

		numbers := make([]string, len(paths))
		for i, p := range paths {
			numbers[i] = p.c.Number
		}
		// told maps a recipient to the cases the messages shown to them
		// speak of: a message's own case, or every case a digest lists.
		told := map[string][]string{}
		for _, o := range b.platforms.shown() {
			m := o.Message
			switch {
			case m.Template == string(sla.DigestTemplate):
				if strings.Contains(m.Text, "未列出") {
					t.Fatalf("a digest to %s left cases out; the walk cannot tell whom it spoke of:\n%s", o.Address.Label, m.Text)
				}
				for _, n := range numbers {
					if strings.Contains(m.Text, n) {
						told[o.Address.Label] = append(told[o.Address.Label], n)
					}
				}
			case m.Template == "escalation":
				told[o.Address.Label] = append(told[o.Address.Label], m.CaseNumber)
			}
		}
		for _, p := range paths {
			if strings.HasSuffix(p.name, "never accepted") {
				if !slices.Contains(told[office], p.c.Number) {
					t.Errorf("%s: the school office was never told", p.name)
				}
				continue
			}
			above := slices.ContainsFunc([]string{unitHead, office, vicePres, discipline}, func(who string) bool {
				return slices.Contains(told[who], p.c.Number)
			})
			if !above {
				t.Errorf("%s: nobody above the unit was told", p.name)
			}
		}
	})
}
