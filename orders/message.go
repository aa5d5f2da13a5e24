package orders

import (
	"errors"
	"time"
)

// A message from a person (a WeChat text, a click) is answered once. The
// first delivery claims it; WeChat's retries of the same message find the
// claim and get the same answer. The claim is what makes an answer true
// under faults: a write on behalf of a message happens only while that
// delivery still holds the claim, and saves the answer in the same atomic
// step, so "did the order go through?" always has one answer in the store.

// ClaimState is what a delivery of a message finds when it arrives.
type ClaimState int

// Claim states.
const (
	// ClaimNew: this delivery now holds the message.
	ClaimNew ClaimState = iota
	// ClaimInFlight: an earlier delivery holds it and has not answered.
	ClaimInFlight
	// ClaimDone: answered before; Reply is the answer given.
	ClaimDone
	// ClaimSettled: this very delivery gave the message up (its Resolve
	// reached Redis late): nothing may be done for it.
	ClaimSettled
	// ClaimForged: the callback's signature is tied to another message
	// (Arrive.Signed): nothing was claimed, and the message is refused.
	ClaimForged
)

// RecentSender is someone who wrote to the account lately: staff find the
// openid of a new lead or volunteer among them.
type RecentSender struct {
	OpenID string
	// At is when they last wrote.
	At time.Time
	// Binding is their household here, nil when they have none.
	Binding *Binding
}

// Sender is who sent a message, as one read found them: their binding and
// household marks, the roles the store knows of (the config's are the
// caller's to add), and whether today's cutoff has passed.
type Sender struct {
	OpenID  string
	Bound   bool
	Binding Binding
	// Marks are the marks of the sender's household.
	Marks []Mark
	// LeadOf are the buildings the sender leads by a run-time grant
	// (AddLead); config leads are not stored.
	LeadOf []string
	// VolunteerOf are the grids whose run-time team the sender is in.
	VolunteerOf []string
	// DayClosed reports whether the day the message arrived on has had its
	// cutoff: orders now count for the next day.
	DayClosed bool
	// NextClosed reports whether, the day being closed, the next day was
	// closed too (截单 run by hand after the day's cutoff): orders now
	// count for the day after.
	NextClosed bool
	// Sent counts the sender's messages in the minute this one arrived,
	// this one included (a rate limit).
	Sent int
	// Held are the newest notices held for the sender because nothing
	// could reach them (oldest first); HeldCount counts them all. The
	// reply to this message carries what fits.
	Held      []Notice
	HeldCount int
	// State is what the store read of the sender, as one string, all but
	// Sent: equal states are equal senders (see Arrive).
	State string
}

// ClosedDays is how many order days in a row, the message's day first,
// are closed (see Calendar.AtClosed).
func (s Sender) ClosedDays() int {
	switch {
	case s.DayClosed && s.NextClosed:
		return 2
	case s.DayClosed:
		return 1
	}
	return 0
}

// Arrival is what Resolve found: the claim on the message and, for a new
// claim, the sender.
type Arrival struct {
	State ClaimState
	// Reply is the saved answer when State is ClaimDone.
	Reply  string
	Sender Sender
}

// Ack ties a write to the message that asked for it. A store method given
// an Ack writes only while the message's claim is Owner's,
// and saves Render's answer as the message's reply in the same atomic step.
type Ack struct {
	// Key identifies the message (its dedupe key); Owner the delivery
	// holding its claim.
	Key, Owner string
	// Render gives the answer for the order as written.
	Render func(Order) string
	// Saved is set by the store once an answer is saved for the message
	// (this write's, or an earlier delivery's); Reply is that answer.
	Saved bool
	Reply string
	// Unconfirmed is set by a store that confirms writes on replicas
	// (redis.min_replicas_ack) when the write is made and its answer
	// saved, but no replica confirmed holding it in time: should the
	// primary die before it replicates, the write is lost. The caller
	// must not acknowledge it as done; it may say it was received.
	Unconfirmed bool
	// Once says the write is this message's alone (its request id names
	// the message): the claim makes it at most once, so the store keeps
	// no request id for it.
	Once bool
	// Arrive, when set, says the message is not claimed yet: the write
	// claims it and resolves its sender in the same step, and goes ahead
	// only when the sender is still the one Arrive names.
	Arrive *Arrive
}

// Arrive is a message's arrival made by its write (see Ack.Arrive): one
// step instead of a Resolve and then the write. The caller did the work
// of the write for the sender as an earlier Resolve read them (State);
// a sender who changed since, or who sent more than PerMinute messages
// this minute, is resolved, not written for: ErrStale.
type Arrive struct {
	// OpenID is the sender, At when the message arrived, Day its order
	// day, Grids the community's grids (whose run-time teams are read),
	// How how it opens the sender's window for pushes.
	OpenID string
	At     time.Time
	Day    string
	Grids  []string
	How    Interaction
	// Signed, when set, is the callback's signature, tied to the message
	// in the same step (ClaimForged when tied to another).
	Signed *Signed
	// State, for a write (Ack.Arrive), is the sender's Sender.State the
	// write was made for.
	State     string
	PerMinute int
	// Sent is set by the store once the step went to the store: from
	// then on the message may be claimed.
	Sent bool
	// Arrival is set by the store with ErrStale: how the message stands
	// (ClaimNew with the sender as they are now, the claim the caller's;
	// or answered, in flight or settled, as Resolve says).
	Arrival Arrival
}

// Signed is a plaintext callback's signature and the hash of the body it
// came with: the signature is tied to that body for TTL, and the same
// signature with another body (someone who saw one callback URL) is
// refused, while WeChat's retry of the same body is not.
type Signed struct {
	Signature, Sum string
	TTL            time.Duration
}

// ErrStale is returned by a write with an Ack.Arrive that did not go
// ahead: Arrive.Arrival says how the message stands.
var ErrStale = errors.New("message sender changed")

// ErrAnswered is returned by a write with an Ack when the message had
// been answered already: Ack.Reply holds the answer given, and nothing was
// written.
var ErrAnswered = errors.New("message answered already")

// ErrClaimLost is returned by a write with an Ack when the delivery no
// longer holds the message (its claim expired or was settled): nothing was
// written.
var ErrClaimLost = errors.New("message claim lost")

// Settled is how a claim ended after its write's outcome was unknown.
type Settled int

// Settle outcomes.
const (
	// SettledReleased: the claim was given up; no write on its behalf can
	// happen any more, and none did.
	SettledReleased Settled = iota
	// SettledAnswered: the message has an answer (the write happened, or
	// another delivery answered); the answer is returned with it.
	SettledAnswered
	// SettledElsewhere: another delivery holds the message now.
	SettledElsewhere
)

// Interaction is how a message opened its sender's window for pushes
// (WeChat's rules: a message opens 48 hours for 5 customer-service
// messages; a click, a follow or a scan a minute for 3).
type Interaction string

// Interactions.
const (
	// NoInteraction: nothing opens a window (an unfollow, a link opened).
	NoInteraction Interaction = ""
	// Wrote: a message (text, voice, image …).
	Wrote Interaction = "m"
	// Clicked: a menu click, a follow or a QR scan.
	Clicked Interaction = "e"
)
