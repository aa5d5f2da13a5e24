// Package console is the community console (管理后台): server-rendered
// pages under /admin where community staff see and run the day: orders,
// stock, households, people, jobs, free packs and dead notices, plus the
// 台账 download (/api/ledger). Staff sign in with a one-time link the bot
// sends them (登录), or with the admin token; every page needs a session,
// every form posts a CSRF token, and every action goes in the audit log.
//
// Pages are html/template with go:embed, plain HTML forms and no script,
// so they work on an office PC and a phone in a corridor alike, with no
// network beyond this service.
package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// Server is the console. Its fields are its dependencies, wired in cmd;
// Jobs, Notices and Distributor may be nil (their pages then say so).
// Every change staff make is an action (Actions); the console reads the
// store to show the pages.
type Server struct {
	Store       Store
	Actions     *actions.Service
	Staff       *staff.Keeper
	Community   *orders.Community
	Catalog     *catalog.Catalog
	Location    *time.Location
	Jobs        *jobs.Runner
	Schedules   jobs.Schedules
	Notices     Notices
	Distributor *orders.Distributor
	// Links makes the signed roster and pick-list links, as in messages.
	Links jobs.Links
	// SignIn signs the one-time sign-in links (a short TTL).
	SignIn *signedurl.Signer
	// Token is the admin token: POST /admin/login with it signs in, and
	// /api/ledger accepts it as a bearer token. Guard (nil: none) slows
	// down an address that keeps guessing it.
	Token string
	Guard *staff.Guard
	// LinkQuery is added to the sign-in links it makes: the community,
	// when the account serves several (the service routes by it).
	LinkQuery url.Values
	// Secure marks the session cookie Secure (http.public_url is https).
	Secure bool
	Log    *slog.Logger
	// Now is the service's clock (time.Now when nil).
	Now func() time.Time

	pages map[string]*template.Template
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// parsePages parses each page template with the layout; times show in
// loc, suppliers by their name in cat.
func parsePages(loc *time.Location, cat *catalog.Catalog) map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs(loc, cat)).ParseFS(templateFS, "templates/layout.tmpl"))
	names, _ := fs.Glob(templateFS, "templates/*.tmpl")
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".tmpl")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return out
}

// Register adds the console's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	if s.Location == nil {
		s.Location = time.Local
	}
	s.pages = parsePages(s.Location, s.Catalog)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /admin/static/", http.StripPrefix("/admin/static/", headers(http.FileServerFS(static))))
	mux.HandleFunc("GET /admin/signin", s.signIn)
	mux.HandleFunc("GET /admin/login", s.loginPage)
	mux.HandleFunc("POST /admin/login", s.login)
	mux.Handle("POST /admin/logout", s.action(s.logout))
	mux.Handle("GET /admin/{$}", s.page(s.overview))
	mux.Handle("GET /admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
	mux.Handle("GET /admin/orders", s.page(s.orders))
	mux.Handle("GET /admin/orders/{id}", s.page(s.order))
	mux.Handle("POST /admin/orders/{id}/cancel", s.action(s.cancelOrder))
	mux.Handle("POST /admin/orders/{id}/deliver", s.action(s.deliverOrder))
	mux.Handle("POST /admin/orders/{id}/paid", s.action(s.markPaid))
	mux.Handle("POST /admin/orders/{id}/refunded", s.action(s.markRefunded))
	mux.Handle("GET /admin/orders/{id}/rx-photo", s.page(s.rxPhoto))
	mux.Handle("GET /admin/settlement", s.page(s.settlementPage))
	mux.Handle("POST /admin/settlement/shortfall", s.action(s.shortfall))
	mux.Handle("GET /admin/stock", s.page(s.stock))
	mux.Handle("POST /admin/stock/{sku}/add", s.action(s.addStock))
	mux.Handle("POST /admin/stock/{sku}/soldout", s.action(s.soldOut))
	mux.Handle("GET /admin/households", s.page(s.households))
	mux.Handle("POST /admin/households/{household}/marks", s.action(s.setMarks))
	mux.Handle("POST /admin/households/{household}/members/{openid}/remove", s.action(s.removeMember))
	mux.Handle("POST /admin/bindings/{code}/{decision}", s.action(s.answerBinding))
	mux.Handle("GET /admin/people", s.page(s.people))
	mux.Handle("POST /admin/people/leads", s.action(s.addLead))
	mux.Handle("POST /admin/people/leads/{openid}/remove", s.action(s.removeLead))
	mux.Handle("POST /admin/people/volunteers", s.action(s.addVolunteer))
	mux.Handle("POST /admin/people/volunteers/{grid}/{openid}/remove", s.action(s.removeVolunteer))
	mux.Handle("POST /admin/people/applications/{code}/{decision}", s.action(s.decideApplication))
	mux.Handle("POST /admin/people/contact", s.action(s.setContact))
	mux.Handle("GET /admin/jobs", s.page(s.jobsPage))
	mux.Handle("POST /admin/jobs/{name}/run", s.action(s.runJob))
	mux.Handle("GET /admin/distributions", s.page(s.distributions))
	mux.Handle("POST /admin/distributions", s.action(s.distribute))
	mux.Handle("GET /admin/notices", s.page(s.notices))
	mux.Handle("POST /admin/notices/{what}", s.action(s.changeNotices))
	mux.Handle("GET /admin/audit", s.page(s.audit))
	mux.Handle("GET /admin/privacy", s.page(s.privacyPage))
	mux.Handle("POST /admin/privacy/purge", s.action(s.purge))
	mux.HandleFunc("GET "+LedgerPath, s.ledger)
}

