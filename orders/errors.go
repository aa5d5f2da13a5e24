// Package orders is baogong's domain: households and their addresses, orders
// and their status, the parsers that turn residents' messages into orders, and
// the Store contract that keeps them. It imports no infrastructure.
package orders

import (
	"errors"
	"fmt"
)

// Error kinds. Adapters wrap them with %w; the bot turns each kind into words.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid")
	ErrConflict  = errors.New("conflict")
	ErrSoldOut   = errors.New("sold out")
	ErrLimit     = errors.New("over the household limit")
	ErrForbidden = errors.New("forbidden")
	// ErrFreeOnly: the item is handed out by the community, not ordered.
	ErrFreeOnly = errors.New("given out by distributions only")
	// ErrRefused: the household refused this person lately.
	ErrRefused = errors.New("refused lately")
	// ErrTooMany: the person has as many requests waiting as they may.
	ErrTooMany = errors.New("too many waiting")
)

// ShortageError says which item could not be served and why: Kind is
// ErrSoldOut (Left units remain) or ErrLimit (the household may still order
// Left units today, of a limit of Limit).
type ShortageError struct {
	Kind  error
	SKU   string
	Left  int
	Limit int
}

func (e *ShortageError) Error() string {
	return fmt.Sprintf("%s: %v (left %d)", e.SKU, e.Kind, e.Left)
}

// Unwrap lets errors.Is(err, ErrSoldOut) and errors.Is(err, ErrLimit) work.
func (e *ShortageError) Unwrap() error { return e.Kind }

// OversoldError says that stock totals were lowered below what was already
// sold: nothing is left of each SKU (cancels pay the deficit back first),
// and Over says by how many units each was oversold. The new totals are recorded; the
// caller decides whether to warn or to stop.
type OversoldError struct {
	Over map[string]int
}

func (e *OversoldError) Error() string {
	return fmt.Sprintf("stock lowered below what was sold: %v", e.Over)
}
