package jobs

import (
	"strconv"
	"strings"

	"github.com/baogong/baogong/orders"
)

// SendFailure says in staff's words why a notice could not be sent, and
// what to do, from its LastError: the sender's error text, which carries
// WeChat's errcode ("permanent failure: customer msg send error :
// errcode=43004, errmsg=require subscribe…"). The code stays in brackets
// for whoever asks WeChat or the developers; the English never reaches a
// page. The words are in messages.go.
func SendFailure(lastError string) string {
	if lastError == "" {
		return ""
	}
	low := strings.ToLower(lastError)
	code, ok := orders.WeChatCode(lastError)
	// Getting the account's token failed: nothing was sent, and unless
	// the network is at fault no retry helps until the account's
	// settings are right.
	token := strings.HasPrefix(low, "access token")
	switch {
	case ok && token:
		return textFailSetup + "（错误" + strconv.FormatInt(code, 10) + "）"
	case ok:
		why := failureWords[code]
		if why == "" {
			why = textFailWeChat
		}
		return why + "（错误" + strconv.FormatInt(code, 10) + "）"
	case strings.HasPrefix(low, "undecodable"):
		return textFailBroken
	case strings.Contains(low, "timeout"), strings.Contains(low, "deadline exceeded"),
		strings.Contains(low, "connection refused"), strings.Contains(low, "no such host"),
		strings.Contains(low, "connection reset"), strings.Contains(low, "eof"):
		return textFailNetwork
	case token:
		return textFailSetup
	}
	return textFailOther
}
