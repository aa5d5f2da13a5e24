// Package logging makes the service's slog logger (text or JSON) and the
// HTTP middleware that gives every request an id. Every record passes
// through a filter that masks phone numbers and home addresses, and
// records logged with a request's context carry its request_id.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"time"
)

// Formats of New.
const (
	Text = "text"
	JSON = "json"
)

// New returns a logger writing to w in format (JSON or Text) at level
// and above.
func New(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == JSON {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(&handler{next: h})
}

// handler adds the request id and masks personal data.
type handler struct{ next slog.Handler }

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	if id := RequestID(ctx); id != "" {
		out.AddAttrs(slog.String("request_id", id))
	}
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return &handler{next: h.next.WithAttrs(masked)}
}

func (h *handler) WithGroup(name string) slog.Handler { return &handler{next: h.next.WithGroup(name)} }

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Mask(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Mask(err.Error()))
		}
	case slog.KindGroup:
		as := v.Group()
		out := make([]any, len(as))
		for i, x := range as {
			out[i] = maskAttr(x)
		}
		return slog.Group(a.Key, out...)
	}
	return slog.Attr{Key: a.Key, Value: v}
}

var (
	// phone is a mainland mobile number, not inside a longer number.
	phone = regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)
	// address is a household as residents write it (3栋2单元501,
	// 3号楼2单元502室) or as keys hold it (3-2-501).
	address = regexp.MustCompile(`[0-9０-９一二三四五六七八九十]+\s*(栋|棟|号楼|幢|座)\s*([0-9０-９一二三四五六七八九十]+\s*单元)?\s*[0-9０-９]*\s*(室|号)?|(^|[^0-9-])[0-9]{1,3}-[0-9]{0,2}-[0-9]{3,4}([^0-9-]|$)`)
)

// Mask replaces phone numbers and addresses in s: logs must never hold
// them.
func Mask(s string) string {
	if plain(s) {
		return s
	}
	s = phone.ReplaceAllString(s, "${1}[电话]${2}")
	return address.ReplaceAllString(s, "${4}[地址]${5}")
}

// plain reports whether s is ASCII without a digit: neither pattern can
// match it (full-width digits and Chinese numerals are not ASCII). Most
// attributes are such (most access lines' routes), and the two regexps
// cost most of a line.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || '0' <= c && c <= '9' {
			return false
		}
	}
	return true
}

type ctxKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

var goodID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Middleware gives each request an id (a proxy's X-Request-Id when it is
// sane, else a fresh one), returns it in the X-Request-Id header, puts it
// in the request's context and logs one line per request: method, route
// pattern (never the path or query, which may hold an address), status
// and duration. Health checks are not logged.
func Middleware(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !goodID.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		ctx := WithRequestID(r.Context(), id)
		r = r.WithContext(ctx)
		rec := NewRecorder(w)
		start := time.Now()
		next.ServeHTTP(rec, r)
		if r.Pattern == "GET /healthz" {
			return
		}
		route := r.Pattern
		if route == "" {
			route = r.Method + " (no route)"
		}
		log.LogAttrs(ctx, slog.LevelInfo, "http", slog.String("route", route),
			slog.Int("status", rec.Code), slog.Duration("took", time.Since(start)))
	})
}

// Recorder remembers the status code a handler answered with (200 when
// it wrote none).
type Recorder struct {
	http.ResponseWriter
	Code int
}

// NewRecorder wraps w.
func NewRecorder(w http.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w, Code: http.StatusOK}
}

// WriteHeader implements http.ResponseWriter.
func (s *Recorder) WriteHeader(code int) {
	s.Code = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *Recorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
