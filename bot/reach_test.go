package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/asr"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Reaching people under WeChat's rules, through the real callback, Redis,
// the outbox and the fake WeChat API (which refuses pushes to whoever has
// not written lately): held notices ride on the next reply, voices
// without words reach a person, urgent pages climb to whoever can be
// reached.

// held queues a notice to openid as a job would, and drains the outbox.
func held(t *testing.T, e *env, n orders.Notice) {
	t.Helper()
	ctx := context.Background()
	if err := e.bot.Actions.Outbox.Enqueue(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bot.Missed.(interface {
		Drain(context.Context) (int, error)
	}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestHeldNoticesRideOnTheNextReply: a volunteer who never wrote gets no
// push (WeChat would refuse it); whatever they send next, even 你好, is
// answered with the roster first, then the answer. WeChat's retry of that
// message gets the same reply; the next message does not repeat it.
func TestHeldNoticesRideOnTheNextReply(t *testing.T) {
	e := newEnv(t, nil)
	_, fake := e.withOutbox(t)
	roster := orders.Notice{ID: "roster:G1:1:vol-new", OpenID: "vol-new", Kind: "roster", CreatedAt: e.now,
		Text: "【配送任务】11月24日 13:00 G1网格\n您负责1户：\n1. 3栋2单元501 蔬菜包2份"}
	held(t, e, roster)
	if sent, refused := fake.SentTo("vol-new"), fake.Refusals(); len(sent)+len(refused) != 0 {
		t.Fatalf("a push was tried to someone out of the window: sent %+v refused %+v", sent, refused)
	}

	hello := e.textXML("vol-new", "你好")
	got := e.reply(hello)
	if !strings.HasPrefix(got, textMissedHead(1)) || !strings.Contains(got, roster.Text) || strings.Contains(got, "没看懂") {
		t.Fatalf("你好 from a volunteer with a held roster:\n%s", got)
	}
	if again := e.reply(hello); again != got {
		t.Errorf("WeChat's retry got another reply:\n%s\nfirst:\n%s", again, got)
	}
	if next := e.say("vol-new", "你好"); strings.Contains(next, roster.Text) {
		t.Errorf("the roster was carried twice:\n%s", next)
	}
	// Now they wrote: pushes reach them.
	held(t, e, orders.Notice{ID: "later", OpenID: "vol-new", Kind: "roster", Text: "【配送任务】又一轮"})
	if sent := fake.SentTo("vol-new"); len(sent) != 1 || sent[0].Text != "【配送任务】又一轮" {
		t.Errorf("push after writing: %+v", sent)
	}
}

// unsavedStore is a Store whose SaveReply fails: a reply that cannot be
// saved as the message's answer.
type unsavedStore struct{ Store }

func (unsavedStore) SaveReply(context.Context, string, string, string) error {
	return errors.New("redis timeout")
}

// TestHeldNoticesNotLostWhenTheReplyIsNotSaved: a reply carrying held
// notices that could not be saved is still sent, and the notices stay
// held: the next reply carries them again.
func TestHeldNoticesNotLostWhenTheReplyIsNotSaved(t *testing.T) {
	e := newEnv(t, nil)
	e.withOutbox(t)
	n := orders.Notice{ID: "bind:1", OpenID: "lead-3", Kind: "binding", CreatedAt: e.now, Text: "【绑定申请】有人申请绑定3栋2单元501。"}
	held(t, e, n)
	store := e.bot.Store
	e.bot.Store = unsavedStore{store}
	if got := e.say("lead-3", "帮助"); !strings.Contains(got, n.Text) {
		t.Fatalf("first reply:\n%s", got)
	}
	e.bot.Store = store
	if got := e.say("lead-3", "帮助"); !strings.Contains(got, n.Text) {
		t.Fatalf("the notice was lost with the unsaved reply:\n%s", got)
	}
	if got := e.say("lead-3", "帮助"); strings.Contains(got, n.Text) {
		t.Errorf("carried again after a saved reply:\n%s", got)
	}
}

// TestManyHeldNoticesFitTheReply: more held notices than a reply holds:
// the newest that fit come first, the answer whole after them, a link to
// the rest; the rest come on the next reply.
func TestManyHeldNoticesFitTheReply(t *testing.T) {
	e := newEnv(t, nil)
	e.withOutbox(t)
	for i := range 12 {
		held(t, e, orders.Notice{ID: fmt.Sprintf("n%02d", i), OpenID: "sm-boss", Kind: "picklist", CreatedAt: e.now.Add(time.Duration(i) * time.Minute),
			Text: fmt.Sprintf("【备货单%02d】", i) + strings.Repeat("蔬菜包2份、鸡蛋1盒；", 12)})
	}
	got := e.say("sm-boss", "帮助")
	if len(got) > 2048 {
		t.Fatalf("reply of %d bytes", len(got))
	}
	if !strings.HasSuffix(got, textHelp(e.bot.Community.Name)) || !strings.Contains(got, "【备货单11】") || strings.Contains(got, "【备货单00】") ||
		!strings.Contains(got, "https://bg.example/n/sm-boss") {
		t.Fatalf("reply:\n%s", got)
	}
	if i, j := strings.Index(got, "【备货单10】"), strings.Index(got, "【备货单11】"); i < 0 || i > j {
		t.Errorf("newest last:\n%s", got)
	}
	shown := strings.Count(got, "【备货单")
	next := e.say("sm-boss", "帮助")
	if !strings.Contains(next, fmt.Sprintf("【备货单%02d】", 11-shown)) {
		t.Errorf("the next reply lacks the next held notice:\n%s", next)
	}
}

// voice sends a voice message with mediaID and what WeChat recognised.
func (e *env) voiceWith(user, mediaID, recognition string) string {
	e.t.Helper()
	return e.reply(wxsign.VoiceXML(officialID, user, mediaID, recognition, e.msgID.Add(1), time.Now()))
}

// TestVoiceWithoutWordsReachesTheLead: WeChat recognised nothing and no
// speech-to-text service is set: the voice is kept and forwarded to the
// building's lead as a voice message, after a text naming the household
// and the line that orders for it; the elder hears who will listen.
func TestVoiceWithoutWordsReachesTheLead(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	ctx := context.Background()
	e.wrote("lead-3")
	e.say("grandpa", "绑定 3栋2单元501")
	got := e.voiceWith("grandpa", "media-v1", "")
	if want := textVoicePassedOn(orders.Address{Building: "3", Unit: "2", Room: "501"}, actions.VoiceResult{To: actions.VoiceLead, Reached: true}); got != want {
		t.Fatalf("elder told:\n%s\nwant:\n%s", got, want)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo("lead-3")
	if len(sent) != 2 || !strings.Contains(sent[0].Text, "3栋2单元501的住户发来一段语音") || !strings.Contains(sent[0].Text, "3-2-501 蔬菜包1份") {
		t.Fatalf("lead got %+v", sent)
	}
	said, _ := fake.Media("media-v1")
	if heard, ok := fake.Media(sent[1].MediaID); sent[1].Kind != "custom" || !ok || string(heard) != string(said) {
		t.Fatalf("the voice forwarded is not the elder's: %+v", sent[1])
	}
	// The voice is kept by baogong behind the link in the text.
	key := actions.VoiceKey("grandpa", Request{OpenID: "grandpa", MsgType: "voice", MsgID: e.msgID.Load()}.DedupeKey())
	if kept, _, err := e.store.Media(ctx, key); err != nil || string(kept) != string(said) || !strings.Contains(sent[0].Text, "/m/"+key) {
		t.Errorf("kept voice: %v", err)
	}
	// The lead orders with the line the text gave.
	if got := e.say("lead-3", "3-2-501 蔬菜包1份"); !strings.Contains(got, "新下单1户") {
		t.Errorf("the lead's line: %s", got)
	}
}

// TestVoiceWithoutWordsNobodyReachable: a lead who never wrote cannot be
// pushed to: the voice waits for the lead's next message, and the elder
// is told so honestly. No lead at all: the grid's volunteers.
func TestVoiceWithoutWordsNobodyReachable(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	e.say("grandma", "绑定 3栋1单元101")
	got := e.voiceWith("grandma", "media-v2", "")
	if want := textVoicePassedOn(orders.Address{Building: "3"}, actions.VoiceResult{To: actions.VoiceLead}); got != want {
		t.Fatalf("elder told:\n%s", got)
	}
	ob.Drain(context.Background())
	if len(fake.SentTo("lead-3")) != 0 {
		t.Fatal("pushed to a lead out of the window")
	}
	if next := e.say("lead-3", "汇总"); !strings.Contains(next, "3栋1单元101的住户发来一段语音") || !strings.Contains(next, "https://bg.example/m/voice:") {
		t.Errorf("the lead's next reply:\n%s", next)
	}

	// Building 5 has no lead: G1's volunteers hear it.
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a"}
	e.wrote("vol-a")
	e.say("li", "绑定 5栋1单元302")
	if got := e.voiceWith("li", "media-v3", ""); !strings.Contains(got, "转给本网格的志愿者") {
		t.Errorf("no lead: %s", got)
	}
}

// TestVoiceThatCannotBeFetched: a voice WeChat no longer has (or one too
// large) is told plainly, and nothing is passed on.
func TestVoiceThatCannotBeFetched(t *testing.T) {
	e := newEnv(t, nil)
	_, fake := e.withOutbox(t)
	e.say("grandpa", "绑定 3栋2单元501")
	body := wxsign.VoiceXML(officialID, "grandpa", "media-gone", "", e.msgID.Add(1), time.Now())
	fake.Hear(body)
	fake.ExpireMedia("media-gone")
	if got := e.reply(body); got != textVoiceNotReceived {
		t.Errorf("expired voice: %q", got)
	}
	fake.AddMedia("media-big", "audio/amr", make([]byte, maxVoice+1))
	if got := e.voiceWith("grandpa", "media-big", ""); got != textVoiceNotReceived {
		t.Errorf("voice too large: %q", got)
	}
}

// TestVoiceTranscribedBySpeechToText: with a speech-to-text service (a fake
// of the OpenAI-compatible API here), a voice without WeChat's words is
// transcribed and read like a recognised one.
func TestVoiceTranscribedBySpeechToText(t *testing.T) {
	e := newEnv(t, nil)
	_, fake := e.withOutbox(t)
	heard := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if err != nil || r.URL.Path != "/v1/audio/transcriptions" {
			http.Error(w, "bad", 400)
			return
		}
		audio, _ := io.ReadAll(f)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"text":%q}`, heard[string(audio)])
	}))
	defer srv.Close()
	e.bot.ASR = &asr.Client{URL: srv.URL}
	e.say("grandpa", "绑定 3栋2单元501")
	body := wxsign.VoiceXML(officialID, "grandpa", "media-asr", "", e.msgID.Add(1), time.Now())
	fake.Hear(body)
	audio, _ := fake.Media("media-asr")
	heard[string(audio)] = "我要鸡蛋一盒。"
	got := e.reply(body)
	if !strings.HasPrefix(got, textHeard("我要鸡蛋一盒")) || !strings.Contains(got, "下单成功") {
		t.Errorf("transcribed voice:\n%s", got)
	}
	// Silence: passed on to a person instead.
	body = wxsign.VoiceXML(officialID, "grandpa", "media-asr-2", "", e.msgID.Add(1), time.Now())
	fake.Hear(body)
	if got := e.reply(body); !strings.Contains(got, "您的语音已经转给") {
		t.Errorf("silence:\n%s", got)
	}
}

// TestUrgentClimbsToWhoeverCanBeReached: the volunteers cannot be
// reached: the lead is paged and the resident told so; nobody can: the
// page waits for everyone's next message and the resident is told to
// phone.
func TestUrgentClimbsToWhoeverCanBeReached(t *testing.T) {
	e := newEnv(t, nil)
	ob, fake := e.withOutbox(t)
	ctx := context.Background()
	e.bot.Community.Grids[0].Volunteers = []string{"vol-x", "vol-y"}
	e.bot.Community.Admins = []string{"admin-1"}
	e.say("zhang", "绑定 3栋2单元501")

	// Nobody wrote: held for all, and the resident hears it plainly.
	got := e.say("zhang", "急 布洛芬1盒")
	o := e.newest(t, "3-2-501")
	if got != textUrgentPlaced(o, urgent.Held) {
		t.Fatalf("nobody reachable:\n%s", got)
	}
	ob.Drain(ctx)
	if len(fake.Sent()) != 0 {
		t.Fatalf("pushed to people out of reach: %+v", fake.Sent())
	}
	if next := e.say("vol-x", "你好"); !strings.Contains(next, "领取 "+o.ID) {
		t.Errorf("the volunteer's next reply lacks the page:\n%s", next)
	}

	// Only the lead wrote: the lead is paged.
	e.say("zhang", "取消 "+o.ID)
	e.wrote("lead-3")
	ob.Drain(ctx)
	fake.Reset()
	e.bot.Community.Grids[0].Volunteers = []string{"vol-z"}
	got = e.say("zhang", "急 布洛芬1盒")
	o = e.newest(t, "3-2-501")
	if got != textUrgentPlaced(o, urgent.Lead) {
		t.Fatalf("lead reachable:\n%s", got)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("lead-3"); len(sent) != 1 || !strings.Contains(sent[0].Text, "领取 "+o.ID) {
		t.Errorf("lead paged: %+v", sent)
	}
}
