package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Personal data (see orders/privacy.go): Scrub removes one person from
// every key of the community, RedactOrders strips the personal fields of
// old orders. Scrub reads every key rather than a list of the places a
// person can be: a key added next year is covered without anyone
// remembering to add it here, and the tests check the same way, by
// scanning every key.

//go:embed scrub.lua
var scrubSrc string

var scrubScript = redis.NewScript(scrubSrc)

// scanBatch is how many keys one SCAN step asks for.
const scanBatch = 500

// Scrub removes p from every key of the community, except the answer
// saved for message keep (a dedupe key, "" for none: the message asking,
// so a WeChat retry of it gets the same answer; it expires with its
// TTL):
//   - their waiting binding requests and volunteer application are
//     withdrawn first, so no request is left for nobody;
//   - orders lose p's ids, and, on orders p placed, the note, contact
//     phone and prescription photo (orders.Redact);
//   - a key named after p is deleted (their binding, answers, rate
//     counter, waiting voice order …);
//   - a value that is p's id or phone, or a record of theirs (JSON whose
//     "openid" is theirs: a notice to them), is deleted (a claim, a set
//     or sorted-set member, a hash field and its value, a list item);
//   - any other value loses p's ids, phones and name (a roster, an audit
//     entry, a notice to someone else).
//
// Each change is a compare-and-set: a value changed meanwhile is read
// again. Scrub is safe to run again; it returns what it changed.
func (s *Store) Scrub(ctx context.Context, p *orders.Erasure, keep string) (orders.Scrubbed, error) {
	var done orders.Scrubbed
	if p.Empty() {
		return done, fmt.Errorf("scrub: nobody named: %w", orders.ErrInvalid)
	}
	if err := s.withdrawAll(ctx, p); err != nil {
		return done, err
	}
	skip := map[string]bool{}
	if keep != "" {
		skip[s.k.msg(keep)] = true
	}
	err := s.scanKeys(ctx, func(batch []string) error {
		var others []string
		for _, key := range batch {
			switch {
			case skip[key]:
			case strings.HasPrefix(key, s.k.order("")):
				n, err := s.redactOrder(ctx, strings.TrimPrefix(key, s.k.order("")), p)
				if err != nil {
					return err
				}
				done.Orders += n
			case p.MentionsID(strings.TrimPrefix(key, s.k.p)):
				if err := s.rdb.Del(ctx, key).Err(); err != nil {
					return fmt.Errorf("scrub %s: %w", key, err)
				}
				done.Keys++
			default:
				others = append(others, key)
			}
		}
		n, err := s.scrubKeys(ctx, others, p)
		done.Keys += n
		return err
	})
	if err != nil {
		return done, fmt.Errorf("scrub: %w", err)
	}
	return done, nil
}

// withdrawAll ends openid's waiting binding requests and application:
// a request whose asker is blanked would bind nobody when approved.
func (s *Store) withdrawAll(ctx context.Context, p *orders.Erasure) error {
	for _, openid := range slices.Collect(p.IDs()) {
		if err := s.withdraw(ctx, p, openid); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) withdraw(ctx context.Context, p *orders.Erasure, openid string) error {
	codes, err := s.rdb.ZRange(ctx, s.k.bindRequestsOf(openid), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("scrub: binding requests: %w", err)
	}
	for _, code := range codes {
		if _, err := s.dropBinding(ctx, code, false); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return fmt.Errorf("scrub: %w", err)
		}
	}
	code, err := s.rdb.Get(ctx, s.k.applicationOf(openid)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("scrub: application: %w", err)
	}
	// The name and phone it gave are in the notices to the leads too.
	if app, err := s.Application(ctx, code); err == nil {
		p.Add(orders.Subject{Phones: []string{app.Phone}, Name: app.Name})
	}
	if err := s.DeleteApplication(ctx, code); err != nil && !errors.Is(err, orders.ErrNotFound) {
		return fmt.Errorf("scrub: %w", err)
	}
	return nil
}

