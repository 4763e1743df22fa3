package metrics

import "strconv"

// PlatformAPIError counts one errcode a platform's API answered
// (jiesu_platform_api_errors_total): token, send, media and address-book
// calls alike. Errcodes come from the platforms' fixed tables, so the
// series stay few.
func (m *Metrics) PlatformAPIError(platform string, code int64) {
	m.apiErrors.WithLabelValues(platform, strconv.FormatInt(code, 10)).Inc()
}
