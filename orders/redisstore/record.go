package redisstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/baogong/baogong/orders"
)

// record is an order as stored in the hash's data field. It is its own type
// so the storage format stays stable when the domain type changes.
type record struct {
	ID           string               `json:"id"`
	Grid         string               `json:"grid"`
	Address      orders.Address       `json:"address"`
	Lines        []orders.Line        `json:"lines"`
	TotalFen     int64                `json:"total_fen"`
	Status       orders.Status        `json:"status"`
	PlacedBy     string               `json:"placed_by"`
	Channel      string               `json:"channel"`
	Contact      string               `json:"contact,omitempty"`
	Source       string               `json:"source,omitempty"`
	Assignee     string               `json:"assignee,omitempty"`
	Slot         time.Time            `json:"slot,omitzero"`
	ClaimedBy    string               `json:"claimed_by,omitempty"`
	Urgent       bool                 `json:"urgent,omitempty"`
	Rx           *orders.Prescription `json:"rx,omitempty"`
	Distribution string               `json:"distribution,omitempty"`
	Note         string               `json:"note,omitempty"`
	Pay          orders.Payment       `json:"pay,omitzero"`
	Cut          []orders.Line        `json:"cut,omitempty"`
	Day          string               `json:"day"`
	LimitDay     string               `json:"limit_day,omitempty"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
	History      []orders.Event       `json:"history"`
	Version      string               `json:"-"`
}

func encode(o orders.Order) (string, error) {
	b, err := json.Marshal(record(o))
	if err != nil {
		return "", fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	return string(b), nil
}

func decode(data string) (orders.Order, error) {
	var r record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return orders.Order{}, fmt.Errorf("decode order: %w", err)
	}
	return orders.Order(r), nil
}
