package redistest

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Holding returns where, in every key of rdb's database, any of needles
// appears: in a key's name, a string, a hash field or value, a set or
// sorted-set member, a list item or a stream entry. A test of erasure
// calls it to see that nothing of a person is left anywhere, whatever
// key a later change adds.
func Holding(ctx context.Context, rdb *redis.Client, needles ...string) ([]string, error) {
	var found []string
	check := func(key, where, s string) {
		for _, n := range needles {
			if n != "" && strings.Contains(s, n) {
				found = append(found, fmt.Sprintf("%s %s holds %q", key, where, n))
			}
		}
	}
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		check(k, "(name)", k)
		typ, err := rdb.Type(ctx, k).Result()
		if err != nil {
			return nil, err
		}
		switch typ {
		case "string":
			v, err := rdb.Get(ctx, k).Result()
			if err != nil && err != redis.Nil {
				return nil, err
			}
			check(k, "value", v)
		case "hash":
			m, err := rdb.HGetAll(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			for f, v := range m {
				check(k, "field "+f, f+"\x00"+v)
			}
		case "set":
			ms, err := rdb.SMembers(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			check(k, "members", strings.Join(ms, "\x00"))
		case "zset":
			ms, err := rdb.ZRange(ctx, k, 0, -1).Result()
			if err != nil {
				return nil, err
			}
			check(k, "members", strings.Join(ms, "\x00"))
		case "list":
			items, err := rdb.LRange(ctx, k, 0, -1).Result()
			if err != nil {
				return nil, err
			}
			check(k, "items", strings.Join(items, "\x00"))
		case "stream":
			xs, err := rdb.XRange(ctx, k, "-", "+").Result()
			if err != nil {
				return nil, err
			}
			for _, x := range xs {
				check(k, "entry "+x.ID, fmt.Sprint(x.Values))
			}
		case "none":
		default:
			found = append(found, fmt.Sprintf("%s: a %s, not read", k, typ))
		}
	}
	return found, iter.Err()
}

// HoldingWords is Holding for ids: each of words is found only as a
// whole word of [A-Za-z0-9_-] (o-res-1 is not in o-res-10).
func HoldingWords(ctx context.Context, rdb *redis.Client, words ...string) ([]string, error) {
	found, err := Holding(ctx, rdb, words...)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range found {
		for _, w := range words {
			if strings.HasSuffix(f, fmt.Sprintf("holds %q", w)) && wordIn(ctx, rdb, f, w) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// wordIn reads again the key a Holding line names and reports whether w
// is in it as a whole word.
func wordIn(ctx context.Context, rdb *redis.Client, line, w string) bool {
	key := line[:strings.IndexByte(line, ' ')]
	re := regexp.MustCompile(`(^|[^A-Za-z0-9_-])` + regexp.QuoteMeta(w) + `($|[^A-Za-z0-9_-])`)
	if re.MatchString(key) {
		return true
	}
	vals, err := values(ctx, rdb, key)
	if err != nil {
		return true // unreadable: say found, never hide a leftover
	}
	for _, v := range vals {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

// values are every string a key holds.
func values(ctx context.Context, rdb *redis.Client, key string) ([]string, error) {
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	switch typ {
	case "string":
		v, err := rdb.Get(ctx, key).Result()
		return []string{v}, err
	case "hash":
		m, err := rdb.HGetAll(ctx, key).Result()
		var out []string
		for f, v := range m {
			out = append(out, f, v)
		}
		return out, err
	case "set":
		return rdb.SMembers(ctx, key).Result()
	case "zset":
		return rdb.ZRange(ctx, key, 0, -1).Result()
	case "list":
		return rdb.LRange(ctx, key, 0, -1).Result()
	}
	return nil, nil
}
