package actions_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

type nopOutbox struct{}

func (nopOutbox) Enqueue(context.Context, ...orders.Notice) error { return nil }

// eraseService is one community's actions over miniredis (whose clock
// moves on at will), with a resident bound at 3-2-501.
func eraseService(t *testing.T) (*miniredis.Miniredis, *actions.Service, *redisstore.Store, actions.Actor) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	cat, err := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(rdb, "c1", cat)
	c := &orders.Community{ID: "c1", Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}}}}
	s := &actions.Service{Community: c, Catalog: cat, Location: time.UTC, Orders: store, Households: store, People: store,
		Stock: store, Supply: store, Marks: store, Outbox: nopOutbox{}, Privacy: store, Purger: store,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	actions.NewAccount(redisstore.NewDirectory(rdb, "acct"), s)
	home := orders.Binding{OpenID: "o-1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: time.Now()}
	if _, err := store.Bind(context.Background(), home, false); err != nil {
		t.Fatal(err)
	}
	return mr, s, store, actions.Actor{OpenID: "o-1", Door: actions.Bot, Home: &home}
}

// TestEraseWindow: 确认删除 counts only within ten minutes of its
// 删除我的信息 (miniredis: its clock moves on at will), and erases
// nothing after.
func TestEraseWindow(t *testing.T) {
	ctx := context.Background()
	mr, s, store, a := eraseService(t)

	if _, err := s.Erase(ctx, a); !errors.Is(err, actions.ErrNoErasure) {
		t.Fatalf("确认删除 unasked: %v", err)
	}
	if _, err := s.AskErase(ctx, a); err != nil {
		t.Fatal(err)
	}
	mr.FastForward(actions.EraseWindow + time.Second)
	if _, err := s.Erase(ctx, a); !errors.Is(err, actions.ErrNoErasure) {
		t.Fatalf("确认删除 after the window: %v", err)
	}
	if _, err := store.Binding(ctx, "o-1"); err != nil {
		t.Fatalf("erased after the window: %v", err)
	}
	if _, err := s.AskErase(ctx, a); err != nil {
		t.Fatal(err)
	}
	mr.FastForward(actions.EraseWindow - time.Minute)
	plan, err := s.Erase(ctx, a)
	if err != nil || !plan.Bound {
		t.Fatalf("确认删除 in time: %+v %v", plan, err)
	}
	if _, err := store.Binding(ctx, "o-1"); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("still bound: %v", err)
	}
}

// TestEraseWaitsForJobs: an erasure waits for a running job (a roster
// must not copy a phone it takes away) and, when that outlasts the
// message, goes on after the answer and finishes.
func TestEraseWaitsForJobs(t *testing.T) {
	ctx := context.Background()
	_, s, store, a := eraseService(t)
	if _, err := s.AskErase(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A roster is running.
	if ok, err := store.EnterJob(ctx, "roster:1", time.Now().Add(time.Minute)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	mctx, cancel := context.WithTimeout(ctx, 2*time.Second) // the message's time
	defer cancel()
	plan, err := s.Erase(mctx, a)
	if err != nil || !plan.Going {
		t.Fatalf("erase while a job runs: %+v %v, want it going on after the answer", plan, err)
	}
	if _, err := store.Binding(ctx, "o-1"); err != nil {
		t.Fatalf("erased while the job ran: %v", err)
	}
	if plan, err := s.Erase(ctx, a); err != nil || !plan.Going {
		t.Errorf("确认删除 again meanwhile: %+v %v, want told it is going", plan, err)
	}
	store.LeaveJob(ctx, "roster:1")
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := store.Binding(ctx, "o-1"); errors.Is(err, orders.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the erasure did not finish after the job")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if going, _ := store.Erasing(ctx, "o-1"); !going {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the erasure's record stayed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := s.Erase(ctx, a); !errors.Is(err, actions.ErrNoErasure) {
		t.Errorf("after it finished: %v", err)
	}
}
