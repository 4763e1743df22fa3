package config

import (
	"net/netip"
	"strings"
)

// TrustedProxyRanges returns server.trusted_proxies as ranges, a single
// address as a range of one. Validate has refused any that do not parse.
func (s Server) TrustedProxyRanges() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(s.TrustedProxies))
	for _, p := range s.TrustedProxies {
		if r, err := parseProxy(p); err == nil {
			out = append(out, r)
		}
	}
	return out
}

func parseProxy(p string) (netip.Prefix, error) {
	p = strings.TrimSpace(p)
	if strings.Contains(p, "/") {
		r, err := netip.ParsePrefix(p)
		return r.Masked(), err
	}
	a, err := netip.ParseAddr(p)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
