package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	recorded := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}}}, true
	}
	devel := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, true
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, c := range []struct {
		name      string
		v, commit string
		read      func() (*debug.BuildInfo, bool)
		want      Info
	}{
		{"stamped wins", "v2.0.0", "fff", recorded, Info{"v2.0.0", "fff", "go1.26.0"}},
		{"recorded", "", "", recorded, Info{"v1.2.3", "abc123", "go1.26.0"}},
		{"devel", "", "", devel, Info{"devel", "unknown", "go1.26.0"}},
	} {
		if got := resolve(c.v, c.commit, c.read); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := resolve("", "", none); got.Version != "devel" || got.Commit != "unknown" || got.Go == "" {
		t.Errorf("no build info: %+v", got)
	}
	if s := (Info{"v1", "c", "go1.26.0"}).String(); s != "jiesu v1 (commit c, go1.26.0)" {
		t.Errorf("String = %q", s)
	}
}
