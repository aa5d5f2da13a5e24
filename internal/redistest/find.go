package redistest

import (
	"context"
	"fmt"
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
