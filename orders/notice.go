package orders

import (
	"errors"
	"regexp"
	"strconv"
	"time"
)

// ErrPermanent marks a send that can never succeed (the user unsubscribed,
// the openid is wrong, the payload is refused). A Sender wraps it
// (errors.Is(err, ErrPermanent)) so the outbox dead-letters the notice at
// once instead of retrying it for minutes.
var ErrPermanent = errors.New("permanent failure")

// Refusals of a push that say where the person stands, not that the
// notice is bad: the outbox does not retry them but takes another way
// (a template, or holding the notice for the person's next message).
var (
	// ErrOutsideWindow: the person has not written within the window a
	// customer-service message needs (WeChat's 45015).
	ErrOutsideWindow = errors.New("outside the customer-service window")
	// ErrNoBudget: the customer-service messages allowed since the
	// person last wrote are spent (WeChat's 45047).
	ErrNoBudget = errors.New("customer-service budget spent")
	// ErrTemplateRefused: WeChat does not know the template id (40037):
	// the config names a template the account does not have.
	ErrTemplateRefused = errors.New("template id refused")
)

// WeChatCode finds WeChat's errcode in a send error's text: silenceper's
// plain-text errors ("customer msg send error : errcode=45015 , errmsg=…")
// and WeChat's JSON ({"errcode":45009,…}) alike. A Notice's LastError
// keeps that text, so the sender and the pages that explain a failure
// read the code the same way.
func WeChatCode(text string) (int64, bool) {
	m := errcodeIn.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	c, err := strconv.ParseInt(m[1], 10, 64)
	return c, err == nil
}

var errcodeIn = regexp.MustCompile(`errcode"?\s*[=:]\s*(-?\d+)`)

// Notice is one message to push to someone outside a reply to their own
// message: an order delivered, a roster, an urgent page. It is stored as
// JSON in Redis until delivered.
type Notice struct {
	// ID identifies the notice. Enqueue assigns one when it is empty; a
	// caller that gives its own (e.g. "delivered:<order id>") makes
	// re-enqueueing after a crash harmless.
	ID string `json:"id"`
	// OpenID is the recipient.
	OpenID string `json:"openid"`
	// Text is the customer-service message. It may hold personal data
	// (addresses, phone numbers): it is never logged.
	Text string `json:"text"`
	// Kind says what the notice is about, e.g. "delivered"; it is logged,
	// and it picks the template the notice falls back to (see TemplateKind).
	Kind string `json:"kind,omitempty"`
	// Brief is the notice in the few words a template message holds; a
	// notice without one is never sent as a template.
	Brief *Brief `json:"brief,omitempty"`
	// URL links the whole content (a roster's page, a pick list); a
	// template carries it. Empty: the person's notices page.
	URL string `json:"url,omitempty"`
	// Voice, when set, is a voice kept by baogong (a media key) forwarded
	// as a voice message before the text.
	Voice string `json:"voice,omitempty"`
	// Attempts counts failed sends so far.
	Attempts int `json:"attempts,omitempty"`
	// CreatedAt is when the notice was first enqueued.
	CreatedAt time.Time `json:"created_at"`
	// LastError is the last send failure, secrets redacted.
	LastError string `json:"last_error,omitempty"`
	// Via is how the notice reached its person: ViaCustom, ViaTemplate,
	// ViaReply; "" while it is pending or held.
	Via string `json:"via,omitempty"`
	// HeldAt is when the notice was held for the person's next message
	// (zero when it never was).
	HeldAt time.Time `json:"held_at,omitzero"`
}

// How a notice reached its person (Notice.Via).
const (
	ViaCustom   = "custom"
	ViaTemplate = "template"
	ViaReply    = "reply"
	ViaPage     = "page"
)

// Brief is a notice said in a template message's few short fields. What
// and Where are cut to a template's 20 characters, Status to 5; Ref is an
// order number or the like.
type Brief struct {
	What   string    `json:"what"`
	Where  string    `json:"where,omitempty"`
	Status string    `json:"status,omitempty"`
	Ref    string    `json:"ref,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// Template kinds: the notice kinds a deployment names a template for
// (config wechat.templates).
const (
	TplDelivery     = "delivery"
	TplRoster       = "roster"
	TplUrgent       = "urgent"
	TplBinding      = "binding"
	TplCancellation = "cancellation"
	TplRestock      = "restock"
	TplPicklist     = "picklist"
	TplDigest       = "digest"
)

// TemplateKinds lists the template kinds, in the order the docs give them.
var TemplateKinds = []string{TplDelivery, TplRoster, TplUrgent, TplBinding, TplCancellation, TplRestock, TplPicklist, TplDigest}

// templateOf maps notice kinds to the template kind they fall back to.
var templateOf = map[string]string{
	"delivered": TplDelivery, "claimed": TplDelivery, "rx": TplDelivery,
	"roster": TplRoster, "ready": TplRoster,
	"urgent": TplUrgent, "voice": TplUrgent,
	"binding": TplBinding, "apply": TplBinding,
	"cancelled": TplCancellation, "changed": TplCancellation, "shortfall": TplCancellation,
	"restock":  TplRestock,
	"picklist": TplPicklist, "rx-check": TplPicklist,
	"bindings": TplDigest, "digest": TplDigest, "alert": TplDigest,
}

// TemplateKind returns the template kind a notice of kind falls back to
// ("" for none).
func TemplateKind(kind string) string { return templateOf[kind] }

// Unreached is someone staff should phone: notices are held for them
// (nothing could reach them under WeChat's rules), or WeChat refused to
// deliver some (they unfollowed, their openid is wrong).
type Unreached struct {
	OpenID string
	// Held counts their held notices; Since is when the first was held
	// (or, with none held, when the first refused one was made).
	Held  int
	Since time.Time
	// Refused counts their dead letters.
	Refused int
	// Kinds are the kinds of their notices (urgent, roster …), sorted.
	Kinds []string
}
