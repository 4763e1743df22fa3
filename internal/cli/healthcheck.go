package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/jiesu/jiesu/internal/config"
)

// healthcheckTimeout is shorter than the Dockerfile's HEALTHCHECK timeout,
// so that a hung server is reported by this command, not killed with it.
const healthcheckTimeout = 3 * time.Second

// healthcheck asks the server listening on server.listen for /readyz: a
// container is healthy when it can serve, its database answering. The
// image is distroless, with no curl or wget: Docker's HEALTHCHECK runs this.
func healthcheck(ctx context.Context, cfg *config.Config, env Env) error {
	url, err := healthURL(cfg.Server.Listen)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(env.Stdout, "healthy")
	return nil
}

// healthURL is /readyz on the loopback side of a listen address: ":8080"
// and "0.0.0.0:8080" listen on every interface, loopback included.
func healthURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("server.listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
