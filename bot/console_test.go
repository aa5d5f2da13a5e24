package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeSignIn struct{ asked []string }

func (f *fakeSignIn) SignInLink(_ context.Context, openid string) (string, error) {
	f.asked = append(f.asked, openid)
	return "https://bg.test/admin/signin?t=" + openid, nil
}

// TestConsoleLinkOnlyForStaff: 登录 and 后台 give staff a link; anyone
// else, a lead included, gets a polite answer and no link.
func TestConsoleLinkOnlyForStaff(t *testing.T) {
	e := newEnv(t, nil)
	signIn := &fakeSignIn{}
	e.bot.SignIn = signIn
	e.bot.Community.Admins = []string{"staff-1"}
	for _, word := range []string{"登录", "后台", "登陆"} {
		if got := e.say("staff-1", word); !strings.Contains(got, "https://bg.test/admin/signin?t=staff-1") || !strings.Contains(got, "10分钟") {
			t.Errorf("staff %s: %q", word, got)
		}
	}
	for _, who := range []string{"resident-1", "lead-3"} {
		if got := e.say(who, "登录"); got != textConsoleStaffOnly {
			t.Errorf("%s: %q", who, got)
		}
	}
	if len(signIn.asked) != 3 {
		t.Errorf("links made for %v", signIn.asked)
	}
}

// TestObserveNamesIntentAndOutcome: every message is counted with the
// command that handled it; a WeChat retry is a repeat.
func TestObserveNamesIntentAndOutcome(t *testing.T) {
	e := newEnv(t, nil)
	var mu sync.Mutex
	seen := map[string]int{}
	e.bot.Observe = func(intent, outcome string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		seen[intent+"/"+outcome]++
		if d <= 0 {
			t.Errorf("%s took %v", intent, d)
		}
	}
	e.say("u1", "帮助")
	e.say("u1", "绑定 3栋2单元501")
	retry := e.textXML("u1", "蔬菜包1份")
	e.reply(retry)
	e.reply(retry)
	e.say("lead-3", "#接龙\n1. 3-2-502 蔬菜包1份")
	e.reply([]byte(`<xml><ToUserName>gh</ToUserName><FromUserName>u2</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`))
	for _, want := range []string{"help/ok", "bind/ok", "order/ok", "repeat/ok", "paste/ok", "event:subscribe/ok"} {
		if seen[want] != 1 {
			t.Errorf("%s seen %d times; all: %v", want, seen[want], seen)
		}
	}
}