// scanKeys calls fn with every key of the community, a batch at a time.
// The keys share a hash tag, so on a cluster they are all on one node,
// and SCAN runs there.
func (s *Store) scanKeys(ctx context.Context, fn func([]string) error) error {
	node, err := s.master(ctx, s.k.seq())
	if err != nil {
		return err
	}
	pattern := globEscape(s.k.p) + "*"
	var cursor uint64
	for {
		batch, next, err := node.Scan(ctx, cursor, pattern, scanBatch).Result()
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(batch); err != nil {
			return err
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// globEscape quotes the characters SCAN's MATCH reads as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errUnchanged tells Revise there was nothing to redact.
var errUnchanged = errors.New("unchanged")

// redactOrder strips p's data (nil: everyone's) from order id when it
// holds any, and reports 1 when it did.
func (s *Store) redactOrder(ctx context.Context, id string, p *orders.Erasure) (int, error) {
	if id == "" {
		return 0, nil
	}
	photo := ""
	_, err := s.Revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		if o.Rx != nil {
			photo = o.Rx.Photo
		}
		if !orders.Redact(o, p) {
			return nil, errUnchanged
		}
		if o.Rx != nil && o.Rx.Photo != "" {
			photo = "" // kept: not the photo's owner's data
		}
		return nil, nil
	})
	switch {
	case errors.Is(err, errUnchanged), errors.Is(err, orders.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	// The prescription photo baogong kept goes with the order's data.
	if photo != "" {
		if err := s.DeleteMedia(ctx, photo); err != nil {
			return 1, err
		}
	}
	return 1, nil
}

// scrubKeys removes p from keys (none of them an order), by type.
func (s *Store) scrubKeys(ctx context.Context, keys []string, p *orders.Erasure) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	types := make([]*redis.StatusCmd, len(keys))
	if _, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = pl.Type(ctx, k)
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("scrub: types: %w", err)
	}
	changed := 0
	for i, key := range keys {
		var (
			n   int
			err error
		)
		for range maxTransitionTries {
			var again bool
			n, again, err = s.scrubKey(ctx, key, types[i].Val(), p)
			if err != nil || !again {
				break
			}
		}
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

// scrubKey removes p from one key of type typ and reports whether it
// changed it, and whether a value changed under it (read it again).
func (s *Store) scrubKey(ctx context.Context, key, typ string, p *orders.Erasure) (changed int, again bool, err error) {
	// cas runs one compare-and-set of scrub.lua.
	cas := func(op string, at, old, nu string) error {
		ok, err := scrubScript.Run(ctx, s.rdb, []string{key}, op, at, old, nu).Int()
		if err != nil {
			return fmt.Errorf("scrub %s: %w", key, err)
		}
		if ok == 0 {
			again = true
		} else {
			changed = 1
		}
		return nil
	}
	switch typ {
	case "string":
		v, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("scrub %s: %w", key, err)
		}
		if p.IsID(v) || p.Owns(v) {
			return changed, again, cas("del", "", v, "")
		}
		if nu, found := p.Blank(v); found {
			return changed, again, cas("set", "", v, nu)
		}
	case "hash":
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return 0, false, fmt.Errorf("scrub %s: %w", key, err)
		}
		for f, v := range m {
			if p.MentionsID(f) || p.IsID(v) || p.Owns(v) {
				err = cas("hdel", f, v, "")
			} else if nu, found := p.Blank(v); found {
				err = cas("hset", f, v, nu)
			}
			if err != nil {
				return changed, again, err
			}
		}
	case "set", "zset":
		var ms []string
		if typ == "set" {
			ms, err = s.rdb.SMembers(ctx, key).Result()
		} else {
			ms, err = s.rdb.ZRange(ctx, key, 0, -1).Result()
		}
		if err != nil {
			return 0, false, fmt.Errorf("scrub %s: %w", key, err)
		}
		var gone []any
		for _, m := range ms {
			if p.Mentions(m) {
				gone = append(gone, m)
			}
		}
		if len(gone) == 0 {
			return 0, false, nil
		}
		if typ == "set" {
			err = s.rdb.SRem(ctx, key, gone...).Err()
		} else {
			err = s.rdb.ZRem(ctx, key, gone...).Err()
		}
		if err != nil {
			return 0, false, fmt.Errorf("scrub %s: %w", key, err)
		}
		return 1, false, nil
	case "list":
		items, err := s.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return 0, false, fmt.Errorf("scrub %s: %w", key, err)
		}
		for i, v := range items {
			if p.IsID(v) || p.Owns(v) {
				err = cas("lrem", "", v, "")
			} else if nu, found := p.Blank(v); found {
				err = cas("lset", strconv.Itoa(i), v, nu)
			}
			if err != nil {
				return changed, again, err
			}
		}
	}
	return changed, again, nil
}

// RedactOrders strips every personal field (orders.Redact with nobody
// named) from the orders placed before before that pick accepts, and
// returns how many it changed.
func (s *Store) RedactOrders(ctx context.Context, before time.Time, pick func(orders.Order) bool) (int, error) {
	changed := 0
	for offset := int64(0); ; offset += scanBatch {
		// The index is by time placed: an order placed after before
		// cannot have been settled before it.
		ids, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
			Key: s.k.all(), ByScore: true, Start: "-inf", Stop: "(" + strconv.FormatInt(before.UnixMilli(), 10),
			Offset: offset, Count: scanBatch,
		}).Result()
		if err != nil {
			return changed, fmt.Errorf("redact orders: %w", err)
		}
		if len(ids) == 0 {
			return changed, nil
		}
		list, err := s.readMany(ctx, ids)
		if err != nil {
			return changed, err
		}
		for _, o := range list {
			if !pick(o) {
				continue
			}
			n, err := s.redactOrder(ctx, o.ID, nil)
			if err != nil {
				return changed, err
			}
			changed += n
		}
	}
}
