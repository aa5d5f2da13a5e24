package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// The office's purge at the end of a lockdown (actions.Purge): every
// openid, phone number, note and photo of activity before a day goes,
// and the 台账 of those days keeps its rows and totals. It runs while no
// job does (the gate below).

// The job gate (see jobs/privacy.go):
//
//	bg:{c}:running  ZSET run id → lease end (Unix ms): the jobs inside
//	bg:{c}:purging  STRING purge id, with the purge's lease as its TTL
func (k keys) running() string { return k.p + "running" }
func (k keys) purging() string { return k.p + "purging" }

var enterJobScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1`)

// EnterJob implements jobs.Store: job run id may run until lease unless
// a purge holds the gate.
func (s *Store) EnterJob(ctx context.Context, id string, lease time.Time) (bool, error) {
	ok, err := enterJobScript.Run(ctx, s.rdb, []string{s.k.running(), s.k.purging()}, id, lease.UnixMilli()).Int()
	if err != nil {
		return false, fmt.Errorf("enter job gate: %w", err)
	}
	return ok == 1, nil
}

// LeaveJob implements jobs.Store.
func (s *Store) LeaveJob(ctx context.Context, id string) error {
	if err := s.rdb.ZRem(ctx, s.k.running(), id).Err(); err != nil {
		return fmt.Errorf("leave job gate: %w", err)
	}
	return nil
}

// closeGateScript closes the gate for purge ARGV[1] (lease ARGV[2] ms),
// unless another purge holds it (-1), and returns how many jobs are still
// inside (leases ending after ARGV[3], Unix ms).
var closeGateScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[2])
if cur and cur ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
return redis.call('ZCARD', KEYS[1])`)

// CloseGate closes the job gate for purge id for ttl and returns how many
// jobs are still inside; ErrConflict when another purge holds it.
func (s *Store) CloseGate(ctx context.Context, id string, ttl time.Duration, now time.Time) (int, error) {
	n, err := closeGateScript.Run(ctx, s.rdb, []string{s.k.running(), s.k.purging()}, id, ttl.Milliseconds(), now.UnixMilli()).Int()
	if err != nil {
		return 0, fmt.Errorf("close job gate: %w", err)
	}
	if n < 0 {
		return 0, fmt.Errorf("another purge is running: %w", orders.ErrConflict)
	}
	return n, nil
}

var openGateScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// OpenGate opens the gate purge id closed.
func (s *Store) OpenGate(ctx context.Context, id string) error {
	if err := openGateScript.Run(ctx, s.rdb, []string{s.k.purging()}, id).Err(); err != nil {
		return fmt.Errorf("open job gate: %w", err)
	}
	return nil
}

