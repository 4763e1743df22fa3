package textsim

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/config"
)

// The incident fixture at the default threshold: every pair about the same
// problem joins, and at most three of the pairs about different problems
// at one place do (they share a phrase such as 没人修 or 态度很差, or a
// part of the place such as 三楼). Its figures are quoted in docs/guarantees.md.
func TestIncidentFixtureAtDefaultThreshold(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/incidents.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sameJoined, sameApart, otherJoined, otherApart int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 4 || (col[0] != "same" && col[0] != "other") {
			t.Fatalf("bad fixture line %q", line)
		}
		s := Similarity(col[2], col[3], col[1])
		joined := Alike(s, config.DefaultIncidentSimilarity)
		switch {
		case col[0] == "same" && joined:
			sameJoined++
		case col[0] == "same":
			sameApart++
			t.Errorf("same problem kept apart (%.2f): %q, %q", s, col[2], col[3])
		case joined:
			otherJoined++
			t.Logf("different problems joined (%.2f): %q, %q", s, col[2], col[3])
		default:
			otherApart++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("threshold %d%%: same problem joined %d, apart %d; different problems joined %d, apart %d",
		config.DefaultIncidentSimilarity, sameJoined, sameApart, otherJoined, otherApart)
	if sameJoined < 10 || otherJoined+otherApart < 10 {
		t.Errorf("fixture too small: %d same, %d other", sameJoined+sameApart, otherJoined+otherApart)
	}
	if otherJoined > 3 {
		t.Errorf("%d pairs about different problems joined, want at most 3", otherJoined)
	}
}

func TestSimilarity(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("宿舍楼停电了", 800)
	tests := []struct {
		name, a, b, shared string
		min, max           float64
	}{
		{"same text", "3号楼停电了", "3号楼停电了", "", 1, 1},
		{"nothing shared", "停电了", "菜太贵", "", 0, 0},
		{"empty", "", "停电了", "", 0, 0},
		{"both empty", "", "", "", 0, 0},
		{"only the place shared", "东门保安态度差", "东门路灯坏了", "东门", 0, 0},
		{"width and case fold", "ＷＩＦＩ连不上", "wifi连不上", "", 1, 1},
		{"markup does not join characters", "<b>停电</b>了", "停电了", "", 1, 1},
		{"control characters break pairs", "停\x00电", "停电", "", 0, 0},
		{"phone numbers with dashes and spaces", "电话138-1234 5678停电", "停电", "", 0.1, 0.2},
		{"a long letter and a line of it", long, "宿舍楼停电了", "", 1, 1},
		{"invalid UTF-8", "\xff\xfe停电", "停电", "", 1, 1},
	}
	for _, tt := range tests {
		got := Similarity(tt.a, tt.b, tt.shared)
		if got < tt.min || got > tt.max {
			t.Errorf("%s: Similarity = %.3f, want %.2f–%.2f", tt.name, got, tt.min, tt.max)
		}
		if back := Similarity(tt.b, tt.a, tt.shared); back != got {
			t.Errorf("%s: not symmetric: %.3f and %.3f", tt.name, got, back)
		}
	}
}

func BenchmarkSimilarity(b *testing.B) {
	a := strings.Repeat("学生公寓3号楼今晚突然停电了，整栋楼都没电，明早还要交作业", 5000/30)
	c := "3号楼又停电了，整栋楼都没电"
	b.ReportAllocs()
	for b.Loop() {
		Similarity(a, c, "学生公寓3号楼")
	}
}
