package orders

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"time"
)

// A household's orders belong to its members. The first person to bind
// a household nobody lives in and nobody ordered for binds at once (the
// building's lead is told); anyone else asks, and a member of the
// household (or, when it has none, the building's lead) approves with a
// short code.

// BindOutcome is what a binding attempt did.
type BindOutcome int

// Bind outcomes.
const (
	// Bound: the user is now a member of the household.
	Bound BindOutcome = iota
	// AlreadyBound: the user was a member already; nothing changed.
	AlreadyBound
	// NeedsApproval: the household has members or orders: nothing
	// changed, and the binding waits for approval (RequestBinding).
	NeedsApproval
)

// BindRequestTTL is how long a binding waits for approval.
const BindRequestTTL = 24 * time.Hour

// BindRequest is a binding waiting for a household's approval, by Code.
type BindRequest struct {
	Code    string    `json:"code"`
	OpenID  string    `json:"openid"`
	Address Address   `json:"address"`
	Grid    string    `json:"grid"`
	At      time.Time `json:"at"`
	// Again is set (not stored) when the same user's request for the
	// same household was waiting already: nobody is asked twice.
	Again bool `json:"-"`
}

// Binding returns the binding the request asks for.
func (r BindRequest) Binding(at time.Time) Binding {
	return Binding{OpenID: r.OpenID, Address: r.Address, Grid: r.Grid, At: at}
}

// BindChoice is an address a resident asked to bind that fits several
// communities of the account, waiting for them to pick one (绑定 1, or
// the community's name).
type BindChoice struct {
	Address Address `json:"address"`
	// Communities are the ids of the communities it fits, in the order
	// they were offered.
	Communities []string `json:"communities"`
}

// BindChoiceTTL is how long a choice of community waits.
const BindChoiceTTL = 30 * time.Minute

// ShortCode draws the code a person types back (同意绑定 4821, 同意志愿者
// 3721) on the try-th attempt to find a free one: four digits while they
// are easy to find free, six after twenty taken, so codes never run out.
func ShortCode(try int) (string, error) {
	lo, n := int64(1000), int64(9000)
	if try >= 20 {
		lo, n = 100000, 900000
	}
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		return "", fmt.Errorf("short code: %w", err)
	}
	return strconv.FormatInt(lo+v.Int64(), 10), nil
}
