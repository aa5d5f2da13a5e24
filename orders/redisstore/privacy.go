package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// Personal data (see orders/privacy.go): Scrub removes people from every
// key of the community, RedactOrders strips the personal fields of old
// orders. Scrub reads every key rather than a list of the places a
// person can be: a key added next year is covered without anyone
// remembering to add it here, and the tests check the same way, by
// scanning every key.

var (
	//go:embed scrub.lua
	scrubSrc string
	//go:embed scrubfind.lua
	scrubFindSrc string

	scrubScript     = redis.NewScript(scrubSrc)
	scrubFindScript = redis.NewScript(scrubFindSrc)
)

const (
	// scanBatch is how many keys one SCAN step asks for, and how many
	// one step of Scrub works on.
	scanBatch = 1000
	// findBatch is how many keys scrubfind.lua reads in one call: Redis
	// serves nobody else meanwhile, so a call stays short.
	findBatch = 200
	// maxFindNeedles: with more, Scrub reads every value itself (the
	// script would look for each in each value).
	maxFindNeedles = 32
)

// Scrub removes the people of p from every key of the community, except
// the answer saved for message keep (a dedupe key, "" for none: the
// message asking, so a WeChat retry of it gets the same answer; it
// expires with its TTL), and their erasure's own records (EndErasure
// ends them):
//   - their waiting binding requests and volunteer application are
//     withdrawn first, so no request is left for nobody;
//   - orders lose what orders.Redact finds of them (their ids, and on
//     their own orders the note, phone and photo), and the photos they
//     sent go;
//   - rosters lose the phone and note of their own orders, and their ids;
//   - a key named after them is deleted (their binding, answers, rate
//     counter, waiting voice order, media …);
//   - a value that is their id, or a record of theirs (JSON whose
//     "openid" is theirs: a notice to them), is deleted (a claim, a set
//     or sorted-set member, a hash field and its value, a list item);
//   - any other value that holds their id loses it, and their phones and
//     name with it (an audit entry); a value that does not is left alone
//     (a phone may be a household's, a name someone else's too).
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
	for id := range p.IDs() {
		skip[s.k.eraseAsked(id)], skip[s.k.erasing(id)] = true, true
	}
	// One pass over the keys, then orders first: the photos they sent,
	// and which orders are theirs (for the rosters), are learnt there.
	var ords, rosters, others []string
	err := s.scanKeys(ctx, func(batch []string) error {
		for _, k := range batch {
			switch {
			case skip[k] || s.personFree(k):
			case strings.HasPrefix(k, s.k.order("")):
				ords = append(ords, k)
			case strings.HasPrefix(k, s.k.p+"roster:"):
				rosters = append(rosters, k)
			default:
				others = append(others, k)
			}
		}
		return nil
	})
	if err != nil {
		return done, fmt.Errorf("scrub: %w", err)
	}
	// The outbox's notices before the notices pages: a notice being sent
	// meanwhile goes on a page as this scrub left it (the outbox compares
	// its copy with the notices hash), and the pages, scrubbed after (and
	// again at the end, for pages made meanwhile), keep no copy put there
	// before.
	if i := slices.Index(others, outbox.NoticesKey(s.k.id)); i > 0 {
		others[0], others[i] = others[i], others[0]
	}
	theirs := map[string]bool{}
	err = inBatches(ords, func(batch []string) error {
		found, err := s.find(ctx, batch, p)
		if err != nil {
			return err
		}
		for _, key := range found {
			o, n, err := s.redactOrder(ctx, strings.TrimPrefix(key, s.k.order("")), p, func(o *orders.Order) {
				// Their photos, wherever else they are (a notice to the
				// pharmacy), go with them.
				if rx := o.Rx; rx != nil && (p.Own(*o) || p.HasID(rx.SentBy)) {
					p.AddMedia(rx.MediaID)
					p.AddMedia(rx.PicURL)
				}
			})
			if err != nil {
				return err
			}
			done.Orders += n
			if p.Own(o) {
				theirs[o.ID] = true
			}
		}
		return nil
	})
	if err != nil {
		return done, fmt.Errorf("scrub: %w", err)
	}
	n, err := s.scrubRosters(ctx, rosters, p, theirs)
	done.Keys += n
	if err != nil {
		return done, fmt.Errorf("scrub: %w", err)
	}
	scrubOthers := func(batch []string) error {
		found, err := s.find(ctx, batch, p)
		if err != nil {
			return err
		}
		var rest []string
		for _, key := range found {
			if p.MentionsID(strings.TrimPrefix(key, s.k.p)) {
				if err := s.rdb.Del(ctx, key).Err(); err != nil {
					return fmt.Errorf("scrub %s: %w", key, err)
				}
				done.Keys++
				continue
			}
			rest = append(rest, key)
		}
		n, err := s.scrubKeys(ctx, rest, p)
		done.Keys += n
		return err
	}
	if err := inBatches(others, scrubOthers); err != nil {
		return done, fmt.Errorf("scrub: %w", err)
	}
	// Once more the notices pages: one made (or remade after it expired)
	// since the first pass listed the keys, by a notice sent meanwhile,
	// holds the copy that notice had before the notices hash was done.
	if err := s.scanMatch(ctx, globEscape(s.k.p)+"outbox:kept:*", scrubOthers); err != nil {
		return done, fmt.Errorf("scrub: notices pages: %w", err)
	}
	return done, nil
}

