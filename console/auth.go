package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/staff"
)

// signInPath is where the bot's one-time links point.
const signInPath = "/admin/signin"

// SignInLink returns a one-time link that signs openid in (bot.SignIn):
// a fresh token, kept in Redis until used or for the Keeper's SignInTTL,
// in a URL signed with SignIn's key and expiry. It refuses anyone not in
// community.admins.
func (s *Server) SignInLink(ctx context.Context, openid string) (string, error) {
	if !s.isStaff(openid) {
		return "", errors.New("console: sign-in link for someone not in community.admins")
	}
	tok, err := s.Staff.IssueSignIn(ctx, openid)
	if err != nil {
		return "", err
	}
	q := url.Values{"t": {tok}}
	for k, v := range s.LinkQuery {
		q[k] = v
	}
	return s.SignIn.URL(signInPath, q), nil
}

// signIn opens a session from a one-time link: the signature and expiry
// first, then the token, used up in the same step it is read.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	setHeaders(w)
	w.Header().Set("Referrer-Policy", "no-referrer")
	switch err := s.SignIn.Check(r); {
	case errors.Is(err, signedurl.ErrExpired):
		s.message(w, r, http.StatusGone, textLinkExpired)
		return
	case err != nil:
		s.message(w, r, http.StatusForbidden, textLinkBad)
		return
	}
	who, err := s.Staff.RedeemSignIn(r.Context(), r.URL.Query().Get("t"))
	if errors.Is(err, staff.ErrNotFound) {
		s.message(w, r, http.StatusGone, textLinkUsed)
		return
	}
	if err != nil {
		s.failed(w, r, "sign in", err)
		return
	}
	// Still staff? The link may have been sent before the config
	// changed.
	if !s.isStaff(who) {
		s.message(w, r, http.StatusForbidden, textNotStaff)
		return
	}
	s.startSession(w, r, who, staff.ViaWeChat)
}

// StartSession opens a session for who and sends the browser to the
// overview (the demo's staff persona uses it).
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, who, via string) {
	s.startSession(w, r, who, via)
}

// StartSessionAt is StartSession sending the browser to next, a console
// page ("/admin/…"; the overview for anything else).
func (s *Server) StartSessionAt(w http.ResponseWriter, r *http.Request, who, via, next string) {
	if !strings.HasPrefix(next, "/admin/") {
		next = "/admin/"
	}
	s.startSessionAt(w, r, who, via, next)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, who, via string) {
	s.startSessionAt(w, r, who, via, "/admin/")
}

func (s *Server) startSessionAt(w http.ResponseWriter, r *http.Request, who, via, next string) {
	sess, err := s.Staff.StartSession(r.Context(), who, via)
	if err != nil {
		s.failed(w, r, "start session", err)
		return
	}
	s.record(r, sess, textAuditSignIn, "", viaTexts[via])
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.ID, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(staff.DefaultSessionMax.Seconds()),
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	setHeaders(w)
	if _, err := s.session(r); err == nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	v := &view{Title: textLoginTitle}
	if s.Community != nil {
		v.Community = s.Community.Name
	}
	s.render(w, r, "login", v)
}

// login signs in with the admin token (setup and tests); a wrong token
// sets no cookie, and an address that keeps guessing waits.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	setHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	gate := s.gate()
	if wait := gate.Try(r); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		w.WriteHeader(http.StatusTooManyRequests)
		s.render(w, r, "login", &view{Title: textLoginTitle, Problem: fmt.Sprintf(textTooManyTries, int((wait+time.Minute-1)/time.Minute))})
		return
	}
	tok := r.PostFormValue("token")
	if s.Token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(s.Token)) != 1 {
		gate.Refused(r)
		w.WriteHeader(http.StatusUnauthorized)
		v := &view{Title: textLoginTitle, Problem: textWrongToken}
		s.render(w, r, "login", v)
		return
	}
	gate.Passed(r)
	s.startSession(w, r, staff.TokenWho, staff.ViaToken)
}

// gate is the admin token's, with the console's guard.
func (s *Server) gate() adminapi.Gate {
	return adminapi.Gate{Token: s.Token, Guard: s.Guard, Log: s.Log}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if err := s.Staff.EndSession(r.Context(), sess.ID); err != nil {
		s.failed(w, r, "end session", err)
		return
	}
	s.record(r, sess, textAuditSignOut, "", "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// csrfOK reports whether the form carries the session's CSRF token.
func (s *Server) csrfOK(r *http.Request, sess staff.Session) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// apiSession lets an API request in with the admin bearer token or a
// console session; the session is zero for the token.
func (s *Server) apiSession(w http.ResponseWriter, r *http.Request) (staff.Session, bool) {
	if r.Header.Get("Authorization") != "" {
		gate := s.gate()
		if !gate.Allowed(w, r) {
			return staff.Session{}, false
		}
		if adminapi.BearerOK(r, s.Token) {
			gate.Passed(r)
			return staff.Session{Who: staff.TokenWho, Via: staff.ViaToken}, true
		}
		gate.Refused(r)
	}
	sess, err := s.session(r)
	if err == nil {
		return sess, true
	}
	if !errors.Is(err, staff.ErrNotFound) {
		s.Log.ErrorContext(r.Context(), "console session", "err", err)
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="baogong"`)
	http.Error(w, "sign in to the console, or send the admin bearer token", http.StatusUnauthorized)
	return staff.Session{}, false
}
