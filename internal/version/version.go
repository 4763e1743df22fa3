// Package version says which build of jiesu is running: the release, the
// commit it was built from and the Go release that compiled it.
package version

import (
	"runtime"
	"runtime/debug"
)

// The Dockerfile stamps these with -ldflags "-X"; the linker can set only
// package-level string variables, which is why they are not constants.
// Left empty, Get falls back on what the Go toolchain recorded.
var (
	version string
	commit  string
)

// Info is one build's identity.
type Info struct {
	Version string // a release such as v1.4.0, or "devel"
	Commit  string // the VCS revision, or "unknown"
	Go      string // e.g. go1.26.0
}

// String is the line `jiesu version` prints.
func (i Info) String() string {
	return "jiesu " + i.Version + " (commit " + i.Commit + ", " + i.Go + ")"
}

// Get returns the running binary's identity: the stamped values first, then
// the module version and VCS revision `go build` records in the binary.
func Get() Info {
	return resolve(version, commit, debug.ReadBuildInfo)
}

func resolve(stampedVersion, stampedCommit string, read func() (*debug.BuildInfo, bool)) Info {
	info := Info{Version: stampedVersion, Commit: stampedCommit, Go: runtime.Version()}
	if bi, ok := read(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && info.Commit == "" {
				info.Commit = s.Value
			}
		}
		if bi.GoVersion != "" {
			info.Go = bi.GoVersion
		}
	}
	if info.Version == "" {
		info.Version = "devel"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}