// Purge removes the personal data of activity before req.Day:
//   - orders of days before it lose every personal field (the 台账 keeps
//     the rest), and the claims on them go;
//   - bindings not used since (no message from the person on or after
//     the day) are removed, and their people scrubbed from every key;
//   - the office's record of people who no longer serve goes;
//   - rosters of rounds before it lose phones, notes and volunteers;
//     job-run records and audit entries before it lose every WeChat id
//     and phone number this community knows;
//   - saved answers, recent senders, waiting lists and applications from
//     before it go.
//
// It returns what it did; Forgotten are the removed bindings' openids (the
// account forgets where they belong).
func (s *Store) Purge(ctx context.Context, req orders.PurgeRequest) (orders.PurgeReport, error) {
	var rep orders.PurgeReport
	known := orders.NewErasure()
	for _, id := range req.Serving {
		known.AddID(id)
	}
	serving := map[string]bool{}
	for _, id := range req.Serving {
		serving[id] = true
	}
	if err := s.knownPeople(ctx, known, serving); err != nil {
		return rep, err
	}
	// Orders: the index is by time placed, and an order of a day before
	// req.Day was placed before req.Before.
	var claims []string
	// What the purged orders held, for the answers saved for WeChat's
	// retries (see purgeShortLived); who placed an order of the day or
	// later, whose binding is in use whatever it last heard.
	told := orders.NewErasure()
	active := map[string]bool{}
	n, err := s.RedactOrders(ctx, req.Before, orders.Everyone(req.Keep), func(o orders.Order) bool {
		for _, id := range []string{o.PlacedBy, o.Assignee, o.ClaimedBy, o.Pay.By} {
			known.AddID(id)
		}
		for _, e := range o.History {
			known.AddID(e.By)
		}
		if o.Contact != "" {
			known.Add(orders.Subject{Phones: []string{o.Contact}})
		}
		if o.Day >= req.Day {
			active[o.PlacedBy] = true
			return false
		}
		claims = append(claims, s.k.claim(o.ID)) // the claimer's id
		told.Add(orders.Subject{Phones: []string{o.Contact}, Name: o.Note})
		return true
	})
	rep.Orders = n
	if err != nil {
		return rep, err
	}
	for len(claims) > 0 {
		batch := claims[:min(len(claims), scanBatch)]
		claims = claims[len(batch):]
		if err := s.delAll(ctx, batch); err != nil {
			return rep, err
		}
	}
	stale := orders.NewErasure()
	if err := s.purgeBindings(ctx, req, known, serving, active, stale, &rep); err != nil {
		return rep, err
	}
	if err := s.purgePeople(ctx, serving, stale, &rep); err != nil {
		return rep, err
	}
	if err := s.purgeRecords(ctx, req, known, &rep); err != nil {
		return rep, err
	}
	if err := s.purgeShortLived(ctx, req, told, &rep); err != nil {
		return rep, err
	}
	if !stale.Empty() {
		done, err := s.Scrub(ctx, stale, "")
		rep.Keys += done.Keys
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// knownPeople adds to known every id and phone the community keeps of its
// people, and to serving those who serve (leads and volunteers added at
// run time).
func (s *Store) knownPeople(ctx context.Context, known *orders.Erasure, serving map[string]bool) error {
	people, err := s.People(ctx)
	if err != nil {
		return err
	}
	for id, p := range people {
		known.Add(orders.Subject{OpenID: id, Phones: []string{p.Phone}})
	}
	leads, err := s.Leads(ctx)
	if err != nil {
		return err
	}
	for _, l := range leads {
		known.AddID(l.OpenID)
		serving[l.OpenID] = true
	}
	return s.scanMatch(ctx, s.k.volunteers("*"), func(keys []string) error {
		for _, k := range keys {
			ids, err := s.rdb.SMembers(ctx, k).Result()
			if err != nil {
				return fmt.Errorf("purge: volunteers: %w", err)
			}
			for _, id := range ids {
				known.AddID(id)
				serving[id] = true
			}
		}
		return nil
	})
}

// purgeBindings removes the bindings last used before req.Day.
// A binding whose person placed an order of the day or later (active) is
// in use. A person who serves (a lead, a volunteer) keeps everything
// else.
func (s *Store) purgeBindings(ctx context.Context, req orders.PurgeRequest, known *orders.Erasure, serving, active map[string]bool, stale *orders.Erasure, rep *orders.PurgeReport) error {
	prefix := s.k.binding("")
	return s.scanMatch(ctx, s.k.binding("*"), func(keys []string) error {
		for _, k := range keys {
			openid := strings.TrimPrefix(k, prefix)
			known.AddID(openid)
			vals, err := s.rdb.HMGet(ctx, k, "seen", "at").Result()
			if err != nil {
				return fmt.Errorf("purge: binding: %w", err)
			}
			last, _ := vals[0].(string)
			if last == "" {
				at, _ := vals[1].(string)
				if t, err := time.Parse(time.RFC3339, at); err == nil {
					last = orders.Day(t, req.Before.Location())
				}
			}
			if last >= req.Day || active[openid] {
				continue
			}
			if _, err := s.Unbind(ctx, openid); err != nil && !errors.Is(err, orders.ErrNotFound) {
				return fmt.Errorf("purge: %w", err)
			}
			rep.Bindings++
			if !serving[openid] {
				stale.AddID(openid)
				rep.Forgotten = append(rep.Forgotten, openid)
			}
		}
		return nil
	})
}

// purgePeople forgets the office's record (name, phone) of everyone who
// no longer serves; those who are not bound either go from every key.
func (s *Store) purgePeople(ctx context.Context, serving map[string]bool, stale *orders.Erasure, rep *orders.PurgeReport) error {
	people, err := s.People(ctx)
	if err != nil {
		return err
	}
	for id, p := range people {
		if serving[id] {
			continue
		}
		if err := s.rdb.HDel(ctx, s.k.people(), id).Err(); err != nil {
			return fmt.Errorf("purge: people: %w", err)
		}
		rep.People++
		// Someone still bound uses the service: what they do since
		// stays, their name and phone in it too.
		bound, err := s.rdb.Exists(ctx, s.k.binding(id)).Result()
		if err != nil {
			return fmt.Errorf("purge: people: %w", err)
		}
		if bound == 0 {
			stale.Add(orders.Subject{OpenID: id, Phones: []string{p.Phone}, Name: p.Name})
		}
	}
	return nil
}

// purgeRecords blanks rosters, job runs and audit entries from before
// req.Before: rosters typed (phones, notes, volunteers), the rest of every
// id and phone in known.
func (s *Store) purgeRecords(ctx context.Context, req orders.PurgeRequest, known *orders.Erasure, rep *orders.PurgeReport) error {
	var old []string
	err := s.scanMatch(ctx, globEscape(s.k.p)+"roster:*", func(keys []string) error {
		for _, k := range keys {
			slot := k[strings.LastIndexByte(k, ':')+1:]
			if sec, err := strconv.ParseInt(slot, 10, 64); err == nil && time.Unix(sec, 0).Before(req.Before) {
				old = append(old, k)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	n, err := s.rewriteRosters(ctx, old, known.Blank, func(sh *orders.Share, st *orders.Stop) {
		sh.Volunteer, sh.Name = "", ""
		if st != nil {
			st.Contact, st.Note = "", ""
		}
	})
	rep.Rosters += n
	if err != nil {
		return err
	}
	// Records with a time ("at", "started_at"): the items of every list
	// (job runs, the audit log), records of their own (a job run started
	// over the API) and the last run of each job.
	blank := func(v string) (string, bool) {
		var r struct {
			At      time.Time `json:"at"`
			Started time.Time `json:"started_at"`
		}
		if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &r) != nil {
			return v, false
		}
		at := r.At
		if at.IsZero() {
			at = r.Started
		}
		if at.IsZero() || !at.Before(req.Before) {
			return v, false
		}
		return known.Blank(v)
	}
	err = s.scanKeys(ctx, func(keys []string) error {
		types, err := s.keyTypes(ctx, keys)
		if err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		for i, k := range keys {
			var (
				n   int
				err error
			)
			switch types[i] {
			case "list":
				n, err = s.casList(ctx, k, blank)
			case "string":
				var changed bool
				if changed, err = s.casString(ctx, k, blank); changed {
					n = 1
				}
			}
			rep.Records += n
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	n, err = s.casHash(ctx, s.k.jobLast(), blank)
	rep.Records += n
	return err
}

// delAll deletes keys.
func (s *Store) delAll(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for _, k := range keys {
			pl.Del(ctx, k)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	return nil
}

// purgeShortLived removes what short-lived keys keep of activity before
// req.Before: saved answers (their age is read from their TTL; the
// younger ones lose the phones and notes of the purged orders, told),
// recent senders, waiting lists, volunteer applications.
func (s *Store) purgeShortLived(ctx context.Context, req orders.PurgeRequest, told *orders.Erasure, rep *orders.PurgeReport) error {
	replyTTL := s.ReplyTTL
	if replyTTL <= 0 {
		replyTTL = DefaultReplyTTL
	}
	age := req.Now.Sub(req.Before)
	err := s.scanMatch(ctx, s.k.msg("*"), func(keys []string) error {
		for _, k := range keys {
			ttl, err := s.rdb.PTTL(ctx, k).Result()
			if err != nil {
				return fmt.Errorf("purge: answers: %w", err)
			}
			// Saved replyTTL ago less what is left: older than the
			// purge's day when that is more than age.
			if ttl > 0 && replyTTL-ttl > age {
				if err := s.rdb.Del(ctx, k).Err(); err != nil {
					return fmt.Errorf("purge: answers: %w", err)
				}
				rep.Keys++
				continue
			}
			changed, err := s.casString(ctx, k, told.Blank)
			if err != nil {
				return err
			}
			if changed {
				rep.Keys++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cut := func(key string, score int64) error {
		n, err := s.rdb.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(score, 10)).Result()
		if err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		rep.Keys += int(n)
		return nil
	}
	if err := cut(s.k.recent(), req.Before.UnixMicro()); err != nil {
		return err
	}
	if err := s.scanMatch(ctx, s.k.wait("*"), func(keys []string) error {
		for _, k := range keys {
			if err := cut(k, req.Before.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// Binding requests: the index is by expiry, a request lives
	// BindRequestTTL.
	reqs, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: s.k.bindRequests(), ByScore: true, Start: "-inf",
		Stop: "(" + strconv.FormatInt(req.Before.Add(orders.BindRequestTTL).Unix(), 10)}).Result()
	if err != nil {
		return fmt.Errorf("purge: binding requests: %w", err)
	}
	for _, code := range reqs {
		if _, err := s.dropBinding(ctx, code, false); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return err
		}
		s.rdb.ZRem(ctx, s.k.bindRequests(), code)
		rep.Keys++
	}
	codes, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: s.k.applications(), ByScore: true, Start: "-inf",
		Stop: "(" + strconv.FormatInt(req.Before.Unix(), 10)}).Result()
	if err != nil {
		return fmt.Errorf("purge: applications: %w", err)
	}
	for _, code := range codes {
		if err := s.DeleteApplication(ctx, code); err != nil && !errors.Is(err, orders.ErrNotFound) {
			return err
		}
		rep.Keys++
	}
	return nil
}

// scanMatch is scanKeys for the keys matching pattern (a glob over the
// community's keys, already quoted where it must be).
func (s *Store) scanMatch(ctx context.Context, pattern string, fn func([]string) error) error {
	node, err := s.master(ctx, s.k.seq())
	if err != nil {
		return err
	}
	var cursor uint64
	for {
		batch, next, err := node.Scan(ctx, cursor, pattern, scanBatch).Result()
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// casString rewrites string key as change says, compare-and-set, and
// reports whether it changed it.
func (s *Store) casString(ctx context.Context, key string, change func(string) (string, bool)) (bool, error) {
	for range maxTransitionTries {
		v, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("purge %s: %w", key, err)
		}
		nu, ok := change(v)
		if !ok {
			return false, nil
		}
		done, err := scrubScript.Run(ctx, s.rdb, []string{key}, "set", "", v, nu).Int()
		if err != nil {
			return false, fmt.Errorf("purge %s: %w", key, err)
		}
		if done == 1 {
			return true, nil
		}
	}
	return false, fmt.Errorf("purge %s: changed too often: %w", key, orders.ErrConflict)
}

// casList rewrites the items of list key as change says and returns how
// many it changed.
func (s *Store) casList(ctx context.Context, key string, change func(string) (string, bool)) (int, error) {
	items, err := s.rdb.LRange(ctx, key, 0, -1).Result()
	if err != nil {
		return 0, fmt.Errorf("purge %s: %w", key, err)
	}
	n := 0
	for i, v := range items {
		nu, ok := change(v)
		if !ok {
			continue
		}
		// An item pushed meanwhile moves the rest down: look for it
		// a few places on.
		for j := i; j < i+maxTransitionTries; j++ {
			done, err := scrubScript.Run(ctx, s.rdb, []string{key}, "lset", strconv.Itoa(j), v, nu).Int()
			if err != nil {
				return n, fmt.Errorf("purge %s: %w", key, err)
			}
			if done == 1 {
				n++
				break
			}
		}
	}
	return n, nil
}

// casHash rewrites the values of hash key as change says and returns how
// many it changed.
func (s *Store) casHash(ctx context.Context, key string, change func(string) (string, bool)) (int, error) {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return 0, fmt.Errorf("purge %s: %w", key, err)
	}
	n := 0
	for f, v := range m {
		nu, ok := change(v)
		if !ok {
			continue
		}
		done, err := scrubScript.Run(ctx, s.rdb, []string{key}, "hset", f, v, nu).Int()
		if err != nil {
			return n, fmt.Errorf("purge %s: %w", key, err)
		}
		n += done
	}
	return n, nil
}