// LedgerPath is where the 台账 downloads: to a console session or the
// admin token.
const LedgerPath = "/api/ledger"

// sessionCookie holds the session id.
const sessionCookie = "bg_console"

// headers sets what every console answer carries: no caching of
// personal data, no framing, no scripts, nothing loaded from elsewhere.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w)
		next.ServeHTTP(w, r)
	})
}

func setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// session returns the request's session, or ErrNotFound. A session opened
// from WeChat holds only while its staff member is still in
// community.admins: someone removed from the config loses the console at
// once, not when the session expires.
func (s *Server) session(r *http.Request) (staff.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return staff.Session{}, staff.ErrNotFound
	}
	sess, err := s.Staff.Session(r.Context(), c.Value)
	if err != nil {
		return sess, err
	}
	if sess.Via == staff.ViaWeChat && !s.isStaff(sess.Who) {
		if err := s.Staff.EndSession(r.Context(), c.Value); err != nil {
			s.Log.ErrorContext(r.Context(), "end session of someone no longer staff", "err", err)
		}
		return staff.Session{}, staff.ErrNotFound
	}
	return sess, nil
}

// isStaff reports whether openid is one of the community's admins.
func (s *Server) isStaff(openid string) bool {
	return s.Community != nil && slices.Contains(s.Community.Admins, openid)
}

// actor is who acts in the console: the session's staff member.
func (s *Server) actor(sess staff.Session) actions.Actor {
	a := actions.Actor{Who: sess.Who, Door: actions.Console, Staff: true}
	if sess.Who != staff.TokenWho {
		a.OpenID = sess.Who
	}
	return a
}

type handler func(w http.ResponseWriter, r *http.Request, sess staff.Session)

// page serves a GET page to a signed-in browser; others go to the login
// page.
func (s *Server) page(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w)
		sess, err := s.session(r)
		if err != nil {
			s.signedOut(w, r, err)
			return
		}
		h(w, r, sess)
	})
}

// action serves a POST from a signed-in browser, from one of our own
// pages: the form's CSRF token must be the session's, and a browser that
// says where the request comes from must say it is this site.
func (s *Server) action(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w)
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		sess, err := s.session(r)
		if err != nil {
			s.signedOut(w, r, err)
			return
		}
		if !adminapi.SameOrigin(r) || !s.csrfOK(r, sess) {
			s.message(w, r, http.StatusForbidden, textForbidden)
			return
		}
		h(w, r, sess)
	})
}

