package wecom

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/clock"
)

// Session lengths of the case page.
const (
	sessionTTL    = 8 * time.Hour // a working day inside WeCom
	stateTTL      = 10 * time.Minute
	sessionCookie = "jiesu_wecom"
	stateCookie   = "jiesu_wecom_state"
)

// Sealer encrypts and authenticates cookie values; *secret.Keyring is one.
type Sealer interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// OAuth identifies members on the case page by WeCom's web OAuth (doc
// 91022): a member opening a link inside WeCom is sent to WeCom's
// authorize page and back with a code, which names their user id. The
// user id is then kept in a sealed cookie.
type OAuth struct {
	client   *Client
	corpID   string
	agentID  int64
	base     string // wecom.oauth_base
	callback string // absolute URL of ServeHTTP
	sealer   Sealer
	clock    clock.Clock
	secure   bool
	log      *zap.Logger
}

// OAuthConfig builds an OAuth.
type OAuthConfig struct {
	Client      *Client
	CorpID      string
	AgentID     int64
	OAuthBase   string // e.g. https://open.weixin.qq.com
	CallbackURL string // where WeCom sends members back: server.base_url + the callback path
	Sealer      Sealer
	Clock       clock.Clock
	Log         *zap.Logger
}

// NewOAuth returns the case page's sign-in.
func NewOAuth(c OAuthConfig) (*OAuth, error) {
	if c.Client == nil || c.Sealer == nil || c.CorpID == "" || c.CallbackURL == "" {
		return nil, errors.New("wecom oauth: client, sealer, corp id and callback URL are required")
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	return &OAuth{client: c.Client, corpID: c.CorpID, agentID: c.AgentID, base: strings.TrimRight(c.OAuthBase, "/"),
		callback: c.CallbackURL, sealer: c.Sealer, clock: c.Clock, secure: strings.HasPrefix(c.CallbackURL, "https://"),
		log: c.Log.Named("wecom.oauth")}, nil
}

// User returns the member the request's session names.
func (o *OAuth) User(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	user, ok := o.open(c.Value)
	return user, ok
}

// open reads a sealed "value|expiry".
func (o *OAuth) open(sealed string) (string, bool) {
	plain, err := o.sealer.Open(sealed)
	if err != nil {
		return "", false
	}
	v, exp, ok := strings.Cut(plain, "|")
	sec, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || v == "" || !o.clock.Now().Before(time.Unix(sec, 0)) {
		return "", false
	}
	return v, true
}

func (o *OAuth) seal(v string, ttl time.Duration) (string, error) {
	return o.sealer.Seal(v + "|" + strconv.FormatInt(o.clock.Now().Add(ttl).Unix(), 10))
}

// Login sends the member to WeCom's authorize page, to come back to the
// page they asked for.
func (o *OAuth) Login(w http.ResponseWriter, r *http.Request) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	back := r.URL.RequestURI()
	state, err := o.seal(nonce+" "+back, stateTTL)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/", MaxAge: int(stateTTL.Seconds()),
		HttpOnly: true, Secure: o.secure, SameSite: http.SameSiteLaxMode})
	q := url.Values{"appid": {o.corpID}, "redirect_uri": {o.callback}, "response_type": {"code"},
		"scope": {"snsapi_base"}, "state": {nonce}, "agentid": {strconv.FormatInt(o.agentID, 10)}}
	http.Redirect(w, r, o.base+"/connect/oauth2/authorize?"+q.Encode()+"#wechat_redirect", http.StatusFound)
}

// ServeHTTP is the OAuth callback: it checks the state against the cookie
// Login set, exchanges the code for the member's user id, and returns them
// to their page with a session.
func (o *OAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := r.Cookie(stateCookie)
	if err != nil {
		http.Error(w, "sign-in expired; open the link again", http.StatusBadRequest)
		return
	}
	v, ok := o.open(c.Value)
	nonce, back, _ := strings.Cut(v, " ")
	if !ok || subtle.ConstantTimeCompare([]byte(nonce), []byte(q.Get("state"))) != 1 || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		http.Error(w, "sign-in expired; open the link again", http.StatusBadRequest)
		return
	}
	user, err := o.client.UserIDByCode(r.Context(), q.Get("code"))
	if errors.Is(err, ErrNotMember) {
		http.Error(w, "only members of the corp can open this page", http.StatusForbidden)
		return
	}
	if err != nil {
		o.log.Warn("oauth code exchange", zap.Error(err))
		http.Error(w, "sign-in failed; open the link again", http.StatusBadGateway)
		return
	}
	session, err := o.seal(user, sessionTTL)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/", MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: session, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: o.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, back, http.StatusFound)
}
