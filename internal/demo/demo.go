// Package demo serves the demo web page: a newcomer chats as several
// residents, and every message goes through the real /wechat callback,
// signed (and in safe mode encrypted) exactly as WeChat does it.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

//go:embed index.html
var page []byte

// photo is the sample photo the page sends as a prescription (📷 发照片),
// at photoPath: WeChat's PicUrl of an image message points at such a file.
//
//go:embed rx-photo.svg
var photo []byte

const photoPath = "/demo/rx-photo.svg"

// base is the demo's own address, from its callback's.
func (s *Server) base() string { return strings.TrimSuffix(s.Callback, "/wechat") }

// User is one person the page can play.
type User struct {
	OpenID string `json:"openid"`
	Name   string `json:"name"`
	Hint   string `json:"hint"`
	// Examples are this person's own phrases; residents share Server.Examples.
	Examples []string `json:"examples,omitempty"`
}

// Supplier is a catalog supplier, named in the page's job results.
type Supplier struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Server is the demo page and its small JSON helpers.
type Server struct {
	// Callback is the full URL of the real /wechat handler.
	Callback string
	Account  wxsign.Account
	Safe     bool
	API      *fakewechat.API
	// Held, when set, lists the notices waiting for their person's next
	// message (package outbox): the page shows them beside the pushes.
	Held       Held
	AdminToken string
	Users      []User
	Examples   []string
	// VoiceExamples are what residents say in voice messages: the page
	// sends them as voice messages with that text as WeChat's speech
	// recognition result ("" for a voice nobody could make out).
	VoiceExamples []string
	// Names are display names of people the page does not play (the
	// other volunteers, the pharmacy's contact), by openid.
	Names     map[string]string
	Suppliers []Supplier
	// OfficialID is the account's own id (ToUserName of messages).
	OfficialID string
	// Store and Location tell the page where the order days stand (see
	// Days); without a Store the page has no job buttons.
	Store    orders.DayCloser
	Location *time.Location
	// Now is the service's clock (time.Now when nil): messages are
	// signed and dated by it, as WeChat's would be by its own.
	Now func() time.Time

	msgID atomic.Int64
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Register adds the page and its helpers to mux.
func (s *Server) Register(mux *http.ServeMux) {
	s.msgID.Store(time.Now().UnixMilli())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("GET /demo/info", s.info)
	mux.HandleFunc("POST /demo/send", s.send)
	mux.HandleFunc("GET /demo/pushes", s.pushes)
	mux.HandleFunc("GET "+photoPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write(photo)
	})
	mux.HandleFunc("GET /demo/days", s.days)
	// The printable rosters and pick lists have no icon; answer the
	// browser's request for one without a 404 in its console.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"users": s.Users, "examples": s.Examples, "voice_examples": s.VoiceExamples, "admin_token": s.AdminToken, "safe": s.Safe,
		"names": s.Names, "suppliers": s.Suppliers, "jobs": s.Store != nil,
	})
}

type sendRequest struct {
	OpenID string `json:"openid"`
	Text   string `json:"text"`
	Event  string `json:"event"`
	Key    string `json:"key"`
	// Voice sends Text as a voice message's speech recognition result
	// (none when Text is empty).
	Voice bool `json:"voice"`
	// Image sends a photo (of a prescription or a medicine box), as an
	// image message whose PicUrl is the demo's sample photo.
	Image bool `json:"image"`
}

