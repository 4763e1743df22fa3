package config

import (
	"net"
	"net/url"
)

// ExampleSource is Source's answer when no file was given and the example
// built into the binary is in use.
const ExampleSource = "embedded example"

// Source is where the configuration came from: the file's path, or
// ExampleSource.
func (c *Config) Source() string {
	if c.source == "" {
		return ExampleSource
	}
	return c.source
}

// Warnings are what a start should say about a configuration that is valid
// but probably not what a deployment wants. Each is a sentence.
func (c *Config) Warnings() []string {
	var ws []string
	if c.Source() == ExampleSource {
		ws = append(ws, "no configuration file given (--config or JIESU_CONFIG): running on the built-in example, whose units, members and keys are samples")
	}
	if localBaseURL(c.Server.BaseURL) {
		if c.WeCom.Enabled() {
			ws = append(ws, "server.base_url "+c.Server.BaseURL+" is a local address while WeCom is on: the case links on unit cards and the WeCom sign-in's return address point at the member's own machine")
		}
		if c.WeChat.Enabled() {
			ws = append(ws, "server.base_url "+c.Server.BaseURL+" is a local address while WeChat is on: the case links and satisfaction survey links sent to students point at their own phones")
		}
	}
	return ws
}

// localBaseURL reports whether u names this machine, which no one else
// can reach.
func localBaseURL(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := parsed.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
