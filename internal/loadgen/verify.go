package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// adminListLimit is the most orders GET /api/orders returns at once.
const adminListLimit = 10000

// Verification compares the answers with the orders the admin API lists.
type Verification struct {
	// Confirmed is how many answers gave an order number.
	Confirmed int `json:"confirmed"`
	// Listed is how many orders of this run's residents the API lists.
	Listed int `json:"listed"`
	// Missing are confirmed order ids the API does not list.
	Missing []string `json:"missing,omitempty"`
	// Doubled are order ids confirmed or listed more than once.
	Doubled []string `json:"doubled,omitempty"`
	// WrongOwner are confirmed ids whose order was placed by someone else
	// than the resident who was told.
	WrongOwner []string `json:"wrong_owner,omitempty"`
	// Unconfirmed are orders of this run's residents that no answer gave:
	// an order placed while the resident was told otherwise, or whose
	// answer never arrived (see the errors).
	Unconfirmed []string `json:"unconfirmed,omitempty"`
	// Capped names listings that hit the API's limit with an order of
	// this run last: older orders of the run were not seen. Unchecked
	// counts the confirmed orders not listed that may lie beyond (their
	// message went out before the oldest order of a capped listing was
	// made); they are neither found nor missing.
	Capped    []string `json:"capped,omitempty"`
	Unchecked int      `json:"unchecked,omitempty"`
}

// orderJSON is the part of the admin API's order the check reads.
type orderJSON struct {
	ID        string    `json:"id"`
	PlacedBy  string    `json:"placed_by"`
	CreatedAt time.Time `json:"created_at"`
}

// verify lists the orders (per grid, so more fit under the API's limit)
// and checks every confirmed order exists exactly once, placed by the
// resident who was told, and that no order of a resident under prefix
// lacks a confirming answer.
func verify(ctx context.Context, hc *http.Client, base, token, community string, grids []string, prefix string, confirmed []placed) (*Verification, error) {
	v := &Verification{Confirmed: len(confirmed)}
	if len(grids) == 0 {
		grids = []string{""}
	}
	listed := map[string][]orderJSON{}
	// horizon: the API lists by the time an order was made, newest
	// first, in milliseconds. An unlisted order whose message went out
	// by the oldest order of a capped listing may lie beyond it; one sent
	// later was made later, and is listed. (Ids cannot tell: two
	// messages take their time and then their id, not always in the
	// same order.)
	var horizon time.Time
	for _, g := range grids {
		list, err := listOrders(ctx, hc, base, token, community, g)
		if err != nil {
			return nil, err
		}
		// The API lists newest first: a full listing whose oldest order
		// is not this run's holds every order of the run.
		if oldest := len(list) - 1; len(list) >= adminListLimit && strings.HasPrefix(list[oldest].PlacedBy, prefix) {
			v.Capped = append(v.Capped, g)
			if t := list[oldest].CreatedAt; t.After(horizon) {
				horizon = t
			}
		}
		for _, o := range list {
			if strings.HasPrefix(o.PlacedBy, prefix) {
				listed[o.ID] = append(listed[o.ID], o)
			}
		}
	}
	told := map[string]int{}
	for _, p := range confirmed {
		told[p.id]++
		got := listed[p.id]
		switch {
		case told[p.id] == 2:
			v.Doubled = append(v.Doubled, p.id)
		case told[p.id] > 2:
		case len(got) == 0 && !horizon.IsZero() && p.sent.Truncate(time.Millisecond).Compare(horizon) <= 0:
			v.Unchecked++
		case len(got) == 0:
			v.Missing = append(v.Missing, p.id)
		case got[0].PlacedBy != p.openID:
			v.WrongOwner = append(v.WrongOwner, p.id)
		}
	}
	for id, got := range listed {
		v.Listed += len(got)
		if len(got) > 1 && told[id] < 2 {
			v.Doubled = append(v.Doubled, id)
		}
		if told[id] == 0 {
			v.Unconfirmed = append(v.Unconfirmed, id)
		}
	}
	for _, s := range [][]string{v.Missing, v.Doubled, v.WrongOwner, v.Unconfirmed} {
		slices.Sort(s)
	}
	return v, nil
}

// add counts w, the check of community ("": the only one), into v; the
// ids it lists are named community:id when there are several.
func (v *Verification) add(w *Verification, community string) {
	name := func(ids []string) []string {
		if community == "" {
			return ids
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = community + ":" + id
		}
		return out
	}
	v.Confirmed += w.Confirmed
	v.Listed += w.Listed
	v.Unchecked += w.Unchecked
	v.Missing = append(v.Missing, name(w.Missing)...)
	v.Doubled = append(v.Doubled, name(w.Doubled)...)
	v.WrongOwner = append(v.WrongOwner, name(w.WrongOwner)...)
	v.Unconfirmed = append(v.Unconfirmed, name(w.Unconfirmed)...)
	for _, c := range w.Capped {
		v.Capped = append(v.Capped, strings.TrimPrefix(community+":"+c, ":"))
	}
}

func listOrders(ctx context.Context, hc *http.Client, base, token, community, grid string) ([]orderJSON, error) {
	q := url.Values{"limit": {fmt.Sprint(adminListLimit)}}
	if community != "" {
		q.Set("community", community)
	}
	if grid != "" {
		q.Set("grid", grid)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/orders?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("admin API: GET /api/orders: %s", resp.Status)
	}
	var body struct {
		Orders []orderJSON `json:"orders"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("admin API: %w", err)
	}
	return body.Orders, nil
}

// problems says what is wrong, in words; unknown is how many messages
// got no answer at all (their orders may exist without a confirmation).
func (v *Verification) problems(unknown int) []string {
	var out []string
	add := func(ids []string, what string) {
		if len(ids) > 0 {
			out = append(out, fmt.Sprintf("%d %s: %s", len(ids), what, sample(ids)))
		}
	}
	add(v.Missing, "confirmed orders not listed by the admin API")
	add(v.Doubled, "orders confirmed or listed twice")
	add(v.WrongOwner, "confirmed orders placed by someone else")
	if len(v.Unconfirmed) > unknown {
		add(v.Unconfirmed, "orders placed although the answer gave no order number")
	}
	return out
}

// sample shows the first few of ids.
func sample(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}
