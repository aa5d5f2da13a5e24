package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// fault decides what happens to the order-placing script: the command
// reaches Redis or not, and its answer reaches us or not, as when a
// connection breaks or Redis stalls past the read timeout.
type fault int32

const (
	noFault fault = iota
	// ranAnswerLost: Redis ran the script; the answer never came back.
	ranAnswerLost
	// neverRan: the script never reached Redis.
	neverRan
	// ranLate: the script reached Redis only after we gave up on it.
	ranLate
)

type faultHook struct {
	mode fault
	once atomic.Bool
	late sync.WaitGroup
}

var errLostAnswer = errors.New("i/o timeout (injected)")

func (h *faultHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *faultHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		args := cmd.Args()
		isPlace := len(args) > 3 && strings.HasPrefix(cmd.Name(), "eval") && strings.Contains(args[3].(string), ":req:wx:")
		if !isPlace || h.once.Load() {
			return next(ctx, cmd)
		}
		h.once.Store(true)
		switch h.mode {
		case ranAnswerLost:
			next(ctx, cmd)
			cmd.SetErr(errLostAnswer)
			return errLostAnswer
		case neverRan:
			cmd.SetErr(errLostAnswer)
			return errLostAnswer
		case ranLate:
			h.late.Add(1)
			go func() {
				defer h.late.Done()
				time.Sleep(300 * time.Millisecond)
				next(context.Background(), cmd)
			}()
			cmd.SetErr(errLostAnswer)
			return errLostAnswer
		}
		return next(ctx, cmd)
	}
}

func (h *faultHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// placeFaults are the fates of an order-placing script a test decides,
// and whether the order is placed in each.
var placeFaults = []struct {
	name   string
	mode   fault
	placed bool
}{
	{"script ran, answer lost", ranAnswerLost, true},
	{"script never ran", neverRan, false},
	{"script ran after we gave up", ranLate, false},
}

// TestAnswerIsTrueWhenTheWriteIsLost places an order whose script's fate
// we decide, and checks the resident's answer against what Redis holds:
// a reply with an order number has exactly that order; a reply without one
// has none, even when the script reaches Redis after we answered; and the
// resident's next message leaves exactly one order either way.
func TestAnswerIsTrueWhenTheWriteIsLost(t *testing.T) {
	for _, tc := range placeFaults {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			u := "fault-" + strings.ReplaceAll(tc.name, " ", "-")
			e.say(u, "绑定 3栋2单元501")
			// Load the scripts first: a lost EVALSHA would otherwise
			// never fall back to EVAL.
			e.say("warm-up", "绑定 5栋1单元101")
			e.say("warm-up", "蔬菜包1份")
			hook := &faultHook{mode: tc.mode}
			e.rdb.AddHook(hook)
			msg := e.textXML(u, "鸡蛋1盒")
			got := e.reply(msg)
			hook.late.Wait()
			list, err := e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.placed && (len(list) != 1 || !strings.Contains(got, "订单号 "+list[0].ID)):
				t.Fatalf("reply %q, orders %d: want the one order placed", got, len(list))
			case !tc.placed && (len(list) != 0 || got != textBusy):
				t.Fatalf("reply %q, orders %d: want %q and none", got, len(list), textBusy)
			}
			if tc.placed {
				// WeChat's retry of the same message gets the same
				// answer and changes nothing.
				if again := e.reply(msg); again != got {
					t.Errorf("retry answered %q, first %q", again, got)
				}
			} else {
				// Told nothing happened, the resident sends it again.
				if again := e.say(u, "鸡蛋1盒"); !strings.HasPrefix(again, "下单成功") {
					t.Fatalf("sent again: %q", again)
				}
			}
			list, _ = e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
			if len(list) != 1 {
				t.Errorf("%d orders in the end, want exactly 1", len(list))
			}
		})
	}
}
