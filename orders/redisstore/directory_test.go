package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestDirectory(t *testing.T) {
	for name, rdb := range map[string]redis.UniversalClient{"server": redistest.Client(t), "cluster": clusterClient(t)} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := redisstore.NewDirectory(rdb, redistest.Community(t))
			if c, err := d.Community(ctx, "u1"); err != nil || c != "" {
				t.Fatalf("nobody: %q %v", c, err)
			}
			if c, err := d.JoinCommunity(ctx, "u1", "c1"); err != nil || c != "c1" {
				t.Fatalf("join: %q %v", c, err)
			}
			// Joining does not move a user who belongs somewhere.
			if c, err := d.JoinCommunity(ctx, "u1", "c2"); err != nil || c != "c1" {
				t.Errorf("join again: %q %v", c, err)
			}
			if prev, err := d.SetCommunity(ctx, "u1", "c2"); err != nil || prev != "c1" {
				t.Errorf("move: prev %q %v", prev, err)
			}
			// Forgetting c1 leaves the move to c2 alone.
			if err := d.ForgetCommunity(ctx, "u1", "c1"); err != nil {
				t.Fatal(err)
			}
			if c, _ := d.Community(ctx, "u1"); c != "c2" {
				t.Errorf("after forgetting c1: %q", c)
			}
			if err := d.ForgetCommunity(ctx, "u1", "c2"); err != nil {
				t.Fatal(err)
			}
			if c, _ := d.Community(ctx, "u1"); c != "" {
				t.Errorf("after forgetting c2: %q", c)
			}

			if _, err := d.Choice(ctx, "u1"); !errors.Is(err, orders.ErrNotFound) {
				t.Errorf("no choice: %v", err)
			}
			want := orders.BindChoice{Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Communities: []string{"c1", "c2"}}
			if err := d.SaveChoice(ctx, "u1", want, time.Minute); err != nil {
				t.Fatal(err)
			}
			if got, err := d.Choice(ctx, "u1"); err != nil || got.Address != want.Address || len(got.Communities) != 2 {
				t.Errorf("choice: %+v %v", got, err)
			}
		})
	}
}
