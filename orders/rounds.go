package orders

import (
	"strconv"
	"strings"
	"time"
)

// Rounds follow one another: a stop left undelivered goes on the next
// round (Stop.Carried), a volunteer or lead is sent a list only when it
// holds something they were not told, and a pick list counts only goods
// still to pack.

// TextCarried labels a stop carried over from an earlier round.
const TextCarried = "上一轮未送"

// Told is the last list of stops someone was sent about: its round and a
// key per stop (StopKey).
type Told struct {
	Slot  time.Time `json:"slot"`
	Stops []string  `json:"stops"`
}

// StopKey names a stop as its reader knows it: the order and its goods.
// The same order with other goods is another stop to them.
func StopKey(st Stop) string {
	var b strings.Builder
	b.WriteString(st.OrderID)
	for _, l := range st.Lines {
		b.WriteString(":" + l.SKU + "*" + strconv.Itoa(l.Qty))
	}
	return b.String()
}

// StopKeys are the keys of stops, in order.
func StopKeys(stops []Stop) []string {
	keys := make([]string, len(stops))
	for i, st := range stops {
		keys[i] = StopKey(st)
	}
	return keys
}

// Tell reports whether someone last told t should be sent the stops
// keyed cur, theirs in the round at slot. They are, when cur holds a stop
// they were not told of (a new order, other goods), or when a stop they
// were told of is in this round with someone else (elsewhere reports
// whether an order id is in another share of the round; nil for none). A list with nothing new (the
// same stops, or fewer: some were delivered) is not sent again. A list
// of the round they were last told of is: the same notice again, which
// the outbox sends once. Nobody is sent an empty list.
func (t Told) Tell(slot time.Time, cur []string, elsewhere func(id string) bool) bool {
	if len(cur) == 0 {
		return false
	}
	if t.Slot.Equal(slot) {
		return true
	}
	was := make(map[string]bool, len(t.Stops))
	for _, k := range t.Stops {
		was[k] = true
	}
	for _, k := range cur {
		if !was[k] {
			return true
		}
	}
	for _, k := range t.Stops {
		id, _, _ := strings.Cut(k, ":")
		if elsewhere != nil && elsewhere(id) {
			return true
		}
	}
	return false
}

// DeliveredAt is when o was delivered (送达, 完成), or the zero time when
// it was not.
func (o *Order) DeliveredAt() time.Time {
	if o.Status != StatusDelivered && o.Status != StatusReceived {
		return time.Time{}
	}
	for i := len(o.History) - 1; i >= 0; i-- {
		if o.History[i].Status == StatusDelivered {
			return o.History[i].At
		}
	}
	return o.UpdatedAt
}

// ToPack returns the orders whose goods a pick list made at at counts:
// all but those delivered at or before at (a lead's 送达 of an order the
// building had covered, an urgent order a volunteer claimed and brought),
// whose goods need no packing. An order delivered after at was packed
// and stays.
func ToPack(os []Order, at time.Time) []Order {
	out := make([]Order, 0, len(os))
	for i := range os {
		if d := os[i].DeliveredAt(); !d.IsZero() && !d.After(at) {
			continue
		}
		out = append(out, os[i])
	}
	return out
}