// send plays WeChat: it builds the message XML, signs (and encrypts) it,
// POSTs it to the callback over HTTP and decodes the answer.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil || req.OpenID == "" || (req.Text == "" && req.Event == "" && !req.Voice && !req.Image) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "need openid and text, voice, image or event"})
		return
	}
	now := s.now()
	var body []byte
	switch {
	case req.Event != "":
		body = wxsign.EventXML(s.OfficialID, req.OpenID, req.Event, req.Key, now)
	case req.Voice:
		id := s.msgID.Add(1)
		body = wxsign.VoiceXML(s.OfficialID, req.OpenID, fmt.Sprint("demo-voice-", id), req.Text, id, now)
	case req.Image:
		id := s.msgID.Add(1)
		body = wxsign.ImageXML(s.OfficialID, req.OpenID, s.base()+photoPath+"?n="+fmt.Sprint(id), fmt.Sprint("demo-photo-", id), id, now)
	default:
		body = wxsign.TextXML(s.OfficialID, req.OpenID, req.Text, s.msgID.Add(1), now)
	}
	// WeChat knows who wrote: their window for pushes opens, and what
	// they sent (a voice, a photo) can be downloaded for three days.
	s.API.Hear(body)
	build := s.Account.Plain
	if s.Safe {
		build = s.Account.Safe
	}
	hreq, err := build(s.Callback, body, now, fmt.Sprint(now.UnixNano()))
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	hreq = hreq.WithContext(r.Context())
	start := time.Now()
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{"status": resp.StatusCode, "ms": time.Since(start).Milliseconds(), "request_xml": string(body)}
	if resp.StatusCode == http.StatusOK {
		rep, err := s.Account.OpenReply(bytes.TrimSpace(raw), s.Safe)
		if err != nil {
			out["error"] = err.Error()
		} else {
			out["reply"] = rep.Content
		}
	} else {
		out["error"] = string(raw)
	}
	writeJSON(w, http.StatusOK, out)
}

// Held is the outbox as the page shows what it holds.
type Held interface {
	Unreachable(ctx context.Context) ([]outbox.Unreached, error)
	Held(ctx context.Context, openid string) ([]orders.Notice, error)
}

// heldView is what waits for one person's next message.
type heldView struct {
	OpenID  string       `json:"openid"`
	Notices []heldNotice `json:"notices"`
}

type heldNotice struct {
	Kind string    `json:"kind"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// pushes answers what the fake WeChat API delivered (customer-service and
// template messages), what WeChat refused under its rules, and what waits
// for its person's next message.
func (s *Server) pushes(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"pushes": s.API.Sent(), "refused": len(s.API.Refusals())}
	if s.Held != nil {
		var held []heldView
		if un, err := s.Held.Unreachable(r.Context()); err == nil {
			for _, u := range un {
				ns, err := s.Held.Held(r.Context(), u.OpenID)
				if err != nil || len(ns) == 0 {
					continue
				}
				v := heldView{OpenID: u.OpenID}
				for _, n := range ns {
					v.Notices = append(v.Notices, heldNotice{Kind: n.Kind, Text: n.Text, At: n.CreatedAt})
				}
				held = append(held, v)
			}
		}
		out["held"] = held
	}
	writeJSON(w, http.StatusOK, out)
}

// DayView is where the demo's order days stand (orders.Days): the page
// says which day an order placed now counts for and which day the job
// buttons work on.
type DayView struct {
	Now   time.Time `json:"now"`
	Today string    `json:"today"`
	// Open is the day an order placed now counts for: today, or tomorrow
	// once today's 截单 has run (the day after, once tomorrow's has too).
	Open string `json:"open"`
	// LastClosed is the latest closed day: the one 发备货单 sends and
	// whose orders 排班送货 delivers (with earlier ones).
	LastClosed string `json:"last_closed"`
	// CanClose: 截单 closes today now (once a day: never a day ahead).
	CanClose bool `json:"can_close"`
}

// Days reads where the demo's order days stand at now. The demo has no
// schedules: days close only when 截单 is pressed.
func Days(ctx context.Context, store orders.DayCloser, loc *time.Location, now time.Time) (DayView, error) {
	days, err := orders.Calendar{}.Read(ctx, store, now, loc)
	if err != nil {
		return DayView{}, err
	}
	return DayView{Now: days.Now, Today: days.Today, Open: days.Open, LastClosed: days.LastClosed(),
		CanClose: days.Open == days.Today}, nil
}

func (s *Server) days(w http.ResponseWriter, r *http.Request) {
	if s.Store == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no jobs in this demo"})
		return
	}
	d, err := Days(r.Context(), s.Store, s.Location, s.now())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
