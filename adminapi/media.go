package adminapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

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
	mux.Handle("GET /m/{key}", s.signed(http.HandlerFunc(s.media)))
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
