package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// Media baogong keeps (issue 19): what people send expires at WeChat after
// three days, so voices passed to a person and photos of prescriptions are
// downloaded when they arrive and kept here, in the system of record that
// every replica reads (a file on one replica's disk would be missing on
// the others), each under bg:{c}:media:<key>, a hash {type, data}, for a
// bounded time: the caller's ttl. Sizes are bounded by the caller (the
// bot's download limits); a prescription photo is removed with its order's
// data (DeleteMedia).

func (k keys) media(key string) string { return k.p + "media:" + key }

// mediaViewer is the key naming the one device that may open media key
// for viewer (a pseudonym).
func (k keys) mediaViewer(key, viewer string) string {
	return k.p + "media-viewer:" + key + ":" + viewer
}

// ClaimMediaView gives the viewing of media key by viewer (a pseudonym) to
// device (a digest of a browser's token), for ttl: the first device to ask
// gets it (true), and later only that device does. A link forwarded after
// its viewer opened it then shows nothing to whoever it reached.
func (s *Store) ClaimMediaView(ctx context.Context, key, viewer, device string, ttl time.Duration) (bool, error) {
	k := s.k.mediaViewer(key, viewer)
	set, err := s.rdb.SetNX(ctx, k, device, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("claim media view: %w", err)
	}
	if set {
		return true, nil
	}
	// Never changed once set: the holder read now is the one that won.
	holder, err := s.rdb.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil // expired just now: ask again with a new link
	}
	if err != nil {
		return false, fmt.Errorf("claim media view: %w", err)
	}
	return holder == device, nil
}

// SaveMedia keeps data (of contentType) under key for ttl, replacing what
// was there (saving the same message's media again is harmless).
func (s *Store) SaveMedia(ctx context.Context, key, contentType string, data []byte, ttl time.Duration) error {
	k := s.k.media(key)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "type", contentType, "data", data)
		p.Expire(ctx, k, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save media: %w", err)
	}
	return nil
}

// Media returns the data and content type kept under key
// (orders.ErrNotFound once it expired or was deleted).
func (s *Store) Media(ctx context.Context, key string) ([]byte, string, error) {
	v, err := s.rdb.HMGet(ctx, s.k.media(key), "type", "data").Result()
	if err != nil {
		return nil, "", fmt.Errorf("media: %w", err)
	}
	ct, _ := v[0].(string)
	data, ok := v[1].(string)
	if !ok {
		return nil, "", fmt.Errorf("media %s: %w", key, orders.ErrNotFound)
	}
	return []byte(data), ct, nil
}

// DeleteMedia forgets the media kept under keys; unknown keys are fine.
func (s *Store) DeleteMedia(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = s.k.media(k)
	}
	// One key at a time: a cluster refuses a DEL across slots, and each
	// key here is in the community's slot anyway.
	for _, k := range ks {
		if err := s.rdb.Del(ctx, k).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("delete media: %w", err)
		}
	}
	return nil
}

// Community is the id of the community whose keys the store holds (the
// outbox of the same community shares its people's windows, see package
// outbox).
func (s *Store) Community() string { return s.k.id }
