package configs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The Dockerfile as docs/deploy.md describes it. Docker itself is not run
// by the tests; this reads the file for what the guide promises.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{
		`VOLUME ["/data"]`,
		`CMD ["/usr/local/bin/jiesu", "healthcheck"]`,
		"ARG TARGETOS", "ARG TARGETARCH", "GOOS=$TARGETOS GOARCH=$TARGETARCH",
		"FROM --platform=$BUILDPLATFORM",
		"--mount=type=cache,target=/go/pkg/mod",
		"-X github.com/jiesu/jiesu/internal/version.version=${VERSION}",
		"-X github.com/jiesu/jiesu/internal/version.commit=${COMMIT}",
		`org.opencontainers.image.version="${VERSION}"`,
		`org.opencontainers.image.revision="${COMMIT}"`,
		"org.opencontainers.image.source=",
		"JIESU_CONFIG=/etc/jiesu/jiesu.yaml",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(df, "jiesu.example.yaml") {
		t.Error("the image ships the example as its configuration")
	}
	if n := strings.Count(df, "VOLUME"); n != 1 {
		t.Errorf("%d VOLUME lines: only /data is a volume", n)
	}
}

// go.mod asks for a Go release, not a patch that makes older toolchains
// download another.
func TestGoLineIsARelease(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)(?:\.(\d+))?$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	if m[3] != "" && m[3] != "0" {
		t.Errorf("go %s.%s.%s: want the release (x.y or x.y.0), not a patch", m[1], m[2], m[3])
	}
}

func TestLicense(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, "Apache License") || !strings.Contains(s, "Version 2.0, January 2004") || !strings.Contains(s, "END OF TERMS AND CONDITIONS") {
		t.Error("LICENSE is not the full Apache License 2.0")
	}
}
