// Package demo serves the demo web page: a newcomer chats as several
// residents, and every message goes through the real /wechat callback,
// signed (and in safe mode encrypted) exactly as WeChat does it.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/wxsign"
)

//go:embed index.html
var page []byte

// User is one person the page can play.
type User struct {
	OpenID string `json:"openid"`
	Name   string `json:"name"`
	Hint   string `json:"hint"`
	// Examples are this person's own phrases; residents share Server.Examples.
	Examples []string `json:"examples,omitempty"`
}

// Server is the demo page and its small JSON helpers.
type Server struct {
	// Callback is the full URL of the real /wechat handler.
	Callback   string
	Account    wxsign.Account
	Safe       bool
	API        *fakewechat.API
	AdminToken string
	Users      []User
	Examples   []string
	// OfficialID is the account's own id (ToUserName of messages).
	OfficialID string

	msgID atomic.Int64
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
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"users": s.Users, "examples": s.Examples, "admin_token": s.AdminToken, "safe": s.Safe,
	})
}

type sendRequest struct {
	OpenID string `json:"openid"`
	Text   string `json:"text"`
	Event  string `json:"event"`
	Key    string `json:"key"`
}

// send plays WeChat: it builds the message XML, signs (and encrypts) it,
// POSTs it to the callback over HTTP and decodes the answer.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil || req.OpenID == "" || (req.Text == "" && req.Event == "") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "need openid and text or event"})
		return
	}
	now := time.Now()
	var body []byte
	if req.Event != "" {
		body = wxsign.EventXML(s.OfficialID, req.OpenID, req.Event, req.Key, now)
	} else {
		body = wxsign.TextXML(s.OfficialID, req.OpenID, req.Text, s.msgID.Add(1), now)
	}
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

func (s *Server) pushes(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"pushes": s.API.Sent()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
