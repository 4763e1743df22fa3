package configs_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/jiesu/jiesu/internal/config"
)

// compose is the part of a Compose file the deployment guide relies on.
type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Secrets     []string          `yaml:"secrets"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

func readCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile("deploy/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// The guide's compose file runs jiesu, PostgreSQL and Redis, each with an
// image and a health check, jiesu only once the other two are healthy, and
// keeps its data in named volumes.
func TestComposeServices(t *testing.T) {
	t.Parallel()
	c := readCompose(t)
	for _, name := range []string{"jiesu", "postgres", "redis"} {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("service %s missing", name)
			continue
		}
		if s.Image == "" {
			t.Errorf("service %s has no image", name)
		}
		if len(s.Healthcheck.Test) < 2 || !slices.Contains([]string{"CMD", "CMD-SHELL"}, s.Healthcheck.Test[0]) {
			t.Errorf("service %s: healthcheck.test %q, want [CMD …] or [CMD-SHELL …]", name, s.Healthcheck.Test)
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				continue // a bind mount
			}
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("service %s mounts volume %q, not declared under volumes", name, src)
			}
		}
		for _, sec := range s.Secrets {
			if c.Secrets[sec].File == "" {
				t.Errorf("service %s uses secret %q, not declared with a file", name, sec)
			}
		}
	}
	j := c.Services["jiesu"]
	if got := j.Healthcheck.Test; len(got) < 3 || got[1] != "/usr/local/bin/jiesu" || got[2] != "healthcheck" {
		t.Errorf("jiesu healthcheck %q: want the binary's own healthcheck subcommand (the image has no shell or curl)", got)
	}
	for _, dep := range []string{"postgres", "redis"} {
		if j.DependsOn[dep].Condition != "service_healthy" {
			t.Errorf("jiesu depends_on %s: condition %q, want service_healthy", dep, j.DependsOn[dep].Condition)
		}
	}
	if !slices.ContainsFunc(j.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/data") }) {
		t.Errorf("jiesu volumes %q: want a volume at /data", j.Volumes)
	}
}

// Every JIESU_ variable the compose file sets is one jiesu reads: a typo
// there would silently leave a setting at its default.
func TestComposeVariablesAreKeys(t *testing.T) {
	t.Parallel()
	var names []string
	for _, s := range readCompose(t).Services {
		for v := range s.Environment {
			if strings.HasPrefix(v, config.EnvPrefix) {
				names = append(names, v)
			}
		}
	}
	if len(names) == 0 {
		t.Error("the compose file sets no JIESU_ variable; the test would prove nothing")
	}
	if err := example(t).CheckEnvNames(names); err != nil {
		t.Errorf("the compose file: %v", err)
	}
}

// The systemd unit's variables are real keys too.
func TestSystemdUnitVariablesAreKeys(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("deploy/jiesu.service")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			name, _, _ := strings.Cut(v, "=")
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Error("jiesu.service sets no variable")
	}
	if err := example(t).CheckEnvNames(names); err != nil {
		t.Errorf("jiesu.service: %v", err)
	}
}

// example is the configuration the deployment files start from.
func example(t *testing.T) *config.Config {
	t.Helper()
	c, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
