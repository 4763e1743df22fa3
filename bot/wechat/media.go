package wechat

import (
	"context"
	"io"

	"github.com/jiesu/jiesu/bot"
)

// Media fetches what students send through the media API (临时素材):
// images are kept with their case.
type Media struct{ api *API }

// NewMedia returns the fetcher over api.
func NewMedia(api *API) *Media { return &Media{api: api} }

// Fetch downloads m; the caller closes the body.
func (f *Media) Fetch(ctx context.Context, m bot.Media) (io.ReadCloser, string, error) {
	return f.api.Media(ctx, m.ID)
}
