// Package fakewechat is a local stand-in for the part of the WeChat HTTP API
// (api.weixin.qq.com) the bot calls: access tokens, customer-service and
// template messages, media, user tags and the custom menus.
//
// Tests and the demo mode both run the bot against it, so it behaves like the
// real service where the bot could notice the difference (a new token
// invalidates the old one, bad or stale tokens get errcode 40001, answers are
// HTTP 200 with an errcode body) and it is safe for concurrent use. It
// applies the platform's rules by default, as WeChat does on a bad day
// (rules.go): customer-service messages only within a person's window and
// budget, templates only with a known id, media that expires. Instead of
// delivering messages it records them, so tests and the demo page can show
// what a user would have received.
package fakewechat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Paths the fake serves, as the real API spells them (handy for FailNext).
const (
	// PathToken issues an access token (GET).
	PathToken = "/cgi-bin/token"
	// PathStableToken issues the separate "stable" access token (POST).
	PathStableToken = "/cgi-bin/stable_token"
	// PathCustomSend sends a customer-service message (POST).
	PathCustomSend = "/cgi-bin/message/custom/send"
	// PathTemplateSend sends a template message (POST).
	PathTemplateSend = "/cgi-bin/message/template/send"
	// PathMenuCreate replaces the custom menu (POST).
	PathMenuCreate = "/cgi-bin/menu/create"
	// PathMenuGet returns the custom menu (GET).
	PathMenuGet = "/cgi-bin/menu/get"
	// PathTemplateList lists the account's templates (GET).
	PathTemplateList = "/cgi-bin/template/get_all_private_template"
	// PathMenuDelete removes the custom menu (GET).
	PathMenuDelete = "/cgi-bin/menu/delete"
	// PathMediaGet downloads media (GET); PathMediaUpload uploads
	// temporary media (POST, multipart).
	PathMediaGet    = "/cgi-bin/media/get"
	PathMediaUpload = "/cgi-bin/media/upload"
	// User tags and the menus shown by tag.
	PathTagCreate          = "/cgi-bin/tags/create"
	PathTagGet             = "/cgi-bin/tags/get"
	PathTagBatch           = "/cgi-bin/tags/members/batchtagging"
	PathTagUnbatch         = "/cgi-bin/tags/members/batchuntagging"
	PathTagUsers           = "/cgi-bin/user/tag/get"
	PathMenuAddConditional = "/cgi-bin/menu/addconditional"
	PathMenuDelConditional = "/cgi-bin/menu/delconditional"
)

// BaseURL is the origin of the real API, which Rewriter replaces.
const BaseURL = "https://api.weixin.qq.com"

// tokenTTL is the lifetime WeChat announces for access tokens, in seconds.
const tokenTTL = 7200

// maxBody bounds request bodies; real messages are a few KiB and a runaway
// client should get an error, not exhaust memory.
const maxBody = 1 << 20

// Sent is one message the API accepted for delivery.
type Sent struct {
	// Kind is "custom" (customer-service message) or "template".
	Kind string
	// ToUser is the recipient's openid.
	ToUser string
	// Text is text.content for custom text messages, a short description
	// for other custom types, and for a template message its fields as the
	// person sees them: "key: value" lines in the template's order (data
	// for fields the template does not have is not shown).
	Text string
	// Blank are the template's fields the message left empty: WeChat
	// shows them blank.
	Blank []string
	// TemplateID is the template of a template message.
	TemplateID string
	// URL is the link a template message opens.
	URL string
	// MediaID is the media of a voice or image customer message.
	MediaID string
	// Raw is the request body as received.
	Raw json.RawMessage
	// At is when the fake accepted the message.
	At time.Time
}

