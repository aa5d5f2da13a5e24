package fakewechat

import (
	"encoding/xml"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The platform's rules for pushes, as WeChat applies them (see
// ../shared/NOTES.md, "The WeChat platform as it really behaves"):
//
//   - a customer-service message reaches only someone who interacted with
//     the account lately: a message they sent (text, voice, image …) opens
//     48 hours for 5 messages; a menu click, a follow or a QR scan one
//     minute for 3. Outside it: 45015; past the budget: 45047;
//   - a template message needs a template id the account has (40037
//     otherwise), fields within their lengths (47003), and a follower
//     (43004); a repeated client_msg_id within ten minutes is not shown
//     again; the person sees the template's own fields, blank where the
//     data left one out (a template picked from the library has its own,
//     AddTemplateFields);
//   - media people send expire after three days (40007).
//
// The fake learns of interactions from the messages a test sends to the
// service (Hear), as WeChat knows of them because it carries them.

// Windows of the customer-service rules.
const (
	MessageWindow = 48 * time.Hour
	MessageBudget = 5
	EventWindow   = time.Minute
	EventBudget   = 3
	// MediaLife is how long WeChat keeps media.
	MediaLife = 3 * 24 * time.Hour
	// clientMsgWindow is how long a client_msg_id blocks a repeat.
	clientMsgWindow = 10 * time.Minute
)

// window is what a person's last interaction allows.
type window struct {
	until time.Time
	cap   int
	used  int
	event bool
}

// Refusal is a push the fake refused because of the rules (a test counts
// them: "at most a couple of 45047").
type Refusal struct {
	Path    string
	ToUser  string
	ErrCode int
	At      time.Time
}

func (a *API) now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// Hear tells the fake that a user sent body (a message's plaintext XML,
// as a test signs and posts it to the service): their window opens as
// WeChat's would, and media they sent (a voice, a photo) becomes
// downloadable for MediaLife. Unreadable bodies are ignored.
func (a *API) Hear(body []byte) {
	var m struct {
		From     string `xml:"FromUserName"`
		MsgType  string `xml:"MsgType"`
		Event    string `xml:"Event"`
		MediaID  string `xml:"MediaId"`
		MsgID    int64  `xml:"MsgId"`
		PicURL   string `xml:"PicUrl"`
		Format   string `xml:"Format"`
		Recog    string `xml:"Recognition"`
		EventKey string `xml:"EventKey"`
	}
	if xml.Unmarshal(body, &m) != nil || m.From == "" {
		return
	}
	switch m.MsgType {
	case "event":
		switch strings.ToLower(m.Event) {
		case "subscribe", "scan", "click", "scancode_push", "scancode_waitmsg":
			a.Interact(m.From, false)
		case "unsubscribe":
			a.Unfollow(m.From)
		}
		return
	case "voice":
		a.addMediaIfNew(m.MediaID, "audio/amr", sampleVoice(m.MsgID))
	case "image":
		a.addMediaIfNew(m.MediaID, "image/jpeg", sampleJPEG)
	}
	a.Interact(m.From, true)
}

// Interact opens openid's window now: a message (48 h for 5), or an event
// (a minute for 3). An event does not shorten a message's open window.
// It also makes them a follower again.
func (a *API) Interact(openid string, message bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	delete(a.unfollowed, openid)
	if !message {
		if w := a.windows[openid]; w != nil && !w.event && now.Before(w.until) {
			return
		}
		a.windows[openid] = &window{until: now.Add(EventWindow), cap: EventBudget, event: true}
		return
	}
	a.windows[openid] = &window{until: now.Add(MessageWindow), cap: MessageBudget}
}

// Unfollow makes openid no follower: every push to them is 43004 until
// they interact again.
func (a *API) Unfollow(openid string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.unfollowed[openid] = true
	delete(a.windows, openid)
}

// Budget returns how many customer-service messages openid may still be
// sent now (0 outside the window).
func (a *API) Budget(openid string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.windows[openid]
	if w == nil || !a.now().Before(w.until) {
		return 0
	}
	return w.cap - w.used
}

// DefaultTemplateFields are the fields AddTemplate gives a template: the
// five baogong assumes unless its config names others.
var DefaultTemplateFields = []string{"thing1", "thing2", "phrase3", "time4", "character_string5"}

// AddTemplate makes template ids known to the account, as adding them in
// WeChat's console does, each with DefaultTemplateFields; sends to any
// other id get 40037.
func (a *API) AddTemplate(ids ...string) {
	for _, id := range ids {
		a.AddTemplateFields(id, DefaultTemplateFields...)
	}
}

// AddTemplateFields makes template id known with its own fields, as a
// template picked from WeChat's library has ("thing3", "time5", …): data
// for other fields is not shown, and a field the data leaves out shows
// blank (see Sent.Blank).
func (a *API) AddTemplateFields(id string, fields ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.templates[id] = append([]string(nil), fields...)
}

// shown is a template message as its person sees it: the template's
// fields in order, and those left blank.
func (a *API) shown(id string, data map[string]string) (string, []string) {
	a.mu.Lock()
	fields := a.templates[id]
	a.mu.Unlock()
	lines := make([]string, 0, len(fields))
	var blank []string
	for _, f := range fields {
		v := data[f]
		if v == "" {
			blank = append(blank, f)
		}
		lines = append(lines, f+": "+v)
	}
	return strings.Join(lines, "\n"), blank
}

// Refusals returns the pushes refused by the rules (45015, 45047, 40037,
// 43004, 47003, 40007), oldest first.
func (a *API) Refusals() []Refusal {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Refusal(nil), a.refusals...)
}

