package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// accessKey finds a request's accessInfo in its context.
type accessKey struct{}

// accessInfo is what the access log learns while the request runs: who
// made it, once a token said so.
type accessInfo struct{ member string }

func withAccessInfo(r *http.Request) (*http.Request, *accessInfo) {
	info := &accessInfo{}
	return r.WithContext(context.WithValue(r.Context(), accessKey{}, info)), info
}

// noteMember tells the access log which member made the request.
func noteMember(ctx context.Context, member string) {
	if info, ok := ctx.Value(accessKey{}).(*accessInfo); ok {
		info.member = member
	}
}

// probe reports whether route is a health or readiness probe, which an
// orchestrator calls every few seconds: its lines are debug, not info.
func probe(route string) bool {
	return route == "GET /healthz" || route == "GET /readyz"
}

// clientAddr is the address the request came from. The connection's peer
// is it, unless that peer is a trusted proxy: then X-Forwarded-For is
// read from its right end (what the nearest proxy appended) leftwards,
// past every trusted proxy, to the first address no trusted proxy owns. A
// client can write anything at the left end, so nothing left of that is
// believed.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !trustedAddr(peer, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: the last good hop is as far as the proxies vouch
		}
		addr = hop.Unmap()
		if !trustedAddr(addr, trusted) {
			break
		}
	}
	return addr.String()
}

func trustedAddr(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