// API is the fake WeChat API; it is an http.Handler.
type API struct {
	// Clock is the platform's time (time.Now when nil): windows and
	// media expire by it. Set it before use.
	Clock func() time.Time

	appID, appSecret string

	mu          sync.Mutex
	token       string // latest token from /cgi-bin/token, "" once invalidated
	stableToken string // latest token from /cgi-bin/stable_token
	fetches     int
	sent        []Sent
	menu        json.RawMessage
	faults      map[string]*fault
	delay       time.Duration
	nextMsgID   int64

	windows    map[string]*window
	unfollowed map[string]bool
	templates  map[string][]string // id → its fields, in order
	clientIDs  map[string]time.Time
	refusals   []Refusal
	media      map[string]*medium
	downloads  int
	tags       []Tag
	tagged     map[int]map[string]bool
	condMenus  []ConditionalMenu
}

type fault struct {
	errcode int
	left    int
}

// New returns a fake API for one official account.
func New(appID, appSecret string) *API {
	return &API{
		appID:     appID,
		appSecret: appSecret,
		faults:    map[string]*fault{},
		nextMsgID: 1000000001,

		windows:    map[string]*window{},
		unfollowed: map[string]bool{},
		templates:  map[string][]string{},
		clientIDs:  map[string]time.Time{},
		media:      map[string]*medium{},
		tagged:     map[int]map[string]bool{},
	}
}

// Rewriter returns a function that points real API URLs at base (for
// silenceper's util.SetURIModifier); other URLs pass unchanged.
func Rewriter(base string) func(string) string {
	base = strings.TrimRight(base, "/")
	return func(u string) string {
		if strings.HasPrefix(u, BaseURL) {
			return base + strings.TrimPrefix(u, BaseURL)
		}
		return u
	}
}

// Sent returns a copy of every accepted message, oldest first.
func (a *API) Sent() []Sent {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Sent, len(a.sent))
	for i, s := range a.sent {
		out[i] = s
		out[i].Raw = append(json.RawMessage(nil), s.Raw...)
	}
	return out
}

// SentTo returns a copy of the accepted messages for openid, oldest first.
func (a *API) SentTo(openid string) []Sent {
	var out []Sent
	for _, s := range a.Sent() {
		if s.ToUser == openid {
			out = append(out, s)
		}
	}
	return out
}

// TokenFetches counts token requests answered with a token, on either
// token endpoint.
func (a *API) TokenFetches() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fetches
}

// Menu returns a copy of the last menu created, or nil if there is none.
func (a *API) Menu() json.RawMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.menu == nil {
		return nil
	}
	return append(json.RawMessage(nil), a.menu...)
}

// Reset forgets recorded messages and refusals, the menu, the fetch
// count, pending faults and the delay. Issued tokens stay valid, because
// clients cache them and a reset between test steps should not look like
// an expiry; so do people's windows, templates, media and tags, which are
// the platform's state, not a test's record.
func (a *API) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = nil
	a.refusals = nil
	a.menu = nil
	a.fetches = 0
	a.faults = map[string]*fault{}
	a.delay = 0
}

// FailNext makes the next n calls on path answer errcode without doing or
// recording anything; n <= 0 cancels a pending fault.
func (a *API) FailNext(path string, errcode int, n int) {
	path = normalize(path)
	a.mu.Lock()
	defer a.mu.Unlock()
	if n <= 0 {
		delete(a.faults, path)
		return
	}
	a.faults[path] = &fault{errcode: errcode, left: n}
}

// SetDelay delays every answer by d, to exercise client timeouts; 0 turns
// it off.
func (a *API) SetDelay(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.delay = d
}

// InvalidateTokens makes every issued token invalid, as when they expire;
// clients then get errcode 40001 until they fetch a new one.
func (a *API) InvalidateTokens() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = ""
	a.stableToken = ""
}