// inBatches calls fn with keys, scanBatch at a time.
func inBatches(keys []string, fn func([]string) error) error {
	for len(keys) > 0 {
		batch := keys[:min(len(keys), scanBatch)]
		keys = keys[len(batch):]
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

// personFree are the families of keys that hold nobody: order numbers,
// households, quantities, days (see keys.go). Scrub passes them by; a
// family added later is read, as it should be, until it is listed here.
var personFree = []string{"req:", "lim:", "q:", "day:", "hh:", "stock:", "orders", "seq", "closed:", "short:", "shorthh:",
	"dist:", "marks", "bound", "firstbinds"}

func (s *Store) personFree(key string) bool {
	rest := strings.TrimPrefix(key, s.k.p)
	for _, f := range personFree {
		if strings.HasPrefix(rest, f) && (strings.HasSuffix(f, ":") || rest == f) {
			return true
		}
	}
	return false
}

// find returns the keys of batch that hold anything of p's: in its name
// or any of its values, one of p's ids or media (all a value needs to be
// changed, see Scrub). With few needles Redis looks (scrubfind.lua), so
// values do not travel; with many every key is returned, and read.
func (s *Store) find(ctx context.Context, batch []string, p *orders.Erasure) ([]string, error) {
	ids, media := p.Needles()
	if len(ids)+len(media) > maxFindNeedles || len(batch) == 0 {
		return batch, nil
	}
	args := []any{len(ids)}
	for _, id := range ids {
		args = append(args, id)
	}
	for _, m := range media {
		args = append(args, m)
	}
	var found []string
	for len(batch) > 0 {
		part := batch[:min(len(batch), findBatch)]
		batch = batch[len(part):]
		got, err := scrubFindScript.Run(ctx, s.rdb, part, args...).StringSlice()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("scrub: find: %w", err)
		}
		found = append(found, got...)
	}
	return found, nil
}

// withdrawAll ends the waiting binding requests and application of p's
// people: a request whose asker is blanked would bind nobody when
// approved.
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

// scrubRosters takes from the rosters keys what Scrub takes: the phone
// and note of stops whose orders are theirs, and p's ids.
func (s *Store) scrubRosters(ctx context.Context, keys []string, p *orders.Erasure, theirs map[string]bool) (int, error) {
	return s.rewriteRosters(ctx, keys, p.Tied, func(sh *orders.Share, st *orders.Stop) {
		if p.HasID(sh.Volunteer) {
			sh.Volunteer, sh.Name = "", ""
		}
		if st != nil && theirs[st.OrderID] {
			st.Contact, st.Note = "", ""
		}
	})
}

// rewriteRosters changes the rosters keys, each with a compare-and-set:
// change sees every share (stop nil) and every stop of it; a roster that
// does not decode is changed by raw. It returns how many changed.
func (s *Store) rewriteRosters(ctx context.Context, keys []string, raw func(string) (string, bool), change func(*orders.Share, *orders.Stop)) (int, error) {
	n := 0
	err := inBatches(keys, func(keys []string) error {
		for _, k := range keys {
			changed, err := s.casString(ctx, k, func(v string) (string, bool) {
				var r orders.Roster
				if json.Unmarshal([]byte(v), &r) != nil {
					return raw(v)
				}
				for i := range r.Shares {
					sh := &r.Shares[i]
					change(sh, nil)
					for j := range sh.Stops {
						change(sh, &sh.Stops[j])
					}
				}
				b, _ := json.Marshal(r)
				return string(b), string(b) != v
			})
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		return nil
	})
	return n, err
}

// scanKeys calls fn with every key of the community, a batch at a time.
// The keys share a hash tag, so on a cluster they are all on one node,
// and SCAN runs there.
func (s *Store) scanKeys(ctx context.Context, fn func([]string) error) error {
	return s.scanMatch(ctx, globEscape(s.k.p)+"*", fn)
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

// redactOrder strips what orders.Redact finds of p in order id (seen
// first by look, when set), and returns the order as it is now and 1 when
// it changed it.
func (s *Store) redactOrder(ctx context.Context, id string, p *orders.Erasure, look func(*orders.Order)) (orders.Order, int, error) {
	if id == "" {
		return orders.Order{}, 0, nil
	}
	photo := ""
	o, err := s.Revise(ctx, id, func(o *orders.Order) ([]orders.Line, error) {
		if look != nil {
			look(o)
		}
		if photo = ""; o.Rx != nil {
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
	case errors.Is(err, errUnchanged):
		return o, 0, nil
	case errors.Is(err, orders.ErrNotFound):
		return o, 0, nil
	case err != nil:
		return o, 0, err
	}
	// The prescription photo baogong kept goes with the order's data.
	if photo != "" {
		if err := s.DeleteMedia(ctx, photo); err != nil {
			return o, 1, err
		}
	}
	return o, 1, nil
}

// scrubKeys removes p from keys (none of them an order or a roster): the
// values are read a batch at a time, and each change is written with a
// compare-and-set.
func (s *Store) scrubKeys(ctx context.Context, keys []string, p *orders.Erasure) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	types, err := s.keyTypes(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("scrub: %w", err)
	}
	changed := 0
	for i, key := range keys {
		var (
			n   int
			err error
		)
		for range maxTransitionTries {
			var again bool
			n, again, err = s.scrubKey(ctx, key, types[i], p)
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

// keyTypes reads the type of each of keys in one round trip.
func (s *Store) keyTypes(ctx context.Context, keys []string) ([]string, error) {
	cmds := make([]*redis.StatusCmd, len(keys))
	if _, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = pl.Type(ctx, k)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("types: %w", err)
	}
	types := make([]string, len(keys))
	for i, c := range cmds {
		types[i] = c.Val()
	}
	return types, nil
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
		if nu, found := p.Tied(v); found {
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
			} else if nu, found := p.Tied(v); found {
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
			if p.MentionsID(m) {
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
			} else if nu, found := p.Tied(v); found {
				err = cas("lset", strconv.Itoa(i), v, nu)
			}
			if err != nil {
				return changed, again, err
			}
		}
	}
	return changed, again, nil
}

// RedactOrders strips what e finds (orders.Everyone: every personal
// field) from the orders placed before before that pick accepts, and
// returns how many it changed.
func (s *Store) RedactOrders(ctx context.Context, before time.Time, e *orders.Erasure, pick func(orders.Order) bool) (int, error) {
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
			_, n, err := s.redactOrder(ctx, o.ID, e, nil)
			if err != nil {
				return changed, err
			}
			changed += n
		}
	}
}

// An erasure asked for (删除我的信息) and one under way (确认删除) are
// named by the person's pseudonym:
//
//	bg:{c}:erase-ask:<pseudonym>  STRING "1" for the ten minutes 确认删除 has
//	bg:{c}:erasing:<pseudonym>    STRING the erasure's record (JSON, holding
//	                              the openid: what an erasure cut short
//	                              needs to finish), until it is done
func (k keys) eraseAsked(openid string) string { return k.p + "erase-ask:" + orders.Pseudonym(openid) }
func (k keys) erasing(openid string) string    { return k.p + "erasing:" + orders.Pseudonym(openid) }

// AskErasure records that openid asked to be erased, for ttl from now
// (a second ask starts the time again).
func (s *Store) AskErasure(ctx context.Context, openid string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.k.eraseAsked(openid), "1", ttl).Err(); err != nil {
		return fmt.Errorf("ask erasure: %w", err)
	}
	return nil
}

// ErasureAsked reports whether openid asked to be erased within its
// time.
func (s *Store) ErasureAsked(ctx context.Context, openid string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.k.eraseAsked(openid)).Result()
	if err != nil {
		return false, fmt.Errorf("erasure asked: %w", err)
	}
	return n == 1, nil
}

// BeginErasure records that openid's erasure is under way (record: what
// finishing it needs, which names the call: the message and when) and
// reports false when one is already. A call that ran twice (go-redis sent
// it again after a read timeout) finds its own record: begun, not "under
// way already", which nothing would have run until ResumeErasures.
func (s *Store) BeginErasure(ctx context.Context, openid string, record []byte, ttl time.Duration) (bool, error) {
	n, err := markScript.Run(ctx, s.rdb, []string{s.k.erasing(openid)}, record, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("begin erasure: %w", err)
	}
	return n == 1, nil
}

// Erasing reports whether openid's erasure is under way.
func (s *Store) Erasing(ctx context.Context, openid string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.k.erasing(openid)).Result()
	if err != nil {
		return false, fmt.Errorf("erasing: %w", err)
	}
	return n == 1, nil
}

// EndErasure forgets openid's erasure: asked and under way.
func (s *Store) EndErasure(ctx context.Context, openid string) error {
	if err := s.rdb.Del(ctx, s.k.eraseAsked(openid), s.k.erasing(openid)).Err(); err != nil {
		return fmt.Errorf("end erasure: %w", err)
	}
	return nil
}

// Erasures returns the records of the erasures under way (one cut short
// by a restart is finished from its record).
func (s *Store) Erasures(ctx context.Context) ([][]byte, error) {
	var out [][]byte
	err := s.scanMatch(ctx, globEscape(s.k.p)+"erasing:*", func(keys []string) error {
		for _, k := range keys {
			v, err := s.rdb.Get(ctx, k).Bytes()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				return fmt.Errorf("erasures: %w", err)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