// refuse records a refusal and returns its code.
func (a *API) refuse(path, to string, code int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refusals = append(a.refusals, Refusal{Path: path, ToUser: to, ErrCode: code, At: a.now()})
	return code
}

// spend checks openid's window for one customer-service message and uses
// it: 0, or the errcode WeChat answers.
func (a *API) spend(openid string) int {
	a.mu.Lock()
	if a.unfollowed[openid] {
		a.mu.Unlock()
		return a.refuse(PathCustomSend, openid, 43004)
	}
	w := a.windows[openid]
	code := 0
	switch {
	case w == nil || !a.now().Before(w.until):
		code = 45015
	case w.used >= w.cap:
		code = 45047
	default:
		w.used++
	}
	a.mu.Unlock()
	if code != 0 {
		return a.refuse(PathCustomSend, openid, code)
	}
	return 0
}

// checkTemplate applies the template rules to one send: 0, or the errcode.
func (a *API) checkTemplate(to, id string, fields map[string]string) int {
	a.mu.Lock()
	own, known := a.templates[id]
	gone := a.unfollowed[to]
	a.mu.Unlock()
	switch {
	case !known:
		return a.refuse(PathTemplateSend, to, 40037)
	case gone:
		return a.refuse(PathTemplateSend, to, 43004)
	}
	// Only the template's own fields are read (WeChat ignores the rest).
	for _, k := range own {
		v, sent := fields[k]
		if !sent {
			continue // shown blank (see shown)
		}
		n := utf8.RuneCountInString(v)
		bad := false
		switch {
		case strings.HasPrefix(k, "thing"):
			bad = n == 0 || n > 20
		case strings.HasPrefix(k, "phrase"):
			bad = n == 0 || n > 5 || strings.IndexFunc(v, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) >= 0
		case strings.HasPrefix(k, "character_string"):
			bad = n == 0 || n > 32 || n != len(v)
		case strings.HasPrefix(k, "time"), strings.HasPrefix(k, "date"):
			bad = n == 0
		case strings.HasPrefix(k, "name"):
			han := strings.IndexFunc(v, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
			bad = n == 0 || n > 20 || han && n > 10 || strings.IndexFunc(v, unicode.IsDigit) >= 0
		case strings.HasPrefix(k, "number"):
			bad = n == 0 || n > 32 || strings.Trim(v, "0123456789.") != ""
		}
		if bad {
			return a.refuse(PathTemplateSend, to, 47003)
		}
	}
	return 0
}

// repeat reports whether a template with client_msg_id cmid went to to
// within the last ten minutes, and remembers this one.
func (a *API) repeat(to, cmid string) bool {
	if cmid == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := to + "\x00" + cmid
	now := a.now()
	if at, ok := a.clientIDs[k]; ok && now.Sub(at) < clientMsgWindow {
		return true
	}
	a.clientIDs[k] = now
	return false
}