// ServeHTTP answers one API call.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	delay := a.delay
	a.mu.Unlock()
	if delay > 0 {
		if !sleep(r.Context(), delay) {
			return // the client gave up; nobody is left to answer
		}
	}

	path := normalize(r.URL.Path)
	if code, ok := a.takeFault(path); ok {
		writeError(w, code)
		return
	}

	switch path {
	case PathToken:
		a.serveToken(w, r)
	case PathStableToken:
		a.serveStableToken(w, r)
	case PathCustomSend:
		a.serveCustomSend(w, r)
	case PathTemplateSend:
		a.serveTemplateSend(w, r)
	case PathMenuCreate:
		a.serveMenuCreate(w, r)
	case PathMenuGet:
		a.serveMenuGet(w, r)
	case PathTemplateList:
		a.serveTemplateList(w, r)
	case PathMenuDelete:
		a.serveMenuDelete(w, r)
	case PathMediaGet:
		a.serveMediaGet(w, r)
	case PathMediaUpload:
		a.serveMediaUpload(w, r)
	case PathTagCreate:
		a.serveTagCreate(w, r)
	case PathTagGet:
		a.serveTagGet(w, r)
	case PathTagBatch:
		a.serveTagging(true)(w, r)
	case PathTagUnbatch:
		a.serveTagging(false)(w, r)
	case PathTagUsers:
		a.serveTagUsers(w, r)
	case PathMenuAddConditional:
		a.serveMenuAddConditional(w, r)
	case PathMenuDelConditional:
		a.serveMenuDelConditional(w, r)
	default:
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"errcode":40066,"errmsg":"invalid url"}`)
	}
}

func (a *API) takeFault(path string) (int, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.faults[path]
	if f == nil {
		return 0, false
	}
	f.left--
	if f.left <= 0 {
		delete(a.faults, path)
	}
	return f.errcode, true
}

func (a *API) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, 43001)
		return
	}
	q := r.URL.Query()
	if code := a.checkCredentials(q.Get("grant_type"), q.Get("appid"), q.Get("secret")); code != 0 {
		writeError(w, code)
		return
	}
	a.mu.Lock()
	// Like the real endpoint, a new token replaces the old one. (WeChat
	// keeps the old one usable for about five minutes; invalidating it at
	// once is stricter and flushes out clients that share tokens badly.)
	a.token = newToken()
	a.fetches++
	tok := a.token
	a.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": tokenTTL})
}

func (a *API) serveStableToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, 43002)
		return
	}
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if code := a.checkCredentials(req.GrantType, req.AppID, req.Secret); code != 0 {
		writeError(w, code)
		return
	}
	a.mu.Lock()
	// The stable token lives apart from /cgi-bin/token: fetching one does
	// not disturb the other. It only changes on force_refresh (or expiry).
	if a.stableToken == "" || req.ForceRefresh {
		a.stableToken = newToken()
	}
	a.fetches++
	tok := a.stableToken
	a.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": tokenTTL})
}

// checkCredentials returns the errcode WeChat gives for bad token requests.
func (a *API) checkCredentials(grantType, appID, secret string) int {
	switch {
	case grantType != "client_credential":
		return 40002
	case appID == "":
		return 41002
	case appID != a.appID:
		return 40013
	case secret == "":
		return 41004
	case secret != a.appSecret:
		return 40125
	}
	return 0
}

// checkToken returns 0 if the request carries a live access token, or the
// errcode to answer.
func (a *API) checkToken(r *http.Request) int {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		return 41001
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if tok == a.token || tok == a.stableToken {
		return 0
	}
	return 40001
}

func (a *API) serveCustomSend(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var msg struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
		Voice *struct {
			MediaID string `json:"media_id"`
		} `json:"voice"`
		Image *struct {
			MediaID string `json:"media_id"`
		} `json:"image"`
	}
	// all holds every top-level field: the payload sits under a key named
	// after msgtype.
	var all map[string]json.RawMessage
	if json.Unmarshal(body, &msg) != nil || json.Unmarshal(body, &all) != nil {
		writeError(w, 47001)
		return
	}
	media := ""
	switch {
	case msg.Voice != nil:
		media = msg.Voice.MediaID
	case msg.Image != nil:
		media = msg.Image.MediaID
	}
	switch {
	case msg.ToUser == "":
		writeError(w, 40003)
		return
	case msg.MsgType == "" || all[msg.MsgType] == nil:
		writeError(w, 40008)
		return
	case msg.MsgType == "text" && (msg.Text == nil || msg.Text.Content == ""):
		writeError(w, 44004)
		return
	case (msg.MsgType == "voice" || msg.MsgType == "image") && !a.hasMedia(media):
		writeError(w, a.refuse(PathCustomSend, msg.ToUser, 40007))
		return
	}
	if code := a.spend(msg.ToUser); code != 0 {
		writeError(w, code)
		return
	}
	text := ""
	if msg.MsgType == "text" {
		text = msg.Text.Content
	} else {
		text = describe(msg.MsgType, all[msg.MsgType])
	}
	a.record(Sent{Kind: "custom", ToUser: msg.ToUser, Text: text, MediaID: media, Raw: body})
	writeError(w, 0)
}

func (a *API) hasMedia(id string) bool {
	_, ok := a.Media(id)
	return ok
}

func (a *API) serveTemplateSend(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var msg struct {
		ToUser      string          `json:"touser"`
		TemplateID  string          `json:"template_id"`
		URL         string          `json:"url"`
		Data        json.RawMessage `json:"data"`
		ClientMsgID string          `json:"client_msg_id"`
	}
	if json.Unmarshal(body, &msg) != nil {
		writeError(w, 47001)
		return
	}
	if msg.ToUser == "" {
		writeError(w, 40003)
		return
	}
	_, fields, err := renderData(msg.Data)
	if err != nil {
		writeError(w, 47001)
		return
	}
	if code := a.checkTemplate(msg.ToUser, msg.TemplateID, fields); code != 0 {
		writeError(w, code)
		return
	}
	text, blank := a.shown(msg.TemplateID, fields)
	a.mu.Lock()
	id := a.nextMsgID
	a.nextMsgID++
	a.mu.Unlock()
	if !a.repeat(msg.ToUser, msg.ClientMsgID) {
		a.record(Sent{Kind: "template", ToUser: msg.ToUser, Text: text, Blank: blank, TemplateID: msg.TemplateID, URL: msg.URL, Raw: body})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": id})
}

func (a *API) serveMenuCreate(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Button []button `json:"button"`
	}
	body, ok := a.readMenu(w, r, &m, &m.Button)
	if !ok {
		return
	}
	a.mu.Lock()
	a.menu = append(json.RawMessage(nil), bytes.TrimSpace(body)...)
	a.mu.Unlock()
	writeError(w, 0)
}

func (a *API) serveMenuGet(w http.ResponseWriter, r *http.Request) {
	if !a.getWithToken(w, r) {
		return
	}
	menu := a.Menu()
	if menu == nil {
		writeError(w, 46003)
		return
	}
	writeJSON(w, map[string]any{"menu": menu})
}

// serveTemplateList answers as WeChat does: each template with its
// content, a line per field ("事项：{{thing1.DATA}}").
func (a *API) serveTemplateList(w http.ResponseWriter, r *http.Request) {
	if !a.getWithToken(w, r) {
		return
	}
	a.mu.Lock()
	ids := make([]string, 0, len(a.templates))
	for id := range a.templates {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]map[string]string, 0, len(ids))
	for _, id := range ids {
		var lines []string
		for _, f := range a.templates[id] {
			lines = append(lines, "项目：{{"+f+".DATA}}")
		}
		list = append(list, map[string]string{"template_id": id, "title": "模板", "content": strings.Join(lines, "\n"), "example": ""})
	}
	a.mu.Unlock()
	writeJSON(w, map[string]any{"template_list": list})
}

func (a *API) serveMenuDelete(w http.ResponseWriter, r *http.Request) {
	if !a.getWithToken(w, r) {
		return
	}
	a.mu.Lock()
	a.menu = nil
	a.condMenus = nil // deleting the menu deletes the conditional ones too
	a.mu.Unlock()
	writeError(w, 0)
}

// getWithToken is postWithToken for GET endpoints.
func (a *API) getWithToken(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		writeError(w, 43001)
		return false
	}
	if code := a.checkToken(r); code != 0 {
		writeError(w, code)
		return false
	}
	return true
}

// readMenu reads a menu request into m, whose buttons are *buttons, and
// checks them as WeChat does, answering the error itself; it returns the
// body and whether to go on.
func (a *API) readMenu(w http.ResponseWriter, r *http.Request, m any, buttons *[]button) ([]byte, bool) {
	if !a.postWithToken(w, r) {
		return nil, false
	}
	body, ok := readBody(w, r)
	if !ok {
		return nil, false
	}
	if json.Unmarshal(body, m) != nil {
		writeError(w, 47001)
		return nil, false
	}
	if code := checkMenu(*buttons); code != 0 {
		writeError(w, code)
		return nil, false
	}
	return body, true
}

// postWithToken checks method and token in the order WeChat does, answering
// the error itself; it reports whether to go on.
func (a *API) postWithToken(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		writeError(w, 43002)
		return false
	}
	if code := a.checkToken(r); code != 0 {
		writeError(w, code)
		return false
	}
	return true
}

func (a *API) record(s Sent) {
	s.Raw = append(json.RawMessage(nil), bytes.TrimSpace(s.Raw)...)
	s.At = time.Now()
	a.mu.Lock()
	a.sent = append(a.sent, s)
	a.mu.Unlock()
}

// button is a menu button as the create call takes it.
type button struct {
	Type      string   `json:"type"`
	Name      string   `json:"name"`
	Key       string   `json:"key"`
	URL       string   `json:"url"`
	MediaID   string   `json:"media_id"`
	ArticleID string   `json:"article_id"`
	AppID     string   `json:"appid"`
	PagePath  string   `json:"pagepath"`
	SubButton []button `json:"sub_button"`
}

// checkMenu applies WeChat's structural rules (1–3 top-level buttons, 1–5
// per submenu, each leaf typed and carrying what its type needs), so a menu
// the real API would refuse is refused here too.
func checkMenu(top []button) int {
	if len(top) < 1 || len(top) > 3 {
		return 40016
	}
	for _, b := range top {
		if b.Name == "" {
			return 40018
		}
		// A button with children is a submenu; menu/get answers leaves
		// with an empty sub_button list, so emptiness alone is not one.
		if len(b.SubButton) > 0 || b.Type == "" {
			if len(b.SubButton) < 1 || len(b.SubButton) > 5 {
				return 40023
			}
			for _, s := range b.SubButton {
				if s.Name == "" {
					return 40025
				}
				if len(s.SubButton) > 0 {
					return 40022 // menus nest two levels at most
				}
				if code := checkLeaf(s, 40024, 40026, 40027); code != 0 {
					return code
				}
			}
			continue
		}
		if code := checkLeaf(b, 40017, 40019, 40020); code != 0 {
			return code
		}
	}
	return 0
}

func checkLeaf(b button, badType, badKey, badURL int) int {
	switch b.Type {
	case "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto",
		"pic_photo_or_album", "pic_weixin", "location_select":
		if b.Key == "" {
			return badKey
		}
	case "view":
		if b.URL == "" {
			return badURL
		}
	case "miniprogram":
		if b.URL == "" || b.AppID == "" || b.PagePath == "" {
			return badURL
		}
	case "media_id", "view_limited":
		if b.MediaID == "" {
			return 40007
		}
	case "article_id", "article_view_limited":
		if b.ArticleID == "" {
			return 40007 // WeChat has no dedicated code we know of; close enough
		}
	default:
		return badType
	}
	return 0
}

// describe renders a non-text customer message for humans, e.g.
// "[image media_id=XYZ]".
func describe(msgType string, payload json.RawMessage) string {
	var fields map[string]any
	if json.Unmarshal(payload, &fields) != nil {
		return "[" + msgType + "]"
	}
	var b strings.Builder
	b.WriteString("[" + msgType)
	for _, k := range []string{"title", "media_id", "card_id", "article_id", "pagepath", "head_content"} {
		if v, ok := fields[k].(string); ok && v != "" {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	if arts, ok := fields["articles"].([]any); ok {
		for _, x := range arts {
			if art, ok := x.(map[string]any); ok {
				fmt.Fprintf(&b, " title=%v", art["title"])
			}
		}
	}
	b.WriteString("]")
	return b.String()
}

// renderData turns template data into "key: value" lines, in the order the
// sender wrote the keys (which a map would lose), and the fields.
func renderData(data json.RawMessage) (string, map[string]string, error) {
	fields := map[string]string{}
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return "", fields, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", nil, fmt.Errorf("template data is not an object")
	}
	var lines []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", nil, err
		}
		key, _ := t.(string)
		var item struct {
			Value json.RawMessage `json:"value"`
		}
		if err := dec.Decode(&item); err != nil {
			return "", nil, err
		}
		var s string
		if json.Unmarshal(item.Value, &s) != nil {
			s = string(item.Value) // numbers and the like, as written
		}
		lines = append(lines, key+": "+s)
		fields[key] = s
	}
	return strings.Join(lines, "\n"), fields, nil
}

// errmsgs are the messages WeChat sends with the codes this fake produces
// or that tests commonly inject.
var errmsgs = map[int]string{
	-1:    "system error",
	0:     "ok",
	40001: "invalid credential",
	40004: "invalid media type",
	40032: "invalid openid list size",
	40002: "invalid grant_type",
	40003: "invalid openid",
	40007: "invalid media_id",
	40008: "invalid message type",
	40013: "invalid appid",
	40016: "invalid button size",
	40017: "invalid button type",
	40018: "invalid button name size",
	40019: "invalid button key size",
	40020: "invalid button url size",
	40022: "invalid sub button level",
	40023: "invalid sub button size",
	40024: "invalid sub button type",
	40025: "invalid sub button name size",
	40026: "invalid sub button key size",
	40027: "invalid sub button url size",
	40037: "invalid template_id",
	40125: "invalid appsecret",
	41001: "access_token missing",
	41002: "appid missing",
	41004: "appsecret missing",
	41005: "media data missing",
	42001: "access_token expired",
	43001: "require GET method",
	43002: "require POST method",
	43004: "require subscribe",
	44004: "empty content",
	45009: "reach max api daily quota limit",
	45015: "response out of time limit or subscription is canceled",
	45047: "out of response count limit",
	46003: "menu no exist",
	45056: "too many tags",
	45157: "invalid tag name, tag already exists",
	45158: "tag name too long",
	45159: "invalid tag id",
	47001: "data format error",
	47003: "argument invalid! data.thing1.value invalid",
	65301: "no such matchrule",
	65302: "no such menu",
	65303: "there is no selfmenu, please create selfmenu first",
	65304: "matchrule is empty",
	48001: "api unauthorized",
}

func writeError(w http.ResponseWriter, code int) {
	msg, ok := errmsgs[code]
	if !ok {
		msg = "error injected by fakewechat"
	}
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg})
}

// writeJSON answers HTTP 200 as WeChat does even for errors: failures are
// in the errcode, not the status.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, 47001)
		return nil, false
	}
	return body, true
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	if json.Unmarshal(body, v) != nil {
		writeError(w, 47001)
		return false
	}
	return true
}

func newToken() string {
	// Real tokens are opaque strings of about 130 URL-safe characters.
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func normalize(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return strings.TrimRight(path, "/")
}

// sleep waits d unless ctx ends first; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
