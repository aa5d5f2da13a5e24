package adminapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/orders"
)

// MediaFiles are the voices and photos baogong keeps (orders/redisstore):
// shown only behind signed, expiring links, to whom they were sent (the
// lead who hears an elder's voice, the pharmacy and staff who check a
// prescription), never by WeChat's own URL.
type MediaFiles interface {
	Media(ctx context.Context, key string) ([]byte, string, error)
}

func (s *Server) registerMedia(mux *http.ServeMux) {
	if s.MediaFiles == nil || s.Jobs == nil {
		return
	}
	voices := s.signed(http.HandlerFunc(s.media))
	mux.Handle("GET /m/{key}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.PathValue("key"), actions.RxPhotoKey("")) && s.Actions != nil {
			s.rxPhoto(w, r)
			return
		}
		voices.ServeHTTP(w, r)
	}))
}

// A prescription photo's link (health data, issue 21) names the pharmacy
// (sup) and the pseudonym of the contact it was sent to (v), and lasts
// RxLinkTTL: the pick list makes a new one each time it is opened.
const (
	RxParamSupplier = "sup"
	RxParamViewer   = "v"
	RxLinkTTL       = 12 * time.Hour
)

// deviceCookie holds a random token naming a browser: the first browser
// to open a contact's link to a photo is the only one that may open it
// again (actions.ViewRxPhoto), so a forwarded link shows nothing.
const deviceCookie = "bg_device"

// The photo link's answers.
const (
	textRxLinkExpired  = "这个处方照片链接已经过期了，请打开最新的备货单，或在微信里找最新的【处方待核对】消息。"
	textRxLinkOnly     = "处方照片只给配药的药房和社区工作人员看。这个链接不对，或不是发给您的。"
	textRxOtherDevice  = "这个处方照片链接已经在另一部手机上打开过，只能在那部手机上看。请不要转发；药房请用自己手机上的消息打开，有问题请联系社区。"
	textRxPhotoGone    = "这张处方照片已经删除了。"
	textRxTooMany      = "这个小时看处方照片的次数太多了，请过一会儿再看。有问题请联系社区。"
	textRxPhotoTryLate = "现在打不开，请过一会儿再试。"
)

// rxPhoto serves a prescription photo to the pharmacy contact its link
// was made for, through actions.ViewRxPhoto (which audits the view).
func (s *Server) rxPhoto(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if r.Method != http.MethodGet {
		// A HEAD would be a view audited without being seen.
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch err := s.Jobs.Links.Check(r); {
	case errors.Is(err, signedurl.ErrExpired):
		page(w, http.StatusGone, textRxLinkExpired)
		return
	case err != nil:
		page(w, http.StatusForbidden, textRxLinkOnly)
		return
	}
	q := r.URL.Query()
	a, ok := s.Actions.RxViewer(q.Get(RxParamSupplier), q.Get(RxParamViewer))
	if !ok {
		page(w, http.StatusForbidden, textRxLinkOnly)
		return
	}
	id := strings.TrimPrefix(r.PathValue("key"), actions.RxPhotoKey(""))
	p, err := s.Actions.ViewRxPhoto(r.Context(), a, id, s.device(w, r))
	switch {
	case errors.Is(err, actions.ErrOtherDevice):
		page(w, http.StatusForbidden, textRxOtherDevice)
		return
	case errors.Is(err, actions.ErrTooManyViews):
		page(w, http.StatusTooManyRequests, textRxTooMany)
		return
	case errors.Is(err, actions.ErrForbidden):
		page(w, http.StatusForbidden, textRxLinkOnly)
		return
	case errors.Is(err, orders.ErrNotFound):
		page(w, http.StatusGone, textRxPhotoGone)
		return
	case err != nil:
		s.Log.Error("rx photo", "err", err)
		page(w, http.StatusServiceUnavailable, textRxPhotoTryLate)
		return
	}
	ServeMedia(w, p.Data, p.ContentType)
}

// device returns the digest of the browser's device token, giving it one
// when it has none. The token itself is never stored; its cookie is
// Secure when public_url is https, even when TLS ends at a proxy.
func (s *Server) device(w http.ResponseWriter, r *http.Request) string {
	tok := ""
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) == 32 {
		tok = c.Value
	} else {
		b := make([]byte, 16)
		rand.Read(b)
		tok = hex.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: tok, Path: "/m/", HttpOnly: true,
			Secure: s.Secure || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https", SameSite: http.SameSiteLaxMode,
			MaxAge: int(actions.RxPhotoTTL / time.Second)})
	}
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:16])
}

// media serves one kept voice or photo. Private: never cached on the way,
// never sniffed into something else.
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	data, ct, err := s.MediaFiles.Media(r.Context(), r.PathValue("key"))
	switch {
	case errors.Is(err, orders.ErrNotFound):
		page(w, http.StatusGone, "这个文件已经过期删除了。")
		return
	case err != nil:
		s.Log.Error("media", "err", err)
		page(w, http.StatusServiceUnavailable, "现在打不开，请过一会儿再试。")
		return
	}
	ServeMedia(w, data, ct)
}

// ServeMedia writes a kept voice or photo. Private: never cached on the
// way, never sniffed into something else.
func ServeMedia(w http.ResponseWriter, data []byte, ct string) {
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	w.Write(data)
}
