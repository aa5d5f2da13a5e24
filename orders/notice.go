package orders

import (
	"errors"
	"time"
)

// ErrPermanent marks a send that can never succeed (the user unsubscribed,
// the openid is wrong, the payload is refused). A Sender wraps it
// (errors.Is(err, ErrPermanent)) so the outbox dead-letters the notice at
// once instead of retrying it for minutes.
var ErrPermanent = errors.New("permanent failure")

// Notice is one message to push to a resident outside a reply: an order
// delivered, a slot changed. It is stored as JSON in Redis until delivered.
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
	// Kind says what the notice is about, e.g. "delivered"; it is logged.
	Kind string `json:"kind,omitempty"`
	// Data holds the template message's fields, used when the text cannot
	// be sent (see package wechat).
	Data map[string]string `json:"data,omitempty"`
	// Attempts counts failed sends so far.
	Attempts int `json:"attempts,omitempty"`
	// CreatedAt is when the notice was first enqueued.
	CreatedAt time.Time `json:"created_at"`
	// LastError is the last send failure, secrets redacted.
	LastError string `json:"last_error,omitempty"`
}
