package routing

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
)

// fixtureCase is one line of testdata/urgency.tsv.
type fixtureCase struct {
	urgent bool
	text   string
}

func readUrgencyFixture(t *testing.T) []fixtureCase {
	t.Helper()
	f, err := os.Open("testdata/urgency.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fixtureCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, text, ok := strings.Cut(line, "\t")
		if !ok || (want != "urgent" && want != "other") {
			t.Fatalf("bad fixture line %q", line)
		}
		out = append(out, fixtureCase{urgent: want == "urgent", text: text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The shipped configuration against the urgency fixture: its confusion
// matrix, which docs/deadlines.md quotes. No emergency may be missed; a
// false urgent costs a unit a needless rush, and the office one tap, so a
// few are the price of missing none.
func TestUrgencyFixtureConfusionMatrix(t *testing.T) {
	t.Parallel()
	r := exampleRouter(t)
	fixture := readUrgencyFixture(t)
	var truePos, falseNeg, falsePos, trueNeg int
	for _, fc := range fixture {
		got := r.Route(fc.text)
		urgent := got.Tier == cases.TierUrgent
		switch {
		case fc.urgent && urgent:
			truePos++
		case fc.urgent:
			falseNeg++
			t.Errorf("missed emergency: %q routed %s\nreasons: %q", fc.text, got.Tier, got.ReasonTexts())
		case urgent:
			falsePos++
			t.Logf("false urgent: %q\nreasons: %q", fc.text, got.ReasonTexts())
		default:
			trueNeg++
		}
	}
	t.Logf("urgency fixture, %d complaints: expected urgent → routed urgent %d, other %d; expected other → routed urgent %d, other %d",
		len(fixture), truePos, falseNeg, falsePos, trueNeg)
	if len(fixture) < 60 || truePos+falseNeg < 30 || falsePos+trueNeg < 30 {
		t.Errorf("fixture has %d complaints (%d urgent), want at least 60, half of them urgent", len(fixture), truePos+falseNeg)
	}
	if maxFalse := (falsePos + trueNeg) / 15; falsePos > maxFalse {
		t.Errorf("%d false urgents, want at most %d", falsePos, maxFalse)
	}
}

// A case made urgent by its text carries the words that decided it and the
// tier it came from; a passing mention is said to be one.
func TestUrgencyEvidence(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Routing.UrgentPatterns = []string{`(着|起)火了`, `困在.{0,4}电梯`}
	cfg.Routing.UrgentWords = []string{"火灾", "消防"}
	cfg.Routing.UrgentExceptions = []string{"通道", "隐患"}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		tier       cases.Tier
		raisedFrom cases.Tier
		evidence   []string
		rule       string
	}{
		{"pattern", "有人困在3号楼电梯里", cases.TierUrgent, cases.TierGeneral, []string{"困在3号楼电梯"}, RuleUrgentEvidence},
		{"pattern beats an exception in its clause", "消防通道里起火了", cases.TierUrgent, cases.TierGeneral, []string{"起火了"}, RuleUrgentEvidence},
		{"word in doubt is urgent", "宿舍楼火灾", cases.TierUrgent, cases.TierGeneral, []string{"火灾"}, RuleUrgentWord},
		{"exception sets the word aside", "消防通道被占用", cases.TierGeneral, "", nil, RuleUrgentMention},
		{"exception in another clause does not", "消防通道被堵，楼里有火灾", cases.TierUrgent, cases.TierGeneral, []string{"火灾"}, RuleUrgentWord},
		{"raised from essential", "宿舍停电了，有人困在电梯里", cases.TierUrgent, cases.TierEssential, []string{"困在电梯"}, RuleUrgentEvidence},
		{"urgent category: nothing raised", "自行车被盗，楼里着火了", cases.TierUrgent, "", nil, RuleUrgentEvidence},
		{"full-width and upper case", "ＴＯＮＧＤＡＯ里起火了！", cases.TierUrgent, cases.TierGeneral, []string{"起火了"}, RuleUrgentEvidence},
		{"markup and control characters", "<b>消防通道</b>\x00被占用<script>", cases.TierGeneral, "", nil, RuleUrgentMention},
		{"a space ends a clause", "楼里有火灾 消防通道被堵", cases.TierUrgent, cases.TierGeneral, []string{"火灾"}, RuleUrgentWord},
		{"so does a ～", "宿舍楼火灾～消防通道还被堵", cases.TierUrgent, cases.TierGeneral, []string{"火灾"}, RuleUrgentWord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Tier != tt.tier || got.RaisedFrom != tt.raisedFrom || !slices.Equal(got.Evidence, tt.evidence) || !hasRule(got, tt.rule) {
				t.Errorf("Route(%q) = tier %s, raised from %q, evidence %q; want %s, %q, %q with rule %s\nreasons: %q",
					tt.text, got.Tier, got.RaisedFrom, got.Evidence, tt.tier, tt.raisedFrom, tt.evidence, tt.rule, got.ReasonTexts())
			}
		})
	}
}

func TestUrgentPatternsRefused(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", " ", "(着火", "a*", "x|"} {
		cfg := testConfig()
		cfg.Routing.UrgentPatterns = []string{"被困", p}
		_, err := New(cfg)
		if !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), "routing.urgent_patterns[1]") {
			t.Errorf("pattern %q: New = %v, want ErrInvalidRule naming routing.urgent_patterns[1]", p, err)
		}
	}
	cfg := testConfig()
	cfg.Routing.UrgentExceptions = []string{""}
	if _, err := New(cfg); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("empty exception: New = %v, want ErrInvalidRule", err)
	}
}

// A letter as long as cases accept, full of danger words and exceptions,
// still routes, and the evidence lists each phrase once.
func TestUrgencyLongText(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Routing.UrgentPatterns = []string{`着火了`}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("消防通道着火了，", cases.MaxContentLength/8)
	got := r.Route(text)
	if got.Tier != cases.TierUrgent || !slices.Equal(got.Evidence, []string{"着火了"}) {
		t.Errorf("long text: tier %s, evidence %q", got.Tier, got.Evidence)
	}
}
