package bot

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/baogong/baogong/wechat"
)

// consoleWords ask for a link into the community console (管理后台).
var consoleWords = []string{"登录后台", "登录", "登陆", "后台", "管理后台"}

// SignIn makes the one-time links that sign staff into the community
// console (package console implements it).
type SignIn interface {
	// SignInLink returns a link that signs openid in once, for a short
	// while.
	SignInLink(ctx context.Context, openid string) (string, error)
}

// consoleLink answers 登录 / 后台: a one-time link for community staff
// (community.admins); anyone else is told politely that it is for staff.
func (b *Bot) consoleLink(ctx context.Context, m *Message, _ string) (string, error) {
	if !m.Staff || b.SignIn == nil {
		return textConsoleStaffOnly, nil
	}
	link, err := b.SignIn.SignInLink(ctx, m.OpenID)
	if err != nil {
		return "", err
	}
	return textConsoleLink(link), nil
}

// intentNames are the metric names of the commands, by their first word.
var intentNames = map[string]string{
	helpWords[0]: "help", catalogWords[0]: "catalog", bindWords[0]: "bind", listWords[0]: "my_orders",
	receivedWords[0]: "received", reviewWords[0]: "review", claimWords[0]: "claim", tasksWords[0]: "tasks",
	doneWords[0]: "done", signUpWords[0]: "sign_up", approveWords[0]: "approve_volunteer", readyWords[0]: "ready",
	unmarkWords[0]: "unmark", markWords[0]: "mark", cancelWords[0]: "cancel", deliverWords[0]: "deliver",
	summaryWords[0]: "summary", consoleWords[0]: "console",
}

// name is the command's intent as metrics count it: its first word's
// name, or its handler's name for commands matched by a function (paste,
// order).
func (c *cmd) name() string {
	if len(c.words) > 0 {
		if n, ok := intentNames[c.words[0]]; ok {
			return n
		}
		return c.words[0]
	}
	fn := runtime.FuncForPC(reflect.ValueOf(c.run).Pointer()).Name()
	return strings.TrimSuffix(fn[strings.LastIndexByte(fn, '.')+1:], "-fm")
}

// observe tells Observe how a message went: its intent (the command, an
// event, a photo; "repeat" for a retry answered from the saved reply) and
// its outcome (ok, busy, maybe, partly, silent).
func (b *Bot) observe(m *Message, start time.Time, reply *string) {
	if b.Observe == nil || *reply == wechat.Forged {
		return // a forged body is refused, not a message answered
	}
	intent := m.intent
	outcome := "ok"
	switch *reply {
	case textBusy:
		outcome = "busy"
	case textMaybe:
		outcome = "maybe"
	case textPartly:
		outcome = "partly"
	case "":
		outcome = "silent"
	}
	switch {
	case intent != "":
	case m.MsgType == "event":
		intent = "event:" + strings.ToLower(m.Event)
	case m.MsgType == "image":
		intent = "photo"
	case m.MsgType == "text" && outcome == "ok":
		intent = "repeat"
	default:
		intent = m.MsgType
	}
	b.Observe(intent, outcome, time.Since(start))
}