// signedOut sends a browser without a valid session to the login page.
func (s *Server) signedOut(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, staff.ErrNotFound) {
		s.Log.ErrorContext(r.Context(), "console session", "err", err)
		s.message(w, r, http.StatusServiceUnavailable, textUnavailable)
		return
	}
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// view is what every page shows: the layout's parts.
type view struct {
	Title string
	// Nav is the active section of the menu.
	Nav       string
	Who       string
	CSRF      string
	Community string
	// CommunityID is the community the links out of /admin (the 台账)
	// name, when the account serves several ("" when one).
	CommunityID string
	// Flash says what the last action did; Problem what went wrong.
	Flash, Problem string
	names          map[string]string
}

// Name returns what people call openid: the name the office noted, or
// the openid itself.
func (v *view) Name(openid string) string {
	if n := v.names[openid]; n != "" {
		return n
	}
	if openid == staff.TokenWho {
		return textTokenWho
	}
	return openid
}

// newView starts the view of a page for sess, with the flash or problem
// named in the query (?ok=… / ?err=…: codes, never free text).
func (s *Server) newView(r *http.Request, sess staff.Session, title, nav string) *view {
	v := &view{Title: title, Nav: nav, CSRF: sess.CSRF, names: s.names(r.Context())}
	if s.Community != nil {
		v.Community = s.Community.Name
	}
	v.CommunityID = s.LinkQuery.Get("community")
	v.Who = v.Name(sess.Who)
	v.Flash = flashTexts[r.URL.Query().Get("ok")]
	v.Problem = problemTexts[r.URL.Query().Get("err")]
	return v
}

// names reads the office's names of people (none when Redis fails: the
// page then shows openids).
func (s *Server) names(ctx context.Context) map[string]string {
	people, err := s.Store.People(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "console people", "err", err)
		return nil
	}
	out := make(map[string]string, len(people))
	for id, p := range people {
		out[id] = p.Name
	}
	return out
}

// render writes page name with data, or a plain error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Log.ErrorContext(r.Context(), "console render", "page", name, "err", err)
		s.message(w, r, http.StatusInternalServerError, textUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	buf.WriteTo(w)
}

// message answers with one sentence on a plain page.
func (s *Server) message(w http.ResponseWriter, r *http.Request, code int, text string) {
	setHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	s.pages["message"].ExecuteTemplate(w, "layout", &view{Title: textMessageTitle, Problem: text})
}

// failed logs a store failure and answers with a plain page.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.Log.ErrorContext(r.Context(), "console "+what, "err", err)
	s.message(w, r, http.StatusServiceUnavailable, textUnavailable)
}

// done ends an action: it goes back to path (one of ours) saying what
// happened (ok: a flashTexts code) or what went wrong (problem: a
// problemTexts code).
func done(w http.ResponseWriter, r *http.Request, path, ok, problem string) {
	q := url.Values{}
	if ok != "" {
		q.Set("ok", ok)
	}
	if problem != "" {
		q.Set("err", problem)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// record writes an audit entry; a failure is logged, not shown (the
// action itself happened).
func (s *Server) record(r *http.Request, sess staff.Session, action, target, note string) {
	err := s.Staff.Record(context.WithoutCancel(r.Context()), staff.Entry{Who: sess.Who, Action: action, Target: target, Note: note})
	if err != nil {
		s.Log.ErrorContext(r.Context(), "console audit", "action", action, "err", err)
	}
}

// days reads where the order days stand now.
func (s *Server) days(ctx context.Context) (orders.Days, error) {
	var cal orders.Calendar
	if s.Community != nil {
		cal = s.Community.Calendar
	}
	return cal.Read(ctx, s.Store, s.now(), s.Location)
}

// dayOrders reads where the order days stand and the orders of the day
// pick chooses (today, the open day).
func (s *Server) dayOrders(ctx context.Context, pick func(orders.Days) string) (orders.Days, []orders.Order, error) {
	days, err := s.days(ctx)
	if err != nil {
		return days, nil, err
	}
	list, err := s.Store.Orders(ctx, orders.Filter{Day: pick(days), Limit: 1 << 20})
	return days, list, err
}
